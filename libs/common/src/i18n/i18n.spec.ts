import { readFileSync } from 'node:fs';
import { execSync } from 'node:child_process';
import { join } from 'node:path';
import * as ts from 'typescript';
import { ErrorCode } from '../errors/error-codes';
import i18next from 'i18next';
import { formatDateTime, hasTranslation, languageFromHeader, LANGUAGES, LOCALES, Msg, translate, translator } from './i18n';

/** Every key of a nested translation object, dotted. */
function keysOf(value: object, prefix = ''): string[] {
  return Object.entries(value).flatMap(([k, v]) =>
    v && typeof v === 'object' ? keysOf(v as object, `${prefix}${k}.`) : [`${prefix}${k}`],
  );
}

describe('translations', () => {
  it('have the same keys in every language', () => {
    const [first, ...rest] = LANGUAGES;
    const expected = keysOf(LOCALES[first]).sort();
    for (const lang of rest) {
      const actual = keysOf(LOCALES[lang]).sort();
      expect({ lang, missing: expected.filter((k) => !actual.includes(k)) }).toEqual({ lang, missing: [] });
      expect({ lang, extra: actual.filter((k) => !expected.includes(k)) }).toEqual({ lang, extra: [] });
    }
  });

  // vi.json/en.json: every page; staff.vi.json/staff.en.json: the staff pages' own, loaded with their chunk.
  it.each(['', 'staff.', 'after.'])(
    "have the same keys and placeholders in the portal's languages (apps/portal/src/locales/%svi.json)",
    (prefix) => {
      const dir = join(__dirname, '../../../../apps/portal/src/locales');
      const vi = JSON.parse(readFileSync(join(dir, `${prefix}vi.json`), 'utf8')) as object;
      const en = JSON.parse(readFileSync(join(dir, `${prefix}en.json`), 'utf8')) as object;
      expect(keysOf(en).sort()).toEqual(keysOf(vi).sort());
      const lookup = (obj: object, key: string) =>
        key.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], obj) as string;
      const placeholders = (text: string) => [...text.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();
      for (const key of keysOf(vi)) {
        expect({ key, en: placeholders(lookup(en, key)) }).toEqual({ key, en: placeholders(lookup(vi, key)) });
      }
    },
  );

  it('give every error code a message in every language', () => {
    for (const lang of LANGUAGES) {
      const missing = Object.values(ErrorCode).filter((code) => !hasTranslation(lang, `errors.${code}`));
      expect({ lang, missing }).toEqual({ lang, missing: [] });
    }
  });

  it('use the same placeholders in every language', () => {
    const placeholders = (text: string) => [...text.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();
    const lookup = (obj: object, key: string) =>
      key.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], obj) as string;
    for (const key of keysOf(LOCALES.vi)) {
      expect({ key, en: placeholders(lookup(LOCALES.en, key)) }).toEqual({ key, en: placeholders(lookup(LOCALES.vi, key)) });
    }
  });

  it('render every text exactly as i18next does, values, contexts and fallbacks included', async () => {
    // translator() fills in templates i18next rendered once; an i18next of its own is the oracle.
    const oracle = i18next.createInstance();
    await oracle.init({
      resources: { vi: { translation: LOCALES.vi }, en: { translation: LOCALES.en } },
      fallbackLng: 'vi',
      interpolation: { escapeValue: false },
      showSupportNotice: false,
    });
    const lookup = (obj: object, key: string) =>
      key.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], obj) as string;
    const all = new Set(keysOf(LOCALES.vi));
    let compared = 0;
    for (const lang of LANGUAGES) {
      for (const key of all) {
        const names = [...lookup(LOCALES.vi, key).matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]!);
        const params = Object.fromEntries(names.map((n, i) => [n, i % 2 ? `«${n}» $t(x)` : 1000 + i]));
        const context = /^(.*)_([A-Za-z]+)$/.exec(key);
        const cases: [string, Record<string, unknown>][] = [[key, params]];
        if (context && all.has(context[1]!)) cases.push([context[1]!, { ...params, context: context[2] }]);
        for (const [k, p] of cases) {
          const expected: string = oracle.t(k, { lng: lang, ...p });
          expect({ lang, key: k, text: translator(lang, p as never)(k) }).toEqual({ lang, key: k, text: expected });
          // Twice: the second call is the remembered template.
          expect(translator(lang, p as never)(k)).toBe(expected);
          compared++;
        }
      }
    }
    expect(compared).toBeGreaterThan(500);
    // A value that looks like a placeholder comes out as it is, in every place (i18next itself
    // re-reads such a value and leaves the next placeholder unfilled).
    const boundaries = translator('vi', { date: '{{date}}' })('methodology.sections.boundaries.body.p1');
    expect(boundaries).toBe(lookup(LOCALES.vi, 'methodology.sections.boundaries.body.p1'));
    // A missing value stays as i18next leaves it; a nested message and a plural go through i18next.
    expect(translate('en', 'errors.PROBLEM_NOT_FOUND', { unused: 'x' })).toBe('No such problem.');
    expect(translate('vi', 'errors.PROBLEM_NOT_FOUND', { count: 2 })).toBe('Không tìm thấy bài toán này.');
    expect(translator('en', { status: new Msg('errors.PROBLEM_NOT_FOUND') })('errors.PROBLEM_NOT_FOUND')).toBe(
      'No such problem.',
    );
  });

  it('write instants in city time, the same as Intl does, in bursts within a minute and across minutes', () => {
    const intl = {
      vi: new Intl.DateTimeFormat('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh', dateStyle: 'short', timeStyle: 'short' }),
      en: new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Ho_Chi_Minh', dateStyle: 'medium', timeStyle: 'short' }),
    };
    let at = Date.UTC(2026, 11, 31, 16, 58, 59, 500); // 23:58:59.5 in Hai Phong, New Year's Eve
    for (let i = 0; i < 400; i++, at += 997) {
      for (const lang of LANGUAGES) {
        const text = formatDateTime(lang, new Date(at));
        expect(text.startsWith(`${intl[lang].format(new Date(at))} (`)).toBe(true);
      }
    }
    expect(formatDateTime('vi', new Date('2026-12-31T16:59:59.999Z'))).toContain('23:59');
    expect(formatDateTime('vi', new Date('2026-12-31T17:00:00.000Z'))).toContain('00:00');
  });

  it('speak Vietnamese by default and English on request', () => {
    expect(translate('vi', 'errors.PROBLEM_NOT_FOUND')).toBe('Không tìm thấy bài toán này.');
    expect(translate('en', 'errors.PROBLEM_NOT_FOUND')).toBe('No such problem.');
    expect(translate('vi', 'errors.CONSENSUS_NOT_ALLOWED', { context: 'notChair' })).toContain('Chủ tịch');
    expect(languageFromHeader(undefined)).toBe('vi');
    expect(languageFromHeader('en-US,en;q=0.9')).toBe('en');
    expect(languageFromHeader('fr-FR, en;q=0.5')).toBe('en');
    expect(languageFromHeader('fr-FR')).toBe('vi');
    expect(languageFromHeader('vi-VN,vi;q=0.9,en;q=0.8')).toBe('vi');
  });
});

/**
 * Wording lives in the translation files only. This walks every source file the apps run and fails
 * on a string a person would read written inline: any Vietnamese text, a message passed to
 * AppError, or a literal given as a message, title, body, subject, text or html.
 */
describe('no inline user-facing text', () => {
  const root = join(__dirname, '../../../..');
  const files = execSync("git ls-files 'apps/**/*.ts' 'apps/**/*.tsx' 'libs/**/*.ts'", { cwd: root })
    .toString()
    .split('\n')
    // unit-resolver.ts holds tables of Vietnamese letters for matching names, not wording.
    .filter(
      (f) =>
        f &&
        !/\.spec\.ts$|\/migrations\/|\/scripts\/|reference-data|\/seed\.ts$|env\.schema\.ts$|unit-resolver\.ts$|\.d\.ts$/.test(f),
    );
  const VIETNAMESE = /[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹĐ]/i;
  const TEXT_PROPERTIES = new Set(['message', 'title', 'body', 'subject', 'text', 'html', 'label']);
  const isWords = (s: string) => /[A-Za-z]{2,}\s+[A-Za-z]{2,}/.test(s) && !/^[a-z]+(\.[A-Za-z0-9_]+)+$/.test(s);

  it('finds none', () => {
    const found: string[] = [];
    for (const file of files) {
      const kind = file.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
      const source = ts.createSourceFile(file, readFileSync(join(root, file), 'utf8'), ts.ScriptTarget.Latest, true, kind);
      const where = (n: ts.Node) => `${file}:${source.getLineAndCharacterOfPosition(n.getStart()).line + 1}`;
      const visit = (node: ts.Node): void => {
        // The portal's pages: text between tags is words a person reads, so it must come from t().
        if (ts.isJsxText(node) && /\p{L}{2,}/u.test(node.getText())) found.push(`${where(node)} inline JSX text`);
        if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateExpression(node)) {
          const text = node.getText();
          const parent = node.parent;
          const inDecorator = !!ts.findAncestor(node, (a) => ts.isDecorator(a));
          if (VIETNAMESE.test(text) && !inDecorator && !ts.isImportDeclaration(parent))
            found.push(`${where(node)} Vietnamese text`);
          if (ts.isNewExpression(parent) && parent.expression.getText() === 'AppError' && parent.arguments?.[1] === node) {
            found.push(`${where(node)} message passed to AppError`);
          }
          if (
            ts.isPropertyAssignment(parent) &&
            parent.initializer === node &&
            TEXT_PROPERTIES.has(parent.name.getText()) &&
            isWords(text)
          ) {
            found.push(`${where(node)} inline ${parent.name.getText()}`);
          }
        }
        ts.forEachChild(node, visit);
      };
      visit(source);
    }
    expect(found).toEqual([]);
  });
});

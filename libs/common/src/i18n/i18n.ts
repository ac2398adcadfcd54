import i18next from 'i18next';
import Negotiator from 'negotiator';
import en from './locales/en.json';
import vi from './locales/vi.json';

/**
 * The one translation layer (i18next). Every text a person reads — error and validation messages,
 * notifications, e-mails, labels — lives in ./locales/<language>.json; code passes keys and values.
 * Vietnamese is the default; English is given on request (Accept-Language or a saved preference).
 */
export const LANGUAGES = ['vi', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
export const DEFAULT_LANGUAGE: Language = 'vi';

export const LOCALES: Readonly<Record<Language, object>> = { vi, en };

const i18n = i18next.createInstance();
void i18n.init({
  resources: { vi: { translation: vi }, en: { translation: en } },
  lng: DEFAULT_LANGUAGE,
  fallbackLng: DEFAULT_LANGUAGE,
  supportedLngs: [...LANGUAGES],
  initAsync: false,
  interpolation: { escapeValue: false },
  returnNull: false,
  showSupportNotice: false,
});

export type MessageValue = string | number | Date | Msg | MessageValue[];
export type MessageParams = { context?: string } & { [name: string]: MessageValue | undefined };

/**
 * A text to translate later, when the reader's language is known (e.g. an error thrown deep in a
 * service, a status word inside a sentence). Values may themselves be messages.
 */
export class Msg {
  constructor(
    readonly key: string,
    readonly params: MessageParams = {},
  ) {}
}

const LIST_SEPARATOR: Record<Language, string> = { vi: '; ', en: '; ' };

const DATE_TIME_FORMATS: Record<Language, Intl.DateTimeFormat> = {
  vi: new Intl.DateTimeFormat('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh', dateStyle: 'short', timeStyle: 'short' }),
  en: new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Ho_Chi_Minh', dateStyle: 'medium', timeStyle: 'short' }),
};

/** The zone's name, the same in every sentence: translated once per language, on first use. */
const cityTimeLabel: Partial<Record<Language, string>> = {};

/** The last minute formatted in each language: the formats show minutes, and bids come in bursts. */
const lastMinute: Partial<Record<Language, { minute: number; text: string }>> = {};

/** An instant as people in Hai Phong read it, in their language, with the zone named. */
export function formatDateTime(lang: Language, at: Date): string {
  const minute = Math.floor(at.getTime() / 60_000);
  const last = lastMinute[lang];
  if (last?.minute === minute) return last.text;
  const text = `${DATE_TIME_FORMATS[lang].format(at)} (${(cityTimeLabel[lang] ??= translate(lang, 'common.cityTime'))})`;
  lastMinute[lang] = { minute, text };
  return text;
}

function resolveValue(lang: Language, value: MessageValue): string | number {
  if (value instanceof Msg) return translate(lang, value.key, value.params);
  if (value instanceof Date) return formatDateTime(lang, value);
  if (Array.isArray(value)) return value.map((v) => resolveValue(lang, v)).join(LIST_SEPARATOR[lang]);
  return value;
}

/** The text for `key` in `lang`, with its values filled in (nested messages translated first). */
export function translate(lang: Language, key: string, params: MessageParams = {}): string {
  return translator(lang, params)(key);
}

/** Texts for several keys with the same values (a title and its body): the values are resolved once. */
export function translator(lang: Language, params: MessageParams = {}): (key: string) => string {
  const options: Record<string, unknown> = { lng: lang };
  const values: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined) continue;
    if (name === 'context') options.context = value;
    else options[name] = values[name] = resolveValue(lang, value);
  }
  const names = Object.keys(values);
  return (key) => {
    // Plurals pick their text by the count's value: i18next itself, every time.
    const template = 'count' in values ? null : templateOf(lang, key, options.context as string | undefined, names);
    return template ? fillIn(template, values) : (i18n.t as (key: string, options: object) => string)(key, options);
  };
}

/*
 * i18next resolves the key, its context and fallbacks and runs three regular expressions over the
 * text on every call (~15 µs each under load; a submission's receipt notice takes four). Our texts
 * only substitute values ({{name}}: no plurals, formats or nesting, which `isPlainTemplate` checks),
 * so i18next renders each (language, key, context, value names) once with a marker in place of
 * each value, and later calls put the values where the markers are (i18n.spec compares the two for
 * every key in both languages).
 */
const MARKER = '\u0000';
const templates = new Map<string, string[] | null>();
/** Keys come from code, not from people; the bound only keeps a mistake from growing the memory. */
const MAX_TEMPLATES = 10_000;

/** Text and value names, alternating (['Hồ sơ ', 'problem', ' đã nhận.']); null for a text that is not plain. */
function templateOf(lang: Language, key: string, context: string | undefined, names: string[]): string[] | null {
  const cacheKey = `${lang}\u0000${key}\u0000${context ?? ''}\u0000${names.join('\u0000')}`;
  let template = templates.get(cacheKey);
  if (template === undefined) {
    const options: Record<string, unknown> = { lng: lang, context };
    for (const name of names) options[name] = `${MARKER}${name}${MARKER}`;
    const text = (i18n.t as (key: string, options: object) => string)(key, options);
    template = isPlainTemplate(key, context) ? text.split(MARKER) : null;
    if (templates.size < MAX_TEMPLATES) templates.set(cacheKey, template);
  }
  return template;
}

function fillIn(template: string[], values: Record<string, string | number>): string {
  if (template.length === 1) return template[0]!;
  let text = template[0]!;
  for (let i = 1; i < template.length; i += 2) text += String(values[template[i]!]) + template[i + 1]!;
  return text;
}

/**
 * True when every text i18next may pick for `key` (with or without its context, in any language,
 * the fallback included) only substitutes values: no `{{- raw}}`, `{{value, format}}` or `$t(…)`.
 */
function isPlainTemplate(key: string, context: string | undefined): boolean {
  const keys = context ? [`${key}_${context}`, key] : [key];
  return LANGUAGES.every((lang) =>
    keys.every((k) => {
      const text = i18n.getResource(lang, 'translation', k) as unknown;
      return text === undefined || (typeof text === 'string' && !/\$t\(|\{\{\s*-|\{\{[^}]*,/.test(text));
    }),
  );
}

/** True when `key` names a text in `lang` (no fallback). */
export function hasTranslation(lang: Language, key: string): boolean {
  return i18n.exists(key, { lng: lang, fallbackLng: false });
}

/** Deeply replaces every Msg inside a value (e.g. an error's details) by its text. */
export function translateDeep(lang: Language, value: unknown): unknown {
  if (value instanceof Msg) return translate(lang, value.key, value.params);
  if (Array.isArray(value)) return value.map((v) => translateDeep(lang, v));
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, translateDeep(lang, v)]));
  }
  return value;
}

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

/** The best of our languages for an Accept-Language header; Vietnamese when none fits. */
export function languageFromHeader(acceptLanguage: string | string[] | undefined): Language {
  if (!acceptLanguage) return DEFAULT_LANGUAGE;
  const header = Array.isArray(acceptLanguage) ? acceptLanguage.join(',') : acceptLanguage;
  const best = new Negotiator({ headers: { 'accept-language': header } }).language([...LANGUAGES]);
  return isLanguage(best) ? best : DEFAULT_LANGUAGE;
}

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

/** An instant as people in Hai Phong read it, in their language, with the zone named. */
export function formatDateTime(lang: Language, at: Date): string {
  return `${DATE_TIME_FORMATS[lang].format(at)} (${(cityTimeLabel[lang] ??= translate(lang, 'common.cityTime'))})`;
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
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined) continue;
    options[name] = name === 'context' ? value : resolveValue(lang, value);
  }
  return (key) => (i18n.t as (key: string, options: object) => string)(key, options);
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

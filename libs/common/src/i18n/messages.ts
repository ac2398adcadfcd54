import { Language, MessageParams, MessageValue, Msg, translate } from './i18n';

/** A field's name in words (`fields.<name>`), for messages that name a field; the raw name when none is written. */
export function fieldName(path: string): Msg {
  const name =
    path
      .split('.')
      .filter((part) => !/^\d+$/.test(part))
      .pop() ?? path;
  return new Msg(`fields.${name}`, { defaultValue: name });
}

export const problemStatus = (status: string): Msg => new Msg(`problemStatus.${status}`, { defaultValue: status });
export const enterpriseStatus = (status: string): Msg => new Msg(`enterpriseStatus.${status}`, { defaultValue: status });

/** A Msg, or one that went through JSON (stored in a report row): `{ key, params }`. */
function asMsg(value: unknown): Msg | null {
  if (value instanceof Msg) return value;
  if (!value || typeof value !== 'object' || Object.getPrototypeOf(value) !== Object.prototype) return null;
  const keys = Object.keys(value);
  const { key, params } = value as { key?: unknown; params?: unknown };
  if (typeof key !== 'string' || keys.some((k) => k !== 'key' && k !== 'params')) return null;
  return new Msg(key, (params && typeof params === 'object' ? params : {}) as MessageParams);
}

/**
 * An import report (or any view) with its messages in the reader's language: every Msg, also one
 * stored as JSON in a report row, becomes its text.
 */
export function translateReport<T>(lang: Language, value: T): T {
  const walk = (v: unknown): unknown => {
    const msg = asMsg(v);
    if (msg)
      return translate(
        lang,
        msg.key,
        Object.fromEntries(Object.entries(msg.params).map(([k, p]) => [k, k === 'context' ? p : (walk(p) as MessageValue)])),
      );
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    }
    return v;
  };
  return walk(value) as T;
}

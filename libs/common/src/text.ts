/** Vietnamese text is stored in NFC so that the same word always has the same bytes. */
export function nfc(value: string): string;
export function nfc(value: string | null | undefined): string | null | undefined;
export function nfc(value: string | null | undefined): string | null | undefined {
  return typeof value === 'string' ? value.normalize('NFC').trim() : value;
}

/**
 * What a user typed, split on spaces: `words` (letters and digits only, any accents) are matched as
 * words in any order; `fragments` (with punctuation: "100%", "c_ng", "0201-…") are matched as text.
 */
export function splitSearchText(q: string | undefined, max = 8): { words: string[]; fragments: string[] } {
  const terms = (q ?? '').normalize('NFC').split(/\s+/).filter(Boolean).slice(0, max);
  return {
    words: terms.filter((t) => /^[\p{L}\p{N}]+$/u.test(t)),
    fragments: terms.filter((t) => !/^[\p{L}\p{N}]+$/u.test(t)),
  };
}

/**
 * SQL for a full-text query from `words` (a text[] placeholder): every word, accents and case
 * removed (f_search_norm), must start a word of the document, in any order: "hai phong dien tu"
 * finds "Điện tử Hải Phòng", "dien t" finds "điện tử". Matched against to_tsvector('simple', …)
 * of the accent-free document, through its GIN index.
 */
export function wordsInAnyOrderQuery(wordsPlaceholder: string): string {
  return `to_tsquery('simple', (SELECT string_agg(quote_literal(f_search_norm(w)) || ':*', ' & ') FROM unnest(${wordsPlaceholder}::text[]) AS w))`;
}

import { distance } from 'fastest-levenshtein';

/** A unit a file may name, by code or by name. */
export interface NamedUnit {
  code: string;
  name: string;
}

export type UnitResolution =
  | { ok: true; unit: NamedUnit; matchedBy: 'code' | 'name' | 'unaccented_name' }
  | { ok: false; problem: 'unknown' | 'ambiguous'; suggestions: NamedUnit[] };

/** Old-style tone placement ("Thuỷ", "Hoà") written the modern way ("Thủy", "Hòa"), so both spellings match. */
const TONE_PLACEMENT: [RegExp, string][] = [
  [/o([àáảãạ])/g, '$1'],
  [/u([ỳýỷỹỵ])/g, '$1'],
];
const OA: Record<string, string> = { à: 'òa', á: 'óa', ả: 'ỏa', ã: 'õa', ạ: 'ọa' };
const UY: Record<string, string> = { ỳ: 'ùy', ý: 'úy', ỷ: 'ủy', ỹ: 'ũy', ỵ: 'ụy' };

/** Lower-case NFC with one tone placement and single spaces. */
export function canonicalName(text: string): string {
  let s = text.normalize('NFC').toLowerCase().replace(/\s+/g, ' ').trim();
  s = s.replace(TONE_PLACEMENT[0][0], (_m, t: string) => OA[t]).replace(TONE_PLACEMENT[1][0], (_m, t: string) => UY[t]);
  return s;
}

/** Accent-free form, as f_search_norm does in PostgreSQL: "Đặc khu Cát Hải" → "dac khu cat hai". */
export function unaccented(text: string): string {
  return canonicalName(text)
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd');
}

/** Unit-type words a name may carry or omit ("Phường Hồng Bàng", "P. Hồng Bàng", "Hồng Bàng"). */
const PREFIXES = [
  'dac khu',
  'phuong',
  'xa',
  'thi tran',
  'quan',
  'huyen',
  'thanh pho',
  'thi xa',
  'tp.',
  'tp',
  'p.',
  'x.',
  'q.',
  'h.',
];

function bare(unaccentedName: string): string {
  for (const p of PREFIXES) if (unaccentedName.startsWith(`${p} `)) return unaccentedName.slice(p.length + 1);
  return unaccentedName;
}

function bareAccented(name: string): string {
  const u = unaccented(name);
  const b = bare(u);
  // Drop as many leading words from the accented form as the prefix had.
  const words = name.split(' ');
  return words.slice(words.length - b.split(' ').length).join(' ');
}

/**
 * Resolves what a file writes for a unit: its code, or its name with or without accents and type word,
 * in the old or new tone spelling. A name that fits several units is ambiguous, never guessed; an
 * unknown one gets the nearest names as suggestions. Pure and in memory: a file of 100k rows resolves
 * against ~130 units without a query per row.
 */
export class UnitResolver {
  private readonly byCode = new Map<string, NamedUnit>();
  private readonly levels: Map<string, NamedUnit[]>[] = [new Map(), new Map(), new Map(), new Map()];
  private readonly cache = new Map<string, UnitResolution>();

  constructor(private readonly units: readonly NamedUnit[]) {
    for (const u of units) {
      this.byCode.set(u.code, u);
      const full = canonicalName(u.name);
      const keys = [full, unaccented(full), canonicalName(bareAccented(full)), bare(unaccented(full))];
      keys.forEach((k, i) => {
        const list = this.levels[i].get(k) ?? [];
        if (!list.includes(u)) list.push(u);
        this.levels[i].set(k, list);
      });
    }
  }

  resolve(input: string): UnitResolution {
    const text = input.trim();
    const cached = this.cache.get(text);
    if (cached) return cached;
    const result = this.compute(text);
    this.cache.set(text, result);
    return result;
  }

  private compute(text: string): UnitResolution {
    const byCode = this.byCode.get(text);
    if (byCode) return { ok: true, unit: byCode, matchedBy: 'code' };
    const full = canonicalName(text);
    const candidates = [full, unaccented(full), canonicalName(bareAccented(full)), bare(unaccented(full))];
    for (let i = 0; i < candidates.length; i++) {
      const found = this.levels[i].get(candidates[i]);
      if (!found || found.length === 0) continue;
      if (found.length === 1) return { ok: true, unit: found[0], matchedBy: i % 2 === 0 ? 'name' : 'unaccented_name' };
      return { ok: false, problem: 'ambiguous', suggestions: found.map((u) => ({ code: u.code, name: u.name })) };
    }
    return { ok: false, problem: 'unknown', suggestions: this.nearest(bare(unaccented(full))) };
  }

  private nearest(key: string, max = 3): NamedUnit[] {
    if (!key) return [];
    return this.units
      .map((u) => ({ u, d: distance(key, bare(unaccented(u.name))) }))
      .filter((x) => x.d <= Math.max(2, Math.floor(key.length / 3)))
      .sort((a, b) => a.d - b.d || a.u.code.localeCompare(b.u.code))
      .slice(0, max)
      .map(({ u }) => ({ code: u.code, name: u.name }));
  }
}

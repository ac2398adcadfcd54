import { distance } from 'fastest-levenshtein';

/** A unit a file may name, by code or by name. */
export interface NamedUnit {
  code: string;
  name: string;
}

export type UnitResolution =
  | { ok: true; unit: NamedUnit; matchedBy: 'code' | 'name' | 'unaccented_name' | 'former_name' }
  | { ok: false; problem: 'unknown' | 'ambiguous'; suggestions: NamedUnit[] };

/** Old-style tone placement ("Thuỷ", "Hoà") written the modern way ("Thủy", "Hòa"), so both spellings match. */
const TONE_PLACEMENT: [[RegExp, string], [RegExp, string]] = [
  [/o([àáảãạ])/g, '$1'],
  [/u([ỳýỷỹỵ])/g, '$1'],
];
const OA: Record<string, string> = { à: 'òa', á: 'óa', ả: 'ỏa', ã: 'õa', ạ: 'ọa' };
const UY: Record<string, string> = { ỳ: 'ùy', ý: 'úy', ỷ: 'ủy', ỹ: 'ũy', ỵ: 'ụy' };

/** Lower-case NFC with one tone placement and single spaces. */
export function canonicalName(text: string): string {
  let s = text.normalize('NFC').toLowerCase().replace(/\s+/g, ' ').trim();
  s = s.replace(TONE_PLACEMENT[0][0], (m, t: string) => OA[t] ?? m).replace(TONE_PLACEMENT[1][0], (m, t: string) => UY[t] ?? m);
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

/** The forms a name is looked up by: as written, unaccented, without its type word, both. */
function keysOf(name: string): string[] {
  const full = canonicalName(name);
  return [full, unaccented(full), canonicalName(bareAccented(full)), bare(unaccented(full))];
}

function index(levels: Map<string, NamedUnit[]>[], name: string, unit: NamedUnit): void {
  keysOf(name).forEach((k, i) => {
    const list = levels[i]!.get(k) ?? [];
    if (!list.includes(unit)) list.push(unit);
    levels[i]!.set(k, list);
  });
}

/**
 * Resolves what a file writes for a unit: its code, or its name with or without accents and type word,
 * in the old or new tone spelling. A name that fits several units is ambiguous, never guessed; an
 * unknown one gets the nearest names as suggestions. Pure and in memory: a file of 100k rows resolves
 * against ~130 units without a query per row.
 */
export class UnitResolver {
  private readonly byCode = new Map<string, NamedUnit>();
  private readonly levels = [0, 1, 2, 3].map(() => new Map<string, NamedUnit[]>());
  /** Former (pre-July-2025) names → the units that took them, tried only when no current name fits. */
  private readonly formerLevels = [0, 1, 2, 3].map(() => new Map<string, NamedUnit[]>());
  private readonly cache = new Map<string, UnitResolution>();

  /**
   * `formerNames`: pre-July-2025 unit names and the current unit that took all or part of each; a name
   * that led to several units (split, or two former units of that name) resolves as ambiguous.
   */
  constructor(
    private readonly units: readonly NamedUnit[],
    formerNames: readonly { name: string; newCode: string }[] = [],
  ) {
    for (const u of units) {
      this.byCode.set(u.code, u);
      index(this.levels, u.name, u);
    }
    for (const f of formerNames) {
      const unit = this.byCode.get(f.newCode);
      if (unit) index(this.formerLevels, f.name, unit);
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
    const keys = keysOf(full);
    // Full names (current, then former) first; without the type word only when none was written:
    // "Huyện Kiến Thụy" is not "Xã Kiến Thụy", but "Kiến Thụy" may be.
    const typed = bare(unaccented(full)) !== unaccented(full);
    const order: [Map<string, NamedUnit[]>[], number, boolean][] = [
      [this.levels, 0, false],
      [this.levels, 1, false],
      [this.formerLevels, 0, true],
      [this.formerLevels, 1, true],
      ...(typed
        ? []
        : ([
            [this.levels, 2, false],
            [this.levels, 3, false],
            [this.formerLevels, 2, true],
            [this.formerLevels, 3, true],
          ] as [Map<string, NamedUnit[]>[], number, boolean][])),
    ];
    for (const [levels, i, former] of order) {
      const found = levels[i]!.get(keys[i]!);
      if (!found || found.length === 0) continue;
      if (found.length === 1)
        return { ok: true, unit: found[0]!, matchedBy: former ? 'former_name' : i % 2 === 0 ? 'name' : 'unaccented_name' };
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

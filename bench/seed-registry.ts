import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { HAIPHONG_COMMUNES } from '@app/areas';
import { SECTORS, taxCodeCheckDigit } from '@app/enterprises';

/** YYYY-MM-DD plus n days (n may be negative). */
export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

/** Deterministic pseudo-random numbers (mulberry32), so every run seeds the same registry. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const NAME_WORDS = [
  'Công nghệ',
  'Phần mềm',
  'Giải pháp số',
  'Dữ liệu',
  'Viễn thông',
  'Thương mại điện tử',
  'Logistics',
  'Du lịch thông minh',
  'Nông nghiệp số',
  'Tự động hóa',
  'Hạ tầng số',
  'An ninh mạng',
];
const PLACE_WORDS = [
  'Hải Phòng',
  'Cảng Biển',
  'Duyên Hải',
  'Lạch Tray',
  'Đồ Sơn',
  'Cát Bà',
  'Thủy Nguyên',
  'Kiến An',
  'Hải Dương',
  'Tiên Lãng',
];
const TAGS = [
  'ai',
  'iot',
  'cloud',
  'erp',
  'fintech',
  'smart city',
  'chính phủ số',
  'camera',
  'blockchain',
  'gis',
  'cảng thông minh',
  'thanh toán',
];

interface Firm {
  id: string;
  taxCode: string;
  name: string;
  areaCode: string;
  sectors: string[];
  tags: string[];
  status: string;
  statusOn: string;
  history: { from: string | null; to: string; on: string }[];
}

/**
 * A registry of `count` firms over the last three years across the 114 units (urban wards
 * busier), each with a dated history: most verified, some pending or rejected, some suspended
 * and reinstated, some ceased.
 */
function generateFirms(count: number, today: string): Firm[] {
  const random = prng(20251231);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
  const between = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  const weights = HAIPHONG_COMMUNES.map((a) => (a.unitType === 'ward' ? 3 : a.unitType === 'commune' ? 1 : 0.2));
  const total = weights.reduce((s, w) => s + w, 0);
  const area = () => {
    let r = random() * total;
    for (let i = 0; i < weights.length; i++) if ((r -= weights[i]!) <= 0) return HAIPHONG_COMMUNES[i]!.code;
    return HAIPHONG_COMMUNES[0]!.code;
  };
  const firms: Firm[] = [];
  let serial = 0;
  for (let i = 0; i < count; i++) {
    let taxCode: string;
    for (;;) {
      const firstNine = `${BENCH_TAX_PREFIX}${String(++serial).padStart(7, '0')}`;
      const check = taxCodeCheckDigit(firstNine);
      if (check !== null) {
        taxCode = `${firstNine}${check}`;
        break;
      }
    }
    const registeredOn = addDays(today, -between(7, 3 * 365 + 30));
    const history: Firm['history'] = [{ from: null, to: 'pending', on: registeredOn }];
    const move = (to: string, on: string) => {
      if (on > today) return false;
      history.push({ from: history[history.length - 1]!.to, to, on });
      return true;
    };
    const fate = random();
    if (fate < 0.05) move('rejected', addDays(registeredOn, between(3, 30)));
    else if (fate >= 0.12 && move('verified', addDays(registeredOn, between(1, 45)))) {
      const last = () => history[history.length - 1]!.on;
      if (random() < 0.12 && move('suspended', addDays(last(), between(30, 700))) && random() < 0.5) {
        move('verified', addDays(last(), between(10, 200)));
      }
      if (random() < 0.08) move('ceased', addDays(last(), between(30, 900)));
    }
    const sectors = [...new Set(Array.from({ length: between(1, 3) }, () => pick(SECTORS)))];
    const end = history[history.length - 1];
    firms.push({
      id: randomUUID(),
      taxCode,
      name: `Công ty TNHH ${pick(NAME_WORDS)} ${pick(PLACE_WORDS)} ${i + 1}`,
      areaCode: area(),
      sectors,
      tags: [...new Set([pick(TAGS), pick(TAGS)])],
      status: end!.to,
      statusOn: end!.on,
      history,
    });
  }
  return firms;
}

const BATCH = 5000;

/** The bench database is shared with other benches: this one's firms are those with tax codes 03…. */
export const BENCH_TAX_PREFIX = '03';

/**
 * Writes the firms as the registry does: organisation, enterprise, status history, and the
 * indicator's deltas derived from that history in one statement (+1 entering verified, -1
 * leaving it, per area and sector, on the effective date). Multi-row INSERTs over unnest().
 */
export async function seedRegistry(
  manager: EntityManager,
  count: number,
  today: string,
): Promise<{ firms: number; historyRows: number }> {
  const firms = generateFirms(count, today);
  let historyRows = 0;
  for (let start = 0; start < firms.length; start += BATCH) {
    const batch = firms.slice(start, start + BATCH);
    await manager.query(
      `INSERT INTO organizations (id, kind, name) SELECT id, 'enterprise', name FROM unnest($1::uuid[], $2::text[]) AS f(id, name)`,
      [batch.map((f) => f.id), batch.map((f) => f.name)],
    );
    // unnest() cannot carry one array per row, so sectors and tags travel as joined text.
    await manager.query(
      `INSERT INTO enterprises (id, tax_code, legal_name, address, area_code, sectors, tags, status, status_effective_date)
       SELECT id, tax_code, name, 'Hải Phòng', area_code, string_to_array(sectors, ','), string_to_array(tags, ','), status, status_on
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::date[])
         AS f(id, tax_code, name, area_code, sectors, tags, status, status_on)`,
      [
        batch.map((f) => f.id),
        batch.map((f) => f.taxCode),
        batch.map((f) => f.name),
        batch.map((f) => f.areaCode),
        batch.map((f) => f.sectors.join(',')),
        batch.map((f) => f.tags.join(',')),
        batch.map((f) => f.status),
        batch.map((f) => f.statusOn),
      ],
    );
    const rows = batch.flatMap((f) => f.history.map((h) => ({ id: f.id, ...h })));
    historyRows += rows.length;
    await manager.query(
      `INSERT INTO enterprise_status_history (enterprise_id, from_status, to_status, effective_date)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::date[])`,
      [rows.map((r) => r.id), rows.map((r) => r.from), rows.map((r) => r.to), rows.map((r) => r.on)],
    );
  }
  await manager.query(
    `
    INSERT INTO enterprise_activity_deltas (dimension, key, day, delta)
    SELECT x.dimension, x.key, x.day, SUM(x.delta)
    FROM (
      SELECT h.effective_date AS day, e.area_code, e.sectors,
             (h.to_status = 'verified')::int - (h.from_status IS NOT DISTINCT FROM 'verified')::int AS delta
      FROM enterprise_status_history h JOIN enterprises e ON e.id = h.enterprise_id
      WHERE e.tax_code LIKE $1 || '%'
    ) t
    CROSS JOIN LATERAL (
      SELECT 'area' AS dimension, t.area_code AS key, t.day, t.delta
      UNION ALL
      SELECT 'sector', s, t.day, t.delta FROM unnest(t.sectors) AS s
    ) x
    WHERE t.delta <> 0
    GROUP BY x.dimension, x.key, x.day
    HAVING SUM(x.delta) <> 0
    ON CONFLICT (dimension, key, day, recorded_at) DO UPDATE SET delta = enterprise_activity_deltas.delta + EXCLUDED.delta`,
    [BENCH_TAX_PREFIX],
  );
  return { firms: firms.length, historyRows };
}

import { newTaxCode } from './enterprise-fixtures';
import type { TestContext } from './harness';

export type FixtureStatus = 'verified' | 'suspended' | 'ceased' | 'rejected';

export interface FirmHistory {
  areaCode: string;
  sectors: string[];
  registeredOn: string;
  /** In date order; 'verified' after 'suspended' is a reinstatement. */
  transitions: { to: FixtureStatus; on: string }[];
}

/**
 * Writes a firm as the registry would have: organisation, enterprise row, dated status history
 * and the indicator's deltas (+1 on entering 'verified', -1 on leaving it, on the effective date,
 * for its area and each of its sectors). Direct SQL, so the indicator's suites do not depend on
 * the registry's endpoints; the registry's own suites check that its endpoints write the same.
 */
export async function insertFirm(ctx: TestContext, firm: FirmHistory): Promise<string> {
  return ctx.dataSource.transaction(async (m) => {
    const last = firm.transitions[firm.transitions.length - 1];
    const [{ id }] = await m.query<[{ id: string }]>(
      `INSERT INTO organizations (kind, name) VALUES ('enterprise', $1) RETURNING id`,
      [`Công ty Thử nghiệm ${firm.areaCode}`],
    );
    await m.query(
      `INSERT INTO enterprises (id, tax_code, legal_name, address, area_code, sectors, status, status_effective_date)
       VALUES ($1, $2, $3, 'Hải Phòng', $4, $5, $6, $7)`,
      [
        id,
        newTaxCode(),
        `Công ty Thử nghiệm ${firm.areaCode}`,
        firm.areaCode,
        firm.sectors,
        last?.to ?? 'pending',
        last?.on ?? firm.registeredOn,
      ],
    );
    let from = 'pending';
    await m.query(
      `INSERT INTO enterprise_status_history (enterprise_id, from_status, to_status, effective_date) VALUES ($1, NULL, 'pending', $2)`,
      [id, firm.registeredOn],
    );
    for (const t of firm.transitions) {
      await m.query(
        `INSERT INTO enterprise_status_history (enterprise_id, from_status, to_status, effective_date) VALUES ($1, $2, $3, $4)`,
        [id, from, t.to, t.on],
      );
      const delta = (t.to === 'verified' ? 1 : 0) - (from === 'verified' ? 1 : 0);
      if (delta !== 0) {
        await m.query(
          `INSERT INTO enterprise_activity_deltas (dimension, key, day, delta)
           SELECT d.dimension, d.key, $3::date, $4 FROM unnest($1::text[], $2::text[]) AS d(dimension, key)
           ON CONFLICT (dimension, key, day, recorded_at) DO UPDATE SET delta = enterprise_activity_deltas.delta + EXCLUDED.delta`,
          [['area', ...firm.sectors.map(() => 'sector')], [firm.areaCode, ...firm.sectors], t.on, delta],
        );
      }
      from = t.to;
    }
    return id;
  });
}

/**
 * The independent answer: active firms per area on a day, read straight from the status
 * history (each firm's latest transition on or before the day), not from the deltas.
 */
export async function activeFromHistory(ctx: TestContext, asOf: string): Promise<Map<string, number>> {
  const rows = await ctx.dataSource.query<{ area_code: string; n: number }[]>(
    `SELECT e.area_code, count(*)::int AS n
     FROM enterprises e
     JOIN LATERAL (
       SELECT h.to_status FROM enterprise_status_history h
       WHERE h.enterprise_id = e.id AND h.effective_date <= $1::date
       ORDER BY h.effective_date DESC, h.id DESC LIMIT 1
     ) latest ON latest.to_status = 'verified'
     GROUP BY e.area_code`,
    [asOf],
  );
  return new Map(rows.map((r) => [r.area_code, r.n]));
}

import { AppError, ErrorCode, nfc } from '@app/common';
import type { KpiOutcomeDto, KpiOutcomeView } from './dto/outcome.dto';

export function kpiMet(k: Pick<KpiOutcomeView, 'target' | 'achieved' | 'direction'>): boolean {
  return k.direction === 'higher' ? k.achieved >= k.target : k.achieved <= k.target;
}

/** One result for every KPI the problem promised, each once, and no other. */
export function checkOutcomeKpis(problemKpis: { name: string }[], given: KpiOutcomeDto[]): KpiOutcomeView[] {
  const rows = given.map((k) => ({
    kpi: nfc(k.kpi),
    baseline: k.baseline,
    target: k.target,
    achieved: k.achieved,
    unit: k.unit ? nfc(k.unit) : null,
    direction: k.direction,
  }));
  const expected = problemKpis.map((k) => nfc(k.name));
  const names = rows.map((r) => r.kpi);
  const ok = names.length === expected.length && new Set(names).size === names.length && expected.every((n) => names.includes(n));
  if (!ok) throw new AppError(ErrorCode.OUTCOME_KPIS_INVALID, { kpis: expected.join('; ') }, { expected });
  return rows.map((r) => ({ ...r, met: kpiMet(r) }));
}

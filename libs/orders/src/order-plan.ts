import { AppError, ErrorCode, Msg, nfc } from '@app/common';
import type { MilestonePhase } from './order.constants';
import type { KpiResultDto, SetPlanDto } from './dto/order.dto';

export interface PlannedMilestone {
  phase: MilestonePhase;
  deliverable: string;
  dueDate: string;
  amount: number;
  kpis: { name: string; target: number; unit: string | null }[];
}

/**
 * The rules of a plan of milestones, in one place: the amounts add up to the price; due dates are
 * not in the past and do not go backwards; a staged order has pilot milestones first (each with the
 * KPIs it must show) then scale-up ones; an order without stages has only `single` ones.
 */
export function checkPlan(dto: SetPlanDto, price: number, today: string): PlannedMilestone[] {
  const problems: Msg[] = [];
  const milestones = dto.milestones.map((m) => ({
    phase: m.phase,
    deliverable: nfc(m.deliverable),
    dueDate: m.dueDate,
    amount: m.amount,
    kpis: m.kpis.map((k) => ({ name: nfc(k.name), target: k.target, unit: k.unit ? nfc(k.unit) : null })),
  }));
  const total = milestones.reduce((sum, m) => sum + m.amount, 0);
  if (total !== price) problems.push(new Msg('orderPlan.amounts', { total, price }));
  milestones.forEach((m, i) => {
    if (m.dueDate < today) problems.push(new Msg('orderPlan.pastDue', { n: i + 1 }));
    if (i > 0 && m.dueDate < milestones[i - 1]!.dueDate) problems.push(new Msg('orderPlan.dueOrder', { n: i + 1 }));
    if (new Set(m.kpis.map((k) => k.name)).size !== m.kpis.length) problems.push(new Msg('orderPlan.kpiTwice', { n: i + 1 }));
  });
  if (dto.staged) {
    const phases = milestones.map((m) => m.phase);
    const firstScale = phases.indexOf('scale_up');
    const pilots = phases.filter((p) => p === 'pilot').length;
    if (pilots === 0 || firstScale < 0 || phases.includes('single') || phases.slice(firstScale).includes('pilot')) {
      problems.push(new Msg('orderPlan.stages'));
    }
    milestones.forEach((m, i) => {
      if (m.phase === 'pilot' && m.kpis.length === 0) problems.push(new Msg('orderPlan.pilotKpis', { n: i + 1 }));
    });
  } else if (milestones.some((m) => m.phase !== 'single')) {
    problems.push(new Msg('orderPlan.notStaged'));
  }
  if (problems.length > 0) throw new AppError(ErrorCode.ORDER_PLAN_INVALID, { issues: problems }, problems);
  return milestones;
}

/** A deliverable reports every KPI of its milestone, each once, and nothing else. */
export function checkKpiResults(
  kpis: { name: string }[],
  results: KpiResultDto[],
): { kpi: string; value: number; evidence: string }[] {
  const given = results.map((r) => ({ kpi: nfc(r.kpi), value: r.value, evidence: nfc(r.evidence) }));
  const names = given.map((r) => r.kpi);
  const expected = kpis.map((k) => k.name);
  const ok = names.length === expected.length && new Set(names).size === names.length && expected.every((n) => names.includes(n));
  if (!ok) throw new AppError(ErrorCode.MILESTONE_KPI_RESULTS_INVALID, { kpis: expected.join('; ') }, { expected });
  return given;
}

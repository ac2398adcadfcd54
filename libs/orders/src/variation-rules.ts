import { AppError, ErrorCode, Msg, nfc } from '@app/common';
import type { OrderMilestone } from './order-rows';
import type { MilestoneChangeDto } from './dto/variation.dto';

/** What a variation changes in one milestone (only the fields given). */
export interface MilestoneChange {
  milestone: number;
  deliverable?: string;
  dueDate?: string;
  amount?: number;
  kpis?: { name: string; target: number; unit: string | null }[];
}

/**
 * A variation changes milestones not yet accepted; afterwards the amounts still add up to the
 * price, due dates still run forwards, none of the changed ones falls in the past, and a pilot
 * milestone keeps at least one KPI.
 */
export function checkVariation(
  milestones: OrderMilestone[],
  dtos: (MilestoneChangeDto | MilestoneChange)[],
  price: number,
  today: string,
): MilestoneChange[] {
  const issues: Msg[] = [];
  const changes: MilestoneChange[] = dtos.map((d) => ({
    milestone: d.milestone,
    ...(d.deliverable !== undefined ? { deliverable: nfc(d.deliverable) } : {}),
    ...(d.dueDate !== undefined ? { dueDate: d.dueDate } : {}),
    ...(d.amount !== undefined ? { amount: d.amount } : {}),
    ...(d.kpis !== undefined
      ? { kpis: d.kpis.map((k) => ({ name: nfc(k.name), target: k.target, unit: k.unit ? nfc(k.unit) : null })) }
      : {}),
  }));
  const after = milestones.map((m) => ({
    number: m.number,
    phase: m.phase,
    dueDate: m.dueDate,
    amount: Number(m.amount),
    kpis: m.kpis,
  }));
  for (const c of changes) {
    const m = milestones.find((x) => x.number === c.milestone);
    const target = after.find((x) => x.number === c.milestone);
    if (!m || !target) {
      issues.push(new Msg('orderPlan.unknownMilestone', { n: c.milestone }));
      continue;
    }
    if (m.status === 'accepted') issues.push(new Msg('orderPlan.milestoneFinal', { n: c.milestone }));
    if (Object.keys(c).length === 1) issues.push(new Msg('orderPlan.emptyVariation'));
    if (c.dueDate !== undefined) {
      if (c.dueDate < today) issues.push(new Msg('orderPlan.pastDue', { n: c.milestone }));
      target.dueDate = c.dueDate;
    }
    if (c.amount !== undefined) target.amount = c.amount;
    if (c.kpis !== undefined) {
      if (new Set(c.kpis.map((k) => k.name)).size !== c.kpis.length)
        issues.push(new Msg('orderPlan.kpiTwice', { n: c.milestone }));
      if (target.phase === 'pilot' && c.kpis.length === 0) issues.push(new Msg('orderPlan.pilotKpis', { n: c.milestone }));
      target.kpis = c.kpis;
    }
  }
  if (changes.length === 0) issues.push(new Msg('orderPlan.emptyVariation'));
  const total = after.reduce((s, m) => s + m.amount, 0);
  if (total !== price) issues.push(new Msg('orderPlan.amounts', { total, price }));
  after.forEach((m, i) => {
    if (i > 0 && m.dueDate < after[i - 1]!.dueDate) issues.push(new Msg('orderPlan.dueOrder', { n: m.number }));
  });
  if (issues.length > 0) throw new AppError(ErrorCode.VARIATION_INVALID, { issues }, issues);
  return changes;
}

import { AppError, ErrorCode } from '@app/common';
import type { SetPlanDto } from './dto/order.dto';
import { checkKpiResults, checkPlan } from './order-plan';

const kpi = { name: 'Thời gian xử lý (ngày)', target: 5 };
const plan = (over: Partial<SetPlanDto> = {}): SetPlanDto => ({
  staged: true,
  milestones: [
    { phase: 'pilot', deliverable: 'Thí điểm tại 2 phường', dueDate: '2027-01-31', amount: 300, kpis: [kpi] },
    { phase: 'scale_up', deliverable: 'Nhân rộng toàn thành phố', dueDate: '2027-04-30', amount: 700, kpis: [] },
  ],
  ...over,
});
const issuesOf = (fn: () => unknown): string[] => {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    expect((e as AppError).code).toBe(ErrorCode.ORDER_PLAN_INVALID);
    return ((e as AppError).details as { key: string }[]).map((m) => m.key);
  }
  throw new Error('no error');
};

describe('plan of milestones', () => {
  it('accepts a staged plan whose amounts add up to the price', () => {
    expect(checkPlan(plan(), 1000, '2026-12-01')).toHaveLength(2);
  });

  it('refuses amounts that do not add up, past or backwards due dates', () => {
    expect(issuesOf(() => checkPlan(plan(), 999, '2026-12-01'))).toEqual(['orderPlan.amounts']);
    expect(issuesOf(() => checkPlan(plan(), 1000, '2027-02-01'))).toEqual(['orderPlan.pastDue']);
    const backwards = plan();
    backwards.milestones[1]!.dueDate = '2027-01-01';
    expect(issuesOf(() => checkPlan(backwards, 1000, '2026-12-01'))).toEqual(['orderPlan.dueOrder']);
  });

  it('needs pilot milestones (with KPIs) before scale-up ones in a staged order, and only single ones otherwise', () => {
    const reversed = plan();
    reversed.milestones = [{ ...reversed.milestones[1]!, dueDate: '2027-01-01' }, reversed.milestones[0]!];
    expect(issuesOf(() => checkPlan(reversed, 1000, '2026-12-01'))).toContain('orderPlan.stages');
    const noKpi = plan();
    noKpi.milestones[0]!.kpis = [];
    expect(issuesOf(() => checkPlan(noKpi, 1000, '2026-12-01'))).toEqual(['orderPlan.pilotKpis']);
    expect(issuesOf(() => checkPlan(plan({ staged: false }), 1000, '2026-12-01'))).toEqual(['orderPlan.notStaged']);
    const single = plan({ staged: false });
    single.milestones = single.milestones.map((m) => ({ ...m, phase: 'single' as const }));
    expect(checkPlan(single, 1000, '2026-12-01')).toHaveLength(2);
  });

  it('wants one result per KPI of the milestone, nothing else', () => {
    const kpis = [{ name: 'A' }, { name: 'B' }];
    expect(
      checkKpiResults(kpis, [
        { kpi: 'B', value: 1, evidence: 'đo' },
        { kpi: 'A', value: 2, evidence: 'đo' },
      ]),
    ).toHaveLength(2);
    for (const bad of [
      [{ kpi: 'A', value: 1, evidence: 'đo' }],
      [
        { kpi: 'A', value: 1, evidence: 'đo' },
        { kpi: 'A', value: 1, evidence: 'đo' },
      ],
      [
        { kpi: 'A', value: 1, evidence: 'đo' },
        { kpi: 'C', value: 1, evidence: 'đo' },
      ],
    ]) {
      expect(() => checkKpiResults(kpis, bad)).toThrow(AppError);
    }
  });
});

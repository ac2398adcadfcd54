import type { EntityManager } from 'typeorm';
import { AppError, AuthUser, cityIso, cityToday, ErrorCode } from '@app/common';
import type { Viewer } from '@app/problems';
import { MilestoneView, OrderView, SubmissionView } from './dto/order.dto';
import { outcomeOf } from './outcome-read';
import { MilestoneSubmission } from './entities/milestone-submission.entity';
import { OrderMilestone } from './entities/order-milestone.entity';
import { Order } from './entities/order.entity';
import { MilestoneAction, MILESTONE_TRANSITIONS, nextMilestoneStatus, nextOrderStatus, OrderAction } from './order-transitions';
import type { MilestoneStatus, OrderStatus } from './order.constants';

export const orderNotFound = () => new AppError(ErrorCode.ORDER_NOT_FOUND);

export async function findOrder(manager: EntityManager, id: string, lock = false): Promise<Order> {
  const order = await manager
    .getRepository(Order)
    .findOne({ where: { id }, lock: lock ? { mode: 'pessimistic_write' } : undefined });
  if (!order) throw orderNotFound();
  return order;
}

export async function milestonesOf(manager: EntityManager, orderId: string): Promise<OrderMilestone[]> {
  return manager.getRepository(OrderMilestone).find({ where: { orderId }, order: { number: 'ASC' } });
}

export function isOrderDepartment(viewer: Viewer, order: Order): boolean {
  return viewer?.role === 'officer' && viewer.organizationId === order.departmentId;
}

export function isOrderFirm(viewer: Viewer, order: Order): boolean {
  return viewer?.role === 'enterprise' && viewer.organizationId === order.enterpriseId;
}

/** The department, the firm and the platform's admins: the parties who see the whole order. */
export function isOrderParty(viewer: Viewer, order: Order): boolean {
  return viewer?.role === 'admin' || isOrderDepartment(viewer, order) || isOrderFirm(viewer, order);
}

export function assertDepartment(actor: AuthUser, order: Order): void {
  if (!isOrderDepartment(actor, order)) throw new AppError(ErrorCode.ORDER_FORBIDDEN, { context: 'department' });
}

export function assertFirm(actor: AuthUser, order: Order): void {
  if (!isOrderFirm(actor, order)) throw new AppError(ErrorCode.ORDER_FORBIDDEN, { context: 'firm' });
}

/** The order's next status for `action`, or ORDER_STATUS_CONFLICT. */
export function orderMove(order: Order, action: OrderAction): OrderStatus {
  const to = nextOrderStatus(order.status, action);
  if (!to) throw new AppError(ErrorCode.ORDER_STATUS_CONFLICT, { context: order.status }, { status: order.status });
  return to;
}

/** The milestone's next status for `action`, or MILESTONE_STATUS_CONFLICT naming why. */
export function milestoneMove(m: OrderMilestone, action: MilestoneAction): MilestoneStatus {
  const to = nextMilestoneStatus(m.status, action);
  if (!to) {
    throw new AppError(
      ErrorCode.MILESTONE_STATUS_CONFLICT,
      { context: m.status },
      {
        status: m.status,
        allowedFrom: MILESTONE_TRANSITIONS[action].from,
      },
    );
  }
  return to;
}

const iso = (d: Date | null) => (d ? cityIso(d) : null);

export function milestoneView(m: OrderMilestone, rounds: number, running: boolean, today: string): MilestoneView {
  return {
    id: m.id,
    number: m.number,
    phase: m.phase,
    deliverable: m.deliverable,
    dueDate: m.dueDate,
    amount: Number(m.amount),
    kpis: m.kpis,
    status: m.status,
    acceptedAt: iso(m.acceptedAt),
    paidAt: iso(m.paidAt),
    overdue: running && m.status !== 'accepted' && m.dueDate < today,
    rounds,
  };
}

/** The order as `viewer` may see it: everything for its parties; without the bid's plan text for the public. */
export async function orderView(manager: EntityManager, order: Order, viewer: Viewer): Promise<OrderView> {
  const [names] = await manager.query<{ firm: string; department: string }[]>(
    `SELECT e.legal_name AS firm, d.name AS department FROM enterprises e, organizations d WHERE e.id = $1 AND d.id = $2`,
    [order.enterpriseId, order.departmentId],
  );
  const milestones = await milestonesOf(manager, order.id);
  const rounds = await manager.query<{ milestone_id: string; n: number }[]>(
    `SELECT milestone_id, count(*)::int AS n FROM milestone_submissions WHERE milestone_id = ANY($1) GROUP BY milestone_id`,
    [milestones.map((m) => m.id)],
  );
  const today = cityToday();
  const running = order.status === 'in_progress';
  return {
    id: order.id,
    problemId: order.problemId,
    title: order.title,
    sourceOrderId: order.sourceOrderId,
    justification: order.justification,
    proposalId: order.proposalId,
    enterprise: { id: order.enterpriseId, name: names.firm },
    department: { id: order.departmentId, name: names.department },
    status: order.status,
    price: Number(order.price),
    durationMonths: order.durationMonths,
    plan: isOrderParty(viewer, order) ? order.plan : null,
    staged: order.staged,
    planVersion: order.planVersion,
    departmentAgreedVersion: order.departmentAgreedVersion,
    firmAgreedVersion: order.firmAgreedVersion,
    createdAt: cityIso(order.createdAt),
    startedAt: iso(order.startedAt),
    completedAt: iso(order.completedAt),
    terminatedAt: iso(order.terminatedAt),
    terminationReason: order.terminationReason,
    milestones: milestones.map((m) => milestoneView(m, rounds.find((r) => r.milestone_id === m.id)?.n ?? 0, running, today)),
    outcome: await outcomeOf(manager, order.id),
  };
}

export function submissionView(s: MilestoneSubmission): SubmissionView {
  return {
    id: s.id,
    round: s.round,
    text: s.text,
    kpiResults: s.kpiResults,
    submittedAt: cityIso(s.submittedAt),
    decision: s.decision,
    decisionReason: s.decisionReason,
    decidedAt: iso(s.decidedAt),
  };
}

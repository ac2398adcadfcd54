import type { EntityManager } from 'typeorm';
import { sql } from 'kysely';
import type { MilestoneSubmission, Order, OrderMilestone } from './order-rows';
import { selectMilestones, selectOrders } from './order-rows';
import { AppError, AuthUser, cityIso, cityToday, ErrorCode } from '@app/common';
import { db } from '@app/database';
import type { Viewer } from '@app/problems';
import { MilestoneView, OrderView, SubmissionView } from './dto/order.dto';
import type { DeliverableFileView } from './dto/deliverable-file.dto';
import { outcomeOf } from './outcome-read';
import { MilestoneAction, MILESTONE_TRANSITIONS, nextMilestoneStatus, nextOrderStatus, OrderAction } from './order-transitions';
import type { MilestoneStatus, OrderStatus } from './order.constants';

export const orderNotFound = () => new AppError(ErrorCode.ORDER_NOT_FOUND);

export async function findOrder(manager: EntityManager, id: string, lock = false): Promise<Order> {
  const [order] = await selectOrders(manager, { id }, lock);
  if (!order) throw orderNotFound();
  return order;
}

export async function milestonesOf(manager: EntityManager, orderId: string): Promise<OrderMilestone[]> {
  return selectMilestones(manager, { orderId });
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
  const names = await db(manager)
    .selectFrom('enterprises as e')
    .innerJoin('organizations as d', (j) => j.on('d.id', '=', order.departmentId))
    .select(['e.legal_name as firm', 'd.name as department'])
    .where('e.id', '=', order.enterpriseId)
    .executeTakeFirstOrThrow();
  const milestones = await milestonesOf(manager, order.id);
  const rounds =
    milestones.length === 0
      ? []
      : await db(manager)
          .selectFrom('milestone_submissions')
          .select(['milestone_id', sql<number>`count(*)::int`.as('n')])
          .where(
            'milestone_id',
            'in',
            milestones.map((m) => m.id),
          )
          .groupBy('milestone_id')
          .execute();
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

export function submissionView(s: MilestoneSubmission, files: DeliverableFileView[]): SubmissionView {
  return {
    id: s.id,
    round: s.round,
    text: s.text,
    kpiResults: s.kpiResults,
    submittedAt: cityIso(s.submittedAt),
    decision: s.decision,
    decisionReason: s.decisionReason,
    decidedAt: iso(s.decidedAt),
    files,
  };
}

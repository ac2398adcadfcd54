import { sql } from 'kysely';
import type { EntityManager } from 'typeorm';
import { db } from '@app/database';
import type { MilestonePhase, MilestoneStatus, OrderStatus } from './order.constants';
import type { MilestoneChange } from './variation-rules';

/** The order placed with the winning firm once the standstill ended cleanly (a row of `orders`). */
export interface Order {
  id: string;
  /** Null for a direct re-order from the catalogue. */
  problemId: string | null;
  proposalId: string | null;
  /** The catalogue order a direct re-order repeats. */
  sourceOrderId: string | null;
  /** Why the re-order goes to the same firm without a competition. */
  justification: string | null;
  title: string;
  enterpriseId: string;
  departmentId: string;
  status: OrderStatus;
  /** bigint comes back from pg as a string. */
  price: string;
  durationMonths: number;
  plan: string;
  staged: boolean;
  planVersion: number;
  departmentAgreedVersion: number | null;
  firmAgreedVersion: number | null;
  startedAt: Date | null;
  completedAt: Date | null;
  terminatedAt: Date | null;
  terminationReason: string | null;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
}

/** One milestone of an order's agreed plan (a row of `order_milestones`). */
export interface OrderMilestone {
  id: string;
  orderId: string;
  number: number;
  phase: MilestonePhase;
  deliverable: string;
  /** YYYY-MM-DD, a city calendar day. */
  dueDate: string;
  amount: string;
  kpis: { name: string; target: number; unit: string | null }[];
  status: MilestoneStatus;
  acceptedAt: Date | null;
  /** When the department paid the milestone's amount (accepted milestones only). */
  paidAt: Date | null;
  paidBy: string | null;
  createdAt: Date;
}

/** One round of a deliverable: what the firm submitted and what the department decided. */
export interface MilestoneSubmission {
  id: string;
  milestoneId: string;
  round: number;
  text: string;
  kpiResults: { kpi: string; value: number; evidence: string }[];
  submittedBy: string;
  submittedAt: Date;
  decision: 'accepted' | 'returned' | null;
  decisionReason: string | null;
  decidedBy: string | null;
  decidedAt: Date | null;
}

/** A numbered change to agreed milestones, proposed by one side and agreed or rejected by the other. */
export interface OrderVariation {
  id: string;
  orderId: string;
  number: number;
  status: 'proposed' | 'agreed' | 'rejected';
  reason: string;
  changes: MilestoneChange[];
  proposedBySide: 'department' | 'firm';
  proposedBy: string;
  proposedAt: Date;
  answeredBy: string | null;
  answeredAt: Date | null;
  rejectionReason: string | null;
}

/** The orders matching `where`, as records (locked for a change when asked). */
export async function selectOrders(
  manager: EntityManager,
  where: { id?: string; problemId?: string },
  lock = false,
): Promise<Order[]> {
  let q = db(manager).selectFrom('orders').selectAll();
  if (where.id !== undefined) q = q.where('id', '=', where.id);
  if (where.problemId !== undefined) q = q.where('problem_id', '=', where.problemId);
  if (lock) q = q.forUpdate();
  const rows = await q.execute();
  return rows.map((r) => ({
    id: r.id,
    problemId: r.problem_id,
    proposalId: r.proposal_id,
    sourceOrderId: r.source_order_id,
    justification: r.justification,
    title: r.title,
    enterpriseId: r.enterprise_id,
    departmentId: r.department_id,
    status: r.status as OrderStatus,
    price: r.price,
    durationMonths: r.duration_months,
    plan: r.plan,
    staged: r.staged,
    planVersion: r.plan_version,
    departmentAgreedVersion: r.department_agreed_version,
    firmAgreedVersion: r.firm_agreed_version,
    startedAt: r.started_at,
    completedAt: r.completed_at,
    terminatedAt: r.terminated_at,
    terminationReason: r.termination_reason,
    createdBy: r.created_by,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  }));
}

/** An order's milestones (or one of them), by number; due dates as YYYY-MM-DD. */
export async function selectMilestones(
  manager: EntityManager,
  where: { orderId: string; id?: string },
): Promise<OrderMilestone[]> {
  let q = db(manager)
    .selectFrom('order_milestones')
    .select([
      'id',
      'order_id',
      'number',
      'phase',
      'deliverable',
      sql<string>`to_char(due_date, 'YYYY-MM-DD')`.as('due_date'),
      'amount',
      'kpis',
      'status',
      'accepted_at',
      'paid_at',
      'paid_by',
      'created_at',
    ])
    .where('order_id', '=', where.orderId);
  if (where.id !== undefined) q = q.where('id', '=', where.id);
  const rows = await q.orderBy('number').execute();
  return rows.map((r) => ({
    id: r.id,
    orderId: r.order_id,
    number: r.number,
    phase: r.phase as MilestonePhase,
    deliverable: r.deliverable,
    dueDate: r.due_date,
    amount: r.amount,
    kpis: r.kpis as unknown as OrderMilestone['kpis'],
    status: r.status as MilestoneStatus,
    acceptedAt: r.accepted_at,
    paidAt: r.paid_at,
    paidBy: r.paid_by,
    createdAt: r.created_at,
  }));
}

/** A milestone's rounds, oldest first. */
export async function selectSubmissions(manager: EntityManager, milestoneId: string): Promise<MilestoneSubmission[]> {
  const rows = await db(manager)
    .selectFrom('milestone_submissions')
    .selectAll()
    .where('milestone_id', '=', milestoneId)
    .orderBy('round')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    milestoneId: r.milestone_id,
    round: r.round,
    text: r.text,
    kpiResults: r.kpi_results as unknown as MilestoneSubmission['kpiResults'],
    submittedBy: r.submitted_by,
    submittedAt: r.submitted_at,
    decision: r.decision as MilestoneSubmission['decision'],
    decisionReason: r.decision_reason,
    decidedBy: r.decided_by,
    decidedAt: r.decided_at,
  }));
}

/** An order's variations (or those matching `where`), by number. */
export async function selectVariations(
  manager: EntityManager,
  where: { orderId: string; number?: number; status?: OrderVariation['status']; id?: string },
): Promise<OrderVariation[]> {
  let q = db(manager).selectFrom('order_variations').selectAll().where('order_id', '=', where.orderId);
  if (where.number !== undefined) q = q.where('number', '=', where.number);
  if (where.status !== undefined) q = q.where('status', '=', where.status);
  if (where.id !== undefined) q = q.where('id', '=', where.id);
  const rows = await q.orderBy('number').execute();
  return rows.map((r) => ({
    id: r.id,
    orderId: r.order_id,
    number: r.number,
    status: r.status as OrderVariation['status'],
    reason: r.reason,
    changes: r.changes as unknown as MilestoneChange[],
    proposedBySide: r.proposed_by_side as OrderVariation['proposedBySide'],
    proposedBy: r.proposed_by,
    proposedAt: r.proposed_at,
    answeredBy: r.answered_by,
    answeredAt: r.answered_at,
    rejectionReason: r.rejection_reason,
  }));
}

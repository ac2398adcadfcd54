import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { sql } from 'kysely';
import { DataSource, EntityManager } from 'typeorm';
import { AppError, AuthUser, cityIso, decodeCursor, DEFAULT_PAGE_SIZE, ErrorCode, Msg, nfc, Page, toPage } from '@app/common';
import { AuditService } from '@app/audit';
import { db } from '@app/database';
import { DecisionsService } from '@app/evaluation';
import { NotificationsService } from '@app/notifications';
import { assertVisible, enterpriseOf, findProblem, isDepartmentOfficer, Viewer } from '@app/problems';
import { ComplaintStatus, DECIDED_COMPLAINT_STATUSES, PENDING_COMPLAINT_STATUSES } from './complaint.constants';
import { ComplaintAction, COMPLAINT_TRANSITIONS, nextComplaintStatus } from './complaint-transitions';
import {
  AnswerComplaintDto,
  ComplaintList,
  ComplaintView,
  DismissComplaintDto,
  FileComplaintDto,
  ReviewQueueQueryDto,
  UpholdComplaintDto,
} from './dto/complaint.dto';
import { StandstillService } from './standstill.service';
import { attachmentsOf } from './complaint-attachment-rows';
import type { ComplaintAttachmentView } from './dto/complaint.dto';

export interface ComplaintRow {
  id: string;
  problem_id: string;
  problem_title: string;
  department_id: string;
  decided_at: Date;
  enterprise_id: string;
  enterprise_name: string;
  status: ComplaintStatus;
  grounds: string;
  submitted_at: Date;
  answer: string | null;
  answered_at: Date | null;
  remedy: ComplaintView['remedy'];
  decision_reason: string | null;
  reviewed_at: Date | null;
  withdrawn_at: Date | null;
}

/** Complaints with the problem's title and department and the firm's name: every read starts here. */
const complaintRows = (manager: EntityManager) =>
  db(manager)
    .selectFrom('complaints as c')
    .innerJoin('problems as p', 'p.id', 'c.problem_id')
    .innerJoin('enterprises as e', 'e.id', 'c.enterprise_id')
    .select([
      'c.id',
      'c.problem_id',
      'p.title as problem_title',
      'p.department_id',
      'c.decided_at',
      'c.enterprise_id',
      'e.legal_name as enterprise_name',
      'c.status',
      'c.grounds',
      'c.submitted_at',
      'c.answer',
      'c.answered_at',
      'c.remedy',
      'c.decision_reason',
      'c.reviewed_at',
      'c.withdrawn_at',
    ])
    .$castTo<ComplaintRow>();

const iso = (d: Date | null) => (d ? cityIso(d) : null);

function toView(r: ComplaintRow, attachments: ComplaintAttachmentView[] = []): ComplaintView {
  return {
    id: r.id,
    problemId: r.problem_id,
    problemTitle: r.problem_title,
    decisionAt: cityIso(r.decided_at),
    enterprise: { id: r.enterprise_id, name: r.enterprise_name },
    status: r.status,
    grounds: r.grounds,
    submittedAt: cityIso(r.submitted_at),
    answer: r.answer,
    answeredAt: iso(r.answered_at),
    remedy: r.remedy,
    decisionReason: r.decision_reason,
    reviewedAt: iso(r.reviewed_at),
    withdrawnAt: iso(r.withdrawn_at),
    attachments,
  };
}

/**
 * Complaint rows as views, each with its attachments' descriptions (one query for all) for the
 * complaint's parties only: a decided complaint is public, its evidence is not — files (and their
 * names) may carry personal data, which the published complaint must not.
 */
async function toViews(manager: EntityManager, rows: ComplaintRow[], viewer: Viewer): Promise<ComplaintView[]> {
  const files = await attachmentsOf(
    manager,
    rows.filter((r) => isParty(viewer, r)).map((r) => r.id),
  );
  return rows.map((r) => toView(r, files.get(r.id)));
}

/** One complaint's row (404 when there is none), locked for a change when asked. */
export async function findComplaint(manager: EntityManager, id: string, lock = false): Promise<ComplaintRow> {
  let query = complaintRows(manager).where('c.id', '=', id);
  if (lock) query = query.forUpdate('c');
  const row = await query.executeTakeFirst();
  if (!row) throw notFound();
  return row;
}

/** Who may read a complaint before it is decided: its firm, the department, the reviewing admins. */
export function isParty(viewer: Viewer, r: Pick<ComplaintRow, 'enterprise_id' | 'department_id'>): boolean {
  if (!viewer) return false;
  if (viewer.role === 'admin') return true;
  if (isDepartmentOfficer(viewer, { departmentId: r.department_id })) return true;
  return viewer.role === 'enterprise' && viewer.organizationId === r.enterprise_id;
}

/**
 * Complaints during the standstill: any bidder files one with its grounds; the department answers;
 * an admin (the reviewing body) upholds — reopening the evaluation or cancelling the award — or
 * dismisses, with a reason. Decided complaints are public, naming the firm but no person.
 */
@Injectable()
export class ComplaintsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly standstill: StandstillService,
    private readonly decisions: DecisionsService,
    private readonly audit: AuditService,
    private readonly notifications: NotificationsService,
  ) {}

  async file(actor: AuthUser, problemId: string, dto: FileComplaintDto): Promise<ComplaintView> {
    const enterpriseId = enterpriseOf(actor);
    const grounds = nfc(dto.grounds);
    return this.dataSource.transaction(async (manager) => {
      // The problem row's lock serialises filing with the reviewing body's decisions on it.
      const problem = await findProblem(manager, problemId, true);
      assertVisible(actor, problem);
      const s = await this.standstill.of(manager, problemId);
      if (!s) throw new AppError(ErrorCode.COMPLAINT_PERIOD_CLOSED, { context: 'noDecision' });
      if (!s.open)
        throw new AppError(ErrorCode.COMPLAINT_PERIOD_CLOSED, { endsAt: cityIso(s.endsAt) }, { endsAt: cityIso(s.endsAt) });
      const bid = await db(manager)
        .selectFrom('proposals')
        .select('id')
        .where('problem_id', '=', problemId)
        .where('enterprise_id', '=', enterpriseId)
        .where('status', '<>', 'withdrawn')
        .executeTakeFirst();
      if (!bid) throw new AppError(ErrorCode.COMPLAINT_FORBIDDEN, { context: 'notBidder' });
      const live = await db(manager)
        .selectFrom('complaints')
        .select('id')
        .where('problem_id', '=', problemId)
        .where('decided_at', '=', s.decision.decidedAt)
        .where('enterprise_id', '=', enterpriseId)
        .where('status', 'in', PENDING_COMPLAINT_STATUSES)
        .executeTakeFirst();
      if (live) throw new AppError(ErrorCode.COMPLAINT_EXISTS, {}, { complaintId: live.id });
      const row = await db(manager)
        .insertInto('complaints')
        .values({
          problem_id: problemId,
          decided_at: s.decision.decidedAt,
          enterprise_id: enterpriseId,
          filed_by: actor.id,
          status: 'submitted',
          grounds,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await this.audit.record(manager, {
        actor,
        action: 'complaint.filed',
        entityType: 'complaint',
        entityId: row.id,
        before: null,
        after: { status: 'submitted', problemId, enterpriseId, decisionAt: cityIso(s.decision.decidedAt), grounds },
      });
      await this.notifications.notifyDepartment(manager, problem.departmentId, {
        kind: 'complaint.filed',
        message: 'complaintFiled',
        params: { problem: problem.title },
        data: { problemId, complaintId: row.id },
      });
      return this.read(manager, actor, row.id);
    });
  }

  async answer(actor: AuthUser, id: string, dto: AnswerComplaintDto): Promise<ComplaintView> {
    const answer = nfc(dto.answer);
    return this.change(actor, id, 'answer', async (manager, row) => {
      await db(manager)
        .updateTable('complaints')
        .set({ status: 'answered', answer, answered_by: actor.id, answered_at: sql<Date>`now()` })
        .where('id', '=', id)
        .execute();
      await this.tellFirm(manager, row, 'complaintAnswered');
      return { answer };
    });
  }

  async dismiss(actor: AuthUser, id: string, dto: DismissComplaintDto): Promise<ComplaintView> {
    const reason = nfc(dto.reason);
    return this.change(actor, id, 'dismiss', async (manager, row) => {
      await this.decide(manager, actor, id, 'dismissed', reason, null);
      await this.tellFirm(manager, row, 'complaintDismissed', { reason });
      return { reason };
    });
  }

  async uphold(actor: AuthUser, id: string, dto: UpholdComplaintDto): Promise<ComplaintView> {
    const reason = nfc(dto.reason);
    return this.change(actor, id, 'uphold', async (manager, row) => {
      const decision = await this.decisions.current(manager, row.problem_id);
      // Only the decision complained about can be undone; a newer one needs its own complaint.
      if (!decision || decision.decidedAt.getTime() !== row.decided_at.getTime()) {
        throw new AppError(ErrorCode.COMPLAINT_STATUS_CONFLICT, { context: 'decisionChanged' });
      }
      await this.decide(manager, actor, id, 'upheld', reason, dto.remedy);
      if (dto.remedy === 'reevaluate') await this.decisions.reopen(manager, actor, decision, reason);
      else await this.decisions.cancel(manager, actor, decision, reason);
      await this.tellFirm(manager, row, 'complaintUpheld', { reason });
      await this.notifications.notifyDepartment(manager, row.department_id, {
        kind: 'complaint.decided',
        message: 'complaintUpheldDepartment',
        params: { problem: row.problem_title, reason },
        data: { problemId: row.problem_id, complaintId: id, remedy: dto.remedy },
      });
      return { remedy: dto.remedy, reason };
    });
  }

  async withdraw(actor: AuthUser, id: string): Promise<ComplaintView> {
    return this.change(actor, id, 'withdraw', async (manager) => {
      await db(manager)
        .updateTable('complaints')
        .set({ status: 'withdrawn', withdrawn_at: sql<Date>`now()` })
        .where('id', '=', id)
        .execute();
      return {};
    });
  }

  /** One complaint: public once decided; before, only to its parties (404 to anyone else). */
  async get(viewer: Viewer, id: string): Promise<ComplaintView> {
    const row = await findComplaint(this.dataSource.manager, id);
    if (!DECIDED_COMPLAINT_STATUSES.includes(row.status) && !isParty(viewer, row)) throw notFound();
    return (await toViews(this.dataSource.manager, [row], viewer))[0]!;
  }

  /** A problem's complaints: decided ones for everyone; the department and admins see all; a firm also its own. */
  async forProblem(viewer: Viewer, problemId: string): Promise<ComplaintList> {
    const manager = this.dataSource.manager;
    assertVisible(viewer, await findProblem(manager, problemId));
    const rows = await complaintRows(manager)
      .where('c.problem_id', '=', problemId)
      .orderBy('c.submitted_at')
      .orderBy('c.id')
      .execute();
    const visible = rows.filter((r) => DECIDED_COMPLAINT_STATUSES.includes(r.status) || isParty(viewer, r));
    return { items: await toViews(manager, visible, viewer) };
  }

  /** The reviewing body's queue: pending complaints by default, oldest first. */
  async reviewQueue(reviewer: AuthUser, query: ReviewQueueQueryDto): Promise<Page<ComplaintView>> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const after = decodeCursor<{ at: string; id: string }>(query.cursor, ['at', 'id']);
    const statuses = query.status ? [query.status] : PENDING_COMPLAINT_STATUSES;
    let q = complaintRows(this.dataSource.manager).where('c.status', 'in', statuses);
    if (after) q = q.where(sql<boolean>`(c.submitted_at, c.id) > (${after.at}::timestamptz, ${after.id}::uuid)`);
    const rows = await q
      .orderBy('c.submitted_at')
      .orderBy('c.id')
      .limit(limit + 1)
      .execute();
    const page = toPage(
      rows,
      limit,
      (r) => ({ at: r.submitted_at.toISOString(), id: r.id }),
      (r) => r,
    );
    return { ...page, items: await toViews(this.dataSource.manager, page.items, reviewer) };
  }

  /** The common part of every transition: lock, check who acts and from which status, audit, reread. */
  private async change(
    actor: AuthUser,
    id: string,
    action: ComplaintAction,
    apply: (manager: EntityManager, row: ComplaintRow) => Promise<Record<string, unknown>>,
  ): Promise<ComplaintView> {
    return this.dataSource.transaction(async (manager) => {
      const peek = await findComplaint(manager, id);
      if (!isParty(actor, peek)) throw notFound();
      await findProblem(manager, peek.problem_id, true);
      const row = await findComplaint(manager, id, true);
      const rule = COMPLAINT_TRANSITIONS[action];
      const allowed =
        (rule.by === 'admin' && actor.role === 'admin') ||
        (rule.by === 'department' && isDepartmentOfficer(actor, { departmentId: row.department_id })) ||
        (rule.by === 'complainant' && actor.role === 'enterprise' && actor.organizationId === row.enterprise_id);
      if (!allowed) throw new AppError(ErrorCode.COMPLAINT_FORBIDDEN, { context: rule.by });
      const to = nextComplaintStatus(row.status, action);
      if (!to) {
        throw new AppError(
          ErrorCode.COMPLAINT_STATUS_CONFLICT,
          { status: new Msg(`complaintStatus.${row.status}`) },
          { status: row.status },
        );
      }
      const details = await apply(manager, row);
      await this.audit.record(manager, {
        actor,
        action: `complaint.${to}`,
        entityType: 'complaint',
        entityId: id,
        before: { status: row.status },
        after: { status: to, ...details },
      });
      return this.read(manager, actor, id);
    });
  }

  private async decide(
    manager: EntityManager,
    actor: AuthUser,
    id: string,
    status: 'upheld' | 'dismissed',
    reason: string,
    remedy: UpholdComplaintDto['remedy'] | null,
  ): Promise<void> {
    await db(manager)
      .updateTable('complaints')
      .set({ status, decision_reason: reason, remedy, decided_by: actor.id, reviewed_at: sql<Date>`now()` })
      .where('id', '=', id)
      .execute();
  }

  private async tellFirm(
    manager: EntityManager,
    row: ComplaintRow,
    message: string,
    params: Record<string, string> = {},
  ): Promise<void> {
    await this.notifications.notifyEnterprises(manager, [row.enterprise_id], {
      kind: message === 'complaintAnswered' ? 'complaint.answered' : 'complaint.decided',
      message,
      params: { problem: row.problem_title, ...params },
      data: { problemId: row.problem_id, complaintId: row.id },
    });
  }

  private async read(manager: EntityManager, actor: AuthUser, id: string): Promise<ComplaintView> {
    return (await toViews(manager, [await findComplaint(manager, id)], actor))[0]!;
  }
}

export const notFound = () => new AppError(ErrorCode.COMPLAINT_NOT_FOUND);

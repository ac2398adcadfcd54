import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { sql } from 'kysely';
import { DataSource, EntityManager } from 'typeorm';
import { db } from '@app/database';
import {
  AppConfig,
  AppError,
  AuthUser,
  cityIso,
  decodeCursor,
  DEFAULT_PAGE_SIZE,
  ErrorCode,
  Msg,
  nfc,
  Page,
  problemStatus,
  toPage,
} from '@app/common';
import { AuditService } from '@app/audit';
import { releaseScoresIfFinished } from './score-disclosure';
import { NotificationsService } from '@app/notifications';
import { assertDepartmentOfficer, findProblem } from '@app/problems';
import { SetPanelDto } from './dto/evaluation.dto';
import { assertMayFollow, pastDeadline } from './evaluation-state';

export class PanelView {
  problemId: string;
  members: { userId: string; fullName: string; email: string; chair: boolean; addedAt: string }[];
  removed: { userId: string; fullName: string; removedAt: string; reason: string | null }[];
}

export class MyPanelView {
  problemId: string;
  title: string;
  status: string;
  deadline: string;
  departmentName: string;
  chair: boolean;
}

/** Statuses in which the panel may still change (afterwards the outcome stands on it). */
const PANEL_EDITABLE = ['draft', 'published', 'closed', 'evaluating'];

/**
 * The evaluation panel: named by the department's officers before the deadline; any later change
 * needs a written reason, which is kept on the rows it touches and in the audit log.
 */
@Injectable()
export class PanelService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly notifications: NotificationsService,
    private readonly config: AppConfig,
  ) {}

  async setPanel(actor: AuthUser, problemId: string, dto: SetPanelDto): Promise<PanelView> {
    const reason = dto.reason ? nfc(dto.reason) : null;
    return this.dataSource.transaction(async (manager) => {
      const problem = await findProblem(manager, problemId, true);
      assertDepartmentOfficer(actor, problem, 'namePanel');
      if (!PANEL_EDITABLE.includes(problem.status)) {
        throw new AppError(
          ErrorCode.PROBLEM_STATUS_CONFLICT,
          { context: 'panel', status: problemStatus(problem.status) },
          {
            status: problem.status,
          },
        );
      }
      const late = await pastDeadline(manager, problemId);
      if (late && !reason) {
        throw new AppError(ErrorCode.PANEL_CHANGE_REASON_REQUIRED);
      }
      const ids = dto.members.map((m) => m.userId);
      const issues: { field: string; message: Msg }[] = [];
      const minSize = this.config.get('PANEL_MIN_SIZE');
      if (new Set(ids).size !== ids.length) issues.push({ field: 'members', message: new Msg('panel.duplicate') });
      if (ids.length < minSize) issues.push({ field: 'members', message: new Msg('panel.tooSmall', { min: minSize }) });
      if (dto.members.filter((m) => m.chair).length !== 1) issues.push({ field: 'members', message: new Msg('panel.oneChair') });
      const users =
        ids.length === 0
          ? []
          : await db(manager)
              .selectFrom('users')
              .select('id')
              .where('id', 'in', ids)
              .where('role', '=', 'evaluator')
              .where('status', '=', 'active')
              .execute();
      const found = new Set(users.map((u) => u.id));
      const unknown = ids.filter((id) => !found.has(id));
      if (unknown.length > 0)
        issues.push({ field: 'members', message: new Msg('panel.notEvaluators', { ids: unknown.join(', ') }) });
      if (issues.length > 0) throw new AppError(ErrorCode.PANEL_INVALID, {}, issues);

      const before = await db(manager)
        .selectFrom('problem_panel_members')
        .select(['user_id', 'is_chair'])
        .where('problem_id', '=', problemId)
        .where('removed_at', 'is', null)
        .orderBy('user_id')
        .execute();
      const beforeIds = new Set(before.map((b) => b.user_id));
      const removed = before.filter((b) => !ids.includes(b.user_id)).map((b) => b.user_id);
      const added = ids.filter((id) => !beforeIds.has(id));
      const chairId = dto.members.find((m) => m.chair)?.userId as string;
      const unchanged = removed.length === 0 && added.length === 0 && before.find((b) => b.is_chair)?.user_id === chairId;
      if (!unchanged) {
        // The chair moves first: one chair at a time (partial unique index).
        await db(manager)
          .updateTable('problem_panel_members')
          .set({ is_chair: false })
          .where('problem_id', '=', problemId)
          .where('is_chair', '=', true)
          .execute();
        if (removed.length > 0) {
          await db(manager)
            .updateTable('problem_panel_members')
            .set({ removed_at: sql`now()`, change_reason: reason })
            .where('problem_id', '=', problemId)
            .where('user_id', 'in', removed)
            .execute();
        }
        // A member still on the panel keeps added_at and reason; one named again gets this change's.
        const stillOnPanel = sql`${sql.ref('problem_panel_members.removed_at')} IS NULL`;
        for (const id of ids) {
          await db(manager)
            .insertInto('problem_panel_members')
            .values({
              problem_id: problemId,
              user_id: id,
              is_chair: id === chairId,
              change_reason: added.includes(id) ? reason : null,
            })
            .onConflict((c) =>
              c.columns(['problem_id', 'user_id']).doUpdateSet((eb) => ({
                is_chair: eb.ref('excluded.is_chair'),
                added_at: sql<Date>`CASE WHEN ${stillOnPanel} THEN ${sql.ref('problem_panel_members.added_at')} ELSE now() END`,
                change_reason: sql<
                  string | null
                >`CASE WHEN ${stillOnPanel} THEN ${sql.ref('problem_panel_members.change_reason')} ELSE ${sql.ref('excluded.change_reason')} END`,
                removed_at: null,
              })),
            )
            .execute();
        }
        await this.notifications.notifyUsers(manager, added, {
          kind: 'panel.assigned',
          message: 'panelAssigned',
          params: { problem: problem.title },
          data: { problemId },
        });
        await this.audit.record(manager, {
          actor,
          action: 'panel.changed',
          entityType: 'problem',
          entityId: problemId,
          before: { members: before.map((b) => ({ userId: b.user_id, chair: b.is_chair })) },
          after: {
            members: dto.members.map((m) => ({ userId: m.userId, chair: m.userId === chairId })),
            added,
            removed,
            reason,
            afterDeadline: late,
          },
        });
        if (late) await releaseScoresIfFinished(manager, this.audit, problemId, minSize);
      }
      return this.view(manager, problemId);
    });
  }

  async getPanel(user: AuthUser, problemId: string): Promise<PanelView> {
    const manager = this.dataSource.manager;
    const problem = await findProblem(manager, problemId);
    await assertMayFollow(manager, problem, user, true);
    return this.view(manager, problemId);
  }

  async myPanels(user: AuthUser, query: { limit?: number; cursor?: string }): Promise<Page<MyPanelView>> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const after = decodeCursor<{ at: string; id: string }>(query.cursor, ['at', 'id']);
    const rows = await db(this.dataSource)
      .selectFrom('problem_panel_members as m')
      .innerJoin('problems as p', 'p.id', 'm.problem_id')
      .innerJoin('organizations as o', 'o.id', 'p.department_id')
      .select([
        'p.id',
        'p.title',
        'p.status',
        'p.deadline',
        sql<string>`${sql.ref('p.deadline')}::text`.as('cursor_at'),
        'o.name as department_name',
        'm.is_chair',
      ])
      .where('m.user_id', '=', user.id)
      .where('m.removed_at', 'is', null)
      .$if(after !== undefined && after !== null, (q) =>
        q.where(sql<boolean>`(${sql.ref('p.deadline')}, ${sql.ref('p.id')}) < (${after?.at}::timestamptz, ${after?.id}::uuid)`),
      )
      .orderBy('p.deadline', 'desc')
      .orderBy('p.id', 'desc')
      .limit(limit + 1)
      .execute();
    return toPage(
      rows,
      limit,
      (r) => ({ at: r.cursor_at, id: r.id }),
      (r) => ({
        problemId: r.id,
        title: r.title,
        status: r.status,
        deadline: cityIso(r.deadline),
        departmentName: r.department_name,
        chair: r.is_chair,
      }),
    );
  }

  private async view(manager: EntityManager, problemId: string): Promise<PanelView> {
    const rows = await db(manager)
      .selectFrom('problem_panel_members as m')
      .innerJoin('users as u', 'u.id', 'm.user_id')
      .select(['m.user_id', 'u.full_name', 'u.email', 'm.is_chair', 'm.added_at', 'm.removed_at', 'm.change_reason'])
      .where('m.problem_id', '=', problemId)
      .orderBy('m.is_chair', 'desc')
      .orderBy('m.added_at')
      .orderBy('u.full_name')
      .orderBy('m.user_id')
      .execute();
    return {
      problemId,
      members: rows
        .filter((r) => !r.removed_at)
        .map((r) => ({
          userId: r.user_id,
          fullName: r.full_name,
          email: r.email,
          chair: r.is_chair,
          addedAt: cityIso(r.added_at),
        })),
      removed: rows
        .filter((r) => r.removed_at)
        .map((r) => ({
          userId: r.user_id,
          fullName: r.full_name,
          removedAt: cityIso(r.removed_at as Date),
          reason: r.change_reason,
        })),
    };
  }
}

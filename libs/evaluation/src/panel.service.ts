import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
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
      const users = await manager.query<{ id: string }[]>(
        `SELECT id FROM users WHERE id = ANY($1::uuid[]) AND role = 'evaluator' AND status = 'active'`,
        [ids],
      );
      const found = new Set(users.map((u) => u.id));
      const unknown = ids.filter((id) => !found.has(id));
      if (unknown.length > 0)
        issues.push({ field: 'members', message: new Msg('panel.notEvaluators', { ids: unknown.join(', ') }) });
      if (issues.length > 0) throw new AppError(ErrorCode.PANEL_INVALID, {}, issues);

      const before = await manager.query<{ user_id: string; is_chair: boolean }[]>(
        `SELECT user_id, is_chair FROM problem_panel_members WHERE problem_id = $1 AND removed_at IS NULL ORDER BY user_id`,
        [problemId],
      );
      const beforeIds = new Set(before.map((b) => b.user_id));
      const removed = before.filter((b) => !ids.includes(b.user_id)).map((b) => b.user_id);
      const added = ids.filter((id) => !beforeIds.has(id));
      const chairId = dto.members.find((m) => m.chair)?.userId as string;
      const unchanged = removed.length === 0 && added.length === 0 && before.find((b) => b.is_chair)?.user_id === chairId;
      if (!unchanged) {
        // The chair moves first: one chair at a time (partial unique index).
        await manager.query(`UPDATE problem_panel_members SET is_chair = false WHERE problem_id = $1 AND is_chair`, [problemId]);
        if (removed.length > 0) {
          await manager.query(
            `UPDATE problem_panel_members SET removed_at = now(), change_reason = $3 WHERE problem_id = $1 AND user_id = ANY($2::uuid[])`,
            [problemId, removed, reason],
          );
        }
        for (const id of ids) {
          await manager.query(
            `INSERT INTO problem_panel_members (problem_id, user_id, is_chair, change_reason) VALUES ($1, $2, $3, $4)
             ON CONFLICT (problem_id, user_id) DO UPDATE SET is_chair = EXCLUDED.is_chair,
               added_at = CASE WHEN problem_panel_members.removed_at IS NULL THEN problem_panel_members.added_at ELSE now() END,
               change_reason = CASE WHEN problem_panel_members.removed_at IS NULL THEN problem_panel_members.change_reason ELSE EXCLUDED.change_reason END,
               removed_at = NULL`,
            [problemId, id, id === chairId, added.includes(id) ? reason : null],
          );
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
    const params: unknown[] = [user.id];
    let clause = '';
    if (after) {
      params.push(after.at, after.id);
      clause = ` AND (p.deadline, p.id) < ($2::timestamptz, $3::uuid)`;
    }
    params.push(limit + 1);
    const rows = await this.dataSource.query<
      {
        id: string;
        title: string;
        status: string;
        deadline: Date;
        cursor_at: string;
        department_name: string;
        is_chair: boolean;
      }[]
    >(
      `SELECT p.id, p.title, p.status, p.deadline, p.deadline::text AS cursor_at, o.name AS department_name, m.is_chair
       FROM problem_panel_members m JOIN problems p ON p.id = m.problem_id JOIN organizations o ON o.id = p.department_id
       WHERE m.user_id = $1 AND m.removed_at IS NULL${clause}
       ORDER BY p.deadline DESC, p.id DESC LIMIT $${params.length}`,
      params,
    );
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

  private async view(manager: DataSource['manager'], problemId: string): Promise<PanelView> {
    const rows = await manager.query<
      {
        user_id: string;
        full_name: string;
        email: string;
        is_chair: boolean;
        added_at: Date;
        removed_at: Date | null;
        change_reason: string | null;
      }[]
    >(
      `SELECT m.user_id, u.full_name, u.email, m.is_chair, m.added_at, m.removed_at, m.change_reason
       FROM problem_panel_members m JOIN users u ON u.id = m.user_id WHERE m.problem_id = $1
       ORDER BY m.is_chair DESC, m.added_at, u.full_name, m.user_id`,
      [problemId],
    );
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

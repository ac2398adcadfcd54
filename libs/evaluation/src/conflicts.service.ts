import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig, AppError, AuthUser, cityIso, ErrorCode, nfc } from '@app/common';
import { AuditService } from '@app/audit';
import { transitionProblem } from '@app/problems';
import { NotificationsService } from '@app/notifications';
import { DeclareConflictsDto } from './dto/evaluation.dto';
import { assertEvaluating, assertOpened, assertPanelMember, isShort, key, loadState, openedByClock } from './evaluation-state';
import { releaseScoresIfFinished } from './score-disclosure';

export class BidderList {
  items: BidderView[];
}

export class DeclarationView {
  conflict: boolean;
  note: string | null;
  declaredAt: string;
}

export class BidderView {
  enterpriseId: string;
  name: string;
  declaration: DeclarationView | null;
}

/**
 * Conflicts of interest: after closing each panel member sees the bidding firms (names only) and
 * declares, per firm, a conflict or none before any of that firm's proposals opens for them. A
 * declared conflict is final for that firm; declaring one after "no conflict" discards the
 * evaluator's scores for its proposal.
 */
@Injectable()
export class ConflictsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly notifications: NotificationsService,
    private readonly config: AppConfig,
  ) {}

  async bidders(user: AuthUser, problemId: string): Promise<BidderList> {
    return this.dataSource.transaction(async (manager) => {
      const state = await loadState(manager, problemId, this.config.get('PANEL_MIN_SIZE'));
      await assertPanelMember(manager, problemId, user);
      assertOpened(state.problem, await openedByClock(manager, problemId));
      const mine = await manager.query<{ enterprise_id: string; conflict: boolean; note: string | null; declared_at: Date }[]>(
        `SELECT enterprise_id, conflict, note, declared_at FROM conflict_declarations WHERE problem_id = $1 AND evaluator_id = $2`,
        [problemId, user.id],
      );
      const byFirm = new Map(mine.map((d) => [d.enterprise_id, d]));
      const firms = new Map(state.proposals.map((p) => [p.enterpriseId, p.legalName]));
      return {
        items: [...firms.entries()].map(([enterpriseId, name]) => {
          const d = byFirm.get(enterpriseId);
          return {
            enterpriseId,
            name,
            declaration: d ? { conflict: d.conflict, note: d.note, declaredAt: cityIso(d.declared_at) } : null,
          };
        }),
      };
    });
  }

  async declare(user: AuthUser, problemId: string, dto: DeclareConflictsDto): Promise<BidderList> {
    await this.dataSource.transaction(async (manager) => {
      const minPanel = this.config.get('PANEL_MIN_SIZE');
      const state = await loadState(manager, problemId, minPanel, true);
      await assertPanelMember(manager, problemId, user);
      assertOpened(state.problem, await openedByClock(manager, problemId));
      assertEvaluating(state.problem);
      const bidders = new Set(state.proposals.map((p) => p.enterpriseId));
      const strangers = dto.declarations.filter((d) => !bidders.has(d.enterpriseId)).map((d) => d.enterpriseId);
      if (strangers.length > 0) {
        throw new AppError(
          ErrorCode.VALIDATION_FAILED,
          { context: 'declareBidders' },
          {
            enterpriseIds: strangers,
          },
        );
      }
      if (new Set(dto.declarations.map((d) => d.enterpriseId)).size !== dto.declarations.length) {
        throw new AppError(ErrorCode.VALIDATION_FAILED, { context: 'declareOnce' });
      }
      const changes: { enterpriseId: string; conflict: boolean; previous: boolean | null; note: string | null }[] = [];
      for (const d of dto.declarations) {
        const previous = state.declarations.get(key(user.id, d.enterpriseId));
        const note = d.note ? nfc(d.note) : null;
        if (previous === true && !d.conflict) {
          throw new AppError(
            ErrorCode.CONFLICT_DECLARATION_FINAL,
            {},
            {
              enterpriseId: d.enterpriseId,
            },
          );
        }
        if (previous === d.conflict) continue;
        if (previous === undefined) {
          await manager.query(
            `INSERT INTO conflict_declarations (problem_id, evaluator_id, enterprise_id, conflict, note) VALUES ($1, $2, $3, $4, $5)`,
            [problemId, user.id, d.enterpriseId, d.conflict, note],
          );
        } else {
          // no → yes: the evaluator leaves that firm's proposal, and their scores for it go.
          await manager.query(
            `UPDATE conflict_declarations SET conflict = true, note = coalesce($4, note), declared_at = now()
             WHERE problem_id = $1 AND evaluator_id = $2 AND enterprise_id = $3`,
            [problemId, user.id, d.enterpriseId, note],
          );
          const proposalIds = state.proposals.filter((p) => p.enterpriseId === d.enterpriseId).map((p) => p.proposalId);
          await manager.query(`DELETE FROM proposal_scores WHERE evaluator_id = $1 AND proposal_id = ANY($2::uuid[])`, [
            user.id,
            proposalIds,
          ]);
          await manager.query(
            `DELETE FROM proposal_score_submissions WHERE evaluator_id = $1 AND proposal_id = ANY($2::uuid[])`,
            [user.id, proposalIds],
          );
        }
        state.declarations.set(key(user.id, d.enterpriseId), d.conflict);
        changes.push({ enterpriseId: d.enterpriseId, conflict: d.conflict, previous: previous ?? null, note });
      }
      if (changes.length === 0) return;

      const short = state.proposals.filter(
        (p) => changes.some((c) => c.conflict && c.enterpriseId === p.enterpriseId) && isShort(state, p),
      );
      if (short.length > 0) {
        await this.notifications.notifyDepartment(manager, state.problem.departmentId, {
          kind: 'panel.short',
          message: 'panelShort',
          params: { problem: state.problem.title, count: short.length, min: minPanel },
          data: { problemId, proposalsShort: short.length },
        });
      }
      // The first declaration starts the evaluation.
      const started = state.problem.status === 'closed';
      if (started) await transitionProblem(manager, problemId, 'startEvaluation');
      await this.audit.record(manager, {
        actor: user,
        action: 'conflicts.declared',
        entityType: 'problem',
        entityId: problemId,
        after: { declarations: changes },
      });
      await releaseScoresIfFinished(manager, this.audit, problemId, minPanel);
      if (started) {
        await this.audit.record(manager, {
          actor: user,
          action: 'problem.evaluation_started',
          entityType: 'problem',
          entityId: problemId,
          before: { status: 'closed' },
          after: { status: 'evaluating' },
        });
      }
    });
    return this.bidders(user, problemId);
  }
}

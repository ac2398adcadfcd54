import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import {
  AppError,
  AuthUser,
  cityIso,
  decodeCursor,
  DEFAULT_PAGE_SIZE,
  ErrorCode,
  nfc,
  Page,
  PageQueryDto,
  problemStatus,
  toPage,
} from '@app/common';
import { AuditService } from '@app/audit';
import { assertVerifiedEnterprise } from '@app/enterprises';
import { NotificationsService } from '@app/notifications';
import { ProblemQuestion } from './entities/problem-question.entity';
import {
  assertDepartmentOfficer,
  assertVisible,
  enterpriseOf,
  findProblem,
  isDepartmentOfficer,
  problemNotFound,
  Viewer,
} from './problem-access';
import { audienceOf } from './problem-audience';
import { databaseNow } from './problems.service';

/**
 * A question as published. The asker's identity is never shown — not to the public, and not to
 * the department either (it must not know who is interested before the bids open); the asking firm
 * sees `mine: true` on its own.
 */
export class QuestionView {
  id: string;
  problemId: string;
  question: string;
  answer: string | null;
  askedAt: string;
  answeredAt: string | null;
  mine: boolean;
}

function toQuestionView(q: ProblemQuestion, viewer: Viewer): QuestionView {
  return {
    id: q.id,
    problemId: q.problemId,
    question: q.question,
    answer: q.answer,
    askedAt: cityIso(q.createdAt),
    answeredAt: q.answeredAt ? cityIso(q.answeredAt) : null,
    mine: viewer?.role === 'enterprise' && viewer.organizationId === q.enterpriseId,
  };
}

@Injectable()
export class ClarificationsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly notifications: NotificationsService,
  ) {}

  /** A verified firm asks while the problem is published and before the clarification deadline (database clock). */
  async ask(actor: AuthUser, problemId: string, text: string): Promise<QuestionView> {
    const enterpriseId = enterpriseOf(actor);
    const question = nfc(text);
    return this.dataSource.transaction(async (manager) => {
      // FOR SHARE: an amendment moving the clarification deadline waits for this question, or the other way round.
      const rows = await manager.query<{ department_id: string; status: string; title: string; open: boolean }[]>(
        `SELECT department_id, status, title, clarification_deadline > clock_timestamp() AS open FROM problems WHERE id = $1 FOR SHARE`,
        [problemId],
      );
      const problem = rows[0];
      if (!problem || problem.status === 'draft') throw problemNotFound();
      await assertVerifiedEnterprise(manager, enterpriseId);
      if (problem.status !== 'published' || !problem.open) {
        throw new AppError(ErrorCode.CLARIFICATION_CLOSED, {}, { status: problem.status });
      }
      const repo = manager.getRepository(ProblemQuestion);
      const saved = await repo.save(repo.create({ problemId, enterpriseId, askedBy: actor.id, question }));
      // Asking means caring about the answer: the firm follows the problem from now on.
      await manager.query(`INSERT INTO problem_followers (problem_id, enterprise_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [
        problemId,
        enterpriseId,
      ]);
      // The asker is never revealed, not even to admins reading the log: its role only.
      await this.audit.record(manager, {
        actor,
        anonymous: true,
        action: 'question.asked',
        entityType: 'problem_question',
        entityId: saved.id,
        after: { problemId, question },
      });
      await this.notifications.notifyDepartment(manager, problem.department_id, {
        kind: 'question.asked',
        message: 'questionAsked',
        params: { problem: problem.title },
        data: { problemId, questionId: saved.id },
      });
      return toQuestionView(await repo.findOneByOrFail({ id: saved.id }), actor);
    });
  }

  /** The department answers; answering again replaces the answer (both audited), and followers, bidders and the asker are told. */
  async answer(actor: AuthUser, problemId: string, questionId: string, text: string): Promise<QuestionView> {
    const answer = nfc(text);
    return this.dataSource.transaction(async (manager) => {
      const problem = await findProblem(manager, problemId);
      assertDepartmentOfficer(actor, problem, 'answerQuestions');
      if (problem.status !== 'published' && problem.status !== 'closed') {
        throw new AppError(
          ErrorCode.PROBLEM_STATUS_CONFLICT,
          { context: 'answer', status: problemStatus(problem.status) },
          { status: problem.status },
        );
      }
      const repo = manager.getRepository(ProblemQuestion);
      const q = await repo.findOne({ where: { id: questionId, problemId }, lock: { mode: 'pessimistic_write' } });
      if (!q) throw new AppError(ErrorCode.QUESTION_NOT_FOUND);
      const previous = q.answer;
      await repo.update({ id: q.id }, { answer, answeredBy: actor.id, answeredAt: await databaseNow(manager) });
      await this.audit.record(manager, {
        actor,
        action: previous === null ? 'question.answered' : 'question.answer_changed',
        entityType: 'problem_question',
        entityId: q.id,
        before: { answer: previous },
        after: { problemId, answer },
      });
      const firms = [...new Set([...(await audienceOf(manager, problemId, ['followers', 'bidders'])), q.enterpriseId])];
      await this.notifications.notifyEnterprises(manager, firms, {
        kind: 'question.answered',
        message: previous === null ? 'questionAnswered' : 'answerRevised',
        params: { problem: problem.title, question: q.question, answer },
        data: { problemId, questionId: q.id },
      });
      return toQuestionView(await repo.findOneByOrFail({ id: q.id }), actor);
    });
  }

  /** Public: answered ones. The asking firm also sees its own pending ones; the department sees all. */
  async list(viewer: Viewer, problemId: string, query: PageQueryDto): Promise<Page<QuestionView>> {
    const problem = await findProblem(this.dataSource.manager, problemId);
    assertVisible(viewer, problem);
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const after = decodeCursor<{ createdAt: string; id: string }>(query.cursor, ['createdAt', 'id']);
    const qb = this.dataSource
      .getRepository(ProblemQuestion)
      .createQueryBuilder('q')
      .where('q.problemId = :problemId', { problemId })
      // created_at has microseconds, the cursor milliseconds: sort and page on the same truncated key
      .orderBy(`date_trunc('milliseconds', q.created_at)`, 'ASC')
      .addOrderBy('q.id', 'ASC')
      .limit(limit + 1);
    const seesAll = isDepartmentOfficer(viewer, problem) || viewer?.role === 'admin';
    if (!seesAll) {
      if (viewer?.role === 'enterprise' && viewer.organizationId) {
        qb.andWhere('(q.answer IS NOT NULL OR q.enterpriseId = :own)', { own: viewer.organizationId });
      } else {
        qb.andWhere('q.answer IS NOT NULL');
      }
    }
    if (after) qb.andWhere(`(date_trunc('milliseconds', q.created_at), q.id) > (:createdAt::timestamptz, :id)`, after);
    const rows = await qb.getMany();
    return toPage(
      rows,
      limit,
      (q) => ({ createdAt: q.createdAt.toISOString(), id: q.id }),
      (q) => toQuestionView(q, viewer),
    );
  }
}

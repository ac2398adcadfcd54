import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Selectable, sql } from 'kysely';
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
import { db, DB } from '@app/database';
import { assertVerifiedEnterprise } from '@app/enterprises';
import { NotificationsService } from '@app/notifications';
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

function toQuestionView(q: Selectable<DB['problem_questions']>, viewer: Viewer): QuestionView {
  return {
    id: q.id,
    problemId: q.problem_id,
    question: q.question,
    answer: q.answer,
    askedAt: cityIso(q.created_at),
    answeredAt: q.answered_at ? cityIso(q.answered_at) : null,
    mine: viewer?.role === 'enterprise' && viewer.organizationId === q.enterprise_id,
  };
}

/** Question rows and the cursor's key (created_at has microseconds, the cursor milliseconds). */
const createdMs = sql<Date>`date_trunc('milliseconds', q.created_at)`;

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
      const problem = await db(manager)
        .selectFrom('problems')
        .select(['department_id', 'status', 'title', sql<boolean>`clarification_deadline > clock_timestamp()`.as('open')])
        .where('id', '=', problemId)
        .forShare()
        .executeTakeFirst();
      if (!problem || problem.status === 'draft') throw problemNotFound();
      await assertVerifiedEnterprise(manager, enterpriseId);
      if (problem.status !== 'published' || !problem.open) {
        throw new AppError(ErrorCode.CLARIFICATION_CLOSED, {}, { status: problem.status });
      }
      const saved = await db(manager)
        .insertInto('problem_questions')
        .values({ problem_id: problemId, enterprise_id: enterpriseId, asked_by: actor.id, question })
        .returningAll()
        .executeTakeFirstOrThrow();
      // Asking means caring about the answer: the firm follows the problem from now on.
      await db(manager)
        .insertInto('problem_followers')
        .values({ problem_id: problemId, enterprise_id: enterpriseId })
        .onConflict((c) => c.doNothing())
        .execute();
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
      return toQuestionView(saved, actor);
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
      const q = await db(manager)
        .selectFrom('problem_questions')
        .selectAll()
        .where('id', '=', questionId)
        .where('problem_id', '=', problemId)
        .forUpdate()
        .executeTakeFirst();
      if (!q) throw new AppError(ErrorCode.QUESTION_NOT_FOUND);
      const previous = q.answer;
      const answered = await db(manager)
        .updateTable('problem_questions')
        .set({ answer, answered_by: actor.id, answered_at: await databaseNow(manager) })
        .where('id', '=', q.id)
        .returningAll()
        .executeTakeFirstOrThrow();
      await this.audit.record(manager, {
        actor,
        action: previous === null ? 'question.answered' : 'question.answer_changed',
        entityType: 'problem_question',
        entityId: q.id,
        before: { answer: previous },
        after: { problemId, answer },
      });
      const firms = [...new Set([...(await audienceOf(manager, problemId, ['followers', 'bidders'])), q.enterprise_id])];
      await this.notifications.notifyEnterprises(manager, firms, {
        kind: 'question.answered',
        message: previous === null ? 'questionAnswered' : 'answerRevised',
        params: { problem: problem.title, question: q.question, answer },
        data: { problemId, questionId: q.id },
      });
      return toQuestionView(answered, actor);
    });
  }

  /** Public: answered ones. The asking firm also sees its own pending ones; the department sees all. */
  async list(viewer: Viewer, problemId: string, query: PageQueryDto): Promise<Page<QuestionView>> {
    const problem = await findProblem(this.dataSource.manager, problemId);
    assertVisible(viewer, problem);
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const after = decodeCursor<{ createdAt: string; id: string }>(query.cursor, ['createdAt', 'id']);
    let qb = db(this.dataSource)
      .selectFrom('problem_questions as q')
      .selectAll('q')
      .where('q.problem_id', '=', problemId)
      // created_at has microseconds, the cursor milliseconds: sort and page on the same truncated key
      .orderBy(createdMs, 'asc')
      .orderBy('q.id', 'asc')
      .limit(limit + 1);
    const seesAll = isDepartmentOfficer(viewer, problem) || viewer?.role === 'admin';
    if (!seesAll) {
      const own = viewer?.role === 'enterprise' ? viewer.organizationId : null;
      qb = own
        ? qb.where((eb) => eb.or([eb('q.answer', 'is not', null), eb('q.enterprise_id', '=', own)]))
        : qb.where('q.answer', 'is not', null);
    }
    if (after) qb = qb.where(sql<boolean>`(${createdMs}, q.id) > (${after.createdAt}::timestamptz, ${after.id})`);
    const rows = await qb.execute();
    return toPage(
      rows,
      limit,
      (q) => ({ createdAt: q.created_at.toISOString(), id: q.id }),
      (q) => toQuestionView(q, viewer),
    );
  }
}

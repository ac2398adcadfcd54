import type { EntityManager } from 'typeorm';
import { AppError, ErrorCode } from '@app/common';
import { db } from '@app/database';

/**
 * Evaluators read a problem's opened proposals only while on its panel, and a firm's proposal only
 * after declaring no conflict of interest with that firm. Read from the evaluation library's panel
 * and declaration tables (its read models for this library), so this lib needs nothing from
 * libs/evaluation — which depends on it.
 */
export async function isOnPanel(manager: EntityManager, problemId: string, userId: string): Promise<boolean> {
  const member = await db(manager)
    .selectFrom('problem_panel_members')
    .select('user_id')
    .where('problem_id', '=', problemId)
    .where('user_id', '=', userId)
    .where('removed_at', 'is', null)
    .executeTakeFirst();
  return member !== undefined;
}

export const notOnPanel = () => new AppError(ErrorCode.NOT_ON_PANEL);

/** Throws unless the evaluator is on the panel and has declared no conflict with the firm. */
export async function assertEvaluatorMayRead(
  manager: EntityManager,
  problemId: string,
  userId: string,
  enterpriseId: string,
): Promise<void> {
  if (!(await isOnPanel(manager, problemId, userId))) throw notOnPanel();
  const declaration = await db(manager)
    .selectFrom('conflict_declarations')
    .select('conflict')
    .where('problem_id', '=', problemId)
    .where('evaluator_id', '=', userId)
    .where('enterprise_id', '=', enterpriseId)
    .executeTakeFirst();
  if (!declaration) {
    throw new AppError(
      ErrorCode.CONFLICT_DECLARATION_REQUIRED,
      {},
      { enterpriseId, declare: `POST /api/v1/problems/${problemId}/conflict-declarations` },
    );
  }
  if (declaration.conflict) {
    throw new AppError(ErrorCode.CONFLICT_OF_INTEREST, {}, { enterpriseId });
  }
}

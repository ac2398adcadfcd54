import type { EntityManager } from 'typeorm';
import { AppError, ErrorCode } from '@app/common';

/**
 * Evaluators read a problem's opened proposals only while on its panel, and a firm's proposal only
 * after declaring no conflict of interest with that firm. Plain SQL over the evaluation tables, so
 * this lib needs nothing from libs/evaluation (which depends on it).
 */
export async function isOnPanel(manager: EntityManager, problemId: string, userId: string): Promise<boolean> {
  const rows = await manager.query<{ on: boolean }[]>(
    `SELECT EXISTS (SELECT 1 FROM problem_panel_members WHERE problem_id = $1 AND user_id = $2 AND removed_at IS NULL) AS on`,
    [problemId, userId],
  );
  return rows[0].on;
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
  const rows = await manager.query<{ conflict: boolean }[]>(
    `SELECT conflict FROM conflict_declarations WHERE problem_id = $1 AND evaluator_id = $2 AND enterprise_id = $3`,
    [problemId, userId, enterpriseId],
  );
  if (!rows[0]) {
    throw new AppError(
      ErrorCode.CONFLICT_DECLARATION_REQUIRED,
      {},
      { enterpriseId, declare: `POST /api/v1/problems/${problemId}/conflict-declarations` },
    );
  }
  if (rows[0].conflict) {
    throw new AppError(ErrorCode.CONFLICT_OF_INTEREST, {}, { enterpriseId });
  }
}

import { AppError, ErrorCode, Msg } from '@app/common';
import { Rubric, rubricIssues } from './rubric';

/** Refuses an unusable rubric with RUBRIC_INVALID, listing every issue in the details. */
export function assertValidRubric(rubric: Rubric): void {
  const issues = rubricIssues(rubric);
  if (issues.length > 0) {
    const described = issues.map((i) => ({ field: i.field, problem: new Msg(`rubric.${i.problem}`, i.values) }));
    throw new AppError(ErrorCode.RUBRIC_INVALID, { issues: described.map((i) => i.problem) }, described);
  }
}

import { AppError, ErrorCode } from '@app/common';
import { Rubric, rubricIssues } from './rubric';

/** Refuses an unusable rubric with RUBRIC_INVALID, listing every issue in the details. */
export function assertValidRubric(rubric: Rubric): void {
  const issues = rubricIssues(rubric);
  if (issues.length > 0) {
    throw new AppError(ErrorCode.RUBRIC_INVALID, `The rubric is not valid: ${issues.map((i) => i.problem).join('; ')}.`, issues);
  }
}

export * from './problems.module';
export * from './problems.service';
export * from './problem-deadlines.service';
export * from './amendments.service';
export * from './clarifications.service';
export * from './problem-search.service';
export * from './matching.service';
export * from './matching-views';
export * from './follows.service';
export * from './problem.constants';
export * from './problem-views';
export type { Problem } from './problem-record';
export { rubricIssues } from './rubric';
export { assertValidRubric } from './rubric-errors';
export type { Rubric, RubricCriterion } from './rubric';
export type { Viewer } from './problem-access';
export {
  assertDepartmentOfficer,
  assertVisible,
  enterpriseOf,
  findProblem,
  isDepartmentOfficer,
  problemNotFound,
} from './problem-access';
export * from './dto/create-problem.dto';
export * from './dto/update-problem.dto';
export * from './dto/amend-problem.dto';
export * from './dto/cancel-problem.dto';
export * from './dto/questions.dto';
export * from './dto/list-problems-query.dto';
export * from './dto/matching.dto';
export * from './documents/problem-documents.service';
export * from './problem-lifecycle';
export * from './transition-problem';
export { storeSealedKey } from './sealed-key';
export * from './mini-competitions';
export * from './mini-competition-views';

/** The evaluation rubric's rules, pure (no framework imports) so they are unit-tested directly. */

export interface RubricCriterion {
  key: string;
  name: string;
  description?: string | null;
  weight: number;
}

export interface Rubric {
  passMark: number;
  criteria: RubricCriterion[];
}

/** Criterion keys are what evaluators' scores refer to: short, lower-case slugs. */
export const CRITERION_KEY_PATTERN = /^[a-z0-9]+(?:[-_][a-z0-9]+)*$/;
export const RUBRIC_TOTAL_WEIGHT = 100;

export interface RubricIssue {
  field: string;
  problem: string;
}

/** Every reason the rubric is unusable; empty when it is fine. Pure, so it is unit-tested directly. */
export function rubricIssues(rubric: Rubric): RubricIssue[] {
  const issues: RubricIssue[] = [];
  if (!Number.isFinite(rubric.passMark) || rubric.passMark < 0 || rubric.passMark > 100) {
    issues.push({ field: 'rubric.passMark', problem: 'must be between 0 and 100' });
  }
  if (rubric.criteria.length === 0) issues.push({ field: 'rubric.criteria', problem: 'at least one criterion is needed' });
  const seen = new Set<string>();
  rubric.criteria.forEach((c, i) => {
    if (!CRITERION_KEY_PATTERN.test(c.key))
      issues.push({ field: `rubric.criteria.${i}.key`, problem: 'must be a lower-case slug' });
    if (seen.has(c.key)) issues.push({ field: `rubric.criteria.${i}.key`, problem: `duplicate key "${c.key}"` });
    seen.add(c.key);
    if (!Number.isInteger(c.weight) || c.weight <= 0) {
      issues.push({ field: `rubric.criteria.${i}.weight`, problem: 'must be a positive integer' });
    }
    if (c.name.trim().length === 0) issues.push({ field: `rubric.criteria.${i}.name`, problem: 'must not be empty' });
  });
  const total = rubric.criteria.reduce((sum, c) => sum + c.weight, 0);
  if (rubric.criteria.length > 0 && total !== RUBRIC_TOTAL_WEIGHT) {
    issues.push({ field: 'rubric.criteria', problem: `weights sum to ${total}, not ${RUBRIC_TOTAL_WEIGHT}` });
  }
  return issues;
}

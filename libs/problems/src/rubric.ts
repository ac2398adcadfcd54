/** The evaluation rubric's rules, pure (no framework imports) so they are unit-tested directly. */

export class RubricCriterion {
  key: string;
  name: string;
  description?: string | null;
  weight: number;
}

export class Rubric {
  passMark: number;
  criteria: RubricCriterion[];
}

/** Criterion keys are what evaluators' scores refer to: short, lower-case slugs. */
export const CRITERION_KEY_PATTERN = /^[a-z0-9]+(?:[-_][a-z0-9]+)*$/;
export const RUBRIC_TOTAL_WEIGHT = 100;

/** What is wrong, as a key of the `rubric` texts in the translation files, with its values. */
export interface RubricIssue {
  field: string;
  problem: 'passMarkRange' | 'noCriteria' | 'keySlug' | 'keyDuplicate' | 'weightPositive' | 'nameEmpty' | 'weightSum';
  values?: Record<string, string | number>;
}

/** Every reason the rubric is unusable; empty when it is fine. Pure, so it is unit-tested directly. */
export function rubricIssues(rubric: Rubric): RubricIssue[] {
  const issues: RubricIssue[] = [];
  if (!Number.isFinite(rubric.passMark) || rubric.passMark < 0 || rubric.passMark > 100) {
    issues.push({ field: 'rubric.passMark', problem: 'passMarkRange' });
  }
  if (rubric.criteria.length === 0) issues.push({ field: 'rubric.criteria', problem: 'noCriteria' });
  const seen = new Set<string>();
  rubric.criteria.forEach((c, i) => {
    if (!CRITERION_KEY_PATTERN.test(c.key))
      issues.push({ field: `rubric.criteria.${i}.key`, problem: 'keySlug', values: { n: i + 1 } });
    if (seen.has(c.key))
      issues.push({ field: `rubric.criteria.${i}.key`, problem: 'keyDuplicate', values: { n: i + 1, key: c.key } });
    seen.add(c.key);
    if (!Number.isInteger(c.weight) || c.weight <= 0) {
      issues.push({ field: `rubric.criteria.${i}.weight`, problem: 'weightPositive', values: { n: i + 1 } });
    }
    if (c.name.trim().length === 0)
      issues.push({ field: `rubric.criteria.${i}.name`, problem: 'nameEmpty', values: { n: i + 1 } });
  });
  const total = rubric.criteria.reduce((sum, c) => sum + c.weight, 0);
  if (rubric.criteria.length > 0 && total !== RUBRIC_TOTAL_WEIGHT) {
    issues.push({ field: 'rubric.criteria', problem: 'weightSum', values: { total, expected: RUBRIC_TOTAL_WEIGHT } });
  }
  return issues;
}

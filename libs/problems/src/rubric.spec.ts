import { Rubric, rubricIssues } from './rubric';

const rubric = (weights: number[], extra: Partial<Rubric> = {}): Rubric => ({
  passMark: 60,
  criteria: weights.map((weight, i) => ({ key: `c${i + 1}`, name: `Criterion ${i + 1}`, weight })),
  ...extra,
});

describe('rubric validation', () => {
  it('accepts integer weights summing to exactly 100', () => {
    expect(rubricIssues(rubric([40, 30, 20, 10]))).toEqual([]);
    expect(rubricIssues(rubric([100]))).toEqual([]);
  });

  it.each([[[40, 30, 20]], [[50, 51]], [[100, 1]]])('refuses weights %j that do not sum to 100', (weights) => {
    const issues = rubricIssues(rubric(weights));
    expect(issues).toEqual([
      { field: 'rubric.criteria', problem: 'weightSum', values: { total: expect.any(Number), expected: 100 } },
    ]);
  });

  it('refuses fractional, zero and negative weights even when the sum is 100', () => {
    expect(rubricIssues(rubric([50.5, 49.5])).map((i) => i.field)).toEqual([
      'rubric.criteria.0.weight',
      'rubric.criteria.1.weight',
    ]);
    expect(rubricIssues(rubric([100, 0])).map((i) => i.field)).toEqual(['rubric.criteria.1.weight']);
    expect(rubricIssues(rubric([110, -10])).map((i) => i.field)).toEqual(['rubric.criteria.1.weight']);
  });

  it('refuses duplicate and non-slug keys', () => {
    const dup: Rubric = {
      passMark: 50,
      criteria: [
        { key: 'tech', name: 'A', weight: 50 },
        { key: 'tech', name: 'B', weight: 50 },
      ],
    };
    expect(rubricIssues(dup)).toEqual([
      { field: 'rubric.criteria.1.key', problem: 'keyDuplicate', values: { n: 2, key: 'tech' } },
    ]);
    const bad: Rubric = { passMark: 50, criteria: [{ key: 'Giải pháp', name: 'A', weight: 100 }] };
    expect(rubricIssues(bad)).toEqual([{ field: 'rubric.criteria.0.key', problem: 'keySlug', values: { n: 1 } }]);
    expect(rubricIssues({ passMark: 50, criteria: [{ key: 'tech-fit_2', name: 'A', weight: 100 }] })).toEqual([]);
  });

  it('says what the sum is', () => {
    expect(rubricIssues(rubric([30, 30]))).toEqual([
      { field: 'rubric.criteria', problem: 'weightSum', values: { total: 60, expected: 100 } },
    ]);
  });

  it('refuses a pass mark outside 0..100 and an empty rubric', () => {
    expect(rubricIssues(rubric([100], { passMark: 101 })).map((i) => i.field)).toEqual(['rubric.passMark']);
    expect(rubricIssues(rubric([100], { passMark: -1 })).map((i) => i.field)).toEqual(['rubric.passMark']);
    expect(rubricIssues({ passMark: 0, criteria: [] }).map((i) => i.field)).toEqual(['rubric.criteria']);
  });
});

import { nextProblemStatus, PROBLEM_STATUSES, PROBLEM_TRANSITIONS, ProblemStatus, ProblemTransition } from './problem-lifecycle';

/** Every (status, transition) pair: exactly these are allowed, everything else is refused. */
const ALLOWED: Record<ProblemTransition, Partial<Record<ProblemStatus, ProblemStatus>>> = {
  publish: { draft: 'published' },
  close: { published: 'closed' },
  startEvaluation: { closed: 'evaluating' },
  award: { evaluating: 'awarded' },
  declareUnsuccessful: { closed: 'unsuccessful', evaluating: 'unsuccessful' },
  reopenEvaluation: { awarded: 'evaluating', unsuccessful: 'evaluating' },
  cancel: { draft: 'cancelled', published: 'cancelled', closed: 'cancelled' },
  cancelDecision: { awarded: 'cancelled', unsuccessful: 'cancelled' },
};

describe('the problem lifecycle', () => {
  const transitions = Object.keys(PROBLEM_TRANSITIONS) as ProblemTransition[];

  it.each(transitions.flatMap((t) => PROBLEM_STATUSES.map((s) => [t, s] as const)))('%s from %s', (transition, status) => {
    expect(nextProblemStatus(status, transition)).toBe(ALLOWED[transition][status] ?? null);
  });

  it('has no way out of a cancelled problem', () => {
    expect(transitions.map((t) => nextProblemStatus('cancelled', t)).filter(Boolean)).toEqual([]);
  });

  it('never returns to draft', () => {
    expect(Object.values(PROBLEM_TRANSITIONS).map((r) => r.to)).not.toContain('draft');
  });
});

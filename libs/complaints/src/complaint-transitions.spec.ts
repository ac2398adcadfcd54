import { COMPLAINT_STATUSES, ComplaintStatus } from './complaint.constants';
import { COMPLAINT_ACTIONS, COMPLAINT_TRANSITIONS, ComplaintAction, nextComplaintStatus } from './complaint-transitions';

describe('complaint transitions', () => {
  const allowed: [ComplaintStatus, ComplaintAction, ComplaintStatus][] = [
    ['submitted', 'answer', 'answered'],
    ['submitted', 'uphold', 'upheld'],
    ['answered', 'uphold', 'upheld'],
    ['submitted', 'dismiss', 'dismissed'],
    ['answered', 'dismiss', 'dismissed'],
    ['submitted', 'withdraw', 'withdrawn'],
    ['answered', 'withdraw', 'withdrawn'],
  ];

  it.each(allowed)('%s --%s--> %s', (from, action, to) => {
    expect(nextComplaintStatus(from, action)).toBe(to);
  });

  it('refuses every other pair; decided and withdrawn complaints are final', () => {
    let refused = 0;
    for (const from of COMPLAINT_STATUSES) {
      for (const action of COMPLAINT_ACTIONS) {
        if (allowed.some(([f, a]) => f === from && a === action)) continue;
        expect({ from, action, to: nextComplaintStatus(from, action) }).toEqual({ from, action, to: null });
        refused++;
      }
    }
    expect(refused).toBe(COMPLAINT_STATUSES.length * COMPLAINT_ACTIONS.length - allowed.length);
    for (const final of ['upheld', 'dismissed', 'withdrawn'] as const) {
      for (const action of COMPLAINT_ACTIONS) expect(nextComplaintStatus(final, action)).toBeNull();
    }
  });

  it('gives each action to one side only', () => {
    expect(COMPLAINT_TRANSITIONS.answer.by).toBe('department');
    expect(COMPLAINT_TRANSITIONS.uphold.by).toBe('admin');
    expect(COMPLAINT_TRANSITIONS.dismiss.by).toBe('admin');
    expect(COMPLAINT_TRANSITIONS.withdraw.by).toBe('complainant');
  });
});

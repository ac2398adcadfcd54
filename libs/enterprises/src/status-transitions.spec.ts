import { ENTERPRISE_STATUSES, EnterpriseStatus } from './enterprise.constants';
import { activityChange, nextStatus, STATUS_ACTIONS, StatusAction, STATUS_TRANSITIONS } from './status-transitions';

describe('enterprise status transitions', () => {
  // The whole table, written out: every (status, action) pair not listed here must be refused.
  const allowed: [EnterpriseStatus, StatusAction, EnterpriseStatus][] = [
    ['pending', 'verify', 'verified'],
    ['pending', 'reject', 'rejected'],
    ['verified', 'suspend', 'suspended'],
    ['suspended', 'reinstate', 'verified'],
    ['verified', 'cease', 'ceased'],
    ['suspended', 'cease', 'ceased'],
  ];

  it.each(allowed)('%s --%s--> %s', (from, action, to) => {
    expect(nextStatus(from, action)).toBe(to);
  });

  it('refuses every other pair', () => {
    const refused: string[] = [];
    for (const from of ENTERPRISE_STATUSES) {
      for (const action of STATUS_ACTIONS) {
        const isAllowed = allowed.some(([f, a]) => f === from && a === action);
        if (!isAllowed) {
          expect({ from, action, to: nextStatus(from, action) }).toEqual({ from, action, to: null });
          refused.push(`${from}:${action}`);
        }
      }
    }
    expect(refused).toHaveLength(ENTERPRISE_STATUSES.length * STATUS_ACTIONS.length - allowed.length);
    // ceased and rejected are final
    expect(refused).toEqual(expect.arrayContaining(STATUS_ACTIONS.map((a) => `ceased:${a}`)));
    expect(refused).toEqual(expect.arrayContaining(STATUS_ACTIONS.map((a) => `rejected:${a}`)));
  });

  it('asks for a reason exactly for the decisions that go against the firm', () => {
    const needsReason = STATUS_ACTIONS.filter((a) => STATUS_TRANSITIONS[a].reasonRequired);
    expect(needsReason.sort()).toEqual(['cease', 'reject', 'suspend']);
  });

  it('counts a firm from verification (or reinstatement) until it is suspended or ceases', () => {
    expect(activityChange('pending', 'verified')).toBe(1);
    expect(activityChange('suspended', 'verified')).toBe(1);
    expect(activityChange('verified', 'suspended')).toBe(-1);
    expect(activityChange('verified', 'ceased')).toBe(-1);
    expect(activityChange('suspended', 'ceased')).toBe(0);
    expect(activityChange('pending', 'rejected')).toBe(0);
    expect(activityChange(null, 'pending')).toBe(0);
  });
});

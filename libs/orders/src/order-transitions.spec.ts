import { MILESTONE_STATUSES, MilestoneStatus, ORDER_STATUSES, OrderStatus } from './order.constants';
import {
  MILESTONE_ACTIONS,
  MilestoneAction,
  nextMilestoneStatus,
  nextOrderStatus,
  ORDER_ACTIONS,
  OrderAction,
} from './order-transitions';

describe('order transitions', () => {
  const allowed: [OrderStatus, OrderAction, OrderStatus][] = [
    ['drafting', 'start', 'in_progress'],
    ['in_progress', 'complete', 'completed'],
    ['drafting', 'terminate', 'terminated'],
    ['in_progress', 'terminate', 'terminated'],
  ];
  it.each(allowed)('%s --%s--> %s', (from, action, to) => expect(nextOrderStatus(from, action)).toBe(to));

  it('refuses every other pair; completed and terminated orders are final', () => {
    let refused = 0;
    for (const from of ORDER_STATUSES) {
      for (const action of ORDER_ACTIONS) {
        if (allowed.some(([f, a]) => f === from && a === action)) continue;
        expect({ from, action, to: nextOrderStatus(from, action) }).toEqual({ from, action, to: null });
        refused++;
      }
    }
    expect(refused).toBe(ORDER_STATUSES.length * ORDER_ACTIONS.length - allowed.length);
  });
});

describe('milestone transitions', () => {
  const allowed: [MilestoneStatus, MilestoneAction, MilestoneStatus][] = [
    ['planned', 'open', 'open'],
    ['planned', 'lock', 'locked'],
    ['locked', 'unlock', 'open'],
    ['open', 'submit', 'submitted'],
    ['returned', 'submit', 'submitted'],
    ['submitted', 'accept', 'accepted'],
    ['submitted', 'return', 'returned'],
  ];
  it.each(allowed)('%s --%s--> %s', (from, action, to) => expect(nextMilestoneStatus(from, action)).toBe(to));

  it('refuses every other pair: nothing is submitted while locked, nothing changes once accepted', () => {
    let refused = 0;
    for (const from of MILESTONE_STATUSES) {
      for (const action of MILESTONE_ACTIONS) {
        if (allowed.some(([f, a]) => f === from && a === action)) continue;
        expect({ from, action, to: nextMilestoneStatus(from, action) }).toEqual({ from, action, to: null });
        refused++;
      }
    }
    expect(refused).toBe(MILESTONE_STATUSES.length * MILESTONE_ACTIONS.length - allowed.length);
    expect(nextMilestoneStatus('locked', 'submit')).toBeNull();
    for (const action of MILESTONE_ACTIONS) expect(nextMilestoneStatus('accepted', action)).toBeNull();
  });
});

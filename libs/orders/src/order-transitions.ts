import type { MilestoneStatus, OrderStatus } from './order.constants';

/** Order actions: start (both sides agreed the plan), complete (every milestone accepted), terminate. */
export const ORDER_ACTIONS = ['start', 'complete', 'terminate'] as const;
export type OrderAction = (typeof ORDER_ACTIONS)[number];

export const ORDER_TRANSITIONS: Readonly<Record<OrderAction, { from: readonly OrderStatus[]; to: OrderStatus }>> = {
  start: { from: ['drafting'], to: 'in_progress' },
  complete: { from: ['in_progress'], to: 'completed' },
  terminate: { from: ['drafting', 'in_progress'], to: 'terminated' },
};

export function nextOrderStatus(current: OrderStatus, action: OrderAction): OrderStatus | null {
  const rule = ORDER_TRANSITIONS[action];
  return rule.from.includes(current) ? rule.to : null;
}

/** Milestone actions. `open`/`lock` happen when the order starts; `unlock` when the pilot is accepted. */
export const MILESTONE_ACTIONS = ['open', 'lock', 'unlock', 'submit', 'accept', 'return'] as const;
export type MilestoneAction = (typeof MILESTONE_ACTIONS)[number];

export const MILESTONE_TRANSITIONS: Readonly<Record<MilestoneAction, { from: readonly MilestoneStatus[]; to: MilestoneStatus }>> =
  {
    open: { from: ['planned'], to: 'open' },
    lock: { from: ['planned'], to: 'locked' },
    unlock: { from: ['locked'], to: 'open' },
    submit: { from: ['open', 'returned'], to: 'submitted' },
    accept: { from: ['submitted'], to: 'accepted' },
    return: { from: ['submitted'], to: 'returned' },
  };

export function nextMilestoneStatus(current: MilestoneStatus, action: MilestoneAction): MilestoneStatus | null {
  const rule = MILESTONE_TRANSITIONS[action];
  return rule.from.includes(current) ? rule.to : null;
}

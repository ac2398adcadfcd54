import type { EnterpriseStatus } from './enterprise.constants';
import { ACTIVE_STATUS } from './enterprise.constants';

/** What an admin may do to a firm's registration; each is a POST /enterprises/:id/<action>. */
export const STATUS_ACTIONS = ['verify', 'reject', 'suspend', 'reinstate', 'cease'] as const;
export type StatusAction = (typeof STATUS_ACTIONS)[number];

export interface StatusTransition {
  from: readonly EnterpriseStatus[];
  to: EnterpriseStatus;
  /** Refusals and sanctions must say why: the firm is told, and may contest. */
  reasonRequired: boolean;
}

/** The whole lifecycle. Anything not listed here is refused. */
export const STATUS_TRANSITIONS: Readonly<Record<StatusAction, StatusTransition>> = {
  verify: { from: ['pending'], to: 'verified', reasonRequired: false },
  reject: { from: ['pending'], to: 'rejected', reasonRequired: true },
  suspend: { from: ['verified'], to: 'suspended', reasonRequired: true },
  reinstate: { from: ['suspended'], to: 'verified', reasonRequired: false },
  cease: { from: ['verified', 'suspended'], to: 'ceased', reasonRequired: true },
};

/** The status an action leads to from `current`, or null when the lifecycle does not allow it. */
export function nextStatus(current: EnterpriseStatus, action: StatusAction): EnterpriseStatus | null {
  const rule = STATUS_TRANSITIONS[action];
  return rule.from.includes(current) ? rule.to : null;
}

/**
 * How a transition changes the count of active firms: +1 on entering the active status, -1 on
 * leaving it, 0 otherwise (e.g. suspended → ceased: the firm already stopped counting).
 */
export function activityChange(from: EnterpriseStatus | null, to: EnterpriseStatus): -1 | 0 | 1 {
  const wasActive = from === ACTIVE_STATUS;
  const isActive = to === ACTIVE_STATUS;
  if (wasActive === isActive) return 0;
  return isActive ? 1 : -1;
}

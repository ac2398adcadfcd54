import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuthUser } from '@app/common';
import { AuditService } from '@app/audit';
import { NotificationsService } from '@app/notifications';
import type { Order } from './order-rows';

/** Which notification text each side gets (`notifications.<message>` in the translation files). */
export interface OrderNotices {
  firm?: string;
  department?: string;
}

/** The tail of every order change: the audit entry and the other side's notification, in the change's transaction. */
@Injectable()
export class OrderEvents {
  constructor(
    private readonly audit: AuditService,
    private readonly notifications: NotificationsService,
  ) {}

  async record(
    manager: EntityManager,
    actor: AuthUser | null,
    order: Order,
    action: string,
    before: Record<string, unknown> | null,
    after: Record<string, unknown>,
    notices: OrderNotices,
    params: Record<string, string | number> = {},
  ): Promise<void> {
    await this.audit.record(manager, { actor, action, entityType: 'order', entityId: order.id, before, after: { ...after } });
    if (!notices.firm && !notices.department) return;
    const title = order.title;
    const data: Record<string, string> = order.problemId
      ? { problemId: order.problemId, orderId: order.id }
      : { orderId: order.id };
    if (notices.firm) {
      await this.notifications.notifyEnterprises(manager, [order.enterpriseId], {
        kind: 'order.update',
        message: notices.firm,
        params: { problem: title, ...params },
        data,
      });
    }
    if (notices.department) {
      await this.notifications.notifyDepartment(manager, order.departmentId, {
        kind: 'order.update',
        message: notices.department,
        params: { problem: title, ...params },
        data,
      });
    }
  }
}

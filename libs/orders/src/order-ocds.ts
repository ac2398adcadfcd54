import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { db } from '@app/database';
import { OcdsContractEvent, OcdsService } from '@app/ocds';
import type { Order } from './order-rows';
import { milestonesOf } from './order-records';

/**
 * Open data for an order of a competition: a contract release when the work starts, an
 * implementation release when a milestone is met or paid and when the order ends. A direct re-order has
 * no tender of its own and publishes nothing yet.
 */
@Injectable()
export class OrderOcds {
  constructor(private readonly ocds: OcdsService) {}

  async publish(manager: EntityManager, order: Order, event: OcdsContractEvent): Promise<void> {
    if (!order.problemId) return;
    const parties = await db(manager)
      .selectFrom('organizations as d')
      .innerJoin('enterprises as e', (j) => j.on('e.id', '=', order.enterpriseId))
      .select(['d.name as dept_name', 'd.code as dept_code', 'e.legal_name as firm_name', 'e.tax_code'])
      .where('d.id', '=', order.departmentId)
      .executeTakeFirstOrThrow();
    const milestones = await milestonesOf(manager, order.id);
    const ended = order.status === 'completed' || order.status === 'terminated';
    await this.ocds.recordContract(manager, order.problemId, event, {
      title: order.title,
      department: { id: order.departmentId, name: parties.dept_name, code: parties.dept_code },
      supplier: { id: order.enterpriseId, name: parties.firm_name, taxCode: parties.tax_code },
      status: ended ? 'terminated' : order.status === 'in_progress' ? 'active' : 'pending',
      statusDetails: order.status === 'terminated' ? (order.terminationReason ?? undefined) : undefined,
      price: Number(order.price),
      startDate: order.startedAt,
      endDate: milestones.length > 0 ? milestones[milestones.length - 1]!.dueDate : null,
      milestones: milestones.map((m) => ({
        number: m.number,
        title: m.deliverable,
        dueDate: m.dueDate,
        status: m.status === 'accepted' ? 'met' : order.status === 'terminated' ? 'notMet' : 'scheduled',
        dateMet: m.acceptedAt,
        paid: m.paidAt ? { date: m.paidAt, amount: Number(m.amount) } : null,
      })),
    });
  }
}

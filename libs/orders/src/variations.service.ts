import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { sql } from 'kysely';
import { DataSource, EntityManager } from 'typeorm';
import { db } from '@app/database';
import { AppError, AuthUser, cityIso, ErrorCode, nfc } from '@app/common';
import type { Viewer } from '@app/problems';
import { ReasonDto } from './dto/order.dto';
import { ProposeVariationDto, VariationList, VariationView } from './dto/variation.dto';
import type { OrderVariation } from './order-rows';
import { selectVariations } from './order-rows';
import type { Order } from './order-rows';
import { OrderEvents } from './order-events';
import { findOrder, isOrderDepartment, isOrderFirm, isOrderParty, milestonesOf } from './order-records';
import { checkVariation } from './variation-rules';
import { cityTodayByDb } from '@app/database';

const toView = (v: OrderVariation): VariationView => ({
  number: v.number,
  status: v.status,
  reason: v.reason,
  changes: v.changes,
  proposedBy: v.proposedBySide,
  proposedAt: cityIso(v.proposedAt),
  answeredAt: v.answeredAt ? cityIso(v.answeredAt) : null,
  rejectionReason: v.rejectionReason,
});

/**
 * Variations: once work has started, milestones change only by a numbered variation with a reason,
 * proposed by one side and agreed by the other (one pending at a time); agreeing applies it.
 */
@Injectable()
export class VariationsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: OrderEvents,
  ) {}

  async propose(actor: AuthUser, orderId: string, dto: ProposeVariationDto): Promise<VariationView> {
    const reason = nfc(dto.reason);
    return this.dataSource.transaction(async (manager) => {
      const order = await findOrder(manager, orderId, true);
      const side = sideOf(actor, order);
      if (order.status !== 'in_progress')
        throw new AppError(ErrorCode.ORDER_STATUS_CONFLICT, { context: order.status }, { status: order.status });
      if ((await selectVariations(manager, { orderId, status: 'proposed' })).length > 0)
        throw new AppError(ErrorCode.VARIATION_PENDING);
      const changes = checkVariation(
        await milestonesOf(manager, orderId),
        dto.changes,
        Number(order.price),
        await cityTodayByDb(manager),
      );
      const number = (await selectVariations(manager, { orderId })).length + 1;
      const saved = await db(manager)
        .insertInto('order_variations')
        .values({
          order_id: orderId,
          number,
          status: 'proposed',
          reason,
          changes: JSON.stringify(changes),
          proposed_by_side: side,
          proposed_by: actor.id,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await this.events.record(
        manager,
        actor,
        order,
        'order.variation_proposed',
        null,
        { number, reason, changes, side },
        {
          [side === 'firm' ? 'department' : 'firm']: 'variationProposed',
        },
        { n: number, reason },
      );
      return toView(await this.one(manager, orderId, saved.id));
    });
  }

  async agree(actor: AuthUser, orderId: string, number: number): Promise<VariationView> {
    return this.answer(actor, orderId, number, async (manager, order, v) => {
      // Checked again against the milestones as they are now: a deliverable may have been accepted since.
      const changes = checkVariation(
        await milestonesOf(manager, orderId),
        v.changes,
        Number(order.price),
        await cityTodayByDb(manager),
      );
      for (const c of changes) {
        await db(manager)
          .updateTable('order_milestones')
          .set({
            ...(c.deliverable !== undefined ? { deliverable: c.deliverable } : {}),
            ...(c.dueDate !== undefined ? { due_date: c.dueDate } : {}),
            ...(c.amount !== undefined ? { amount: c.amount } : {}),
            ...(c.kpis !== undefined ? { kpis: JSON.stringify(c.kpis) } : {}),
          })
          .where('order_id', '=', orderId)
          .where('number', '=', c.milestone)
          .execute();
      }
      await db(manager)
        .updateTable('order_variations')
        .set({ status: 'agreed', answered_by: actor.id, answered_at: sql<Date>`now()` })
        .where('id', '=', v.id)
        .execute();
      await this.events.record(
        manager,
        actor,
        order,
        'order.variation_agreed',
        { number: v.number, status: 'proposed' },
        { number: v.number, status: 'agreed' },
        {
          [v.proposedBySide]: 'variationAgreed',
        },
        { n: v.number },
      );
    });
  }

  async reject(actor: AuthUser, orderId: string, number: number, dto: ReasonDto): Promise<VariationView> {
    const reason = nfc(dto.reason);
    return this.answer(actor, orderId, number, async (manager, order, v) => {
      await db(manager)
        .updateTable('order_variations')
        .set({ status: 'rejected', answered_by: actor.id, answered_at: sql<Date>`now()`, rejection_reason: reason })
        .where('id', '=', v.id)
        .execute();
      await this.events.record(
        manager,
        actor,
        order,
        'order.variation_rejected',
        { number: v.number, status: 'proposed' },
        { number: v.number, status: 'rejected', reason },
        {
          [v.proposedBySide]: 'variationRejected',
        },
        { n: v.number, reason },
      );
    });
  }

  /** Every variation of an order, for its parties. */
  async list(viewer: Viewer, orderId: string): Promise<VariationList> {
    const order = await findOrder(this.dataSource.manager, orderId);
    if (!isOrderParty(viewer, order)) throw new AppError(ErrorCode.ORDER_FORBIDDEN, { context: 'party' });
    const rows = await selectVariations(this.dataSource.manager, { orderId });
    return { items: rows.map(toView) };
  }

  private async answer(
    actor: AuthUser,
    orderId: string,
    number: number,
    apply: (manager: EntityManager, order: Order, v: OrderVariation) => Promise<void>,
  ): Promise<VariationView> {
    return this.dataSource.transaction(async (manager) => {
      const order = await findOrder(manager, orderId, true);
      const side = sideOf(actor, order);
      const [v]: (OrderVariation | undefined)[] = await selectVariations(manager, { orderId, number });
      if (!v) throw new AppError(ErrorCode.VARIATION_NOT_FOUND);
      if (v.status !== 'proposed') throw new AppError(ErrorCode.VARIATION_STATUS_CONFLICT, {}, { status: v.status });
      if (v.proposedBySide === side) throw new AppError(ErrorCode.VARIATION_FORBIDDEN);
      if (order.status !== 'in_progress')
        throw new AppError(ErrorCode.ORDER_STATUS_CONFLICT, { context: order.status }, { status: order.status });
      await apply(manager, order, v);
      return toView(await this.one(manager, orderId, v.id));
    });
  }

  private async one(manager: EntityManager, orderId: string, id: string): Promise<OrderVariation> {
    const [v] = await selectVariations(manager, { orderId, id });
    if (!v) throw new AppError(ErrorCode.VARIATION_NOT_FOUND);
    return v;
  }
}

function sideOf(actor: AuthUser, order: Order): 'department' | 'firm' {
  if (isOrderDepartment(actor, order)) return 'department';
  if (isOrderFirm(actor, order)) return 'firm';
  throw new AppError(ErrorCode.ORDER_FORBIDDEN, { context: 'party' });
}

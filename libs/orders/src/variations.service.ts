import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AppError, AuthUser, cityIso, ErrorCode, nfc } from '@app/common';
import type { Viewer } from '@app/problems';
import { ReasonDto } from './dto/order.dto';
import { ProposeVariationDto, VariationList, VariationView } from './dto/variation.dto';
import { OrderVariation } from './entities/order-variation.entity';
import { Order } from './entities/order.entity';
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
      const repo = manager.getRepository(OrderVariation);
      if (await repo.findOne({ where: { orderId, status: 'proposed' } })) throw new AppError(ErrorCode.VARIATION_PENDING);
      const changes = checkVariation(
        await milestonesOf(manager, orderId),
        dto.changes,
        Number(order.price),
        await cityTodayByDb(manager),
      );
      const number = (await repo.count({ where: { orderId } })) + 1;
      const saved = await repo.save(
        repo.create({ orderId, number, status: 'proposed', reason, changes, proposedBySide: side, proposedBy: actor.id }),
      );
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
      return toView(await repo.findOneByOrFail({ id: saved.id }));
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
        await manager.query(
          `UPDATE order_milestones SET deliverable = COALESCE($3, deliverable), due_date = COALESCE($4::date, due_date),
                  amount = COALESCE($5::bigint, amount), kpis = COALESCE($6::jsonb, kpis)
           WHERE order_id = $1 AND number = $2`,
          [
            orderId,
            c.milestone,
            c.deliverable ?? null,
            c.dueDate ?? null,
            c.amount ?? null,
            c.kpis ? JSON.stringify(c.kpis) : null,
          ],
        );
      }
      await manager.query(`UPDATE order_variations SET status = 'agreed', answered_by = $2, answered_at = now() WHERE id = $1`, [
        v.id,
        actor.id,
      ]);
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
      await manager.query(
        `UPDATE order_variations SET status = 'rejected', answered_by = $2, answered_at = now(), rejection_reason = $3 WHERE id = $1`,
        [v.id, actor.id, reason],
      );
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
    const rows = await this.dataSource.getRepository(OrderVariation).find({ where: { orderId }, order: { number: 'ASC' } });
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
      const repo = manager.getRepository(OrderVariation);
      const v = await repo.findOne({ where: { orderId, number } });
      if (!v) throw new AppError(ErrorCode.VARIATION_NOT_FOUND);
      if (v.status !== 'proposed') throw new AppError(ErrorCode.VARIATION_STATUS_CONFLICT, {}, { status: v.status });
      if (v.proposedBySide === side) throw new AppError(ErrorCode.VARIATION_FORBIDDEN);
      if (order.status !== 'in_progress')
        throw new AppError(ErrorCode.ORDER_STATUS_CONFLICT, { context: order.status }, { status: order.status });
      await apply(manager, order, v);
      return toView(await repo.findOneByOrFail({ id: v.id }));
    });
  }
}

function sideOf(actor: AuthUser, order: Order): 'department' | 'firm' {
  if (isOrderDepartment(actor, order)) return 'department';
  if (isOrderFirm(actor, order)) return 'firm';
  throw new AppError(ErrorCode.ORDER_FORBIDDEN, { context: 'party' });
}

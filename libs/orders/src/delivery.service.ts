import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AppConfig, AppError, AuthUser, ErrorCode, nfc } from '@app/common';
import type { Viewer } from '@app/problems';
import { OrderView, ReasonDto, SubmissionList, SubmitDeliverableDto } from './dto/order.dto';
import { MilestoneSubmission } from './entities/milestone-submission.entity';
import { OrderMilestone } from './entities/order-milestone.entity';
import { Order } from './entities/order.entity';
import { OrderEvents } from './order-events';
import { OrderOcds } from './order-ocds';
import { checkKpiResults } from './order-plan';
import {
  assertDepartment,
  assertFirm,
  findOrder,
  isOrderParty,
  milestoneMove,
  milestonesOf,
  orderMove,
  orderView,
  submissionView,
} from './order-records';

/**
 * Delivery: the firm submits each milestone's deliverable with its measured KPI values and their
 * evidence; the department accepts it or returns it with reasons, at most ORDER_MAX_RETURNS times
 * per milestone, every round kept. Accepting the last pilot milestone unlocks the scale-up;
 * accepting the last milestone completes the order.
 */
@Injectable()
export class DeliveryService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: OrderEvents,
    private readonly config: AppConfig,
    private readonly ocds: OrderOcds,
  ) {}

  async submit(actor: AuthUser, orderId: string, milestoneId: string, dto: SubmitDeliverableDto): Promise<OrderView> {
    return this.dataSource.transaction(async (manager) => {
      const { order, milestone } = await this.load(manager, orderId, milestoneId);
      assertFirm(actor, order);
      this.assertRunning(order);
      const to = milestoneMove(milestone, 'submit');
      const kpiResults = checkKpiResults(milestone.kpis, dto.kpiResults);
      const round = (await manager.getRepository(MilestoneSubmission).count({ where: { milestoneId } })) + 1;
      const text = nfc(dto.text);
      await manager.query(
        `INSERT INTO milestone_submissions (milestone_id, round, text, kpi_results, submitted_by) VALUES ($1, $2, $3, $4::jsonb, $5)`,
        [milestoneId, round, text, JSON.stringify(kpiResults), actor.id],
      );
      await manager.query(`UPDATE order_milestones SET status = $2 WHERE id = $1`, [milestoneId, to]);
      await this.events.record(
        manager,
        actor,
        order,
        'milestone.submitted',
        { milestone: milestone.number, status: milestone.status },
        {
          milestone: milestone.number,
          status: to,
          round,
          kpiResults,
        },
        { department: 'deliverableSubmitted' },
        { n: milestone.number },
      );
      return orderView(manager, await findOrder(manager, orderId), actor);
    });
  }

  async accept(actor: AuthUser, orderId: string, milestoneId: string): Promise<OrderView> {
    return this.dataSource.transaction(async (manager) => {
      const { order, milestone } = await this.load(manager, orderId, milestoneId);
      assertDepartment(actor, order);
      this.assertRunning(order);
      const to = milestoneMove(milestone, 'accept');
      await this.decideLatest(manager, actor, milestoneId, 'accepted', null);
      await manager.query(`UPDATE order_milestones SET status = $2, accepted_at = now() WHERE id = $1`, [milestoneId, to]);
      await this.events.record(
        manager,
        actor,
        order,
        'milestone.accepted',
        { milestone: milestone.number, status: milestone.status },
        {
          milestone: milestone.number,
          status: to,
        },
        { firm: 'deliverableAccepted' },
        { n: milestone.number },
      );
      const all = await milestonesOf(manager, orderId);
      if (milestone.phase === 'pilot' && all.filter((m) => m.phase === 'pilot').every((m) => m.status === 'accepted')) {
        const locked = all.filter((m) => m.status === 'locked');
        for (const m of locked)
          await manager.query(`UPDATE order_milestones SET status = $2 WHERE id = $1`, [m.id, milestoneMove(m, 'unlock')]);
        await this.events.record(
          manager,
          actor,
          order,
          'order.scale_up_unlocked',
          null,
          { milestones: locked.map((m) => m.number) },
          {
            firm: 'scaleUpUnlocked',
          },
        );
      }
      if (all.every((m) => m.status === 'accepted')) {
        const done = orderMove(order, 'complete');
        await manager.query(`UPDATE orders SET status = $2, completed_at = now(), updated_at = now() WHERE id = $1`, [
          orderId,
          done,
        ]);
        await this.events.record(
          manager,
          actor,
          order,
          'order.completed',
          { status: order.status },
          { status: done },
          {
            firm: 'orderCompleted',
          },
        );
      }
      const after = await findOrder(manager, orderId);
      await this.ocds.publish(manager, after, 'implementation');
      return orderView(manager, after, actor);
    });
  }

  async return(actor: AuthUser, orderId: string, milestoneId: string, dto: ReasonDto): Promise<OrderView> {
    const reason = nfc(dto.reason);
    return this.dataSource.transaction(async (manager) => {
      const { order, milestone } = await this.load(manager, orderId, milestoneId);
      assertDepartment(actor, order);
      this.assertRunning(order);
      const to = milestoneMove(milestone, 'return');
      const max = this.config.get('ORDER_MAX_RETURNS');
      const returned = await manager.getRepository(MilestoneSubmission).count({ where: { milestoneId, decision: 'returned' } });
      if (returned >= max) throw new AppError(ErrorCode.MILESTONE_RETURN_LIMIT, { max }, { max, returned });
      await this.decideLatest(manager, actor, milestoneId, 'returned', reason);
      await manager.query(`UPDATE order_milestones SET status = $2 WHERE id = $1`, [milestoneId, to]);
      await this.events.record(
        manager,
        actor,
        order,
        'milestone.returned',
        { milestone: milestone.number, status: milestone.status },
        {
          milestone: milestone.number,
          status: to,
          reason,
          round: returned + 1,
        },
        { firm: 'deliverableReturned' },
        { n: milestone.number, reason },
      );
      return orderView(manager, await findOrder(manager, orderId), actor);
    });
  }

  /** Every round of a milestone: the department, the firm and admins. */
  async submissions(viewer: Viewer, orderId: string, milestoneId: string): Promise<SubmissionList> {
    const { order } = await this.load(this.dataSource.manager, orderId, milestoneId, false);
    if (!isOrderParty(viewer, order)) throw new AppError(ErrorCode.ORDER_FORBIDDEN, { context: 'party' });
    const rows = await this.dataSource
      .getRepository(MilestoneSubmission)
      .find({ where: { milestoneId }, order: { round: 'ASC' } });
    return { items: rows.map(submissionView) };
  }

  private assertRunning(order: Order): void {
    if (order.status !== 'in_progress')
      throw new AppError(ErrorCode.ORDER_STATUS_CONFLICT, { context: order.status }, { status: order.status });
  }

  private async decideLatest(
    manager: EntityManager,
    actor: AuthUser,
    milestoneId: string,
    decision: 'accepted' | 'returned',
    reason: string | null,
  ) {
    await manager.query(
      `UPDATE milestone_submissions SET decision = $2, decision_reason = $3, decided_by = $4, decided_at = now()
       WHERE milestone_id = $1 AND round = (SELECT max(round) FROM milestone_submissions WHERE milestone_id = $1)`,
      [milestoneId, decision, reason, actor.id],
    );
  }

  /**
   * The department records paying an accepted milestone's amount, once: audited, told to the firm,
   * and published as a transaction of the OCDS implementation release (competition orders).
   */
  async markPaid(actor: AuthUser, orderId: string, milestoneId: string): Promise<OrderView> {
    return this.dataSource.transaction(async (manager) => {
      const { order, milestone } = await this.load(manager, orderId, milestoneId);
      assertDepartment(actor, order);
      if (milestone.status !== 'accepted' || milestone.paidAt) {
        const context = milestone.paidAt ? 'paid' : 'notAccepted';
        throw new AppError(
          ErrorCode.MILESTONE_STATUS_CONFLICT,
          { context },
          { status: milestone.status, paid: !!milestone.paidAt },
        );
      }
      await manager.query(`UPDATE order_milestones SET paid_at = now(), paid_by = $2 WHERE id = $1`, [milestoneId, actor.id]);
      await this.events.record(
        manager,
        actor,
        order,
        'milestone.paid',
        { milestone: milestone.number, paid: false },
        { milestone: milestone.number, paid: true, amount: Number(milestone.amount) },
        { firm: 'milestonePaid' },
        { n: milestone.number, amount: Number(milestone.amount).toLocaleString('vi-VN') },
      );
      const after = await findOrder(manager, orderId);
      await this.ocds.publish(manager, after, 'implementation');
      return orderView(manager, after, actor);
    });
  }

  private async load(
    manager: EntityManager,
    orderId: string,
    milestoneId: string,
    lock = true,
  ): Promise<{ order: Order; milestone: OrderMilestone }> {
    const order = await findOrder(manager, orderId, lock);
    const milestone = await manager.getRepository(OrderMilestone).findOne({ where: { id: milestoneId, orderId } });
    if (!milestone) throw new AppError(ErrorCode.MILESTONE_NOT_FOUND);
    return { order, milestone };
  }
}

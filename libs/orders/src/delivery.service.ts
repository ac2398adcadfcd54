import type { Order, OrderMilestone } from './order-rows';
import { selectMilestones, selectSubmissions } from './order-rows';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { sql } from 'kysely';
import { DataSource, EntityManager } from 'typeorm';
import { AppConfig, AppError, AuthUser, ErrorCode, nfc } from '@app/common';
import { db } from '@app/database';
import type { Viewer } from '@app/problems';
import { OrderView, ReasonDto, SubmissionList, SubmitDeliverableDto } from './dto/order.dto';
import { bindPreparedFiles, filesOfRounds } from './deliverable-files.service';
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
      const round = (await this.countRounds(manager, milestoneId)) + 1;
      const text = nfc(dto.text);
      const { id: submissionId } = await db(manager)
        .insertInto('milestone_submissions')
        .values({
          milestone_id: milestoneId,
          round,
          text,
          kpi_results: JSON.stringify(kpiResults),
          submitted_by: actor.id,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const files = await bindPreparedFiles(manager, milestoneId, submissionId);
      await this.setStatus(manager, milestoneId, to);
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
          files,
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
      await db(manager)
        .updateTable('order_milestones')
        .set({ status: to, accepted_at: sql<Date>`now()` })
        .where('id', '=', milestoneId)
        .execute();
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
        for (const m of locked) await this.setStatus(manager, m.id, milestoneMove(m, 'unlock'));
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
        await db(manager)
          .updateTable('orders')
          .set({ status: done, completed_at: sql<Date>`now()`, updated_at: sql<Date>`now()` })
          .where('id', '=', orderId)
          .execute();
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
      const returned = await this.countRounds(manager, milestoneId, 'returned');
      if (returned >= max) throw new AppError(ErrorCode.MILESTONE_RETURN_LIMIT, { max }, { max, returned });
      await this.decideLatest(manager, actor, milestoneId, 'returned', reason);
      await this.setStatus(manager, milestoneId, to);
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
    const rows = await selectSubmissions(this.dataSource.manager, milestoneId);
    const files = await filesOfRounds(
      this.dataSource.manager,
      rows.map((r) => r.id),
    );
    return { items: rows.map((s) => submissionView(s, files.get(s.id) ?? [])) };
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
    await db(manager)
      .updateTable('milestone_submissions')
      .set({ decision, decision_reason: reason, decided_by: actor.id, decided_at: sql<Date>`now()` })
      .where('milestone_id', '=', milestoneId)
      .where('round', '=', (eb) =>
        eb
          .selectFrom('milestone_submissions as s')
          .select(sql<number>`max(s.round)`.as('r'))
          .where('s.milestone_id', '=', milestoneId),
      )
      .execute();
  }

  /** A milestone's rounds so far (those with `decision`, when given). */
  private async countRounds(manager: EntityManager, milestoneId: string, decision?: 'returned'): Promise<number> {
    let q = db(manager)
      .selectFrom('milestone_submissions')
      .select(sql<number>`count(*)::int`.as('n'))
      .where('milestone_id', '=', milestoneId);
    if (decision) q = q.where('decision', '=', decision);
    return (await q.executeTakeFirstOrThrow()).n;
  }

  private async setStatus(manager: EntityManager, milestoneId: string, status: string): Promise<void> {
    await db(manager).updateTable('order_milestones').set({ status }).where('id', '=', milestoneId).execute();
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
      await db(manager)
        .updateTable('order_milestones')
        .set({ paid_at: sql<Date>`now()`, paid_by: actor.id })
        .where('id', '=', milestoneId)
        .execute();
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
    const [milestone]: (OrderMilestone | undefined)[] = await selectMilestones(manager, { orderId, id: milestoneId });
    if (!milestone) throw new AppError(ErrorCode.MILESTONE_NOT_FOUND);
    return { order, milestone };
  }
}

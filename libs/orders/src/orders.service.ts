import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { sql } from 'kysely';
import { DataSource, EntityManager } from 'typeorm';
import { AppError, AuthUser, decodeCursor, DEFAULT_PAGE_SIZE, ErrorCode, nfc, Page, PageQueryDto, toPage } from '@app/common';
import { StandstillService } from '@app/complaints';
import { db } from '@app/database';
import { DecisionsService } from '@app/evaluation';
import { assertDepartmentOfficer, assertVisible, catalogueSourceOf, findProblem, Viewer } from '@app/problems';
import { AgreePlanDto, OrderView, ReasonDto, SetPlanDto } from './dto/order.dto';
import type { Order } from './order-rows';
import { selectOrders } from './order-rows';
import { checkPlan } from './order-plan';
import {
  assertDepartment,
  findOrder,
  isOrderDepartment,
  isOrderFirm,
  orderMove,
  orderNotFound,
  orderView,
} from './order-records';
import { OrderEvents } from './order-events';
import { OrderOcds } from './order-ocds';
import { cityTodayByDb } from '@app/database';

/**
 * The order: created from the award once the standstill ended with no pending complaint, with the
 * winning bid's price, duration and plan; its milestones proposed by either side as one numbered
 * plan and agreed by both before work starts; terminated with a reason.
 */
@Injectable()
export class OrdersService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly standstill: StandstillService,
    private readonly decisions: DecisionsService,
    private readonly events: OrderEvents,
    private readonly ocds: OrderOcds,
  ) {}

  async create(actor: AuthUser, problemId: string): Promise<OrderView> {
    return this.dataSource.transaction(async (manager) => {
      const problem = await findProblem(manager, problemId, true);
      assertDepartmentOfficer(actor, problem, 'placeOrder');
      const [existing] = await selectOrders(manager, { problemId });
      if (existing) throw new AppError(ErrorCode.ORDER_EXISTS, {}, { orderId: existing.id });
      await this.standstill.assertOrderMayStart(manager, problemId);
      const terms = await this.decisions.winningTerms(manager, problemId);
      if (!terms) throw new AppError(ErrorCode.STANDSTILL_NOT_OVER, { context: 'noAward' });
      const order = await db(manager)
        .insertInto('orders')
        .values({
          problem_id: problemId,
          title: problem.title,
          proposal_id: terms.proposalId,
          // a mini-competition's order cites the winner's catalogue entry, so the catalogue counts it
          source_order_id: await catalogueSourceOf(manager, problemId, terms.enterpriseId),
          enterprise_id: terms.enterpriseId,
          department_id: problem.departmentId,
          status: 'drafting',
          price: terms.price,
          duration_months: terms.durationMonths,
          plan: terms.plan,
          staged: false,
          plan_version: 0,
          created_by: actor.id,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const saved = await findOrder(manager, order.id);
      await this.events.record(
        manager,
        actor,
        saved,
        'order.created',
        null,
        { status: 'drafting', price: terms.price, proposalId: terms.proposalId },
        {
          firm: 'orderCreated',
        },
      );
      return orderView(manager, saved, actor);
    });
  }

  async get(viewer: Viewer, id: string): Promise<OrderView> {
    const manager = this.dataSource.manager;
    return orderView(manager, await findOrder(manager, id), viewer);
  }

  /** The problem's order, public: the problem page shows its progress. */
  async forProblem(viewer: Viewer, problemId: string): Promise<OrderView> {
    const manager = this.dataSource.manager;
    assertVisible(viewer, await findProblem(manager, problemId));
    const [order] = await selectOrders(manager, { problemId });
    if (!order) throw orderNotFound();
    return orderView(manager, order, viewer);
  }

  /** A firm's orders, or a department's (officers), newest first. */
  async mine(actor: AuthUser, query: PageQueryDto): Promise<Page<OrderView>> {
    const column = actor.role === 'enterprise' ? 'enterprise_id' : 'department_id';
    if (!actor.organizationId || (actor.role !== 'enterprise' && actor.role !== 'officer'))
      return { items: [], nextCursor: null };
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const after = decodeCursor<{ at: string; id: string }>(query.cursor, ['at', 'id']);
    let q = db(this.dataSource).selectFrom('orders').select(['id', 'created_at']).where(column, '=', actor.organizationId);
    if (after) q = q.where(sql<boolean>`(created_at, id) < (${after.at}::timestamptz, ${after.id}::uuid)`);
    const rows = await q
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit + 1)
      .execute();
    const page = toPage(
      rows,
      limit,
      (r) => ({ at: r.created_at.toISOString(), id: r.id }),
      (r) => r.id,
    );
    const items: OrderView[] = [];
    for (const id of page.items) items.push(await this.get(actor, id));
    return { items, nextCursor: page.nextCursor };
  }

  /** Either side proposes the whole plan while drafting; each change is a new version and clears both agreements. */
  async setPlan(actor: AuthUser, id: string, dto: SetPlanDto): Promise<OrderView> {
    return this.dataSource.transaction(async (manager) => {
      const order = await this.partyOrder(manager, actor, id);
      if (order.status !== 'drafting')
        throw new AppError(ErrorCode.ORDER_STATUS_CONFLICT, { context: order.status }, { status: order.status });
      const milestones = checkPlan(dto, Number(order.price), await cityTodayByDb(manager));
      await db(manager).deleteFrom('order_milestones').where('order_id', '=', id).execute();
      await db(manager)
        .insertInto('order_milestones')
        .values(
          milestones.map((m, i) => ({
            order_id: id,
            number: i + 1,
            phase: m.phase,
            deliverable: m.deliverable,
            due_date: m.dueDate,
            amount: m.amount,
            kpis: JSON.stringify(m.kpis),
            status: 'planned',
          })),
        )
        .execute();
      const version = order.planVersion + 1;
      await db(manager)
        .updateTable('orders')
        .set({
          staged: dto.staged,
          plan_version: version,
          department_agreed_version: null,
          firm_agreed_version: null,
          updated_at: sql<Date>`now()`,
        })
        .where('id', '=', id)
        .execute();
      const after = await findOrder(manager, id);
      await this.events.record(
        manager,
        actor,
        after,
        'order.plan_proposed',
        { planVersion: order.planVersion },
        { planVersion: version, staged: dto.staged, milestones },
        {
          [isOrderFirm(actor, order) ? 'department' : 'firm']: 'orderPlanProposed',
        },
      );
      return orderView(manager, after, actor);
    });
  }

  /** Each side agrees the version it read; once both agreed the same version, the work starts. */
  async agree(actor: AuthUser, id: string, dto: AgreePlanDto): Promise<OrderView> {
    return this.dataSource.transaction(async (manager) => {
      const order = await this.partyOrder(manager, actor, id);
      if (order.status !== 'drafting')
        throw new AppError(ErrorCode.ORDER_STATUS_CONFLICT, { context: order.status }, { status: order.status });
      if (order.planVersion === 0 || dto.planVersion !== order.planVersion) {
        throw new AppError(
          ErrorCode.ORDER_PLAN_VERSION_STALE,
          { planVersion: order.planVersion },
          { planVersion: order.planVersion },
        );
      }
      const side = isOrderDepartment(actor, order) ? 'department' : 'firm';
      await db(manager)
        .updateTable('orders')
        .set({
          ...(side === 'department'
            ? { department_agreed_version: order.planVersion }
            : { firm_agreed_version: order.planVersion }),
          updated_at: sql<Date>`now()`,
        })
        .where('id', '=', id)
        .execute();
      let current = await findOrder(manager, id);
      await this.events.record(manager, actor, current, 'order.plan_agreed', null, { side, planVersion: order.planVersion }, {});
      if (current.departmentAgreedVersion === current.planVersion && current.firmAgreedVersion === current.planVersion) {
        const to = orderMove(current, 'start');
        await db(manager)
          .updateTable('orders')
          .set({ status: to, started_at: sql<Date>`now()`, updated_at: sql<Date>`now()` })
          .where('id', '=', id)
          .execute();
        await db(manager)
          .updateTable('order_milestones')
          .set({ status: sql<string>`CASE WHEN phase = 'scale_up' THEN 'locked' ELSE 'open' END` })
          .where('order_id', '=', id)
          .execute();
        current = await findOrder(manager, id);
        await this.events.record(
          manager,
          actor,
          current,
          'order.started',
          { status: 'drafting' },
          { status: to, planVersion: current.planVersion },
          {
            firm: 'orderStarted',
            department: 'orderStarted',
          },
        );
        await this.ocds.publish(manager, current, 'contract');
      }
      return orderView(manager, current, actor);
    });
  }

  async terminate(actor: AuthUser, id: string, dto: ReasonDto): Promise<OrderView> {
    const reason = nfc(dto.reason);
    return this.dataSource.transaction(async (manager) => {
      const order = await findOrder(manager, id, true);
      assertDepartment(actor, order);
      const to = orderMove(order, 'terminate');
      await db(manager)
        .updateTable('orders')
        .set({ status: to, terminated_at: sql<Date>`now()`, termination_reason: reason, updated_at: sql<Date>`now()` })
        .where('id', '=', id)
        .execute();
      const after = await findOrder(manager, id);
      await this.events.record(
        manager,
        actor,
        after,
        'order.terminated',
        { status: order.status },
        { status: to, reason },
        { firm: 'orderTerminated' },
      );
      if (order.status === 'in_progress') await this.ocds.publish(manager, after, 'implementation');
      return orderView(manager, after, actor);
    });
  }

  private async partyOrder(manager: EntityManager, actor: AuthUser, id: string): Promise<Order> {
    const order = await findOrder(manager, id, true);
    if (!isOrderDepartment(actor, order) && !isOrderFirm(actor, order)) {
      throw new AppError(ErrorCode.ORDER_FORBIDDEN, { context: 'party' });
    }
    return order;
  }
}

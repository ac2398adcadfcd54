import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { sql } from 'kysely';
import { AppError, AuthUser, ErrorCode, nfc } from '@app/common';
import { db } from '@app/database';
import { findProblem } from '@app/problems';
import { FirmStatementDto, RecordOutcomeDto } from './dto/outcome.dto';
import { OrderView } from './dto/order.dto';
import type { Order } from './order-rows';
import { OrderEvents } from './order-events';
import { assertDepartment, assertFirm, findOrder, orderView } from './order-records';
import { checkOutcomeKpis } from './outcome-rules';
import { outcomeOf } from './outcome-read';

/** The KPIs the order answers for: its problem's, or for a direct re-order, those of the problem it repeats. */
export async function kpisOf(manager: EntityManager, order: Order): Promise<{ name: string }[]> {
  let current: Order = order;
  while (!current.problemId && current.sourceOrderId) current = await findOrder(manager, current.sourceOrderId);
  return current.problemId ? ((await findProblem(manager, current.problemId)).kpis ?? []) : [];
}

/**
 * The outcome, public: once the order is completed (or terminated), the department records per
 * KPI of the problem the baseline, target and achieved value, and answers "was the bottleneck
 * solved?" with an explanation; the firm may add its own statement. Recorded once.
 */
@Injectable()
export class OutcomeService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: OrderEvents,
  ) {}

  async record(actor: AuthUser, orderId: string, dto: RecordOutcomeDto): Promise<OrderView> {
    const explanation = nfc(dto.explanation);
    return this.dataSource.transaction(async (manager) => {
      const order = await findOrder(manager, orderId, true);
      assertDepartment(actor, order);
      if (order.status !== 'completed' && order.status !== 'terminated') {
        throw new AppError(ErrorCode.ORDER_STATUS_CONFLICT, { context: order.status }, { status: order.status });
      }
      if (await outcomeOf(manager, orderId)) throw new AppError(ErrorCode.OUTCOME_EXISTS);
      const kpis = checkOutcomeKpis(await kpisOf(manager, order), dto.kpis);
      await db(manager)
        .insertInto('order_outcomes')
        .values({ order_id: orderId, kpis: JSON.stringify(kpis), solved: dto.solved, explanation, recorded_by: actor.id })
        .execute();
      await this.events.record(
        manager,
        actor,
        order,
        'order.outcome_recorded',
        null,
        { solved: dto.solved, explanation, kpis },
        { firm: 'outcomeRecorded' },
      );
      return orderView(manager, order, actor);
    });
  }

  async statement(actor: AuthUser, orderId: string, dto: FirmStatementDto): Promise<OrderView> {
    const statement = nfc(dto.statement);
    return this.dataSource.transaction(async (manager) => {
      const order = await findOrder(manager, orderId, true);
      assertFirm(actor, order);
      const before = await outcomeOf(manager, orderId);
      if (!before) throw new AppError(ErrorCode.OUTCOME_NOT_RECORDED);
      await db(manager)
        .updateTable('order_outcomes')
        .set({ firm_statement: statement, firm_statement_by: actor.id, firm_statement_at: sql<Date>`now()` })
        .where('order_id', '=', orderId)
        .execute();
      await this.events.record(
        manager,
        actor,
        order,
        'order.firm_statement',
        { statement: before.firmStatement },
        { statement },
        { department: 'firmStatementAdded' },
      );
      return orderView(manager, order, actor);
    });
  }
}

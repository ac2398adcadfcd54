import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { sql } from 'kysely';
import { DataSource, EntityManager } from 'typeorm';
import {
  AppConfig,
  AppError,
  AuthUser,
  cityIso,
  decodeCursor,
  DEFAULT_PAGE_SIZE,
  encodeCursor,
  ErrorCode,
  nfc,
  Page,
} from '@app/common';
import { db } from '@app/database';
import { CatalogueEntryView, CatalogueQueryDto, ReorderDto } from './dto/catalogue.dto';
import type { KpiOutcomeView, SolvedAnswer } from './dto/outcome.dto';
import { OrderView } from './dto/order.dto';
import { OrderEvents } from './order-events';
import { findOrder, orderView } from './order-records';

interface EntryRow {
  order_id: string;
  problem_id: string;
  title: string;
  summary: string;
  sector: string;
  enterprise_id: string;
  enterprise_name: string;
  department_id: string;
  department_name: string;
  price: string;
  duration_months: number;
  deliverables: string[];
  solved: SolvedAnswer;
  explanation: string;
  kpis: KpiOutcomeView[];
  completed_at: Date;
  reorders: number;
}

/** Only competition orders completed and answered "solved" or "partly" are entries. */
export const catalogueEntries = (manager: EntityManager) =>
  db(manager)
    .selectFrom('orders as o')
    .innerJoin('order_outcomes as oc', 'oc.order_id', 'o.id')
    .innerJoin('problems as p', 'p.id', 'o.problem_id')
    .innerJoin('enterprises as e', 'e.id', 'o.enterprise_id')
    .innerJoin('organizations as d', 'd.id', 'o.department_id')
    .select([
      'o.id as order_id',
      'o.problem_id',
      'p.title',
      'p.summary',
      'p.sector',
      'o.enterprise_id',
      'e.legal_name as enterprise_name',
      'o.department_id',
      'd.name as department_name',
      'o.price',
      'o.duration_months',
      sql<string[]>`ARRAY(SELECT m.deliverable FROM order_milestones m WHERE m.order_id = o.id ORDER BY m.number)`.as(
        'deliverables',
      ),
      'oc.solved',
      'oc.explanation',
      'oc.kpis',
      'o.completed_at',
      sql<number>`(SELECT count(*)::int FROM orders r WHERE r.source_order_id = o.id)`.as('reorders'),
    ])
    .where('o.status', '=', 'completed')
    .where('oc.solved', 'in', ['yes', 'partly'])
    .$castTo<EntryRow>();

/**
 * The catalogue of proven solutions, and the direct re-order: another department orders the same
 * solution from the same firm, citing the entry, with a written justification and a price no
 * higher than REORDER_PRICE_CEILING_PERCENT of the original.
 */
@Injectable()
export class CatalogueService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: OrderEvents,
    private readonly config: AppConfig,
  ) {}

  async list(query: CatalogueQueryDto): Promise<Page<CatalogueEntryView>> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const after = decodeCursor<{ at: string; id: string }>(query.cursor, ['at', 'id']);
    let q = catalogueEntries(this.dataSource.manager);
    if (query.sector) q = q.where('p.sector', '=', query.sector);
    if (after) q = q.where(sql<boolean>`(o.completed_at, o.id) < (${after.at}::timestamptz, ${after.id}::uuid)`);
    const rows = await q
      .orderBy('o.completed_at', 'desc')
      .orderBy('o.id', 'desc')
      .limit(limit + 1)
      .execute();
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map((r) => this.view(r)),
      nextCursor: rows.length > limit && last ? this.cursorOf(last) : null,
    };
  }

  async get(orderId: string): Promise<CatalogueEntryView> {
    const row = await catalogueEntries(this.dataSource.manager).where('o.id', '=', orderId).executeTakeFirst();
    if (!row) throw new AppError(ErrorCode.CATALOGUE_ENTRY_NOT_FOUND);
    return this.view(row);
  }

  async reorder(actor: AuthUser, sourceOrderId: string, dto: ReorderDto): Promise<OrderView> {
    if (actor.role !== 'officer' || !actor.organizationId) throw new AppError(ErrorCode.ROLE_FORBIDDEN);
    const departmentId = actor.organizationId;
    const title = nfc(dto.title);
    const justification = nfc(dto.justification);
    return this.dataSource.transaction(async (manager) => {
      const row = await catalogueEntries(manager).where('o.id', '=', sourceOrderId).executeTakeFirst();
      if (!row) throw new AppError(ErrorCode.CATALOGUE_ENTRY_NOT_FOUND);
      const ceiling = this.ceilingOf(Number(row.price));
      if (dto.price > ceiling)
        throw new AppError(ErrorCode.REORDER_PRICE_ABOVE_CEILING, { ceiling }, { ceiling, price: dto.price });
      const firm = await db(manager)
        .selectFrom('enterprises')
        .select('status')
        .where('id', '=', row.enterprise_id)
        .executeTakeFirst();
      if (firm?.status !== 'verified') throw new AppError(ErrorCode.ENTERPRISE_NOT_VERIFIED);
      const source = await findOrder(manager, sourceOrderId);
      const saved = await db(manager)
        .insertInto('orders')
        .values({
          problem_id: null,
          proposal_id: null,
          source_order_id: sourceOrderId,
          justification,
          title,
          enterprise_id: row.enterprise_id,
          department_id: departmentId,
          status: 'drafting',
          price: dto.price,
          duration_months: row.duration_months,
          plan: source.plan,
          staged: false,
          plan_version: 0,
          created_by: actor.id,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const order = await findOrder(manager, saved.id);
      await this.events.record(
        manager,
        actor,
        order,
        'order.reordered',
        null,
        {
          sourceOrderId,
          price: dto.price,
          ceiling,
          justification,
          title,
        },
        { firm: 'orderCreated' },
      );
      return orderView(manager, order, actor);
    });
  }

  private ceilingOf(price: number): number {
    return Math.floor((price * this.config.get('REORDER_PRICE_CEILING_PERCENT')) / 100);
  }

  private cursorOf(r: EntryRow): string {
    return encodeCursor({ at: r.completed_at.toISOString(), id: r.order_id });
  }

  private view(r: EntryRow): CatalogueEntryView {
    const price = Number(r.price);
    return {
      orderId: r.order_id,
      problemId: r.problem_id,
      title: r.title,
      summary: r.summary,
      sector: r.sector,
      enterprise: { id: r.enterprise_id, name: r.enterprise_name },
      department: { id: r.department_id, name: r.department_name },
      price,
      durationMonths: r.duration_months,
      deliverables: r.deliverables,
      solved: r.solved,
      explanation: r.explanation,
      kpis: r.kpis,
      completedAt: cityIso(r.completed_at),
      reorders: r.reorders,
      reorderPriceCeiling: this.ceilingOf(price),
    };
  }
}

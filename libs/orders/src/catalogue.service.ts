import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
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
import { CatalogueEntryView, CatalogueQueryDto, ReorderDto } from './dto/catalogue.dto';
import type { KpiOutcomeView, SolvedAnswer } from './dto/outcome.dto';
import { OrderView } from './dto/order.dto';
import { Order } from './entities/order.entity';
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
const ENTRIES = `SELECT o.id AS order_id, o.problem_id, p.title, p.summary, p.sector, o.enterprise_id, e.legal_name AS enterprise_name,
       o.department_id, d.name AS department_name, o.price, o.duration_months,
       ARRAY(SELECT m.deliverable FROM order_milestones m WHERE m.order_id = o.id ORDER BY m.number) AS deliverables,
       oc.solved, oc.explanation, oc.kpis, o.completed_at,
       (SELECT count(*)::int FROM orders r WHERE r.source_order_id = o.id) AS reorders
  FROM orders o JOIN order_outcomes oc ON oc.order_id = o.id JOIN problems p ON p.id = o.problem_id
  JOIN enterprises e ON e.id = o.enterprise_id JOIN organizations d ON d.id = o.department_id
  WHERE o.status = 'completed' AND oc.solved IN ('yes', 'partly')`;

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
    const rows = await this.dataSource.query<EntryRow[]>(
      `${ENTRIES} AND ($1::text IS NULL OR p.sector = $1)
         AND ($2::timestamptz IS NULL OR (o.completed_at, o.id) < ($2::timestamptz, $3::uuid))
       ORDER BY o.completed_at DESC, o.id DESC LIMIT $4`,
      [query.sector ?? null, after?.at ?? null, after?.id ?? null, limit + 1],
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map((r) => this.view(r)),
      nextCursor: rows.length > limit && last ? this.cursorOf(last) : null,
    };
  }

  async get(orderId: string): Promise<CatalogueEntryView> {
    const [row] = await this.dataSource.query<EntryRow[]>(`${ENTRIES} AND o.id = $1`, [orderId]);
    if (!row) throw new AppError(ErrorCode.CATALOGUE_ENTRY_NOT_FOUND);
    return this.view(row);
  }

  async reorder(actor: AuthUser, sourceOrderId: string, dto: ReorderDto): Promise<OrderView> {
    if (actor.role !== 'officer' || !actor.organizationId) throw new AppError(ErrorCode.ROLE_FORBIDDEN);
    const departmentId = actor.organizationId;
    const title = nfc(dto.title);
    const justification = nfc(dto.justification);
    return this.dataSource.transaction(async (manager) => {
      const [row] = await manager.query<EntryRow[]>(`${ENTRIES} AND o.id = $1`, [sourceOrderId]);
      if (!row) throw new AppError(ErrorCode.CATALOGUE_ENTRY_NOT_FOUND);
      const ceiling = this.ceilingOf(Number(row.price));
      if (dto.price > ceiling)
        throw new AppError(ErrorCode.REORDER_PRICE_ABOVE_CEILING, { ceiling }, { ceiling, price: dto.price });
      const [firm] = await manager.query<{ status: string }[]>(`SELECT status FROM enterprises WHERE id = $1`, [
        row.enterprise_id,
      ]);
      if (firm?.status !== 'verified') throw new AppError(ErrorCode.ENTERPRISE_NOT_VERIFIED);
      const source = await findOrder(manager, sourceOrderId);
      const repo = manager.getRepository(Order);
      const saved = await repo.save(
        repo.create({
          problemId: null,
          proposalId: null,
          sourceOrderId,
          justification,
          title,
          enterpriseId: row.enterprise_id,
          departmentId,
          status: 'drafting',
          price: String(dto.price),
          durationMonths: row.duration_months,
          plan: source.plan,
          staged: false,
          planVersion: 0,
          createdBy: actor.id,
        }),
      );
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

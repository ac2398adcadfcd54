import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { sql } from 'kysely';
import { AppError, cityIso, ErrorCode } from '@app/common';
import { db } from '@app/database';
import type { KpiOutcomeView, SolvedAnswer } from './dto/outcome.dto';
import { TrackRecordView } from './dto/track-record.dto';

const rate = (part: number, whole: number) => (whole === 0 ? null : Math.round((part / whole) * 1000) / 1000);

/**
 * A firm's track record, computed from its orders (never entered by hand): delivered orders, the
 * share of milestones accepted on time (by the city calendar), the share of the problems' KPIs met,
 * and the departments' answers to "was the bottleneck solved?".
 */
@Injectable()
export class TrackRecordService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async of(enterpriseId: string): Promise<TrackRecordView> {
    const q = db(this.dataSource);
    const firm = await q.selectFrom('enterprises').select('status').where('id', '=', enterpriseId).executeTakeFirst();
    if (!firm || firm.status === 'pending' || firm.status === 'rejected') throw new AppError(ErrorCode.ENTERPRISE_NOT_FOUND);
    const counts = await q
      .selectFrom('orders')
      .select([
        sql<number>`count(*) FILTER (WHERE status = 'completed')::int`.as('completed'),
        sql<number>`count(*) FILTER (WHERE status = 'terminated')::int`.as('terminated'),
        sql<number>`count(*) FILTER (WHERE status = 'in_progress')::int`.as('running'),
      ])
      .where('enterprise_id', '=', enterpriseId)
      .executeTakeFirstOrThrow();
    const milestones = await q
      .selectFrom('order_milestones as m')
      .innerJoin('orders as o', 'o.id', 'm.order_id')
      .select([
        sql<number>`count(*)::int`.as('accepted'),
        sql<number>`count(*) FILTER (WHERE (m.accepted_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date <= m.due_date)::int`.as(
          'on_time',
        ),
      ])
      .where('o.enterprise_id', '=', enterpriseId)
      .where('m.status', '=', 'accepted')
      .executeTakeFirstOrThrow();
    const delivered = await q
      .selectFrom('orders as o')
      .innerJoin('organizations as d', 'd.id', 'o.department_id')
      .leftJoin('order_outcomes as oc', 'oc.order_id', 'o.id')
      .select(['o.id', 'o.title', 'd.name as department_name', 'o.completed_at', 'oc.solved', 'oc.kpis'])
      .where('o.enterprise_id', '=', enterpriseId)
      .where('o.status', '=', 'completed')
      .orderBy('o.completed_at', 'desc')
      .orderBy('o.id')
      .$castTo<{
        id: string;
        title: string;
        department_name: string;
        completed_at: Date;
        solved: SolvedAnswer | null;
        kpis: KpiOutcomeView[] | null;
      }>()
      .execute();
    const kpis = delivered.flatMap((d) => d.kpis ?? []);
    const met = kpis.filter((k) => k.met).length;
    const solved = { yes: 0, partly: 0, no: 0 };
    for (const d of delivered) if (d.solved) solved[d.solved]++;
    return {
      enterpriseId,
      completedOrders: counts.completed,
      terminatedOrders: counts.terminated,
      ordersInProgress: counts.running,
      acceptedMilestones: milestones.accepted,
      onTimeMilestones: milestones.on_time,
      onTimeRate: rate(milestones.on_time, milestones.accepted),
      kpisRecorded: kpis.length,
      kpisMet: met,
      kpiAchievementRate: rate(met, kpis.length),
      solved,
      delivered: delivered.map((d) => ({
        orderId: d.id,
        title: d.title,
        departmentName: d.department_name,
        completedAt: cityIso(d.completed_at),
        solved: d.solved,
      })),
    };
  }
}

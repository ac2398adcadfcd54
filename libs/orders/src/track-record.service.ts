import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppError, cityIso, ErrorCode } from '@app/common';
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
    const [firm] = await this.dataSource.query<{ status: string }[]>(`SELECT status FROM enterprises WHERE id = $1`, [
      enterpriseId,
    ]);
    if (!firm || firm.status === 'pending' || firm.status === 'rejected') throw new AppError(ErrorCode.ENTERPRISE_NOT_FOUND);
    const [counts] = await this.dataSource.query<{ completed: number; terminated: number; running: number }[]>(
      `SELECT count(*) FILTER (WHERE status = 'completed')::int AS completed, count(*) FILTER (WHERE status = 'terminated')::int AS terminated,
              count(*) FILTER (WHERE status = 'in_progress')::int AS running
       FROM orders WHERE enterprise_id = $1`,
      [enterpriseId],
    );
    const [milestones] = await this.dataSource.query<{ accepted: number; on_time: number }[]>(
      `SELECT count(*)::int AS accepted,
              count(*) FILTER (WHERE (m.accepted_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date <= m.due_date)::int AS on_time
       FROM order_milestones m JOIN orders o ON o.id = m.order_id WHERE o.enterprise_id = $1 AND m.status = 'accepted'`,
      [enterpriseId],
    );
    const delivered = await this.dataSource.query<
      {
        id: string;
        title: string;
        department_name: string;
        completed_at: Date;
        solved: SolvedAnswer | null;
        kpis: KpiOutcomeView[] | null;
      }[]
    >(
      `SELECT o.id, o.title, d.name AS department_name, o.completed_at, oc.solved, oc.kpis
       FROM orders o JOIN organizations d ON d.id = o.department_id LEFT JOIN order_outcomes oc ON oc.order_id = o.id
       WHERE o.enterprise_id = $1 AND o.status = 'completed' ORDER BY o.completed_at DESC, o.id`,
      [enterpriseId],
    );
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

import { ApiProperty } from '@nestjs/swagger';
import { SOLVED_ANSWERS, type SolvedAnswer } from './outcome.dto';

export class DeliveredOrderView {
  orderId: string;
  title: string;
  departmentName: string;
  completedAt: string;
  @ApiProperty({ enum: SOLVED_ANSWERS, nullable: true })
  solved: SolvedAnswer | null;
}

/** A firm's record of delivery, from its orders: public. */
export class TrackRecordView {
  enterpriseId: string;
  completedOrders: number;
  terminatedOrders: number;
  ordersInProgress: number;
  acceptedMilestones: number;
  /** Accepted on or before their due date (city calendar). */
  onTimeMilestones: number;
  /** onTimeMilestones / acceptedMilestones; null with none accepted. */
  onTimeRate: number | null;
  kpisRecorded: number;
  kpisMet: number;
  /** kpisMet / kpisRecorded; null with none recorded. */
  kpiAchievementRate: number | null;
  solved: { yes: number; partly: number; no: number };
  delivered: DeliveredOrderView[];
}

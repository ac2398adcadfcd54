import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { IsCalendarDate } from '@app/common';
import { DeliverableFileView } from './deliverable-file.dto';
import { MAX_MILESTONE_KPIS, MAX_MILESTONES, MILESTONE_PHASES, MILESTONE_STATUSES, ORDER_STATUSES } from '../order.constants';
import type { MilestonePhase, MilestoneStatus, OrderStatus } from '../order.constants';
import { OrderOutcomeView } from './outcome.dto';

const MAX_VND = 1_000_000_000_000_000;

export class KpiTargetDto {
  /** What is measured, e.g. "Thời gian xử lý hồ sơ (ngày)". */
  @ApiProperty()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name!: string;

  /** The value the milestone must show. */
  @ApiProperty()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  target!: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(40)
  unit?: string;
}

export class MilestoneDto {
  @ApiProperty({ enum: MILESTONE_PHASES })
  @IsIn(MILESTONE_PHASES)
  phase!: MilestonePhase;

  @ApiProperty()
  @IsString()
  @MinLength(3)
  @MaxLength(5000)
  deliverable!: string;

  /** YYYY-MM-DD, a city calendar day. */
  @ApiProperty({ example: '2027-03-31' })
  @IsCalendarDate()
  dueDate!: string;

  /** Integer VND: this milestone's part of the price. */
  @ApiProperty()
  @IsInt()
  @Min(0)
  @Max(MAX_VND)
  amount!: number;

  @ApiProperty({ type: [KpiTargetDto] })
  @IsArray()
  @ArrayMaxSize(MAX_MILESTONE_KPIS)
  @ValidateNested({ each: true })
  @Type(() => KpiTargetDto)
  kpis!: KpiTargetDto[];
}

export class SetPlanDto {
  /** A pilot then a scale-up: scale-up milestones open only once every pilot milestone is accepted. */
  @ApiProperty()
  @IsBoolean()
  staged!: boolean;

  @ApiProperty({ type: [MilestoneDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_MILESTONES)
  @ValidateNested({ each: true })
  @Type(() => MilestoneDto)
  milestones!: MilestoneDto[];
}

export class AgreePlanDto {
  /** The plan version read and agreed: a plan changed since is not agreed by accident. */
  @ApiProperty()
  @IsInt()
  @Min(1)
  planVersion!: number;
}

export class KpiResultDto {
  /** The KPI's name, as in the milestone. */
  @ApiProperty()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  kpi!: string;

  @ApiProperty()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  value!: number;

  /** How it was measured: method, data source, link. */
  @ApiProperty()
  @IsString()
  @MinLength(3)
  @MaxLength(5000)
  evidence!: string;
}

export class SubmitDeliverableDto {
  @ApiProperty()
  @IsString()
  @MinLength(3)
  @MaxLength(20_000)
  text!: string;

  @ApiProperty({ type: [KpiResultDto] })
  @IsArray()
  @ArrayMaxSize(MAX_MILESTONE_KPIS)
  @ValidateNested({ each: true })
  @Type(() => KpiResultDto)
  kpiResults!: KpiResultDto[];
}

export class ReasonDto {
  @ApiProperty()
  @IsString()
  @MinLength(3)
  @MaxLength(5000)
  reason!: string;
}

export class KpiTargetView {
  name: string;
  target: number;
  unit: string | null;
}

export class KpiResultView {
  kpi: string;
  value: number;
  evidence: string;
}

export class MilestoneView {
  id: string;
  number: number;
  @ApiProperty({ enum: MILESTONE_PHASES })
  phase: MilestonePhase;
  deliverable: string;
  dueDate: string;
  amount: number;
  kpis: KpiTargetView[];
  @ApiProperty({ enum: MILESTONE_STATUSES })
  status: MilestoneStatus;
  acceptedAt: string | null;
  /** When the department recorded paying its amount: public, and an OCDS transaction. */
  paidAt: string | null;
  /** Past its due date (city calendar) and not accepted, while the order runs. */
  overdue: boolean;
  /** Submissions so far. */
  rounds: number;
}

export class NamedParty {
  id: string;
  name: string;
}

export class OrderView {
  id: string;
  /** The competition's problem; null for a direct re-order from the catalogue. */
  problemId: string | null;
  /** The problem's title, or the re-order's own. */
  title: string;
  proposalId: string | null;
  /** The catalogue order it repeats (a direct re-order, or the winner's entry in a mini-competition); why without a competition (re-order only). */
  sourceOrderId: string | null;
  justification: string | null;
  enterprise: NamedParty;
  department: NamedParty;
  @ApiProperty({ enum: ORDER_STATUSES })
  status: OrderStatus;
  price: number;
  durationMonths: number;
  /** The winning proposal's implementation plan: for the department, the firm and admins only (null for others). */
  plan: string | null;
  staged: boolean;
  /** 0 until a plan of milestones is proposed; each change adds one and clears both agreements. */
  planVersion: number;
  departmentAgreedVersion: number | null;
  firmAgreedVersion: number | null;
  createdAt: string;
  startedAt: string | null;
  completedAt: string | null;
  terminatedAt: string | null;
  terminationReason: string | null;
  milestones: MilestoneView[];
  /** "Was the bottleneck solved?", once recorded: public. */
  outcome: OrderOutcomeView | null;
}

export class SubmissionView {
  id: string;
  round: number;
  text: string;
  kpiResults: KpiResultView[];
  submittedAt: string;
  @ApiProperty({ enum: ['accepted', 'returned'], nullable: true })
  decision: 'accepted' | 'returned' | null;
  decisionReason: string | null;
  decidedAt: string | null;
  /** The files submitted with this round, oldest first (descriptions; download each by its id). */
  files: DeliverableFileView[];
}

export class SubmissionList {
  items: SubmissionView[];
}

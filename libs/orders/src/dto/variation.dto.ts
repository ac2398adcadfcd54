import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { IsCalendarDate } from '@app/common';
import { MAX_MILESTONE_KPIS, MAX_MILESTONES } from '../order.constants';
import { KpiTargetDto, KpiTargetView } from './order.dto';

export class MilestoneChangeDto {
  /** The milestone's number in the order. */
  @ApiProperty()
  @IsInt()
  @Min(1)
  milestone!: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MinLength(3)
  @MaxLength(5000)
  deliverable?: string;

  @ApiPropertyOptional({ example: '2027-05-31' })
  @IsOptional()
  @IsCalendarDate()
  dueDate?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1_000_000_000_000_000)
  amount?: number;

  @ApiPropertyOptional({ type: [KpiTargetDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_MILESTONE_KPIS)
  @ValidateNested({ each: true })
  @Type(() => KpiTargetDto)
  kpis?: KpiTargetDto[];
}

export class ProposeVariationDto {
  @ApiProperty()
  @IsString()
  @MinLength(3)
  @MaxLength(5000)
  reason!: string;

  @ApiProperty({ type: [MilestoneChangeDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_MILESTONES)
  @ValidateNested({ each: true })
  @Type(() => MilestoneChangeDto)
  changes!: MilestoneChangeDto[];
}

export class MilestoneChangeView {
  milestone: number;
  deliverable?: string;
  dueDate?: string;
  amount?: number;
  kpis?: KpiTargetView[];
}

export class VariationView {
  number: number;
  @ApiProperty({ enum: ['proposed', 'agreed', 'rejected'] })
  status: 'proposed' | 'agreed' | 'rejected';
  reason: string;
  changes: MilestoneChangeView[];
  @ApiProperty({ enum: ['department', 'firm'] })
  proposedBy: 'department' | 'firm';
  proposedAt: string;
  answeredAt: string | null;
  rejectionReason: string | null;
}

export class VariationList {
  items: VariationView[];
}

export class VariationParams {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id!: string;

  @ApiProperty({ minimum: 1 })
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100_000)
  number!: number;
}

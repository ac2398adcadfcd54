import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { PageQueryDto } from '@app/common';
import { SECTORS } from '@app/enterprises';
import { KpiOutcomeView, SOLVED_ANSWERS, type SolvedAnswer } from './outcome.dto';
import { NamedParty } from './order.dto';

export class CatalogueQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: SECTORS })
  @IsOptional()
  @IsIn(SECTORS)
  sector?: string;
}

/** A solution that solved (or partly solved) a bottleneck: what other departments may re-order. */
export class CatalogueEntryView {
  /** The completed order the entry stands for. */
  orderId: string;
  problemId: string;
  title: string;
  summary: string;
  sector: string;
  enterprise: NamedParty;
  department: NamedParty;
  price: number;
  durationMonths: number;
  /** What was delivered, milestone by milestone. */
  deliverables: string[];
  @ApiProperty({ enum: SOLVED_ANSWERS })
  solved: SolvedAnswer;
  explanation: string;
  kpis: KpiOutcomeView[];
  completedAt: string;
  /** Orders placed from this entry so far: direct re-orders and won mini-competitions citing it. */
  reorders: number;
  /** The most a direct re-order may cost (REORDER_PRICE_CEILING_PERCENT of the price). */
  reorderPriceCeiling: number;
}

export class ReorderDto {
  /** The re-order's own title (the department's need). */
  @ApiProperty()
  @IsString()
  @MinLength(5)
  @MaxLength(300)
  title!: string;

  /** Why this firm, without a competition (public). */
  @ApiProperty()
  @IsString()
  @MinLength(20)
  @MaxLength(10_000)
  justification!: string;

  /** Integer VND, at most the entry's re-order ceiling. */
  @ApiProperty()
  @IsInt()
  @Min(0)
  @Max(1_000_000_000_000_000)
  price!: number;
}

/** Start a mini-competition among the firms of several catalogue entries of one kind. */
export class StartMiniCompetitionDto {
  /** The catalogue entries (their order ids) whose firms are invited; at least two distinct firms. */
  @ApiProperty({ type: [String] })
  @IsArray()
  @ArrayMinSize(2)
  @ArrayMaxSize(20)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  entryOrderIds!: string[];

  /** Why a competition among these proven solutions rather than an open problem (public). */
  @ApiProperty()
  @IsString()
  @MinLength(20)
  @MaxLength(10_000)
  justification!: string;
}

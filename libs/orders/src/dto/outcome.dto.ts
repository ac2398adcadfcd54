import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsNumber,
  IsOptional,
  IsString,
  MaxLength,
  MinLength,
  ValidateNested,
} from 'class-validator';

export const SOLVED_ANSWERS = ['yes', 'partly', 'no'] as const;
export type SolvedAnswer = (typeof SOLVED_ANSWERS)[number];
export const KPI_DIRECTIONS = ['higher', 'lower'] as const;
export type KpiDirection = (typeof KPI_DIRECTIONS)[number];

export class KpiOutcomeDto {
  /** The problem's KPI, by its name. */
  @ApiProperty()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  kpi!: string;

  @ApiProperty()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  baseline!: number;

  @ApiProperty()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  target!: number;

  @ApiProperty()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  achieved!: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(40)
  unit?: string;

  /** Whether a higher or a lower value is better (a processing time: lower). */
  @ApiProperty({ enum: KPI_DIRECTIONS })
  @IsIn(KPI_DIRECTIONS)
  direction!: KpiDirection;
}

export class RecordOutcomeDto {
  /** Was the bottleneck solved? */
  @ApiProperty({ enum: SOLVED_ANSWERS })
  @IsIn(SOLVED_ANSWERS)
  solved!: SolvedAnswer;

  /** The public explanation. */
  @ApiProperty()
  @IsString()
  @MinLength(10)
  @MaxLength(10_000)
  explanation!: string;

  @ApiProperty({ type: [KpiOutcomeDto] })
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => KpiOutcomeDto)
  kpis!: KpiOutcomeDto[];
}

export class FirmStatementDto {
  @ApiProperty()
  @IsString()
  @MinLength(3)
  @MaxLength(10_000)
  statement!: string;
}

export class KpiOutcomeView {
  kpi: string;
  baseline: number;
  target: number;
  achieved: number;
  unit: string | null;
  @ApiProperty({ enum: KPI_DIRECTIONS })
  direction: KpiDirection;
  /** The achieved value reached the target in the better direction. */
  met: boolean;
}

export class OrderOutcomeView {
  @ApiProperty({ enum: SOLVED_ANSWERS })
  solved: SolvedAnswer;
  explanation: string;
  kpis: KpiOutcomeView[];
  recordedAt: string;
  firmStatement: string | null;
  firmStatementAt: string | null;
}

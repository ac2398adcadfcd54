import { IsDecimal2 } from '@app/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsEmail,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { MAX_CRITERIA, MAX_KPIS, MAX_TAGS, PROBLEM_SECTORS, type ProblemSector } from '../problem.constants';
import { IsDateTimeWithOffset } from './date-time-with-offset';

export class KpiDto {
  @ApiProperty({ example: 'Thời gian xử lý hồ sơ' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name: string;

  @ApiProperty({ example: '≤ 2 ngày' })
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  target: string;
}

export class RubricCriterionDto {
  @ApiProperty({ example: 'technical', description: 'lower-case slug, unique in the rubric; scores refer to it' })
  @IsString()
  @MaxLength(50)
  key: string;

  @ApiProperty({ example: 'Giải pháp kỹ thuật' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  description?: string;

  @ApiProperty({ example: 40, description: 'integer; the weights of all criteria sum to exactly 100' })
  @IsInt()
  weight: number;
}

export class RubricDto {
  @ApiProperty({ minimum: 0, maximum: 100, example: 60 })
  @IsDecimal2()
  @Min(0)
  @Max(100)
  passMark: number;

  @ApiProperty({ type: [RubricCriterionDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_CRITERIA)
  @ValidateNested({ each: true })
  @Type(() => RubricCriterionDto)
  criteria: RubricCriterionDto[];
}

export class ContactDto {
  @ApiProperty()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsEmail()
  @MaxLength(254)
  email?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(30)
  phone?: string;
}

export class CreateProblemDto {
  @ApiProperty({ example: 'Điều phối giao thông thông minh tại nút giao Cầu Rào' })
  @IsString()
  @MinLength(3)
  @MaxLength(300)
  title: string;

  @ApiProperty()
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  summary: string;

  @ApiProperty({ description: 'the current state and the bottleneck' })
  @IsString()
  @MinLength(1)
  @MaxLength(50_000)
  description: string;

  @ApiProperty()
  @IsString()
  @MinLength(1)
  @MaxLength(20_000)
  expectedResults: string;

  @ApiPropertyOptional({ type: [KpiDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_KPIS)
  @ValidateNested({ each: true })
  @Type(() => KpiDto)
  kpis?: KpiDto[];

  @ApiProperty({ enum: PROBLEM_SECTORS })
  @IsIn(PROBLEM_SECTORS)
  sector: ProblemSector;

  @ApiProperty({ type: [String], example: ['giao thông', 'AI'] })
  @IsArray()
  @ArrayMaxSize(MAX_TAGS)
  @IsString({ each: true })
  @MinLength(1, { each: true })
  @MaxLength(50, { each: true })
  tags: string[];

  @ApiPropertyOptional({ description: 'commune-level unit (ward, commune, special zone) code' })
  @IsOptional()
  @IsString()
  @MaxLength(20)
  areaCode?: string | null;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(20_000)
  dataAvailable?: string | null;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(20_000)
  constraints?: string | null;

  @ApiPropertyOptional({ type: 'integer', nullable: true, description: 'integer VND', example: 500_000_000 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  budgetCeiling?: number | null;

  @ApiPropertyOptional({ minimum: 1, maximum: 120 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(120)
  durationMonths?: number | null;

  @ApiProperty({ example: '2026-03-01T17:00:00+07:00' })
  @IsDateTimeWithOffset()
  deadline: string;

  @ApiPropertyOptional({ description: 'default: CLARIFICATION_CLOSE_DAYS days before the deadline' })
  @IsOptional()
  @IsDateTimeWithOffset()
  clarificationDeadline?: string;

  @ApiProperty({ type: RubricDto })
  @IsObject()
  @ValidateNested()
  @Type(() => RubricDto)
  rubric: RubricDto;

  @ApiPropertyOptional({ type: ContactDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ContactDto)
  contact?: ContactDto | null;
}

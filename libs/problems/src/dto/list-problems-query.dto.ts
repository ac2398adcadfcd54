import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';
import { PageQueryDto } from '@app/common';
import { PROBLEM_SECTORS, PROBLEM_STATUSES, type ProblemSector, type ProblemStatus } from '../problem.constants';
import { IsDateTimeWithOffset } from './date-time-with-offset';

export const PROBLEM_SORTS = ['deadline', 'newest', 'relevance'] as const;
export type ProblemSort = (typeof PROBLEM_SORTS)[number];

export class ListProblemsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'accent-insensitive full text, words in any order: "thong giao" finds "giao thông"' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;

  @ApiPropertyOptional({ enum: PROBLEM_SECTORS })
  @IsOptional()
  @IsIn(PROBLEM_SECTORS)
  sector?: ProblemSector;

  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID()
  departmentId?: string;

  @ApiPropertyOptional({
    enum: PROBLEM_STATUSES,
    default: 'published',
    description: 'draft: officers (their department) and admins only',
  })
  @IsOptional()
  @IsIn(PROBLEM_STATUSES)
  status?: ProblemStatus;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(20)
  areaCode?: string;

  @ApiPropertyOptional({ description: 'VND' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  budgetMin?: number;

  @ApiPropertyOptional({ description: 'VND' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  budgetMax?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsDateTimeWithOffset()
  deadlineFrom?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsDateTimeWithOffset()
  deadlineTo?: string;

  @ApiPropertyOptional({ enum: PROBLEM_SORTS, description: 'default: relevance with q, newest without' })
  @IsOptional()
  @IsIn(PROBLEM_SORTS)
  sort?: ProblemSort;
}

export class RankingQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 50, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(50)
  limit?: number;
}

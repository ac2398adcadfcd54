import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';
import { IsCalendarDate } from '@app/common';

export class HolidayDateParam {
  /** YYYY-MM-DD */
  @ApiProperty({ example: '2026-09-02' })
  @IsCalendarDate()
  date!: string;
}

export class SetHolidayDto {
  @ApiProperty({ example: 'Quốc khánh' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  nameVi!: string;

  @ApiProperty({ example: 'National Day' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  nameEn!: string;
}

export class HolidaysQueryDto {
  @ApiPropertyOptional({ minimum: 2000, maximum: 2100, description: 'Only this year’s days off (default: all)' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(2000)
  @Max(2100)
  year?: number;
}

export class HolidayView {
  /** YYYY-MM-DD */
  date: string;
  nameVi: string;
  nameEn: string;
}

export class HolidayList {
  items: HolidayView[];
}

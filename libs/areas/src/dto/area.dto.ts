import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { IsCalendarDate, nfc, PageQueryDto } from '@app/common';
import { AREA_UNIT_TYPES, AreaUnitType } from '../area-types';

/** 31 (the city), 31-2024 (the city before 1 July 2025), 3-digit districts (until then), 5-digit communes. */
const AREA_CODE = /^\d{2,5}(-\d{4})?$/;
const toNfc = ({ value }: { value: unknown }) => (typeof value === 'string' ? nfc(value) : value);

export class ListAreasQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Part of the name, accents optional ("hong bang" finds "Hồng Bàng")' })
  @IsOptional()
  @Transform(toNfc)
  @IsString()
  @MaxLength(100)
  q?: string;

  @ApiPropertyOptional({ enum: AREA_UNIT_TYPES })
  @IsOptional()
  @IsIn(AREA_UNIT_TYPES)
  unitType?: AreaUnitType;

  @ApiPropertyOptional({
    example: '2025-01-01',
    description:
      'Only the areas in force on this day (default today): 2025-01-01 lists the old city (31-2024) and its 15 districts',
  })
  @IsOptional()
  @IsCalendarDate()
  inForceOn?: string;

  @ApiPropertyOptional({ example: '31', description: 'Only the units of this parent (31: the city)' })
  @IsOptional()
  @Matches(AREA_CODE, { message: 'validation.areaCode' })
  parentCode?: string;
}

export class AreaCodeParamDto {
  @ApiProperty({ example: '11311', description: 'Area code: 31 for the city, 5 digits for a commune-level unit' })
  @Matches(AREA_CODE, { message: 'validation.areaCode' })
  code: string;
}

export class PopulationParamsDto extends AreaCodeParamDto {
  @ApiProperty({ example: '2024-12-31', description: 'The date the figure describes' })
  @IsCalendarDate()
  asOf: string;
}

export class SetPopulationDto {
  @ApiProperty({ example: 4664124, minimum: 1 })
  @IsInt()
  @Min(1)
  @Max(2_147_483_647)
  population: number;

  @ApiProperty({ example: 'Cục Thống kê Hải Phòng, Niên giám thống kê 2024', description: 'Where the figure comes from' })
  @Transform(toNfc)
  @IsString()
  @MinLength(1, { message: 'validation.sourceRequired' })
  @MaxLength(500)
  source: string;
}

export class PopulationFigureView {
  @ApiProperty({ example: 4664124 })
  value: number;

  @ApiProperty({ example: '2024-12-31' })
  asOf: string;

  @ApiProperty()
  source: string;
}

export class PopulationRecordView extends PopulationFigureView {
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'The admin who entered or last corrected it; null for reference data',
  })
  recordedBy: string | null;

  @ApiProperty()
  updatedAt: string;
}

export class AreaView {
  @ApiProperty({ example: '11311' })
  code: string;

  @ApiProperty({ example: 'Phường Hồng Bàng' })
  name: string;

  @ApiProperty({ enum: AREA_UNIT_TYPES })
  unitType: AreaUnitType;

  @ApiProperty({ nullable: true, type: String, example: '31' })
  parentCode: string | null;

  @ApiProperty({ nullable: true, type: Number })
  areaKm2: number | null;

  @ApiProperty({ nullable: true, type: String, example: '2025-07-01', description: 'First day in force; null: long before' })
  validFrom: string | null;

  @ApiProperty({ nullable: true, type: String, example: null, description: 'Last day in force; null: still in force' })
  validTo: string | null;

  @ApiProperty({
    nullable: true,
    type: String,
    example: '31-2024',
    description: 'For a unit formed on 1 July 2025: the old city it lay in (31-2024), null when formed from former Hải Dương',
  })
  formerParentCode: string | null;

  @ApiProperty({
    nullable: true,
    type: PopulationFigureView,
    description:
      'The figure in use today: the latest dated on or before today, else the earliest after; null when none is recorded',
  })
  population: PopulationFigureView | null;
}

export class AreaDetailView extends AreaView {
  @ApiProperty({ type: [PopulationRecordView], description: 'Every recorded figure, newest first' })
  populations: PopulationRecordView[];
}

export class AreaPage {
  @ApiProperty({ type: [AreaView] })
  items: AreaView[];

  @ApiProperty({ nullable: true, type: String })
  nextCursor: string | null;
}

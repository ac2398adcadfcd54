import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { IsCalendarDate } from '@app/common';
import { AREA_UNIT_TYPES, AreaUnitType, PopulationFigureView } from '@app/areas';
import { MONTH_PATTERN } from '../months';

export const EXPORT_FORMATS = ['json', 'csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

const AREA_PARAM = {
  example: '11311',
  description: 'Limit to this area (31: the city; 5 digits: a commune-level unit). Unknown codes get 404.',
};
const FORMAT_PARAM = { enum: EXPORT_FORMATS, description: 'csv, or send Accept: text/csv; JSON otherwise' };

class ExportQuery {
  @ApiPropertyOptional(FORMAT_PARAM)
  @IsOptional()
  @IsIn(EXPORT_FORMATS)
  format?: ExportFormat;
}

export class DensityQueryDto extends ExportQuery {
  @ApiPropertyOptional({
    example: '2025-06-30',
    description: 'The day the answer describes; default today in Asia/Ho_Chi_Minh; not in the future',
  })
  @IsOptional()
  @IsCalendarDate()
  asOf?: string;

  @ApiPropertyOptional(AREA_PARAM)
  @IsOptional()
  @Matches(/^\d{2,5}$/, { message: 'validation.areaCode' })
  area?: string;

  @ApiPropertyOptional({ enum: ['area', 'sector'], default: 'area', description: 'sector adds the city-wide count per sector' })
  @IsOptional()
  @IsIn(['area', 'sector'])
  groupBy?: 'area' | 'sector';
}

export class SeriesQueryDto extends ExportQuery {
  @ApiPropertyOptional({ example: '2025-01', description: 'First month (YYYY-MM); default 11 months before `to`' })
  @IsOptional()
  @Matches(MONTH_PATTERN, { message: 'validation.month' })
  from?: string;

  @ApiPropertyOptional({
    example: '2025-12',
    description: 'Last month (YYYY-MM), not after the current month; default the current month',
  })
  @IsOptional()
  @Matches(MONTH_PATTERN, { message: 'validation.month' })
  to?: string;

  @ApiPropertyOptional(AREA_PARAM)
  @IsOptional()
  @Matches(/^\d{2,5}$/, { message: 'validation.areaCode' })
  area?: string;
}

/** The chart takes the series' range and area; it is always SVG. */
export class ChartQueryDto {
  @ApiPropertyOptional({ example: '2024-12', description: 'First month; default 23 months before `to`' })
  @IsOptional()
  @Matches(MONTH_PATTERN, { message: 'validation.month' })
  from?: string;

  @ApiPropertyOptional({ example: '2026-11', description: 'Last month; default the current month' })
  @IsOptional()
  @Matches(MONTH_PATTERN, { message: 'validation.month' })
  to?: string;

  @ApiPropertyOptional(AREA_PARAM)
  @IsOptional()
  @Matches(/^\d{2,5}$/, { message: 'validation.areaCode' })
  area?: string;
}

const POPULATION_DOC = {
  type: PopulationFigureView,
  nullable: true,
  description:
    'The figure used: the latest dated on or before asOf; when all are later, the earliest of them (its asOf says so); null when the area has none',
};

export class CityDensityView {
  @ApiProperty({ example: '31' })
  areaCode: string;

  @ApiProperty({ example: 'Thành phố Hải Phòng' })
  name: string;

  @ApiProperty({ description: 'Verified, active firms with head office in the city on asOf' })
  enterprises: number;

  @ApiProperty(POPULATION_DOC)
  population: PopulationFigureView | null;

  @ApiProperty({ nullable: true, type: Number, description: 'Enterprises per 1,000 population, 4 decimals' })
  density: number | null;

  @ApiProperty({ nullable: true, type: Number, description: 'density / target as a ratio (0.85 = 85 %)' })
  progress: number | null;

  @ApiPropertyOptional({ description: 'Why density is null' })
  reason?: string;
}

export class AreaDensityView {
  @ApiProperty({ example: '11311' })
  areaCode: string;

  @ApiProperty({ example: 'Phường Hồng Bàng' })
  name: string;

  @ApiProperty({ enum: AREA_UNIT_TYPES })
  unitType: AreaUnitType;

  @ApiProperty()
  enterprises: number;

  @ApiProperty(POPULATION_DOC)
  population: PopulationFigureView | null;

  @ApiProperty({ nullable: true, type: Number })
  density: number | null;

  @ApiPropertyOptional({ description: 'Why density is null' })
  reason?: string;
}

export class SectorCountView {
  @ApiProperty({ example: 'ict' })
  sector: string;

  @ApiProperty({ description: 'Active firms in this sector city-wide; a firm in two sectors counts in both' })
  enterprises: number;
}

export class DensitySnapshotView {
  @ApiProperty({ example: '2025-06-30' })
  asOf: string;

  @ApiProperty({ example: 0.7, description: 'Target enterprises per 1,000 population (INDICATOR_TARGET_PER_1000)' })
  target: number;

  @ApiProperty({ type: CityDensityView })
  city: CityDensityView;

  @ApiProperty({ type: [AreaDensityView], description: 'Every commune-level unit, by code; only the one asked for with `area`' })
  areas: AreaDensityView[];

  @ApiPropertyOptional({
    type: [SectorCountView],
    description: 'With groupBy=sector: city-wide counts per sector (no population per sector, so no density)',
  })
  sectors?: SectorCountView[];
}

export class SeriesPointView {
  @ApiProperty({ example: '2025-06' })
  month: string;

  @ApiProperty({ example: '2025-06-30', description: "The month's last day, or today for the current month" })
  asOf: string;

  @ApiProperty()
  enterprises: number;

  @ApiProperty(POPULATION_DOC)
  population: PopulationFigureView | null;

  @ApiProperty({ nullable: true, type: Number })
  density: number | null;

  @ApiProperty({ nullable: true, type: Number })
  progress: number | null;

  @ApiPropertyOptional()
  reason?: string;
}

export class DensitySeriesView {
  @ApiProperty({ example: '31' })
  areaCode: string;

  @ApiProperty({ example: 'Thành phố Hải Phòng' })
  name: string;

  @ApiProperty({ example: 0.7 })
  target: number;

  @ApiProperty({ example: '2025-01' })
  from: string;

  @ApiProperty({ example: '2025-12' })
  to: string;

  @ApiProperty({ type: [SeriesPointView] })
  items: SeriesPointView[];
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { IsCalendarDate, Language, LANGUAGES } from '@app/common';
import { AREA_UNIT_TYPES, AreaUnitType, PopulationFigureView } from '@app/areas';
import { MONTH_PATTERN } from '../months';

export const EXPORT_FORMATS = ['json', 'csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

const AREA_PARAM = {
  example: '11311',
  description:
    'Limit to this area (the city in force on the date, or one of its commune-level units, 5 digits). Unknown codes get 404; a unit outside the city on that date gets 400 AREA_OUTSIDE_BOUNDARY.',
};
const AREA_CODE = /^\d{2,5}(-\d{4})?$/;
/** A day (YYYY-MM-DD, meaning the end of that day in Hai Phong) or an instant with its offset. */
export const KNOWN_AT_PATTERN = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2}))?$/;
const KNOWN_AT_PARAM = {
  example: '2026-01-15',
  description:
    'Answer with what the platform had recorded by then: a day (its end, Hai Phong time) or an ISO instant with offset. Default: everything recorded so far. Not in the future.',
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
  @Matches(AREA_CODE, { message: 'validation.areaCode' })
  area?: string;

  @ApiPropertyOptional(KNOWN_AT_PARAM)
  @IsOptional()
  @Matches(KNOWN_AT_PATTERN, { message: 'validation.knownAt' })
  knownAt?: string;

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
  @Matches(AREA_CODE, { message: 'validation.areaCode' })
  area?: string;

  @ApiPropertyOptional(KNOWN_AT_PARAM)
  @IsOptional()
  @Matches(KNOWN_AT_PATTERN, { message: 'validation.knownAt' })
  knownAt?: string;
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
  @Matches(AREA_CODE, { message: 'validation.areaCode' })
  area?: string;

  @ApiPropertyOptional({
    enum: LANGUAGES,
    description: "Language of the chart's texts; default from Accept-Language, else Vietnamese",
  })
  @IsOptional()
  @IsIn(LANGUAGES)
  lang?: Language;
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

export class BoundaryUnitView {
  @ApiProperty({ example: '303' })
  code: string;

  @ApiProperty({ example: 'Quận Hồng Bàng' })
  name: string;

  @ApiProperty({ enum: AREA_UNIT_TYPES })
  unitType: AreaUnitType;
}

export class BoundaryView {
  @ApiProperty({ example: '31-2024', description: '31: the city from 1 July 2025; 31-2024: the city before' })
  code: string;

  @ApiProperty({ example: 'Thành phố Hải Phòng (trước 01/7/2025)' })
  name: string;

  @ApiProperty({ nullable: true, type: String, example: null })
  validFrom: string | null;

  @ApiProperty({ nullable: true, type: String, example: '2025-06-30' })
  validTo: string | null;

  @ApiProperty({ nullable: true, type: String })
  basis: string | null;

  @ApiProperty({ type: [BoundaryUnitView], description: 'The units the city was divided into on that date' })
  units: BoundaryUnitView[];

  @ApiProperty({
    description:
      'How firms are placed: each firm is recorded in a 2025 commune-level unit; before 1 July 2025 the city counts the units formed from its territory (NQ 1669/NQ-UBTVQH15)',
  })
  note: string;
}

export class RevisionView {
  @ApiProperty({ example: '2026-02-03', description: 'The day (Hai Phong time) the platform recorded the change' })
  recordedOn: string;

  @ApiProperty({ description: "The city's count as known from that day on" })
  enterprises: number;

  @ApiProperty({ description: 'Change against the figure known before' })
  change: number;
}

export class VintageView {
  @ApiProperty({ example: '2026-01-15T23:59:59.999+07:00', description: 'The knowledge the answer uses' })
  knownAt: string;

  @ApiProperty({ description: 'True when knownAt is "now": the latest knowledge' })
  latest: boolean;

  @ApiProperty({
    nullable: true,
    type: String,
    description: 'End of the asOf day: when the figure for that day was first shown; null while that day is not over',
  })
  firstPublishedAt: string | null;

  @ApiProperty({ nullable: true, type: Number, description: "The city's count as first shown" })
  firstPublishedEnterprises: number | null;

  @ApiProperty({ description: 'True when records made after the asOf day changed the city figure (up to knownAt)' })
  revised: boolean;

  @ApiProperty({ nullable: true, type: String, description: 'Day of the latest revision' })
  lastRevisedOn: string | null;

  @ApiProperty({ type: [RevisionView] })
  revisions: RevisionView[];
}

export class DensitySnapshotView {
  @ApiProperty({ example: '2025-06-30' })
  asOf: string;

  @ApiProperty({ example: 0.7, description: 'Target enterprises per 1,000 population (INDICATOR_TARGET_PER_1000)' })
  target: number;

  @ApiProperty({ type: BoundaryView, description: 'The city as it was on asOf, whose firms and population are counted' })
  boundary: BoundaryView;

  @ApiProperty({ type: VintageView, description: 'What the platform knew, and whether the figure has been revised' })
  vintage: VintageView;

  @ApiProperty({ type: CityDensityView })
  city: CityDensityView;

  @ApiProperty({
    type: [AreaDensityView],
    description: 'Every commune-level unit counted in the city on asOf, by code; only the one asked for with `area`',
  })
  areas: AreaDensityView[];

  @ApiPropertyOptional({
    type: [SectorCountView],
    description: 'With groupBy=sector: counts per sector for the city from 1 July 2025 (no population per sector, so no density)',
  })
  sectors?: SectorCountView[];

  @ApiPropertyOptional({ description: 'Why sectors are missing (asOf before 1 July 2025)' })
  sectorsReason?: string;
}

export class SeriesPointView {
  @ApiProperty({ example: '2025-06' })
  month: string;

  @ApiProperty({ example: '2025-06-30', description: "The month's last day, or today for the current month" })
  asOf: string;

  @ApiProperty({ example: '31-2024', description: 'The city boundary in force on asOf (for the city series)' })
  boundary: string;

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

  @ApiProperty({ example: '2026-01-15T23:59:59.999+07:00' })
  knownAt: string;

  @ApiProperty({ type: [SeriesPointView] })
  items: SeriesPointView[];
}

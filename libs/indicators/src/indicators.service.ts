import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig, AppError, cityToday, ErrorCode } from '@app/common';
import { AreasService, AreaUnitType, choosePopulationFigure, HAIPHONG_CITY, unknownArea } from '@app/areas';
import { SECTORS } from '@app/enterprises';
import { measure } from './density';
import { AREA_COUNTS_SQL, SECTOR_COUNTS_SQL, seriesSql } from './density-queries';
import {
  AreaDensityView,
  DensityQueryDto,
  DensitySeriesView,
  DensitySnapshotView,
  SectorCountView,
  SeriesQueryDto,
} from './dto/density.dto';
import { addMonths, lastDayOfMonth, monthOf, monthsBetween } from './months';

/** A series covers at most ten years of months: bounded work per request. */
export const MAX_SERIES_MONTHS = 120;

interface AreaCountRow {
  code: string;
  name: string;
  unit_type: AreaUnitType;
  enterprises: number;
}

/**
 * The enterprise-density indicator. Counts come from enterprise_activity_deltas (the registry
 * writes +1/-1 per area and sector on each transition's effective date): the count on a day is
 * the sum of deltas up to it, so a query's cost grows with areas × days on which something
 * changed, never with the number of firms, and a past answer changes only when a dated fact
 * about that past does. Denominators are the dated figures of area_populations.
 */
@Injectable()
export class IndicatorsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly areas: AreasService,
    private readonly config: AppConfig,
  ) {}

  get target(): number {
    return this.config.get('INDICATOR_TARGET_PER_1000');
  }

  async snapshot(query: DensityQueryDto): Promise<DensitySnapshotView> {
    const today = cityToday();
    const asOf = query.asOf ?? today;
    if (asOf > today) {
      throw new AppError(ErrorCode.DATE_IN_FUTURE, { asOf, today }, {
        asOf,
        today,
      });
    }
    const [rows, figures, sectors] = await Promise.all([
      this.areaCounts(asOf),
      this.areas.figuresByArea(),
      query.groupBy === 'sector' ? this.sectorCounts(asOf) : undefined,
    ]);
    const city = rows.find((r) => r.code === HAIPHONG_CITY.code);
    if (!city) throw new Error('The city is missing from areas: run the seed (main.js migrate)');
    if (query.area && !rows.some((r) => r.code === query.area)) throw unknownArea(query.area);

    const target = this.target;
    const pick = (code: string) => choosePopulationFigure(figures.get(code) ?? [], asOf);
    const cityCount = rows.reduce((sum, r) => sum + r.enterprises, 0);
    const countOf = (r: AreaCountRow) => (r === city ? cityCount : r.enterprises);
    const areas = rows
      .filter((r) => (query.area ? r.code === query.area : r !== city))
      .map((r): AreaDensityView => {
        const { progress: _progress, ...m } = measure(r.name, countOf(r), pick(r.code), target);
        return { areaCode: r.code, name: r.name, unitType: r.unit_type, enterprises: countOf(r), ...m };
      });
    return {
      asOf,
      target,
      city: {
        areaCode: city.code,
        name: city.name,
        enterprises: cityCount,
        ...measure(city.name, cityCount, pick(city.code), target),
      },
      areas,
      ...(sectors ? { sectors } : {}),
    };
  }

  async series(query: SeriesQueryDto, defaultMonths = 12): Promise<DensitySeriesView> {
    const today = cityToday();
    const to = query.to ?? monthOf(today);
    const from = query.from ?? addMonths(to, 1 - defaultMonths);
    this.checkRange(from, to, monthOf(today));
    const area = query.area ? await this.areas.requireArea(query.area) : HAIPHONG_CITY;
    const lastAsOf = to === monthOf(today) ? today : lastDayOfMonth(to);
    const forArea = area.code !== HAIPHONG_CITY.code;

    const [rows, figures] = await Promise.all([
      this.dataSource.query<{ month: string; as_of: string; enterprises: number }[]>(seriesSql(forArea), [
        `${from}-01`,
        lastAsOf,
        ...(forArea ? [area.code] : []),
      ]),
      this.areas.figuresByArea([area.code]),
    ]);
    const target = this.target;
    const own = figures.get(area.code) ?? [];
    return {
      areaCode: area.code,
      name: area.name,
      target,
      from,
      to,
      items: rows.map((r) => ({
        month: r.month,
        asOf: r.as_of,
        enterprises: r.enterprises,
        ...measure(area.name, r.enterprises, choosePopulationFigure(own, r.as_of), target),
      })),
    };
  }

  /** Counts per area (and the city row, whose own count is 0: firms sit in its units) as of a day. */
  private areaCounts(asOf: string): Promise<AreaCountRow[]> {
    return this.dataSource.query<AreaCountRow[]>(AREA_COUNTS_SQL, [asOf, HAIPHONG_CITY.code]);
  }

  /** Every sector of the registry, zero where none is active; busiest first. */
  private async sectorCounts(asOf: string): Promise<SectorCountView[]> {
    const rows = await this.dataSource.query<{ sector: string; enterprises: number }[]>(SECTOR_COUNTS_SQL, [asOf]);
    const counts = new Map(rows.map((r) => [r.sector, r.enterprises]));
    const sectors = [...new Set<string>([...SECTORS, ...counts.keys()])];
    return sectors
      .map((sector) => ({ sector, enterprises: counts.get(sector) ?? 0 }))
      .sort((a, b) => b.enterprises - a.enterprises || sectors.indexOf(a.sector) - sectors.indexOf(b.sector));
  }

  private checkRange(from: string, to: string, currentMonth: string): void {
    const details = { from, to, currentMonth, maxMonths: MAX_SERIES_MONTHS };
    if (to > currentMonth)
      throw new AppError(ErrorCode.DATE_IN_FUTURE, { context: 'month', to, currentMonth }, details);
    const months = monthsBetween(from, to);
    if (months < 1) throw new AppError(ErrorCode.SERIES_RANGE_INVALID, { from, to }, details);
    if (months > MAX_SERIES_MONTHS) {
      throw new AppError(
        ErrorCode.SERIES_RANGE_INVALID,
        { context: 'tooLong', max: MAX_SERIES_MONTHS, from, to, months },
        details,
      );
    }
  }
}

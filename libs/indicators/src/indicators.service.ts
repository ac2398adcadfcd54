import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { db } from '@app/database';
import {
  AppConfig,
  AppError,
  cityIso,
  cityToday,
  DEFAULT_LANGUAGE,
  ErrorCode,
  fieldName,
  Language,
  Msg,
  translate,
} from '@app/common';
import {
  AreasService,
  AreaUnitType,
  BOUNDARY_CHANGE_DATE,
  choosePopulationFigure,
  CityBoundary,
  cityOn,
  loadCityBoundaries,
} from '@app/areas';
import { SECTORS } from '@app/enterprises';
import { measure } from './density';
import { countsByKey, KnowledgeCut, revisionsQuery, seriesQuery } from './density-queries';
import {
  AreaDensityView,
  BoundaryView,
  DensityQueryDto,
  DensitySeriesView,
  DensitySnapshotView,
  RevisionView,
  SectorCountView,
  SeriesQueryDto,
  VintageView,
} from './dto/density.dto';
import { addMonths, lastDayOfMonth, monthOf, monthsBetween } from './months';
import { MethodologyLanguage, methodologyTexts } from './methodology';
import { MethodologyView } from './dto/methodology.dto';

/** A series covers at most ten years of months: bounded work per request. */
export const MAX_SERIES_MONTHS = 120;

interface AreaCountRow {
  code: string;
  name: string;
  unit_type: AreaUnitType;
  enterprises: number;
}

const cutOf = (knowledge: Knowledge): KnowledgeCut | null => (knowledge.cut ? { at: knowledge.cut } : null);

/** What the platform knew: `cut` bounds recorded_at (null: everything so far), `iso` is shown. */
export interface Knowledge {
  cut: string | null;
  iso: string;
  latest: boolean;
}

/** The last instant of a Hai Phong calendar day, as an ISO instant with offset. */
export const endOfCityDay = (day: string) => `${day}T23:59:59.999+07:00`;

/**
 * The enterprise-density indicator. Counts come from enterprise_activity_deltas (the registry
 * writes +1/-1 per area and sector on each transition's effective date, with the moment it was
 * recorded): the count on a day as known at a moment is the sum of deltas dated up to the day and
 * recorded up to the moment. That sum is read from monthly snapshots plus the recent deltas
 * (density-queries.ts), so a query costs one row per area plus what changed lately, never the
 * number of firms. The city is the one in force on the date, with
 * its own units and population (areas' validity periods).
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

  async snapshot(query: DensityQueryDto, lang: Language = DEFAULT_LANGUAGE): Promise<DensitySnapshotView> {
    const today = cityToday();
    const asOf = query.asOf ?? today;
    if (asOf > today) {
      throw new AppError(
        ErrorCode.DATE_IN_FUTURE,
        { asOf, today },
        {
          asOf,
          today,
        },
      );
    }
    const knowledge = knowledgeOf(query.knownAt);
    const boundaries = await loadCityBoundaries(this.dataSource.manager);
    const city = cityOn(boundaries, asOf);
    const unitCodes = city.countedUnits.map((u) => u.code);
    if (query.area && query.area !== city.code && !unitCodes.includes(query.area)) {
      await this.areas.requireArea(query.area); // unknown → 404
      throw new AppError(
        ErrorCode.AREA_OUTSIDE_BOUNDARY,
        { area: query.area, city: city.name, asOf },
        { area: query.area, asOf, boundary: city.code },
      );
    }
    const current = asOf >= BOUNDARY_CHANGE_DATE;
    const k = db(this.dataSource);
    const cut = cutOf(knowledge);
    const [counts, figures, sectors, revisionRows] = await Promise.all([
      countsByKey(k, 'area', asOf, cut, unitCodes),
      this.areas.figuresByArea(),
      query.groupBy === 'sector' && current ? this.sectorCounts(asOf, cut) : undefined,
      revisionsQuery(k, asOf, unitCodes, cut).execute(),
    ]);
    const rows: AreaCountRow[] = city.countedUnits
      .map((u) => ({ code: u.code, name: u.name, unit_type: u.unitType, enterprises: counts.get(u.code) ?? 0 }))
      .sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));

    const target = this.target;
    const pick = (code: string) => choosePopulationFigure(figures.get(code) ?? [], asOf);
    const cityCount = rows.reduce((sum, r) => sum + r.enterprises, 0);
    const areas = rows
      .filter((r) => !query.area || query.area === city.code || r.code === query.area)
      .map((r): AreaDensityView => {
        const { progress: _progress, ...m } = measure(r.name, r.enterprises, pick(r.code), target);
        return { areaCode: r.code, name: r.name, unitType: r.unit_type, enterprises: r.enterprises, ...m };
      });
    return {
      asOf,
      target,
      boundary: boundaryView(city, lang),
      vintage: vintageOf(asOf, knowledge, cityCount, revisionRows),
      city: {
        areaCode: city.code,
        name: city.name,
        enterprises: cityCount,
        ...measure(city.name, cityCount, pick(city.code), target),
      },
      areas,
      ...(sectors ? { sectors } : {}),
      ...(query.groupBy === 'sector' && !current
        ? { sectorsReason: translate(lang, 'indicator.sectorsReason', { from: BOUNDARY_CHANGE_DATE, asOf }) }
        : {}),
    };
  }

  /** The public methodology, in Vietnamese or English, with the live target and the cities' population figures. */
  async methodology(language: MethodologyLanguage): Promise<MethodologyView> {
    const boundaries = await loadCityBoundaries(this.dataSource.manager);
    const figures = await this.areas.figuresByArea(boundaries.map((b) => b.code));
    return {
      language,
      ...methodologyTexts(language, this.target),
      target: this.target,
      boundaryChangeDate: BOUNDARY_CHANGE_DATE,
      cityPopulations: boundaries.flatMap((b) =>
        (figures.get(b.code) ?? []).map((f) => ({ areaCode: b.code, name: b.name, ...f })),
      ),
      endpoints: {
        snapshot: '/api/v1/indicators/enterprise-density?asOf=YYYY-MM-DD&knownAt=YYYY-MM-DD',
        series: '/api/v1/indicators/enterprise-density/series?from=YYYY-MM&to=YYYY-MM',
        areas: '/api/v1/areas?inForceOn=YYYY-MM-DD',
      },
    };
  }

  async series(query: SeriesQueryDto, defaultMonths = 12): Promise<DensitySeriesView> {
    const today = cityToday();
    const to = query.to ?? monthOf(today);
    const from = query.from ?? addMonths(to, 1 - defaultMonths);
    this.checkRange(from, to, monthOf(today));
    const knowledge = knowledgeOf(query.knownAt);
    const boundaries = await loadCityBoundaries(this.dataSource.manager);
    const isCity = !query.area || boundaries.some((b) => b.code === query.area);
    const area = isCity
      ? (boundaries.find((b) => b.code === query.area) ?? cityOn(boundaries, today))
      : await this.areas.requireArea(query.area!);
    const lastAsOf = to === monthOf(today) ? today : lastDayOfMonth(to);
    // For the city: the first boundary's units are summed apart (the old city); for a unit: that unit.
    const innerCodes = isCity ? (boundaries[0]?.countedUnits.map((u) => u.code) ?? []) : [area.code];

    // The opening balance's keys: every unit firms are counted in, under any boundary.
    const allUnits = [...new Set(boundaries.flatMap((b) => b.countedUnits.map((u) => u.code)))];
    const [rows, figures] = await Promise.all([
      seriesQuery(db(this.dataSource), `${from}-01`, lastAsOf, cutOf(knowledge), allUnits, innerCodes).execute(),
      this.areas.figuresByArea(),
    ]);
    const byMonth = new Map(rows.map((r) => [r.month_start.slice(0, 7), r]));
    const target = this.target;
    let all = 0;
    let inner = 0;
    const items = [];
    for (let month = from; month <= to; month = addMonths(month, 1)) {
      const r = byMonth.get(month);
      all += r?.all_delta ?? 0;
      inner += r?.inner_delta ?? 0;
      const asOf = month === monthOf(today) ? today : lastDayOfMonth(month);
      const city = cityOn(boundaries, asOf);
      const scope = isCity ? city : { code: area.code, name: area.name };
      const enterprises = !isCity || city.code === boundaries[0]?.code ? inner : all;
      items.push({
        month,
        asOf,
        boundary: city.code,
        enterprises,
        ...measure(scope.name, enterprises, choosePopulationFigure(figures.get(scope.code) ?? [], asOf), target),
      });
    }
    return { areaCode: area.code, name: area.name, target, from, to, knownAt: knowledge.iso, items };
  }

  /** Every sector of the registry, zero where none is active; busiest first. */
  private async sectorCounts(asOf: string, cut: KnowledgeCut | null): Promise<SectorCountView[]> {
    const counts = await countsByKey(db(this.dataSource), 'sector', asOf, cut);
    const sectors = [...new Set<string>([...SECTORS, ...counts.keys()])];
    return sectors
      .map((sector) => ({ sector, enterprises: counts.get(sector) ?? 0 }))
      .sort((a, b) => b.enterprises - a.enterprises || sectors.indexOf(a.sector) - sectors.indexOf(b.sector));
  }

  private checkRange(from: string, to: string, currentMonth: string): void {
    const details = { from, to, currentMonth, maxMonths: MAX_SERIES_MONTHS };
    if (to > currentMonth) throw new AppError(ErrorCode.DATE_IN_FUTURE, { context: 'month', to, currentMonth }, details);
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

/** knownAt as asked: a day means its end in Hai Phong; an instant as written. Not in the future. */
export function knowledgeOf(knownAt: string | undefined, now = new Date()): Knowledge {
  if (!knownAt) return { cut: null, iso: cityIso(now), latest: true };
  const instant = /^\d{4}-\d{2}-\d{2}$/.test(knownAt) ? endOfCityDay(knownAt) : knownAt;
  const ms = Date.parse(instant);
  if (Number.isNaN(ms)) {
    throw new AppError(ErrorCode.VALIDATION_FAILED, {}, [
      { field: 'knownAt', errors: [new Msg('validation.realDate', { field: fieldName('knownAt') })] },
    ]);
  }
  if (ms > now.getTime() && !(/^\d{4}-\d{2}-\d{2}$/.test(knownAt) && knownAt === cityToday(now))) {
    throw new AppError(
      ErrorCode.DATE_IN_FUTURE,
      { context: 'knownAt', knownAt },
      {
        knownAt,
      },
    );
  }
  // Today's date means "so far today": the same as the latest knowledge, but stated.
  const at = new Date(Math.min(ms, now.getTime()));
  return { cut: at.toISOString(), iso: cityIso(at), latest: false };
}

function boundaryView(city: CityBoundary, lang: Language): BoundaryView {
  return {
    code: city.code,
    name: city.name,
    validFrom: city.validFrom,
    validTo: city.validTo,
    basis: city.basis,
    units: city.units,
    note: translate(lang, 'indicator.boundaryNote'),
  };
}

/**
 * The first shown figure for asOf is what was recorded by the end of that day; each later day on
 * which records changed the city figure is a revision. `known` is the city figure as known at the
 * knowledge cut; `later` the city's deltas dated up to asOf but recorded after that day, per
 * recording day (so this costs days on which something was back-dated, not firms).
 */
export function vintageOf(
  asOf: string,
  knowledge: Knowledge,
  known: number,
  later: readonly { recorded_on: string; delta: number }[],
): VintageView {
  const dayOver = knowledge.cut === null ? cityToday() > asOf : Date.parse(knowledge.cut) > Date.parse(endOfCityDay(asOf));
  const first = known - later.reduce((sum, r) => sum + r.delta, 0);
  let running = first;
  const revisions: RevisionView[] = [];
  for (const r of later) {
    if (r.delta === 0) continue;
    running += r.delta;
    revisions.push({ recordedOn: r.recorded_on, enterprises: running, change: r.delta });
  }
  return {
    knownAt: knowledge.iso,
    latest: knowledge.latest,
    firstPublishedAt: dayOver ? cityIso(endOfCityDay(asOf)) : null,
    firstPublishedEnterprises: dayOver ? first : null,
    revised: revisions.length > 0,
    lastRevisedOn: revisions.at(-1)?.recordedOn ?? null,
    revisions,
  };
}

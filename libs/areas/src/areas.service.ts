import { Injectable } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { sql } from 'kysely';
import { DataSource, EntityManager } from 'typeorm';
import { createHash } from 'node:crypto';
import {
  Actor,
  AppError,
  cityIso,
  cityToday,
  decodeCursor,
  DEFAULT_PAGE_SIZE,
  detectTableFormat,
  ErrorCode,
  importFileInvalid,
  Msg,
  Page,
  readTableRows,
  TableShapeError,
  toPage,
} from '@app/common';
import { AuditService } from '@app/audit';
import { db, prepare } from '@app/database';
import { Area, AreaPopulation, calendarDay, selectAreaPopulations, selectAreas, toArea, toAreaPopulation } from './area-records';
import type { PopulationFigure } from './area-types';
import { AreaDetailView, AreaView, ListAreasQueryDto, PopulationRecordView, SetPopulationDto } from './dto/area.dto';
import { choosePopulationFigure } from './population-figure';
import { POPULATION_AUDIT_ACTIONS, POPULATION_AUDIT_ENTITY, populationAuditId } from './population-audit';
import { ReferenceSeedResult, seedAreaReferenceData } from './reference-data.seed';
import {
  checkPopulationRow,
  POPULATION_COLUMNS,
  POPULATION_MAX_ROWS,
  POPULATION_OUTCOMES,
  POPULATION_REQUIRED,
  PopulationOutcome,
  PopulationRowReport,
} from './population-import';
import { UnitResolver } from './unit-resolver';

/** What a population file must look like, for the IMPORT_FILE_INVALID message's details. */
const POPULATION_EXPECTED = new Msg('imports.expectedPopulation');

/** An unknown area in a path or query is a missing resource (404); in a body, see assertCommuneLevelArea. */
export function unknownArea(code: string): AppError {
  return new AppError(ErrorCode.AREA_NOT_FOUND, { areaCode: code }, { areaCode: code });
}

const figureOf = (p: AreaPopulation): PopulationFigure => ({ value: p.population, asOf: p.asOf, source: p.source });
const recordOf = (p: AreaPopulation): PopulationRecordView => ({
  ...figureOf(p),
  recordedBy: p.recordedBy,
  updatedAt: cityIso(p.updatedAt),
});
const auditView = (p: AreaPopulation) => ({ areaCode: p.areaCode, ...figureOf(p) });

const areaByCode = prepare((database, p: { code: string }) => selectAreas(database).where('a.code', '=', p.code));
const areaByCodeForUpdate = prepare((database, p: { code: string }) =>
  selectAreas(database).where('a.code', '=', p.code).forNoKeyUpdate(),
);
const populationsOfArea = prepare((database, p: { code: string }) =>
  selectAreaPopulations(database).where('p.area_code', '=', p.code).orderBy('p.as_of', 'desc'),
);

export class SuggestedUnitView {
  code: string;
  name: string;
}

export class ImportProblemView {
  /** The column the problem is in. */
  field: string;
  /** Stable: missing, unknown, ambiguous, format, future, duplicate, not_a_count, … */
  code: string;
  /** In the reader's language. */
  message: string;
  suggestions?: SuggestedUnitView[];
}

export class PopulationCurrentFigureView {
  value: number;
  source: string;
}

/** One row of a population file as the report shows it. */
export class PopulationRowView {
  /** Line in the file; the header is row 1. */
  rowNumber: number;
  @ApiProperty({ enum: POPULATION_OUTCOMES })
  outcome: string;
  areaCode: string | null;
  areaName: string | null;
  value: number | null;
  asOf: string | null;
  source: string | null;
  /** The figure recorded now for that unit and date, when there is one. */
  current: PopulationCurrentFigureView | null;
  problems: ImportProblemView[];
}

export class PopulationImportReport {
  /** false: a dry run, nothing written. */
  committed: boolean;
  fileName: string;
  sha256: string;
  /** How many rows had each outcome. */
  @ApiProperty({ type: 'object', additionalProperties: { type: 'integer' }, description: 'Rows per outcome' })
  summary: Partial<Record<PopulationOutcome, number>>;
  @ApiProperty({ type: [PopulationRowView] })
  rows: PopulationRowReport[];
}

export class SetPopulationResult {
  created: boolean;
  figure: PopulationRecordView;
}

@Injectable()
export class AreasService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  async list(query: ListAreasQueryDto): Promise<Page<AreaView>> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const after = decodeCursor<{ code: string }>(query.cursor, ['code']);
    const day = query.inForceOn ?? cityToday();
    let qb = selectAreas(db(this.dataSource))
      .where((eb) => eb.or([eb('a.valid_from', 'is', null), eb('a.valid_from', '<=', calendarDay(day))]))
      .where((eb) => eb.or([eb('a.valid_to', 'is', null), eb('a.valid_to', '>=', calendarDay(day))]))
      .orderBy('a.code', 'asc')
      .limit(limit + 1);
    if (query.q) {
      const q = query.q.replace(/[\\%_]/g, '\\$&');
      qb = qb.where(sql<boolean>`f_search_norm(a.name) LIKE '%' || f_search_norm(${q}) || '%'`);
    }
    if (query.unitType) qb = qb.where('a.unit_type', '=', query.unitType);
    if (query.parentCode) qb = qb.where('a.parent_code', '=', query.parentCode);
    if (after) qb = qb.where('a.code', '>', after.code);
    const rows = (await qb.execute()).map(toArea);
    const figures = await this.figuresByArea(rows.slice(0, limit).map((a) => a.code));
    const today = day;
    return toPage(
      rows,
      limit,
      (a) => ({ code: a.code }),
      (a) => this.view(a, choosePopulationFigure(figures.get(a.code) ?? [], today)),
    );
  }

  async get(code: string): Promise<AreaDetailView> {
    const area = await this.requireArea(code);
    const rows = (await populationsOfArea(this.dataSource, { code })).map(toAreaPopulation);
    const current = choosePopulationFigure(rows.map(figureOf), cityToday());
    return { ...this.view(area, current), populations: rows.map(recordOf) };
  }

  /** Enters the figure for that date, or corrects it; audited in the same transaction. */
  async setPopulation(
    actor: NonNullable<Actor>,
    code: string,
    asOf: string,
    dto: SetPopulationDto,
  ): Promise<SetPopulationResult> {
    this.refuseFuture(asOf);
    return this.dataSource.transaction(async (manager) => {
      // Serialises writers of this area's figures; NO KEY UPDATE leaves firms free to reference the area meanwhile.
      await this.requireArea(code, manager, true);
      return this.writeFigure(manager, actor, code, asOf, dto.population, dto.source);
    });
  }

  /** Enters or corrects one figure in the caller's transaction, audited; unchanged figures are left alone. */
  private async writeFigure(
    manager: EntityManager,
    actor: NonNullable<Actor>,
    code: string,
    asOf: string,
    population: number,
    source: string,
  ): Promise<SetPopulationResult> {
    const existing = await this.findFigure(manager, code, asOf);
    if (existing && existing.population === population && existing.source === source) {
      return { created: false, figure: recordOf(existing) }; // nothing changed, nothing to audit
    }
    const before = existing ? auditView(existing) : null;
    const returned = [
      'id',
      'area_code',
      sql<string>`as_of::text`.as('as_of'),
      'population',
      'source',
      'recorded_by',
      'updated_at',
    ] as const;
    const saved = toAreaPopulation(
      existing
        ? await db(manager)
            .updateTable('area_populations')
            .set({ population, source, recorded_by: actor.id, updated_at: sql<Date>`now()` })
            .where('id', '=', existing.id)
            .returning(returned)
            .executeTakeFirstOrThrow()
        : await db(manager)
            .insertInto('area_populations')
            .values({ area_code: code, as_of: asOf, population, source, recorded_by: actor.id })
            .returning(returned)
            .executeTakeFirstOrThrow(),
    );
    await this.audit.record(manager, {
      actor,
      action: existing ? POPULATION_AUDIT_ACTIONS.corrected : POPULATION_AUDIT_ACTIONS.created,
      entityType: POPULATION_AUDIT_ENTITY,
      entityId: populationAuditId(code, asOf),
      before,
      after: auditView(saved),
    });
    return { created: !existing, figure: recordOf(saved) };
  }

  /**
   * Population figures for many units from one file (CSV or XLSX: unit, value, as_of, source). Without
   * `commit` it is the dry run: every row's outcome, nothing written. With `commit` the same check runs
   * and the ready and updated rows are written in one transaction, each audited, plus one entry for the
   * file (its SHA-256 and source).
   */
  async importPopulations(
    actor: NonNullable<Actor>,
    file: { fileName: string; bytes: Buffer },
    options: { commit: boolean; source: string | null },
  ): Promise<PopulationImportReport> {
    const format = detectTableFormat(file.fileName, file.bytes);
    if (!format) throw importFileInvalid(new TableShapeError('notTable', [], { fileName: file.fileName }), POPULATION_EXPECTED);
    const units = new UnitResolver(
      await db(this.dataSource).selectFrom('areas').select(['code', 'name']).orderBy('code').execute(),
    );
    const ctx = { units, today: cityToday(), fileSource: options.source, seen: new Set<string>() };
    const rows: PopulationRowReport[] = [];
    try {
      for await (const row of readTableRows(format, file.bytes, POPULATION_COLUMNS, POPULATION_REQUIRED)) {
        if (rows.length >= POPULATION_MAX_ROWS) throw new TableShapeError('tooManyRows', [], { maxRows: POPULATION_MAX_ROWS });
        rows.push(checkPopulationRow(row, ctx));
      }
    } catch (err) {
      if (err instanceof TableShapeError) throw importFileInvalid(err, POPULATION_EXPECTED);
      throw err;
    }
    const sha256 = createHash('sha256').update(file.bytes).digest('hex');
    const run = async (manager: EntityManager) => {
      const figures = await db(manager)
        .selectFrom('area_populations')
        .select(['area_code', sql<string>`as_of::text`.as('as_of'), 'population', 'source'])
        .execute();
      const recorded = new Map(figures.map((f) => [`${f.area_code}@${f.as_of}`, f]));
      for (const r of rows) {
        if (r.outcome !== 'ready') continue;
        const now = recorded.get(`${r.areaCode}@${r.asOf}`);
        if (!now) continue;
        r.current = { value: now.population, source: now.source };
        r.outcome = now.population === r.value && now.source === r.source ? 'unchanged' : 'update';
      }
      if (options.commit) {
        for (const r of rows) {
          if (r.outcome === 'ready' || r.outcome === 'update')
            await this.writeFigure(manager, actor, r.areaCode!, r.asOf!, r.value!, r.source!);
        }
      }
      const summary: Partial<Record<PopulationOutcome, number>> = {};
      for (const r of rows) summary[r.outcome] = (summary[r.outcome] ?? 0) + 1;
      if (options.commit) {
        await this.audit.record(manager, {
          actor,
          action: 'area_population.imported',
          entityType: POPULATION_AUDIT_ENTITY,
          entityId: `file:${sha256}`,
          after: { fileName: file.fileName, sha256, source: options.source, summary },
        });
      }
      return { committed: options.commit, fileName: file.fileName, sha256, summary, rows };
    };
    return options.commit ? this.dataSource.transaction(run) : run(this.dataSource.manager);
  }

  async deletePopulation(actor: NonNullable<Actor>, code: string, asOf: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await this.requireArea(code, manager, true);
      const existing = await this.findFigure(manager, code, asOf);
      if (!existing) {
        throw new AppError(ErrorCode.AREA_POPULATION_NOT_FOUND, { areaCode: code, asOf });
      }
      await db(manager).deleteFrom('area_populations').where('id', '=', existing.id).execute();
      await this.audit.record(manager, {
        actor,
        action: POPULATION_AUDIT_ACTIONS.deleted,
        entityType: POPULATION_AUDIT_ENTITY,
        entityId: populationAuditId(code, asOf),
        before: auditView(existing),
      });
    });
  }

  /** The start-up seed: reference data in one transaction, the figures it adds audited as the system's. */
  async seedReferenceData(): Promise<ReferenceSeedResult> {
    return this.dataSource.transaction(async (manager) => {
      const result = await seedAreaReferenceData(manager);
      for (const { areaCode, ...figure } of result.populationsInserted) {
        await this.audit.record(manager, {
          actor: null,
          action: POPULATION_AUDIT_ACTIONS.created,
          entityType: POPULATION_AUDIT_ENTITY,
          entityId: populationAuditId(areaCode, figure.asOf),
          after: { areaCode, ...figure },
        });
      }
      return result;
    });
  }

  async requireArea(code: string, manager: EntityManager = this.dataSource.manager, lock = false): Promise<Area> {
    const [row] = await (lock ? areaByCodeForUpdate : areaByCode)(manager, { code });
    if (!row) throw unknownArea(code);
    return toArea(row);
  }

  private async findFigure(manager: EntityManager, code: string, asOf: string): Promise<AreaPopulation | undefined> {
    const row = await selectAreaPopulations(db(manager))
      .where('p.area_code', '=', code)
      .where('p.as_of', '=', calendarDay(asOf))
      .executeTakeFirst();
    return row && toAreaPopulation(row);
  }

  /** Every recorded figure of these areas (all areas when omitted), for choosing one per date. */
  async figuresByArea(codes?: readonly string[]): Promise<Map<string, PopulationFigure[]>> {
    let qb = selectAreaPopulations(db(this.dataSource));
    if (codes) qb = qb.where('p.area_code', '=', sql<string>`ANY(${[...codes]})`);
    const map = new Map<string, PopulationFigure[]>();
    for (const row of (await qb.execute()).map(toAreaPopulation)) {
      const list = map.get(row.areaCode) ?? [];
      list.push(figureOf(row));
      map.set(row.areaCode, list);
    }
    return map;
  }

  private view(area: Area, population: PopulationFigure | null): AreaView {
    return {
      code: area.code,
      name: area.name,
      unitType: area.unitType,
      parentCode: area.parentCode,
      areaKm2: area.areaKm2,
      validFrom: area.validFrom,
      validTo: area.validTo,
      formerParentCode: area.formerParentCode,
      population,
    };
  }

  /** A figure describes a day that has happened; a projection is not a population. */
  private refuseFuture(asOf: string): void {
    const today = cityToday();
    if (asOf > today) {
      throw new AppError(
        ErrorCode.DATE_IN_FUTURE,
        { context: 'population', asOf, today },
        {
          asOf,
          today,
        },
      );
    }
  }
}

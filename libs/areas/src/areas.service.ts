import { Injectable } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
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
import { Area } from './area.entity';
import { AreaPopulation } from './area-population.entity';
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
    const qb = this.dataSource
      .getRepository(Area)
      .createQueryBuilder('a')
      .orderBy('a.code', 'ASC')
      .limit(limit + 1);
    if (query.q)
      qb.andWhere(`f_search_norm(a.name) LIKE '%' || f_search_norm(:q) || '%'`, { q: query.q.replace(/[\\%_]/g, '\\$&') });
    if (query.unitType) qb.andWhere('a.unitType = :unitType', { unitType: query.unitType });
    const day = query.inForceOn ?? cityToday();
    qb.andWhere('(a.validFrom IS NULL OR a.validFrom <= :day) AND (a.validTo IS NULL OR a.validTo >= :day)', { day });
    if (query.parentCode) qb.andWhere('a.parentCode = :parentCode', { parentCode: query.parentCode });
    if (after) qb.andWhere('a.code > :code', { code: after.code });
    const rows = await qb.getMany();
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
    const rows = await this.dataSource.getRepository(AreaPopulation).find({ where: { areaCode: code }, order: { asOf: 'DESC' } });
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
    const repo = manager.getRepository(AreaPopulation);
    const existing = await repo.findOneBy({ areaCode: code, asOf });
    if (existing && existing.population === population && existing.source === source) {
      return { created: false, figure: recordOf(existing) }; // nothing changed, nothing to audit
    }
    const before = existing ? auditView(existing) : null;
    const saved = await repo.save(
      existing
        ? Object.assign(existing, { population, source, recordedBy: actor.id })
        : repo.create({ areaCode: code, asOf, population, source, recordedBy: actor.id }),
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
      await this.dataSource.query<{ code: string; name: string }[]>(`SELECT code, name FROM areas ORDER BY code`),
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
      const figures = await manager.query<{ area_code: string; as_of: string; population: number; source: string }[]>(
        `SELECT area_code, as_of::text AS as_of, population, source FROM area_populations`,
      );
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
      const repo = manager.getRepository(AreaPopulation);
      const existing = await repo.findOneBy({ areaCode: code, asOf });
      if (!existing) {
        throw new AppError(ErrorCode.AREA_POPULATION_NOT_FOUND, { areaCode: code, asOf });
      }
      await repo.delete({ id: existing.id });
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
    const area = await manager
      .getRepository(Area)
      .findOne({ where: { code }, ...(lock ? { lock: { mode: 'for_no_key_update' as const } } : {}) });
    if (!area) throw unknownArea(code);
    return area;
  }

  /** Every recorded figure of these areas (all areas when omitted), for choosing one per date. */
  async figuresByArea(codes?: readonly string[]): Promise<Map<string, PopulationFigure[]>> {
    const qb = this.dataSource.getRepository(AreaPopulation).createQueryBuilder('p');
    if (codes) qb.where('p.areaCode = ANY(:codes)', { codes });
    const map = new Map<string, PopulationFigure[]>();
    for (const row of await qb.getMany()) {
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

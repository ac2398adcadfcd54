import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Actor, AppError, cityIso, cityToday, decodeCursor, DEFAULT_PAGE_SIZE, ErrorCode, Page, toPage } from '@app/common';
import { AuditService } from '@app/audit';
import { Area } from './area.entity';
import { AreaPopulation } from './area-population.entity';
import type { PopulationFigure } from './area-types';
import { AreaDetailView, AreaView, ListAreasQueryDto, PopulationRecordView, SetPopulationDto } from './dto/area.dto';
import { choosePopulationFigure } from './population-figure';
import { POPULATION_AUDIT_ACTIONS, POPULATION_AUDIT_ENTITY, populationAuditId } from './population-audit';
import { ReferenceSeedResult, seedAreaReferenceData } from './reference-data.seed';

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
    if (query.parentCode) qb.andWhere('a.parentCode = :parentCode', { parentCode: query.parentCode });
    if (after) qb.andWhere('a.code > :code', { code: after.code });
    const rows = await qb.getMany();
    const figures = await this.figuresByArea(rows.slice(0, limit).map((a) => a.code));
    const today = cityToday();
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
      const repo = manager.getRepository(AreaPopulation);
      const existing = await repo.findOneBy({ areaCode: code, asOf });
      if (existing && existing.population === dto.population && existing.source === dto.source) {
        return { created: false, figure: recordOf(existing) }; // nothing changed, nothing to audit
      }
      const before = existing ? auditView(existing) : null;
      const saved = await repo.save(
        existing
          ? Object.assign(existing, { population: dto.population, source: dto.source, recordedBy: actor.id })
          : repo.create({ areaCode: code, asOf, population: dto.population, source: dto.source, recordedBy: actor.id }),
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
    });
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

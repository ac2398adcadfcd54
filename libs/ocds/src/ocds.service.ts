import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { sql } from 'kysely';
import { DataSource, EntityManager } from 'typeorm';
import { AppConfig, AppError, ErrorCode } from '@app/common';
import { AuditTreeService } from '@app/audit';
import { db, transactionNow } from '@app/database';
import {
  buildRelease,
  buildReleasePackage,
  ocidOf,
  OcdsEvent,
  OcdsFirm,
  OcdsProblemSnapshot,
  releaseIdOf,
  tagsOf,
} from './ocds-release.builder';
import { buildContractRelease, OcdsContractEvent, OcdsContractInput } from './ocds-contract.builder';

/** What the event adds that the problem's rows do not say (the award's price lives only in sealed content). */
export interface OcdsRecordOptions {
  amendmentNumber?: number;
  award?: { enterpriseId: string; price: number; durationMonths: number | null; justification?: string | null };
  unsuccessfulReason?: string;
}

export type OcdsRelease = Record<string, unknown>;
export type OcdsReleasePackage = ReturnType<typeof buildReleasePackage>;

/**
 * Open Contracting releases: one immutable snapshot per public event, written by the event's own
 * transaction (publish, amendment, cancellation, award, unsuccessful), and the public packages.
 */
@Injectable()
export class OcdsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly auditTree: AuditTreeService,
  ) {}

  /** In the event's transaction, after its rows are written: snapshots the problem as it now stands. */
  async record(
    manager: EntityManager,
    problemId: string,
    event: OcdsEvent,
    options: OcdsRecordOptions = {},
  ): Promise<OcdsRelease> {
    const p = await db(manager)
      .selectFrom('problems as p')
      .innerJoin('organizations as o', 'o.id', 'p.department_id')
      .select([
        'p.id',
        'p.title',
        'p.summary',
        'p.status',
        'p.sector',
        'p.budget_ceiling',
        'p.duration_months',
        'p.published_at',
        'p.deadline',
        'p.clarification_deadline',
        'p.cancelled_at',
        'p.cancel_reason',
        'p.department_id',
        'o.name as department_name',
        'o.code as department_code',
        sql<boolean>`now() >= p.deadline + p.receipt_grace`.as('past_deadline'),
        sql<Date>`now()`.as('now'),
      ])
      .where('p.id', '=', problemId)
      .executeTakeFirst();
    if (!p) throw new AppError(ErrorCode.PROBLEM_NOT_FOUND);
    const amendments = await db(manager)
      .selectFrom('problem_amendments')
      .select(['number', 'created_at', 'reason', 'changes'])
      .where('problem_id', '=', problemId)
      .orderBy('number')
      .execute();
    // Sealing: who bid is not known to anyone before the deadline, so no release names them earlier.
    const tenderers = p.past_deadline
      ? await db(manager)
          .selectFrom('proposals as pr')
          .innerJoin('enterprises as e', 'e.id', 'pr.enterprise_id')
          .select(['e.id', 'e.legal_name as name', 'e.tax_code'])
          .distinct()
          .where('pr.problem_id', '=', problemId)
          .where('pr.status', '<>', 'withdrawn')
          .orderBy('e.legal_name')
          .orderBy('e.id')
          .execute()
      : [];
    const firms: OcdsFirm[] = tenderers.map((t) => ({ id: t.id, name: t.name, taxCode: t.tax_code }));
    const date = p.now;
    const snapshot: OcdsProblemSnapshot = {
      problemId: p.id,
      title: p.title,
      summary: p.summary,
      status: p.status as OcdsProblemSnapshot['status'],
      sector: p.sector,
      budgetCeiling: p.budget_ceiling === null ? null : Number(p.budget_ceiling),
      durationMonths: p.duration_months,
      publishedAt: p.published_at ?? date,
      deadline: p.deadline,
      clarificationDeadline: p.clarification_deadline,
      department: { id: p.department_id, name: p.department_name, code: p.department_code },
      tenderers: firms,
      amendments: amendments.map((a) => ({
        number: a.number,
        date: a.created_at,
        reason: a.reason,
        changedFields: Object.keys(a.changes as Record<string, unknown>),
      })),
    };
    const mini = await db(manager)
      .selectFrom('mini_competitions')
      .select('justification')
      .where('problem_id', '=', problemId)
      .executeTakeFirst();
    if (mini) snapshot.miniCompetition = { justification: mini.justification };
    if (p.status === 'cancelled') snapshot.cancelled = { date: p.cancelled_at ?? date, reason: p.cancel_reason ?? '' };
    if (options.award) {
      const supplier = firms.find((f) => f.id === options.award?.enterpriseId);
      if (!supplier) throw new Error(`OCDS award: supplier ${options.award.enterpriseId} is not a tenderer of ${problemId}`);
      snapshot.award = {
        date,
        supplier,
        price: options.award.price,
        durationMonths: options.award.durationMonths,
        justification: options.award.justification ?? null,
      };
    }
    if (options.unsuccessfulReason !== undefined) snapshot.unsuccessful = { date, reason: options.unsuccessfulReason };

    const opts = { ocidPrefix: this.config.get('OCDS_OCID_PREFIX'), publicUrl: this.config.get('PUBLIC_URL') };
    const release = buildRelease(event, snapshot, opts, date, options.amendmentNumber);
    const ocid = ocidOf(opts.ocidPrefix, problemId);
    // A decision can be taken again after an upheld complaint reopened the evaluation: the second
    // award is its own release ("…-award-r2"), the first stays as it was published.
    await this.insert(manager, problemId, ocid, releaseIdOf(ocid, event, options.amendmentNumber), tagsOf(event), date, release);
    return release;
  }

  /**
   * In the order's transaction: a contract release (the order started) or an implementation
   * release (a milestone met, the order completed or terminated) under the problem's ocid.
   */
  async recordContract(
    manager: EntityManager,
    problemId: string,
    event: OcdsContractEvent,
    input: OcdsContractInput,
  ): Promise<OcdsRelease> {
    const now = await transactionNow(manager);
    const ocid = ocidOf(this.config.get('OCDS_OCID_PREFIX'), problemId);
    const release = buildContractRelease(event, input, ocid, `${ocid}-${event}`, now);
    await this.insert(manager, problemId, ocid, `${ocid}-${event}`, [event], now, release);
    return release;
  }

  /** Stores a release under `baseId`, or `baseId-rN` when that event was already published. */
  private async insert(
    manager: EntityManager,
    problemId: string,
    ocid: string,
    baseId: string,
    tags: string[],
    date: Date,
    release: OcdsRelease,
  ): Promise<void> {
    const { n } = await db(manager)
      .selectFrom('ocds_releases')
      .select(sql<number>`count(*)::int`.as('n'))
      .where((eb) => eb.or([eb('id', '=', baseId), eb('id', 'like', `${baseId}-r%`)]))
      .executeTakeFirstOrThrow();
    const id = n === 0 ? baseId : `${baseId}-r${n + 1}`;
    release.id = id;
    await db(manager)
      .insertInto('ocds_releases')
      .values({ id, ocid, problem_id: problemId, tags, date, release: JSON.stringify(release) })
      .execute();
  }

  /** Every release of one problem, oldest first, as one package (an unknown or unpublished problem has none). */
  async packageForProblem(problemId: string): Promise<OcdsReleasePackage> {
    const rows = await db(this.dataSource)
      .selectFrom('ocds_releases')
      .select('release')
      .where('problem_id', '=', problemId)
      .orderBy('date')
      .orderBy('id')
      .execute();
    return this.pack(
      rows.map((r) => r.release as OcdsRelease),
      `/api/v1/ocds/releases?problemId=${problemId}`,
    );
  }

  /** Releases dated in [from, to), oldest first; a range holding more than the cap is refused. */
  async packageForRange(from: Date, to: Date): Promise<OcdsReleasePackage> {
    if (from.getTime() >= to.getTime()) {
      throw new AppError(
        ErrorCode.VALIDATION_FAILED,
        { context: 'fromBeforeTo' },
        { from: from.toISOString(), to: to.toISOString() },
      );
    }
    const max = this.config.get('OCDS_PACKAGE_MAX_RELEASES');
    const rows = await db(this.dataSource)
      .selectFrom('ocds_releases')
      .select('release')
      .where('date', '>=', from)
      .where('date', '<', to)
      .orderBy('date')
      .orderBy('id')
      .limit(max + 1)
      .execute();
    if (rows.length > max) {
      throw new AppError(
        ErrorCode.OCDS_RANGE_TOO_LARGE,
        { max },
        {
          maxReleases: max,
        },
      );
    }
    return this.pack(
      rows.map((r) => r.release as OcdsRelease),
      `/api/v1/ocds/release-packages?from=${encodeURIComponent(from.toISOString())}&to=${encodeURIComponent(to.toISOString())}`,
    );
  }

  private async pack(releases: OcdsRelease[], path: string): Promise<OcdsReleasePackage> {
    return buildReleasePackage(releases, {
      uri: `${this.config.get('PUBLIC_URL').replace(/\/$/, '')}${path}`,
      publishedDate: new Date(),
      publisherName: this.config.get('OCDS_PUBLISHER_NAME'),
      auditTreeHead: await this.auditTree.latestHead(),
    });
  }
}

import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AppConfig, AppError, ErrorCode } from '@app/common';
import { AuditTreeService } from '@app/audit';
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

interface ProblemRow {
  id: string;
  title: string;
  summary: string;
  status: OcdsProblemSnapshot['status'];
  sector: string;
  budget_ceiling: string | null;
  duration_months: number | null;
  published_at: Date | null;
  deadline: Date;
  clarification_deadline: Date;
  cancelled_at: Date | null;
  cancel_reason: string | null;
  department_id: string;
  department_name: string;
  department_code: string | null;
  past_deadline: boolean;
  now: Date;
}

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
    const rows = await manager.query<ProblemRow[]>(
      `SELECT p.id, p.title, p.summary, p.status, p.sector, p.budget_ceiling, p.duration_months, p.published_at, p.deadline,
              p.clarification_deadline, p.cancelled_at, p.cancel_reason, p.department_id, o.name AS department_name,
              o.code AS department_code, now() >= p.deadline + p.receipt_grace AS past_deadline, now() AS now
       FROM problems p JOIN organizations o ON o.id = p.department_id WHERE p.id = $1`,
      [problemId],
    );
    const p = rows[0];
    if (!p) throw new AppError(ErrorCode.PROBLEM_NOT_FOUND);
    const amendments = await manager.query<
      { number: number; created_at: Date; reason: string; changes: Record<string, unknown> }[]
    >(`SELECT number, created_at, reason, changes FROM problem_amendments WHERE problem_id = $1 ORDER BY number`, [problemId]);
    // Sealing: who bid is not known to anyone before the deadline, so no release names them earlier.
    const tenderers = p.past_deadline
      ? await manager.query<{ id: string; name: string; tax_code: string }[]>(
          `SELECT DISTINCT e.id, e.legal_name AS name, e.tax_code FROM proposals pr JOIN enterprises e ON e.id = pr.enterprise_id
           WHERE pr.problem_id = $1 AND pr.status <> 'withdrawn' ORDER BY e.legal_name, e.id`,
          [problemId],
        )
      : [];
    const firms: OcdsFirm[] = tenderers.map((t) => ({ id: t.id, name: t.name, taxCode: t.tax_code }));
    const date = p.now;
    const snapshot: OcdsProblemSnapshot = {
      problemId: p.id,
      title: p.title,
      summary: p.summary,
      status: p.status,
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
        changedFields: Object.keys(a.changes),
      })),
    };
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
    const [{ now }] = await manager.query<{ now: Date }[]>(`SELECT now() AS now`);
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
    const [{ n }] = await manager.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM ocds_releases WHERE id = $1 OR id LIKE $2`,
      [baseId, `${baseId}-r%`],
    );
    const id = n === 0 ? baseId : `${baseId}-r${n + 1}`;
    release.id = id;
    await manager.query(
      `INSERT INTO ocds_releases (id, ocid, problem_id, tags, date, release) VALUES ($1, $2, $3, $4, $5, $6::jsonb)`,
      [id, ocid, problemId, tags, date, JSON.stringify(release)],
    );
  }

  /** Every release of one problem, oldest first, as one package (an unknown or unpublished problem has none). */
  async packageForProblem(problemId: string): Promise<OcdsReleasePackage> {
    const rows = await this.dataSource.query<{ release: OcdsRelease }[]>(
      `SELECT release FROM ocds_releases WHERE problem_id = $1 ORDER BY date, id`,
      [problemId],
    );
    return this.pack(
      rows.map((r) => r.release),
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
    const rows = await this.dataSource.query<{ release: OcdsRelease }[]>(
      `SELECT release FROM ocds_releases WHERE date >= $1 AND date < $2 ORDER BY date, id LIMIT $3`,
      [from, to, max + 1],
    );
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
      rows.map((r) => r.release),
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

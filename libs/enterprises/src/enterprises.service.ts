import { assertCommuneLevelArea } from '@app/areas';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import {
  AppError,
  AuthUser,
  decodeCursor,
  DEFAULT_PAGE_SIZE,
  ErrorCode,
  Page,
  PageQueryDto,
  splitSearchText,
  toPage,
  wordsInAnyOrderQuery,
} from '@app/common';
import { AuditService } from '@app/audit';
import { escapeLike, Organization, toUserView, User, UserView } from '@app/identity';
import { ACTIVE_STATUS, EnterpriseStatus, HeadcountBand, Sector } from './enterprise.constants';
import { Enterprise } from './entities/enterprise.entity';
import { EnterpriseStatusHistory } from './entities/enterprise-status-history.entity';
import {
  areaNameOf,
  assertOwnerOrAdmin,
  assertVisible,
  findEnterprise,
  isMemberOf,
  seesEveryStatus,
  Viewer,
} from './enterprise-access';
import {
  EnterpriseSummary,
  EnterpriseView,
  StatusHistoryView,
  toEnterpriseSnapshot,
  toEnterpriseView,
  toStatusHistoryView,
} from './enterprise-views';
import { applyActivityDeltas, footprintMove } from './activity-deltas';
import { checkActivityStart, notInFuture } from './enterprise-rules';
import { UpdateEnterpriseDto } from './dto/update-enterprise.dto';
import { ListEnterprisesQueryDto } from './dto/list-enterprises-query.dto';
import { cityTodayByDb } from '@app/database';

/** At most this many words of a directory query are matched. */
const MAX_SEARCH_TERMS = 8;
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface DirectoryRow {
  id: string;
  tax_code: string;
  legal_name: string;
  short_name: string | null;
  area_code: string;
  area_name: string | null;
  sectors: Sector[];
  tags: string[];
  headcount_band: HeadcountBand | null;
  website: string | null;
  status: EnterpriseStatus;
  status_effective_date: string | null;
  origin: 'registered' | 'imported';
}

const toSummary = (r: DirectoryRow): EnterpriseSummary => ({
  id: r.id,
  taxCode: r.tax_code,
  legalName: r.legal_name,
  shortName: r.short_name,
  areaCode: r.area_code,
  areaName: r.area_name,
  sectors: r.sectors,
  tags: r.tags,
  headcountBand: r.headcount_band,
  website: r.website,
  status: r.status,
  statusEffectiveDate: r.status_effective_date,
  origin: r.origin,
});

@Injectable()
export class EnterprisesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  async get(viewer: Viewer, id: string): Promise<EnterpriseView> {
    const manager = this.dataSource.manager;
    const firm = await findEnterprise(manager, id);
    assertVisible(viewer, firm);
    return toEnterpriseView(firm, {
      areaName: await areaNameOf(manager, firm.areaCode),
      privileged: seesEveryStatus(viewer, id),
    });
  }

  /**
   * Edits the profile (owner or admin). While the firm is active, moving its head office or
   * changing its sectors moves its count in the indicator's aggregate, dated today.
   */
  async update(actor: AuthUser, id: string, dto: UpdateEnterpriseDto): Promise<EnterpriseView> {
    return this.dataSource.transaction(async (manager) => {
      const firm = await findEnterprise(manager, id, true);
      await assertOwnerOrAdmin(manager, actor, firm, 'editProfile');
      const today = await cityTodayByDb(manager);
      notInFuture(dto.foundedOn, today, 'foundedOn');
      const before = toEnterpriseSnapshot(firm, { areaName: await areaNameOf(manager, firm.areaCode), privileged: true });
      const footprintBefore = { areaCode: firm.areaCode, sectors: [...firm.sectors] };

      let areaName = before.areaName;
      if (dto.areaCode !== undefined && dto.areaCode !== firm.areaCode) {
        areaName = await assertCommuneLevelArea(manager, dto.areaCode, 'areaCode');
      }
      if (dto.legalName !== undefined) firm.legalName = dto.legalName;
      if (dto.shortName !== undefined) firm.shortName = dto.shortName;
      if (dto.foundedOn !== undefined) firm.foundedOn = dto.foundedOn;
      if (dto.activityStartedOn !== undefined) firm.activityStartedOn = dto.activityStartedOn;
      if (dto.activityStartEvidence !== undefined) firm.activityStartEvidence = dto.activityStartEvidence;
      checkActivityStart(firm.foundedOn, firm.activityStartedOn, firm.activityStartEvidence, today, '');
      if (dto.address !== undefined) firm.address = dto.address;
      if (dto.areaCode !== undefined) firm.areaCode = dto.areaCode;
      if (dto.sectors !== undefined) firm.sectors = dto.sectors;
      if (dto.tags !== undefined) firm.tags = dto.tags;
      if (dto.headcountBand !== undefined) firm.headcountBand = dto.headcountBand;
      if (dto.website !== undefined) firm.website = dto.website;
      if (dto.phone !== undefined) firm.phone = dto.phone;
      if (dto.contactEmail !== undefined) firm.contactEmail = dto.contactEmail;
      if (dto.products !== undefined) firm.products = dto.products.map((p) => ({ ...p }));

      // Nothing to change: no write, no audit entry.
      const comparable = (v: EnterpriseView) => JSON.stringify({ ...v, updatedAt: undefined });
      if (comparable(before) === comparable(toEnterpriseSnapshot(firm, { areaName, privileged: true }))) {
        return toEnterpriseView(firm, { areaName, privileged: true });
      }

      if (firm.status === ACTIVE_STATUS) {
        const moves = footprintMove(footprintBefore, firm);
        if (moves.length > 0) {
          await applyActivityDeltas(manager, today, moves);
          firm.activityMovedOn = today;
        }
      }
      const saved = await manager.getRepository(Enterprise).save(firm);
      if (firm.legalName !== before.legalName) await manager.update(Organization, { id }, { name: firm.legalName });
      await this.audit.record(manager, {
        actor,
        action: 'enterprise.updated',
        entityType: 'enterprise',
        entityId: id,
        before,
        after: toEnterpriseSnapshot(saved, { areaName, privileged: true }),
      });
      return toEnterpriseView(saved, { areaName, privileged: true });
    });
  }

  /**
   * The public directory: verified firms only, unless an admin asks for another status. `q` is
   * matched word by word in any order, accents and case ignored, against the search document
   * (names, tags, products) through its full-text index, each word whole or the start of one; the
   * answer is ranked by relevance (then id). Without `q` the order is by legal name then id. Both
   * orders carry stable cursors.
   */
  async list(viewer: Viewer, query: ListEnterprisesQueryDto): Promise<Page<EnterpriseSummary>> {
    const status = query.status ?? ACTIVE_STATUS;
    if (status !== ACTIVE_STATUS && viewer?.role !== 'admin') {
      throw new AppError(ErrorCode.ROLE_FORBIDDEN, { context: 'unverifiedList' });
    }
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const text = searchTerms(query.q).join(' ');
    const { words, fragments } = splitSearchText(text);
    const params: unknown[] = [];
    const param = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    const where = [`e.status = ${param(status)}`];
    let order = 'e.legal_name, e.id';
    let sortKey = 'e.legal_name';
    if (text) {
      const q = param(text);
      let rank = '0';
      if (words.length > 0) {
        const tsquery = wordsInAnyOrderQuery(param(words));
        where.push(`to_tsvector('simple', e.search_document) @@ ${tsquery}`);
        rank = `ts_rank(to_tsvector('simple', e.search_document), ${tsquery})`;
      }
      // Text with punctuation is matched as typed (the trigram index serves it); % and _ are plain characters.
      for (const f of fragments) where.push(`e.search_document LIKE '%' || f_search_norm(${param(escapeLike(f))}) || '%'`);
      // Rank: full-text rank plus how closely the words match as typed; 6 decimals so the cursor compares exactly.
      sortKey = `round((${rank} + word_similarity(f_search_norm(${q}), e.search_document))::numeric, 6)`;
      order = `${sortKey} DESC, e.id DESC`;
    }
    if (query.sector) where.push(`e.sectors @> ARRAY[${param(query.sector)}]::text[]`);
    if (query.areaCode) where.push(`e.area_code = ${param(query.areaCode)}`);
    const after = decodeCursor<{ k: string; id: string }>(query.cursor, ['k', 'id']);
    if (after) {
      if (typeof after.k !== 'string' || typeof after.id !== 'string' || !UUID_RE.test(after.id)) throw invalidCursor();
      if (text) {
        if (!/^\d+(\.\d+)?$/.test(after.k)) throw invalidCursor();
        where.push(`(${sortKey}, e.id) < (${param(after.k)}::numeric, ${param(after.id)}::uuid)`);
      } else where.push(`(e.legal_name, e.id) > (${param(after.k)}, ${param(after.id)}::uuid)`);
    }
    const rows = await this.dataSource.query<(DirectoryRow & { sort_key: string })[]>(
      `SELECT e.id, e.tax_code, e.legal_name, e.short_name, e.area_code, a.name AS area_name, e.sectors, e.tags,
              e.headcount_band, e.website, e.status, e.status_effective_date::text AS status_effective_date, e.origin,
              (${sortKey})::text AS sort_key
         FROM enterprises e LEFT JOIN areas a ON a.code = e.area_code
        WHERE ${where.join(' AND ')}
        ORDER BY ${order}
        LIMIT ${param(limit + 1)}`,
      params,
    );
    return toPage(rows, limit, (r) => ({ k: r.sort_key, id: r.id }), toSummary);
  }

  /** The dated transitions, oldest first: for the firm's own members, officers and admins. */
  async history(actor: AuthUser, id: string, query: PageQueryDto): Promise<Page<StatusHistoryView>> {
    const manager = this.dataSource.manager;
    const firm = await findEnterprise(manager, id);
    assertMayReadInternals(actor, firm, ['admin', 'officer']);
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const after = decodeCursor<{ id: string }>(query.cursor, ['id']);
    if (after && !/^\d{1,18}$/.test(String(after.id))) throw invalidCursor();
    const qb = manager
      .getRepository(EnterpriseStatusHistory)
      .createQueryBuilder('h')
      .where('h.enterpriseId = :id', { id })
      .orderBy('h.id', 'ASC')
      .limit(limit + 1);
    if (after) qb.andWhere('h.id > :after', { after: after.id });
    const rows = await qb.getMany();
    return toPage(rows, limit, (h) => ({ id: String(h.id) }), toStatusHistoryView);
  }

  /** The firm's accounts: for its own members and admins. */
  async members(actor: AuthUser, id: string, query: PageQueryDto): Promise<Page<UserView>> {
    const manager = this.dataSource.manager;
    const firm = await findEnterprise(manager, id);
    assertMayReadInternals(actor, firm, ['admin']);
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const after = decodeCursor<{ createdAt: string; id: string }>(query.cursor, ['createdAt', 'id']);
    if (after && (Number.isNaN(Date.parse(after.createdAt)) || !UUID_RE.test(after.id))) throw invalidCursor();
    // Ordered at millisecond precision, the precision the cursor carries, so no row repeats or goes missing.
    const createdMs = `date_trunc('milliseconds', u.created_at)`;
    const qb = manager
      .getRepository(User)
      .createQueryBuilder('u')
      .where('u.organizationId = :id', { id })
      .orderBy(createdMs, 'ASC')
      .addOrderBy('u.id', 'ASC')
      .limit(limit + 1);
    if (after)
      qb.andWhere(`(${createdMs}, u.id) > (:createdAt::timestamptz, :afterId::uuid)`, {
        createdAt: after.createdAt,
        afterId: after.id,
      });
    const rows = await qb.getMany();
    return toPage(rows, limit, (u) => ({ createdAt: u.createdAt.toISOString(), id: u.id }), toUserView);
  }
}

function invalidCursor(): AppError {
  return new AppError(ErrorCode.INVALID_CURSOR);
}

/** The words of a query, in order, at most MAX_SEARCH_TERMS of them. */
export function searchTerms(q: string | undefined): string[] {
  if (!q) return [];
  return q.split(/\s+/).filter(Boolean).slice(0, MAX_SEARCH_TERMS);
}

/** Firm internals (history, members): its own members and the given staff roles; others are refused. */
function assertMayReadInternals(actor: AuthUser, firm: Enterprise, staff: AuthUser['role'][]): void {
  if (staff.includes(actor.role) || isMemberOf(actor, firm.id)) return;
  assertVisible(actor, firm);
  throw new AppError(ErrorCode.ENTERPRISE_FORBIDDEN);
}

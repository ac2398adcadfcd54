import { assertCommuneLevelArea } from '@app/areas';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { RawBuilder, sql } from 'kysely';
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
} from '@app/common';
import { AuditService } from '@app/audit';
import { escapeLike, renameOrganizations, selectUsers, toUser, toUserView, UserView } from '@app/identity';
import { ACTIVE_STATUS, EnterpriseStatus, HeadcountBand, Sector } from './enterprise.constants';
import { Enterprise, saveEnterprise } from './enterprise-records';
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
import { footprintMove } from './activity-deltas';
import { applyActivityDeltas } from './activity-store';
import { checkActivityStart, notInFuture } from './enterprise-rules';
import { UpdateEnterpriseDto } from './dto/update-enterprise.dto';
import { ListEnterprisesQueryDto } from './dto/list-enterprises-query.dto';
import { cityTodayByDb, db } from '@app/database';

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
  sectors: string[];
  tags: string[];
  headcount_band: string | null;
  website: string | null;
  status: string;
  status_effective_date: string | null;
  origin: string;
}

/**
 * A full-text query from `words`: every word, accents and case removed (f_search_norm), must start
 * a word of the document, in any order (as wordsInAnyOrderQuery in @app/common, for the builder).
 */
const wordsInAnyOrder = (words: readonly string[]) =>
  sql`to_tsquery('simple', (SELECT string_agg(quote_literal(f_search_norm(w)) || ':*', ' & ') FROM unnest(${[...words]}::text[]) AS w))`;

const toSummary = (r: DirectoryRow): EnterpriseSummary => ({
  id: r.id,
  taxCode: r.tax_code,
  legalName: r.legal_name,
  shortName: r.short_name,
  areaCode: r.area_code,
  areaName: r.area_name,
  sectors: r.sectors as Sector[],
  tags: r.tags,
  headcountBand: r.headcount_band as HeadcountBand | null,
  website: r.website,
  status: r.status as EnterpriseStatus,
  statusEffectiveDate: r.status_effective_date,
  origin: r.origin as EnterpriseSummary['origin'],
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
      const saved = await saveEnterprise(manager, firm);
      if (firm.legalName !== before.legalName) await renameOrganizations(manager, [{ id, name: firm.legalName }]);
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
    let sortKey: RawBuilder<unknown> = sql.ref('e.legal_name');
    let qb = db(this.dataSource)
      .selectFrom('enterprises as e')
      .leftJoin('areas as a', 'a.code', 'e.area_code')
      .where('e.status', '=', status);
    if (text) {
      // Rank: the full-text rank of the stored vector, read not recomputed, since a common word matches
      // thousands of firms; text with only punctuated fragments ranks by how closely it matches as
      // typed (few candidates: the trigram index found them). 6 decimals so the cursor compares exactly.
      let rank: RawBuilder<unknown> = sql`word_similarity(f_search_norm(${text}), e.search_document)`;
      if (words.length > 0) {
        const tsquery = wordsInAnyOrder(words);
        qb = qb.where(sql<boolean>`e.search_vector @@ ${tsquery}`);
        rank = sql`ts_rank(e.search_vector, ${tsquery})`;
      }
      // Text with punctuation is matched as typed (the trigram index serves it); % and _ are plain characters.
      for (const f of fragments)
        qb = qb.where(sql<boolean>`e.search_document LIKE '%' || f_search_norm(${escapeLike(f)}) || '%'`);
      sortKey = sql`round((${rank})::numeric, 6)`;
    }
    if (query.sector) qb = qb.where(sql<boolean>`e.sectors @> ARRAY[${query.sector}]::text[]`);
    if (query.areaCode) qb = qb.where('e.area_code', '=', query.areaCode);
    const after = decodeCursor<{ k: string; id: string }>(query.cursor, ['k', 'id']);
    if (after) {
      if (typeof after.k !== 'string' || typeof after.id !== 'string' || !UUID_RE.test(after.id)) throw invalidCursor();
      if (text) {
        if (!/^\d+(\.\d+)?$/.test(after.k)) throw invalidCursor();
        qb = qb.where(sql<boolean>`(${sortKey}, e.id) < (${after.k}::numeric, ${after.id}::uuid)`);
      } else qb = qb.where(sql<boolean>`(e.legal_name, e.id) > (${after.k}, ${after.id}::uuid)`);
    }
    const ordered = text ? qb.orderBy(sortKey, 'desc').orderBy('e.id', 'desc') : qb.orderBy('e.legal_name').orderBy('e.id');
    const rows = await ordered
      .select([
        'e.id',
        'e.tax_code',
        'e.legal_name',
        'e.short_name',
        'e.area_code',
        'a.name as area_name',
        'e.sectors',
        'e.tags',
        'e.headcount_band',
        'e.website',
        'e.status',
        sql<string | null>`e.status_effective_date::text`.as('status_effective_date'),
        'e.origin',
        sql<string>`(${sortKey})::text`.as('sort_key'),
      ])
      .limit(limit + 1)
      .execute();
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
    let qb = db(manager)
      .selectFrom('enterprise_status_history as h')
      .select([
        'h.id',
        'h.from_status',
        'h.to_status',
        sql<string>`h.effective_date::text`.as('effective_date'),
        'h.reason',
        'h.recorded_at',
      ])
      .where('h.enterprise_id', '=', id)
      .orderBy('h.id', 'asc')
      .limit(limit + 1);
    if (after) qb = qb.where('h.id', '>', String(after.id));
    const rows = await qb.execute();
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
    const createdMs = sql<Date>`date_trunc('milliseconds', u.created_at)`;
    let qb = selectUsers(manager)
      .where('u.organization_id', '=', id)
      .orderBy(createdMs, 'asc')
      .orderBy('u.id', 'asc')
      .limit(limit + 1);
    if (after) qb = qb.where(sql<boolean>`(${createdMs}, u.id) > (${after.createdAt}::timestamptz, ${after.id}::uuid)`);
    const rows = (await qb.execute()).map(toUser);
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

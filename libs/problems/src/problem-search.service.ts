import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { RawBuilder, sql } from 'kysely';
import { DataSource } from 'typeorm';
import { AppError, cityIso, decodeCursor, DEFAULT_PAGE_SIZE, ErrorCode, nfc, Page, splitSearchText, toPage } from '@app/common';
import { db } from '@app/database';
import { ListProblemsQueryDto, ProblemSort } from './dto/list-problems-query.dto';
import type { ProblemSector, ProblemStatus } from './problem.constants';
import type { Viewer } from './problem-access';

export class ProblemSummary {
  id: string;
  departmentId: string;
  departmentName: string;
  status: ProblemStatus;
  title: string;
  summary: string;
  sector: ProblemSector;
  tags: string[];
  areaCode: string | null;
  budgetCeiling: number | null;
  durationMonths: number | null;
  deadline: string;
  clarificationDeadline: string;
  publishedAt: string | null;
  amendmentCount: number;
  /** Only when searching with q: how well the problem matches (higher is better). */
  relevance?: number;
}

/** A list row as the database gives it (budget as text: bigint). */
export interface SummaryRow {
  id: string;
  department_id: string;
  department_name: string;
  status: string;
  title: string;
  summary: string;
  sector: string;
  tags: string[];
  area_code: string | null;
  budget_ceiling: string | null;
  duration_months: number | null;
  deadline: Date;
  clarification_deadline: Date;
  published_at: Date | null;
  amendment_count: number;
  relevance?: string | null;
}

/** The columns a list shows, shared by search and the recommendations (`p` problems joined to `o` organizations). */
export const SUMMARY_COLUMNS = [
  'p.id',
  'p.department_id',
  'o.name as department_name',
  'p.status',
  'p.title',
  'p.summary',
  'p.sector',
  'p.tags',
  'p.area_code',
  sql<string | null>`p.budget_ceiling::text`.as('budget_ceiling'),
  'p.duration_months',
  'p.deadline',
  'p.clarification_deadline',
  'p.published_at',
  'p.amendment_count',
] as const;

export function toProblemSummary(r: SummaryRow): ProblemSummary {
  const summary: ProblemSummary = {
    id: r.id,
    departmentId: r.department_id,
    departmentName: r.department_name,
    status: r.status as ProblemStatus,
    title: r.title,
    summary: r.summary,
    sector: r.sector as ProblemSector,
    tags: r.tags,
    areaCode: r.area_code,
    budgetCeiling: r.budget_ceiling === null ? null : Number(r.budget_ceiling),
    durationMonths: r.duration_months,
    deadline: cityIso(r.deadline),
    clarificationDeadline: cityIso(r.clarification_deadline),
    publishedAt: r.published_at ? cityIso(r.published_at) : null,
    amendmentCount: r.amendment_count,
  };
  if (r.relevance !== undefined && r.relevance !== null) summary.relevance = Number(r.relevance);
  return summary;
}

/** Each word whole or its start, in any order (the tsquery of `wordsInAnyOrderQuery` in @app/common, with the words as a parameter). */
const wordsInAnyOrder = (words: string[]) =>
  sql<string>`to_tsquery('simple', (SELECT string_agg(quote_literal(f_search_norm(w)) || ':*', ' & ') FROM unnest(${words}::text[]) AS w))`;

type Cursor = { s: string; k: string; id: string };

/** Marks a cursor from the fuzzy fallback's pages. */
const FUZZY = '~';

/** LIKE treats % and _ as wildcards; a search for "100%" means the characters. */
const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * Public search. Text is matched accent-insensitively on the generated columns: the full-text
 * index for whole words and word starts, ranked by ts_rank over those matches only; when no word
 * matches, the trigram index for parts of words (3+ characters), ranked by similarity. Sort keys are read back as text
 * so the cursor keeps full (microsecond) precision and paging is stable.
 */
@Injectable()
export class ProblemSearchService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async search(viewer: Viewer, query: ListProblemsQueryDto): Promise<Page<ProblemSummary>> {
    const { text, sort, after, fuzzyCursor } = this.plan(query);
    if (!fuzzyCursor) {
      const page = await this.run(viewer, query, text, sort, after, 'words');
      // Nothing by whole words or word starts: parts of words (3+ characters), ranked by similarity.
      if (page.items.length > 0 || after || text.length < 3) return page;
    }
    return this.run(viewer, query, text, sort, after, 'fuzzy');
  }

  private plan(query: ListProblemsQueryDto) {
    const text = nfc(query.q ?? '');
    const sort: ProblemSort = query.sort ?? (text ? 'relevance' : 'newest');
    const after = decodeCursor<Cursor>(query.cursor, ['s', 'k', 'id']);
    // A cursor remembers whether its pages came from the fuzzy fallback, so paging stays in one list.
    if (after && after.s !== sort && after.s !== `${sort}${FUZZY}`)
      throw new AppError(ErrorCode.INVALID_CURSOR, { context: 'otherSort' });
    return { text, sort, after, fuzzyCursor: after?.s.endsWith(FUZZY) ?? false };
  }

  private async run(
    viewer: Viewer,
    query: ListProblemsQueryDto,
    text: string,
    sort: ProblemSort,
    after: Cursor | null,
    mode: 'words' | 'fuzzy',
  ): Promise<Page<ProblemSummary>> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const rows = await this.build(viewer, query, text, sort, after, mode).execute();
    const s = mode === 'fuzzy' && text ? `${sort}${FUZZY}` : sort;
    return toPage(rows, limit, (r) => ({ s, k: r.sort_key, id: r.id }), toProblemSummary);
  }

  /**
   * One query. `words`: the text through the full-text index only (each word whole or its start,
   * in any order), ranked by ts_rank over the matches; `fuzzy`: parts of words through the trigram
   * index, ranked by word_similarity — only asked when the words found nothing.
   */
  private build(
    viewer: Viewer,
    query: ListProblemsQueryDto,
    text: string,
    sort: ProblemSort,
    after: Cursor | null,
    mode: 'words' | 'fuzzy',
  ) {
    const status = query.status ?? 'published';
    let q = db(this.dataSource)
      .selectFrom('problems as p')
      .innerJoin('organizations as o', 'o.id', 'p.department_id')
      .where('p.status', '=', status);
    if (status === 'draft') {
      // Drafts are no one's business but their department's (and the platform admins').
      if (viewer?.role === 'officer' && viewer.organizationId) q = q.where('p.department_id', '=', viewer.organizationId);
      else if (viewer?.role !== 'admin') throw new AppError(ErrorCode.PROBLEM_FORBIDDEN, { context: 'draft' });
    }
    if (query.sector) q = q.where('p.sector', '=', query.sector);
    if (query.departmentId) q = q.where('p.department_id', '=', query.departmentId);
    if (query.areaCode) q = q.where('p.area_code', '=', query.areaCode);
    if (query.budgetMin !== undefined) q = q.where('p.budget_ceiling', '>=', String(query.budgetMin));
    if (query.budgetMax !== undefined) q = q.where('p.budget_ceiling', '<=', String(query.budgetMax));
    if (query.deadlineFrom) q = q.where(sql<boolean>`p.deadline >= ${query.deadlineFrom}::timestamptz`);
    if (query.deadlineTo) q = q.where(sql<boolean>`p.deadline <= ${query.deadlineTo}::timestamptz`);

    let relevance: RawBuilder<unknown> = sql`NULL::numeric`;
    if (text && mode === 'words') {
      const words = splitSearchText(text).words;
      if (words.length === 0)
        q = q.where(sql<boolean>`false`); // only symbols: nothing by words, the fallback decides
      else {
        const tsquery = wordsInAnyOrder(words);
        q = q.where(sql<boolean>`p.search_vector @@ ${tsquery}`);
        relevance = sql`round(ts_rank(p.search_vector, ${tsquery})::numeric, 6)`;
      }
    } else if (text) {
      // Parts of words need the trigram index, which needs at least three characters to help.
      q = q.where(sql<boolean>`p.search_document LIKE '%' || f_search_norm(${escapeLike(text)}) || '%'`);
      relevance = sql`round(word_similarity(f_search_norm(${text}), p.search_document)::numeric, 6)`;
    }

    const { key, direction } = this.sortKey(sort === 'relevance' && !text ? 'newest' : sort, status, relevance);
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    if (after) {
      const cast = sql.raw(sort === 'relevance' ? 'numeric' : 'timestamptz');
      const op = sql.raw(direction === 'asc' ? '>' : '<');
      q = q.where(sql<boolean>`(${key}, p.id) ${op} (${after.k}::${cast}, ${after.id}::uuid)`);
    }
    return q
      .select([
        ...SUMMARY_COLUMNS,
        sql<string>`(${key})::text`.as('sort_key'),
        sql<string | null>`${relevance}::text`.as('relevance'),
      ])
      .orderBy(key, direction)
      .orderBy('p.id', direction)
      .limit(limit + 1);
  }

  /** EXPLAIN of the query search() would run first; for checking that the indexes are used. */
  async explain(viewer: Viewer, query: ListProblemsQueryDto): Promise<string[]> {
    const { text, sort, after, fuzzyCursor } = this.plan(query);
    // The first query is the one every text search runs (the fallback only follows an empty answer).
    const rows = await this.build(viewer, query, text, sort, after, fuzzyCursor ? 'fuzzy' : 'words').explain<{
      'QUERY PLAN': string;
    }>();
    return rows.map((r) => r['QUERY PLAN']);
  }

  private sortKey(
    sort: ProblemSort,
    status: string,
    relevance: RawBuilder<unknown>,
  ): { key: RawBuilder<unknown>; direction: 'asc' | 'desc' } {
    switch (sort) {
      case 'deadline':
        return { key: sql`p.deadline`, direction: 'asc' };
      case 'relevance':
        return { key: relevance, direction: 'desc' };
      case 'newest':
        // published problems all have published_at (and an index on it); others may never have been published
        return {
          key: status === 'published' ? sql`p.published_at` : sql`coalesce(p.published_at, p.created_at)`,
          direction: 'desc',
        };
    }
  }
}

import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import {
  AppError,
  cityIso,
  decodeCursor,
  DEFAULT_PAGE_SIZE,
  ErrorCode,
  nfc,
  Page,
  splitSearchText,
  toPage,
  wordsInAnyOrderQuery,
} from '@app/common';
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

interface SummaryRow {
  id: string;
  department_id: string;
  department_name: string;
  status: ProblemStatus;
  title: string;
  summary: string;
  sector: ProblemSector;
  tags: string[];
  area_code: string | null;
  budget_ceiling: string | null;
  duration_months: number | null;
  deadline: Date;
  clarification_deadline: Date;
  published_at: Date | null;
  amendment_count: number;
  sort_key: string;
  relevance: string | null;
}

/** The columns a list shows, shared by search and the recommendations. */
export const SUMMARY_COLUMNS = `p.id, p.department_id, o.name AS department_name, p.status, p.title, p.summary, p.sector, p.tags,
  p.area_code, p.budget_ceiling::text AS budget_ceiling, p.duration_months, p.deadline, p.clarification_deadline, p.published_at,
  p.amendment_count`;

export function toProblemSummary(r: Omit<SummaryRow, 'sort_key' | 'relevance'> & { relevance?: string | null }): ProblemSummary {
  const summary: ProblemSummary = {
    id: r.id,
    departmentId: r.department_id,
    departmentName: r.department_name,
    status: r.status,
    title: r.title,
    summary: r.summary,
    sector: r.sector,
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
    const text = nfc(query.q ?? '');
    const sort: ProblemSort = query.sort ?? (text ? 'relevance' : 'newest');
    const after = decodeCursor<{ s: string; k: string; id: string }>(query.cursor, ['s', 'k', 'id']);
    // A cursor remembers whether its pages came from the fuzzy fallback, so paging stays in one list.
    if (after && after.s !== sort && after.s !== `${sort}${FUZZY}`)
      throw new AppError(ErrorCode.INVALID_CURSOR, { context: 'otherSort' });
    const fuzzyCursor = after?.s.endsWith(FUZZY) ?? false;
    if (!fuzzyCursor) {
      const page = await this.run(viewer, query, text, sort, after, 'words');
      // Nothing by whole words or word starts: parts of words (3+ characters), ranked by similarity.
      if (page.items.length > 0 || after || text.length < 3) return page;
    }
    return this.run(viewer, query, text, sort, after, 'fuzzy');
  }

  /**
   * One query. `words`: the text through the full-text index only (each word whole or its start,
   * in any order), ranked by ts_rank over the matches; `fuzzy`: parts of words through the trigram
   * index, ranked by word_similarity — only asked when the words found nothing.
   */
  private async run(
    viewer: Viewer,
    query: ListProblemsQueryDto,
    text: string,
    sort: ProblemSort,
    after: { s: string; k: string; id: string } | null,
    mode: 'words' | 'fuzzy',
  ): Promise<Page<ProblemSummary>> {
    const params: unknown[] = [];
    const param = (v: unknown) => {
      params.push(v);
      return `$${params.length}`;
    };
    const status = query.status ?? 'published';
    const where = [`p.status = ${param(status)}`];
    if (status === 'draft') {
      // Drafts are no one's business but their department's (and the platform admins').
      if (viewer?.role === 'officer' && viewer.organizationId) where.push(`p.department_id = ${param(viewer.organizationId)}`);
      else if (viewer?.role !== 'admin') throw new AppError(ErrorCode.PROBLEM_FORBIDDEN, { context: 'draft' });
    }
    if (query.sector) where.push(`p.sector = ${param(query.sector)}`);
    if (query.departmentId) where.push(`p.department_id = ${param(query.departmentId)}`);
    if (query.areaCode) where.push(`p.area_code = ${param(query.areaCode)}`);
    if (query.budgetMin !== undefined) where.push(`p.budget_ceiling >= ${param(query.budgetMin)}`);
    if (query.budgetMax !== undefined) where.push(`p.budget_ceiling <= ${param(query.budgetMax)}`);
    if (query.deadlineFrom) where.push(`p.deadline >= ${param(query.deadlineFrom)}::timestamptz`);
    if (query.deadlineTo) where.push(`p.deadline <= ${param(query.deadlineTo)}::timestamptz`);

    let relevance = 'NULL::numeric';
    if (text && mode === 'words') {
      const words = splitSearchText(text).words;
      if (words.length === 0)
        where.push('false'); // only symbols: nothing by words, the fallback decides
      else {
        const tsquery = wordsInAnyOrderQuery(param(words));
        where.push(`p.search_vector @@ ${tsquery}`);
        relevance = `round(ts_rank(p.search_vector, ${tsquery})::numeric, 6)`;
      }
    } else if (text) {
      const q = param(text);
      // Parts of words need the trigram index, which needs at least three characters to help.
      where.push(`p.search_document LIKE '%' || f_search_norm(${param(escapeLike(text))}) || '%'`);
      relevance = `round(word_similarity(f_search_norm(${q}), p.search_document)::numeric, 6)`;
    }

    const { key, direction } = this.sortKey(sort === 'relevance' && !text ? 'newest' : sort, status, relevance);
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    if (after) {
      const cast = sort === 'relevance' ? 'numeric' : 'timestamptz';
      where.push(`(${key}, p.id) ${direction === 'ASC' ? '>' : '<'} (${param(after.k)}::${cast}, ${param(after.id)}::uuid)`);
    }
    const sql = `
      SELECT ${SUMMARY_COLUMNS}, (${key})::text AS sort_key, ${relevance}::text AS relevance
        FROM problems p JOIN organizations o ON o.id = p.department_id
       WHERE ${where.join(' AND ')}
       ORDER BY ${key} ${direction}, p.id ${direction}
       LIMIT ${param(limit + 1)}`;
    const rows = await this.dataSource.query<SummaryRow[]>(sql, params);
    const s = mode === 'fuzzy' && text ? `${sort}${FUZZY}` : sort;
    return toPage(rows, limit, (r) => ({ s, k: r.sort_key, id: r.id }), toProblemSummary);
  }

  /** EXPLAIN of the query search() would run; for checking that the indexes are used. */
  async explain(viewer: Viewer, query: ListProblemsQueryDto): Promise<string[]> {
    const original = this.dataSource.query.bind(this.dataSource);
    let plan: string[] = [];
    const spy = async (sql: string, params?: unknown[]) => {
      // The first query is the one every text search runs (the fallback only follows an empty answer).
      if (plan.length > 0) return [];
      const rows = await original<{ 'QUERY PLAN': string }[]>(`EXPLAIN ${sql}`, params);
      plan = rows.map((r) => r['QUERY PLAN']);
      return [];
    };
    const searcher = new ProblemSearchService({ query: spy } as unknown as DataSource);
    await searcher.search(viewer, query);
    return plan;
  }

  private sortKey(sort: ProblemSort, status: ProblemStatus, relevance: string): { key: string; direction: 'ASC' | 'DESC' } {
    switch (sort) {
      case 'deadline':
        return { key: 'p.deadline', direction: 'ASC' };
      case 'relevance':
        return { key: relevance, direction: 'DESC' };
      case 'newest':
        // published problems all have published_at (and an index on it); others may never have been published
        return { key: status === 'published' ? 'p.published_at' : 'coalesce(p.published_at, p.created_at)', direction: 'DESC' };
    }
  }
}

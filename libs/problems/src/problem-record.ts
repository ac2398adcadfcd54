import type { Selectable, Updateable } from 'kysely';
import type { EntityManager } from 'typeorm';
import { db, DB } from '@app/database';
import type { ProblemFields } from './problem-fields';
import type { Kpi, ProblemContact } from './problem-views';
import type { ProblemSector, ProblemStatus } from './problem.constants';
import type { Rubric } from './rubric';

/** A problem as this library and its readers handle it (camelCase, typed jsonb, budget as a number). */
/** A problem as the library reads it: the officer's fields (ProblemFields) plus its record keeping. */
export interface Problem extends ProblemFields {
  id: string;
  departmentId: string;
  createdBy: string;
  status: ProblemStatus;
  publishedAt: Date | null;
  closedAt: Date | null;
  cancelledAt: Date | null;
  cancelReason: string | null;
  amendmentCount: number;
  createdAt: Date;
  updatedAt: Date;
}

/** The columns a Problem is read from (not the sealed key, nor the search document and vector). */
export const PROBLEM_COLUMNS = [
  'id',
  'department_id',
  'created_by',
  'status',
  'title',
  'summary',
  'description',
  'expected_results',
  'kpis',
  'sector',
  'tags',
  'area_code',
  'data_available',
  'constraints_text',
  'budget_ceiling',
  'duration_months',
  'deadline',
  'clarification_deadline',
  'rubric',
  'contact',
  'published_at',
  'closed_at',
  'cancelled_at',
  'cancel_reason',
  'amendment_count',
  'created_at',
  'updated_at',
] as const satisfies readonly (keyof DB['problems'])[];

type ProblemRow = Pick<Selectable<DB['problems']>, (typeof PROBLEM_COLUMNS)[number]>;

/** The one mapping from a problems row to a Problem (bigint comes back as a string; budgets in VND stay far below 2^53). */
export function toProblem(r: ProblemRow): Problem {
  return {
    id: r.id,
    departmentId: r.department_id,
    createdBy: r.created_by,
    status: r.status as ProblemStatus,
    title: r.title,
    summary: r.summary,
    description: r.description,
    expectedResults: r.expected_results,
    kpis: r.kpis as unknown as Kpi[],
    sector: r.sector as ProblemSector,
    tags: r.tags,
    areaCode: r.area_code,
    dataAvailable: r.data_available,
    constraints: r.constraints_text,
    budgetCeiling: r.budget_ceiling === null ? null : Number(r.budget_ceiling),
    durationMonths: r.duration_months,
    deadline: r.deadline,
    clarificationDeadline: r.clarification_deadline,
    rubric: r.rubric as unknown as Rubric,
    contact: r.contact as unknown as ProblemContact | null,
    publishedAt: r.published_at,
    closedAt: r.closed_at,
    cancelledAt: r.cancelled_at,
    cancelReason: r.cancel_reason,
    amendmentCount: r.amendment_count,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

const json = (value: unknown): string => JSON.stringify(value);

/** The columns for (part of) an officer's fields: only the keys given are set; jsonb as JSON text. */
export function problemColumns(f: Partial<ProblemFields>): Updateable<DB['problems']> {
  const out: Updateable<DB['problems']> = {};
  if (f.title !== undefined) out.title = f.title;
  if (f.summary !== undefined) out.summary = f.summary;
  if (f.description !== undefined) out.description = f.description;
  if (f.expectedResults !== undefined) out.expected_results = f.expectedResults;
  if (f.kpis !== undefined) out.kpis = json(f.kpis);
  if (f.sector !== undefined) out.sector = f.sector;
  if (f.tags !== undefined) out.tags = f.tags;
  if (f.areaCode !== undefined) out.area_code = f.areaCode;
  if (f.dataAvailable !== undefined) out.data_available = f.dataAvailable;
  if (f.constraints !== undefined) out.constraints_text = f.constraints;
  if (f.budgetCeiling !== undefined) out.budget_ceiling = f.budgetCeiling;
  if (f.durationMonths !== undefined) out.duration_months = f.durationMonths;
  if (f.deadline !== undefined) out.deadline = f.deadline;
  if (f.clarificationDeadline !== undefined) out.clarification_deadline = f.clarificationDeadline;
  if (f.rubric !== undefined) out.rubric = json(f.rubric);
  if (f.contact !== undefined) out.contact = f.contact === null ? null : json(f.contact);
  return out;
}

/** Reads one problem, locked FOR UPDATE with `lock` (as the entity repository's pessimistic_write did). */
export async function selectProblem(manager: EntityManager, id: string, lock = false): Promise<Problem | null> {
  let q = db(manager).selectFrom('problems').select(PROBLEM_COLUMNS).where('id', '=', id);
  if (lock) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  return row ? toProblem(row) : null;
}

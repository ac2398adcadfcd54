import type { Selectable } from 'kysely';
import { cityIso } from '@app/common';
import type { DB } from '@app/database';
import type { Problem } from './problem-record';
import type { Rubric } from './rubric';
import { MiniCompetitionView } from './mini-competition-views';
import type { ProblemSector, ProblemStatus } from './problem.constants';

export class Kpi {
  name: string;
  target: string;
}

export class ProblemContact {
  name: string;
  email?: string | null;
  phone?: string | null;
}

/** The officer-written fields as stored, with times as strings, plus the record's own state. */
export class ProblemView {
  id: string;
  title: string;
  summary: string;
  description: string;
  expectedResults: string;
  kpis: Kpi[];
  sector: ProblemSector;
  tags: string[];
  areaCode: string | null;
  dataAvailable: string | null;
  constraints: string | null;
  budgetCeiling: number | null;
  durationMonths: number | null;
  rubric: Rubric;
  contact: ProblemContact | null;
  departmentId: string;
  departmentName: string | null;
  status: ProblemStatus;
  deadline: string;
  clarificationDeadline: string;
  publishedAt: string | null;
  closedAt: string | null;
  cancelledAt: string | null;
  cancelReason: string | null;
  amendmentCount: number;
  createdAt: string;
  updatedAt: string;
  /** Set when only the listed catalogue firms may bid (a mini-competition); null for an open problem. */
  miniCompetition?: MiniCompetitionView | null;
}

/**
 * The problem as the API shows it, times in Hai Phong (+07:00). The audit log stores the same shape
 * with `utcIso`, as it always has.
 */
export function toProblemView(p: Problem, departmentName: string | null, time: (at: Date) => string = cityIso): ProblemView {
  const iso = (d: Date | null) => (d ? time(d) : null);
  return {
    id: p.id,
    departmentId: p.departmentId,
    departmentName,
    status: p.status,
    title: p.title,
    summary: p.summary,
    description: p.description,
    expectedResults: p.expectedResults,
    kpis: p.kpis,
    sector: p.sector,
    tags: p.tags,
    areaCode: p.areaCode,
    dataAvailable: p.dataAvailable,
    constraints: p.constraints,
    budgetCeiling: p.budgetCeiling,
    durationMonths: p.durationMonths,
    deadline: time(p.deadline),
    clarificationDeadline: time(p.clarificationDeadline),
    rubric: p.rubric,
    contact: p.contact,
    publishedAt: iso(p.publishedAt),
    closedAt: iso(p.closedAt),
    cancelledAt: iso(p.cancelledAt),
    cancelReason: p.cancelReason,
    amendmentCount: p.amendmentCount,
    createdAt: time(p.createdAt),
    updatedAt: time(p.updatedAt),
  };
}

/** One changed field of an amendment, as the public reads it. */
export class FieldChange {
  before: unknown;
  after: unknown;
}

export class AmendmentView {
  id: string;
  problemId: string;
  number: number;
  reason: string;
  changes: Record<string, FieldChange>;
  previousDeadline: string;
  newDeadline: string;
  createdAt: string;
}

export function toAmendmentView(a: Selectable<DB['problem_amendments']>): AmendmentView {
  return {
    id: a.id,
    problemId: a.problem_id,
    number: a.number,
    reason: a.reason,
    changes: a.changes as unknown as Record<string, FieldChange>,
    previousDeadline: cityIso(a.previous_deadline),
    newDeadline: cityIso(a.new_deadline),
    createdAt: cityIso(a.created_at),
  };
}

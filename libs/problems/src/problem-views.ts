import type { Kpi, Problem, ProblemContact } from './entities/problem.entity';
import type { ProblemAmendment, FieldChange } from './entities/problem-amendment.entity';
import type { ProblemSector, ProblemStatus } from './problem.constants';
import type { Rubric } from './rubric';

export interface ProblemView {
  id: string;
  departmentId: string;
  departmentName: string | null;
  status: ProblemStatus;
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
  deadline: string;
  clarificationDeadline: string;
  rubric: Rubric;
  contact: ProblemContact | null;
  publishedAt: string | null;
  closedAt: string | null;
  cancelledAt: string | null;
  cancelReason: string | null;
  amendmentCount: number;
  createdAt: string;
  updatedAt: string;
}

const iso = (d: Date | null) => d?.toISOString() ?? null;

export function toProblemView(p: Problem, departmentName: string | null): ProblemView {
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
    deadline: p.deadline.toISOString(),
    clarificationDeadline: p.clarificationDeadline.toISOString(),
    rubric: p.rubric,
    contact: p.contact,
    publishedAt: iso(p.publishedAt),
    closedAt: iso(p.closedAt),
    cancelledAt: iso(p.cancelledAt),
    cancelReason: p.cancelReason,
    amendmentCount: p.amendmentCount,
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
  };
}

export interface AmendmentView {
  id: string;
  problemId: string;
  number: number;
  reason: string;
  changes: Record<string, FieldChange>;
  previousDeadline: string;
  newDeadline: string;
  createdAt: string;
}

export function toAmendmentView(a: ProblemAmendment): AmendmentView {
  return {
    id: a.id,
    problemId: a.problemId,
    number: a.number,
    reason: a.reason,
    changes: a.changes,
    previousDeadline: a.previousDeadline.toISOString(),
    newDeadline: a.newDeadline.toISOString(),
    createdAt: a.createdAt.toISOString(),
  };
}

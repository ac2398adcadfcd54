import { AppError, canonicalJson, ErrorCode, fieldName, Msg, nfc } from '@app/common';
import type { CreateProblemDto } from './dto/create-problem.dto';
import type { Problem } from './problem-record';
import type { Kpi, ProblemContact } from './problem-views';
import type { ProblemSector } from './problem.constants';
import type { Rubric } from './rubric';

/** The fields an officer writes, in stored form (NFC text, Date times). */
export interface ProblemFields {
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
  deadline: Date;
  clarificationDeadline: Date;
  rubric: Rubric;
  contact: ProblemContact | null;
}
export type ProblemField = keyof ProblemFields;

const REQUIRED: ProblemField[] = [
  'title',
  'summary',
  'description',
  'expectedResults',
  'kpis',
  'sector',
  'tags',
  'deadline',
  'clarificationDeadline',
  'rubric',
];

function requiredText(field: string, value: string): string {
  const text = nfc(value);
  if (text.length === 0)
    throw new AppError(ErrorCode.VALIDATION_FAILED, { context: 'empty', field: fieldName(field) }, [
      { field, errors: [new Msg('validation.isNotEmpty', { field: fieldName(field) })] },
    ]);
  return text;
}

const optionalText = (value: string | null): string | null => {
  const text = nfc(value);
  return text ? text : null;
};

/**
 * Turns (part of) a create/update/amend body into stored form: NFC everywhere, tags de-duplicated.
 * Only the keys present in the body are returned; null clears an optional field and is refused for a
 * required one.
 */
export function normaliseFields(dto: Partial<CreateProblemDto>): Partial<ProblemFields> {
  const out: Partial<ProblemFields> = {};
  const given = (Object.keys(dto) as (keyof CreateProblemDto)[]).filter((k) => dto[k] !== undefined);
  for (const key of given) {
    if (dto[key] === null && (REQUIRED as string[]).includes(key)) {
      throw new AppError(ErrorCode.VALIDATION_FAILED, { context: 'cleared', field: fieldName(key) }, [
        { field: key, errors: [new Msg('validation.notNull', { field: fieldName(key) })] },
      ]);
    }
  }
  if (dto.title !== undefined) out.title = requiredText('title', dto.title);
  if (dto.summary !== undefined) out.summary = requiredText('summary', dto.summary);
  if (dto.description !== undefined) out.description = requiredText('description', dto.description);
  if (dto.expectedResults !== undefined) out.expectedResults = requiredText('expectedResults', dto.expectedResults);
  if (dto.kpis !== undefined)
    out.kpis = dto.kpis.map((k) => ({ name: requiredText('kpis.name', k.name), target: requiredText('kpis.target', k.target) }));
  if (dto.sector !== undefined) out.sector = dto.sector;
  if (dto.tags !== undefined) out.tags = [...new Set(dto.tags.map((t) => nfc(t)).filter((t) => t.length > 0))];
  if (dto.areaCode !== undefined) out.areaCode = optionalText(dto.areaCode);
  if (dto.dataAvailable !== undefined) out.dataAvailable = optionalText(dto.dataAvailable);
  if (dto.constraints !== undefined) out.constraints = optionalText(dto.constraints);
  if (dto.budgetCeiling !== undefined) out.budgetCeiling = dto.budgetCeiling;
  if (dto.durationMonths !== undefined) out.durationMonths = dto.durationMonths;
  if (dto.deadline !== undefined) out.deadline = new Date(dto.deadline);
  if (dto.clarificationDeadline !== undefined) out.clarificationDeadline = new Date(dto.clarificationDeadline);
  if (dto.rubric !== undefined) {
    out.rubric = {
      passMark: dto.rubric.passMark,
      criteria: dto.rubric.criteria.map((c) => ({
        key: c.key,
        name: requiredText('rubric.criteria.name', c.name),
        ...(c.description !== undefined ? { description: optionalText(c.description) } : {}),
        weight: c.weight,
      })),
    };
  }
  if (dto.contact !== undefined) {
    out.contact =
      dto.contact === null
        ? null
        : {
            name: requiredText('contact.name', dto.contact.name),
            email: dto.contact.email ? dto.contact.email.trim().toLowerCase() : null,
            phone: optionalText(dto.contact.phone ?? null),
          };
  }
  return out;
}

/** JSON form of a field value, as amendments and the audit log show it. */
export function fieldJson(value: unknown): unknown {
  return value instanceof Date ? value.toISOString() : (value ?? null);
}

/** The fields whose value differs between the problem and the proposed values, with before and after. */
export function diffFields(problem: Problem, next: Partial<ProblemFields>): Record<string, { before: unknown; after: unknown }> {
  const changes: Record<string, { before: unknown; after: unknown }> = {};
  for (const key of Object.keys(next) as ProblemField[]) {
    const before = fieldJson(problem[key]);
    const after = fieldJson(next[key]);
    if (canonicalJson(before) !== canonicalJson(after)) changes[key] = { before, after };
  }
  return changes;
}

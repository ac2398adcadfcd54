import type { Schemas } from './api/client';

/** Lists for filters; the type checks keep them equal to the API's enums. */
type Sector = Schemas['ProblemSummary']['sector'];
type ProblemStatus = Schemas['ProblemSummary']['status'];

const sectorSet: Record<Sector, true> = {
  ict: true,
  ecommerce: true,
  smart_tourism: true,
  smart_agriculture: true,
  smart_manufacturing: true,
  logistics_seaport: true,
  health: true,
  education: true,
  public_administration: true,
  environment: true,
  other: true,
};
export const SECTORS = Object.keys(sectorSet) as Sector[];

const statusSet: Record<ProblemStatus, true> = {
  draft: true,
  published: true,
  closed: true,
  evaluating: true,
  awarded: true,
  unsuccessful: true,
  cancelled: true,
};
export const PROBLEM_STATUSES = Object.keys(statusSet) as ProblemStatus[];

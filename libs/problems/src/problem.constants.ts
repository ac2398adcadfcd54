import { SECTORS, type Sector } from '@app/enterprises';

/** Sector codes of the API (PRODUCT.md); the enterprises lib owns the list, problems use the same. */
export const PROBLEM_SECTORS = SECTORS;
export type ProblemSector = Sector;

export { PROBLEM_STATUSES, type ProblemStatus } from './problem-lifecycle';

export const MAX_TAGS = 20;
export const MAX_KPIS = 20;
export const MAX_CRITERIA = 20;

import { SECTORS, type Sector } from '@app/enterprises';

/** Sector codes of the API (PRODUCT.md); the enterprises lib owns the list, problems use the same. */
export const PROBLEM_SECTORS = SECTORS;
export type ProblemSector = Sector;

export const PROBLEM_STATUSES = ['draft', 'published', 'closed', 'evaluating', 'awarded', 'unsuccessful', 'cancelled'] as const;
export type ProblemStatus = (typeof PROBLEM_STATUSES)[number];

/** States from which a problem may be cancelled (PRODUCT.md): not once evaluation has begun. */
export const CANCELLABLE_STATUSES: readonly ProblemStatus[] = ['draft', 'published', 'closed'];

export const MAX_TAGS = 20;
export const MAX_KPIS = 20;
export const MAX_CRITERIA = 20;

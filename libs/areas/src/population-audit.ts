/** How population-figure changes appear in the audit log; the seed reads it too (see reference-data.seed.ts). */
export const POPULATION_AUDIT_ENTITY = 'area_population';

export const POPULATION_AUDIT_ACTIONS = {
  created: 'area_population.created',
  corrected: 'area_population.corrected',
  deleted: 'area_population.deleted',
} as const;

/** One figure per area and date, so "31:2024-12-31" names it in the log. */
export const populationAuditId = (areaCode: string, asOf: string) => `${areaCode}:${asOf}`;

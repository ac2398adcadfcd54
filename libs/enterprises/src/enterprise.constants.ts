/** Sector codes of the API: the five priority groups of Plan 106, then the others (PRODUCT.md). */
export const SECTORS = [
  'ecommerce',
  'smart_tourism',
  'smart_agriculture',
  'smart_manufacturing',
  'ict',
  'logistics_seaport',
  'health',
  'education',
  'public_administration',
  'environment',
  'other',
] as const;
export type Sector = (typeof SECTORS)[number];

/** Headcount bands, as firms declare them (no exact figure is asked for). */
export const HEADCOUNT_BANDS = ['1-9', '10-49', '50-199', '200-999', '1000+'] as const;
export type HeadcountBand = (typeof HEADCOUNT_BANDS)[number];

export const ENTERPRISE_STATUSES = ['pending', 'verified', 'suspended', 'ceased', 'rejected'] as const;
export type EnterpriseStatus = (typeof ENTERPRISE_STATUSES)[number];

/** The status in which a firm is active: listed publicly, counted by the indicator, allowed to bid. */
export const ACTIVE_STATUS: EnterpriseStatus = 'verified';

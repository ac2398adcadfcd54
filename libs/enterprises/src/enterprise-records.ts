import { sql } from 'kysely';
import type { DataSource, EntityManager } from 'typeorm';
import { db } from '@app/database';
import type { EnterpriseStatus, HeadcountBand, Sector } from './enterprise.constants';

export interface EnterpriseProduct {
  name: string;
  description?: string;
  url?: string;
}

/**
 * A registered firm. Its id is its organisation's id (users.organization_id points at both).
 * search_document and search_vector are generated columns, left out here: only the directory query reads them.
 */
export interface Enterprise {
  id: string;
  taxCode: string;
  legalName: string;
  shortName: string | null;
  /** YYYY-MM-DD */
  foundedOn: string | null;
  address: string;
  areaCode: string;
  sectors: Sector[];
  tags: string[];
  headcountBand: HeadcountBand | null;
  website: string | null;
  phone: string | null;
  contactEmail: string | null;
  products: EnterpriseProduct[];
  status: EnterpriseStatus;
  statusReason: string | null;
  /** YYYY-MM-DD: when the current status took effect. */
  statusEffectiveDate: string | null;
  /** YYYY-MM-DD: when the counted area/sectors last moved while verified. */
  activityMovedOn: string | null;
  /** YYYY-MM-DD: when digital-technology activity began, if later than the founding date (with evidence). */
  activityStartedOn: string | null;
  activityStartEvidence: string | null;
  /** 'imported': from the city's official list (verified on import); 'registered': by the firm itself. */
  origin: 'registered' | 'imported';
  importId: string | null;
  importSource: string | null;
  /** When the firm's owner claimed an imported record (approved by an admin). */
  claimedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/** A calendar day (YYYY-MM-DD) where the builder expects a date column's value. */
export const calendarDay = (day: string) => sql<Date>`${day}::date`;

/** The enterprises table as `e`, dates as YYYY-MM-DD text; map the rows with toEnterprise(). */
export function selectEnterprises(source: EntityManager | DataSource) {
  return db(source)
    .selectFrom('enterprises as e')
    .select([
      'e.id',
      'e.tax_code',
      'e.legal_name',
      'e.short_name',
      sql<string | null>`e.founded_on::text`.as('founded_on'),
      'e.address',
      'e.area_code',
      'e.sectors',
      'e.tags',
      'e.headcount_band',
      'e.website',
      'e.phone',
      'e.contact_email',
      'e.products',
      'e.status',
      'e.status_reason',
      sql<string | null>`e.status_effective_date::text`.as('status_effective_date'),
      sql<string | null>`e.activity_moved_on::text`.as('activity_moved_on'),
      sql<string | null>`e.activity_started_on::text`.as('activity_started_on'),
      'e.activity_start_evidence',
      'e.origin',
      'e.import_id',
      'e.import_source',
      'e.claimed_at',
      'e.created_at',
      'e.updated_at',
    ]);
}

type EnterpriseRow = NonNullable<Awaited<ReturnType<ReturnType<typeof selectEnterprises>['executeTakeFirst']>>>;

export function toEnterprise(r: EnterpriseRow): Enterprise {
  return {
    id: r.id,
    taxCode: r.tax_code,
    legalName: r.legal_name,
    shortName: r.short_name,
    foundedOn: r.founded_on,
    address: r.address,
    areaCode: r.area_code,
    sectors: r.sectors as Sector[],
    tags: r.tags,
    headcountBand: r.headcount_band as HeadcountBand | null,
    website: r.website,
    phone: r.phone,
    contactEmail: r.contact_email,
    products: r.products as unknown as EnterpriseProduct[],
    status: r.status as EnterpriseStatus,
    statusReason: r.status_reason,
    statusEffectiveDate: r.status_effective_date,
    activityMovedOn: r.activity_moved_on,
    activityStartedOn: r.activity_started_on,
    activityStartEvidence: r.activity_start_evidence,
    origin: r.origin as Enterprise['origin'],
    importId: r.import_id,
    importSource: r.import_source,
    claimedAt: r.claimed_at,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** The firm's writable columns, as stored (products as jsonb). */
export function enterpriseColumns(e: Omit<Enterprise, 'createdAt' | 'updatedAt'>) {
  return {
    id: e.id,
    tax_code: e.taxCode,
    legal_name: e.legalName,
    short_name: e.shortName,
    founded_on: e.foundedOn,
    address: e.address,
    area_code: e.areaCode,
    sectors: e.sectors,
    tags: e.tags,
    headcount_band: e.headcountBand,
    website: e.website,
    phone: e.phone,
    contact_email: e.contactEmail,
    products: JSON.stringify(e.products),
    status: e.status,
    status_reason: e.statusReason,
    status_effective_date: e.statusEffectiveDate,
    activity_moved_on: e.activityMovedOn,
    activity_started_on: e.activityStartedOn,
    activity_start_evidence: e.activityStartEvidence,
    origin: e.origin,
    import_id: e.importId,
    import_source: e.importSource,
    claimed_at: e.claimedAt,
  };
}

/** Inserts a firm; returns it as stored. */
export async function insertEnterprise(
  manager: EntityManager,
  e: Omit<Enterprise, 'createdAt' | 'updatedAt'>,
): Promise<Enterprise> {
  const { id } = await db(manager)
    .insertInto('enterprises')
    .values(enterpriseColumns(e))
    .returning('id')
    .executeTakeFirstOrThrow();
  return toEnterprise(await selectEnterprises(manager).where('e.id', '=', id).executeTakeFirstOrThrow());
}

/** Writes a firm's columns (updated_at now); returns it as stored. */
export async function saveEnterprise(manager: EntityManager, e: Enterprise): Promise<Enterprise> {
  await db(manager)
    .updateTable('enterprises')
    .set({ ...enterpriseColumns(e), updated_at: sql<Date>`now()` })
    .where('id', '=', e.id)
    .execute();
  return toEnterprise(await selectEnterprises(manager).where('e.id', '=', e.id).executeTakeFirstOrThrow());
}

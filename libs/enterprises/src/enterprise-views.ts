import { cityIso, utcIso } from '@app/common';
import type { EnterpriseStatus, HeadcountBand, Sector } from './enterprise.constants';
import type { Enterprise, EnterpriseProduct } from './enterprise-records';

/** A firm's profile as the API shows it. */
export class EnterpriseView {
  id: string;
  taxCode: string;
  legalName: string;
  shortName: string | null;
  foundedOn: string | null;
  /** When digital-technology activity began, if later than foundedOn; the firm counts from here. */
  activityStartedOn: string | null;
  activityStartEvidence: string | null;
  /** 'imported': verified from the city's official list; 'registered': by the firm itself. */
  origin: 'registered' | 'imported';
  /** An imported record whose owner has taken it over (after an admin's approval). */
  claimed: boolean;
  address: string;
  areaCode: string;
  areaName: string | null;
  sectors: Sector[];
  tags: string[];
  headcountBand: HeadcountBand | null;
  website: string | null;
  phone: string | null;
  contactEmail: string | null;
  products: EnterpriseProduct[];
  status: EnterpriseStatus;
  statusEffectiveDate: string | null;
  /** Only for the firm itself, officers and admins: a suspension's reason is not for the public. */
  statusReason?: string | null;
  createdAt: string;
  updatedAt: string;
}

/** One row of the directory: enough to pick a firm, without its products and contacts. */
export class EnterpriseSummary {
  id: string;
  taxCode: string;
  legalName: string;
  shortName: string | null;
  areaCode: string;
  areaName: string | null;
  sectors: Sector[];
  tags: string[];
  headcountBand: HeadcountBand | null;
  website: string | null;
  status: EnterpriseStatus;
  statusEffectiveDate: string | null;
  origin: 'registered' | 'imported';
}

export class StatusHistoryView {
  id: string;
  fromStatus: EnterpriseStatus | null;
  toStatus: EnterpriseStatus;
  effectiveDate: string;
  reason: string | null;
  recordedAt: string;
}

/** The firm's profile as the API shows it: times in Hai Phong (+07:00). */
export function toEnterpriseView(e: Enterprise, options: { areaName: string | null; privileged: boolean }): EnterpriseView {
  return { ...toEnterpriseSnapshot(e, options), createdAt: cityIso(e.createdAt), updatedAt: cityIso(e.updatedAt) };
}

/** The same fields as the audit log stores them (before/after): times in UTC, as always. */
export function toEnterpriseSnapshot(e: Enterprise, options: { areaName: string | null; privileged: boolean }): EnterpriseView {
  const view: EnterpriseView = {
    id: e.id,
    taxCode: e.taxCode,
    legalName: e.legalName,
    shortName: e.shortName,
    foundedOn: e.foundedOn,
    activityStartedOn: e.activityStartedOn,
    activityStartEvidence: e.activityStartEvidence,
    origin: e.origin,
    claimed: e.claimedAt !== null,
    address: e.address,
    areaCode: e.areaCode,
    areaName: options.areaName,
    sectors: e.sectors,
    tags: e.tags,
    headcountBand: e.headcountBand,
    website: e.website,
    phone: e.phone,
    contactEmail: e.contactEmail,
    products: e.products,
    status: e.status,
    statusEffectiveDate: e.statusEffectiveDate,
    createdAt: utcIso(e.createdAt),
    updatedAt: utcIso(e.updatedAt),
  };
  if (options.privileged) view.statusReason = e.statusReason;
  return view;
}

/** A row of enterprise_status_history as selected (effective_date as YYYY-MM-DD text). */
export interface StatusHistoryRow {
  id: string;
  from_status: string | null;
  to_status: string;
  effective_date: string;
  reason: string | null;
  recorded_at: Date;
}

export function toStatusHistoryView(h: StatusHistoryRow): StatusHistoryView {
  return {
    id: String(h.id),
    fromStatus: h.from_status as EnterpriseStatus | null,
    toStatus: h.to_status as EnterpriseStatus,
    effectiveDate: h.effective_date,
    reason: h.reason,
    recordedAt: cityIso(h.recorded_at),
  };
}

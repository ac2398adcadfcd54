// eslint-disable-next-line no-restricted-imports -- the index validates the environment on import; this leaf module is used by environment-free unit specs (and the portal)
import { translate } from '@app/common/i18n/i18n';
/**
 * Builds Open Contracting Data Standard 1.1 releases from plain snapshots of a problem (the
 * city's "order"), taken in the transaction of the event that the release describes. Pure
 * functions: no database, so they are easy to test against the official schema.
 */

export type OcdsEvent = 'tender' | 'tenderAmendment' | 'tenderCancellation' | 'award' | 'unsuccessful';

export interface OcdsOrganizationRef {
  id: string;
  name: string;
}

export interface OcdsFirm extends OcdsOrganizationRef {
  taxCode: string;
}

export interface OcdsProblemSnapshot {
  problemId: string;
  title: string;
  summary: string;
  status: 'published' | 'closed' | 'evaluating' | 'awarded' | 'unsuccessful' | 'cancelled';
  sector: string;
  budgetCeiling: number | null;
  durationMonths: number | null;
  publishedAt: Date;
  deadline: Date;
  clarificationDeadline: Date;
  department: OcdsOrganizationRef & { code: string | null };
  /** Firms whose proposals were received (known only once the bids are opened). */
  tenderers: OcdsFirm[];
  amendments: { number: number; date: Date; reason: string; changedFields: string[] }[];
  award?: { date: Date; supplier: OcdsFirm; price: number; durationMonths: number | null; justification?: string | null };
  unsuccessful?: { date: Date; reason: string };
  cancelled?: { date: Date; reason: string };
  /** A mini-competition among catalogue firms: only they may bid, for the department's stated reason. */
  miniCompetition?: { justification: string };
}

export interface OcdsOptions {
  /** Registered OCID prefix, e.g. "ocds-abc123". */
  ocidPrefix: string;
  /** Base URL of the API, for party and document links. */
  publicUrl: string;
}

/** OCDS organisation-identifier scheme for Vietnamese tax codes (mã số thuế). */
export const TAX_CODE_SCHEME = 'VN-TAX';

export const ocidOf = (prefix: string, problemId: string) => `${prefix}-${problemId}`;

/** Release ids are stable: the same event always gets the same id. */
export function releaseIdOf(ocid: string, event: OcdsEvent, amendmentNumber?: number): string {
  switch (event) {
    case 'tender':
      return `${ocid}-tender`;
    case 'tenderAmendment':
      return `${ocid}-amendment-${amendmentNumber ?? 0}`;
    case 'tenderCancellation':
      return `${ocid}-cancellation`;
    case 'award':
      return `${ocid}-award`;
    case 'unsuccessful':
      return `${ocid}-unsuccessful`;
  }
}

function tenderStatus(status: OcdsProblemSnapshot['status']): 'active' | 'complete' | 'unsuccessful' | 'cancelled' {
  switch (status) {
    case 'published':
    case 'closed':
    case 'evaluating':
      return 'active';
    case 'awarded':
      return 'complete';
    case 'unsuccessful':
      return 'unsuccessful';
    case 'cancelled':
      return 'cancelled';
  }
}

export const buyerPartyId = (d: OcdsProblemSnapshot['department']) => `HP-DEPT-${d.code ?? d.id}`;
export const firmPartyId = (f: OcdsFirm) => `${TAX_CODE_SCHEME}-${f.taxCode}`;
const vnd = (amount: number) => ({ amount, currency: 'VND' });

export function tagsOf(event: OcdsEvent): string[] {
  switch (event) {
    case 'tender':
      return ['tender'];
    case 'tenderAmendment':
      return ['tenderAmendment'];
    case 'tenderCancellation':
      return ['tenderCancellation'];
    case 'award':
      return ['award', 'tenderUpdate'];
    case 'unsuccessful':
      return ['awardUpdate', 'tenderUpdate'];
  }
}

export function buildRelease(
  event: OcdsEvent,
  snapshot: OcdsProblemSnapshot,
  options: OcdsOptions,
  eventDate: Date,
  amendmentNumber?: number,
) {
  const ocid = ocidOf(options.ocidPrefix, snapshot.problemId);
  const buyer = { id: buyerPartyId(snapshot.department), name: snapshot.department.name };
  const firms = new Map<string, OcdsFirm>();
  for (const f of snapshot.tenderers) firms.set(firmPartyId(f), f);
  if (snapshot.award) firms.set(firmPartyId(snapshot.award.supplier), snapshot.award.supplier);
  const supplierId = snapshot.award ? firmPartyId(snapshot.award.supplier) : null;

  const parties = [
    { id: buyer.id, name: buyer.name, roles: ['buyer', 'procuringEntity'] },
    ...[...firms.entries()].map(([id, f]) => ({
      id,
      name: f.name,
      identifier: { scheme: TAX_CODE_SCHEME, id: f.taxCode, legalName: f.name },
      roles: id === supplierId && event === 'award' ? ['tenderer', 'supplier'] : ['tenderer'],
    })),
  ];

  const tender: Record<string, unknown> = {
    id: `${ocid}-tender`,
    title: snapshot.title,
    description: snapshot.summary,
    status: event === 'tenderCancellation' ? 'cancelled' : tenderStatus(snapshot.status),
    procuringEntity: buyer,
    // OCDS 1.1.5 method codelist: `selective` — only the qualified (here: proven catalogue) firms may bid.
    procurementMethod: snapshot.miniCompetition ? 'selective' : 'open',
    // OCDS data is published in Vietnamese (the release's `language`).
    procurementMethodDetails: translate(
      'vi',
      snapshot.miniCompetition ? 'ocds.procurementMethodDetailsMiniCompetition' : 'ocds.procurementMethodDetails',
    ),
    ...(snapshot.miniCompetition ? { procurementMethodRationale: snapshot.miniCompetition.justification } : {}),
    mainProcurementCategory: 'services',
    awardCriteria: 'ratedCriteria',
    submissionMethod: ['electronicSubmission'],
    tenderPeriod: { startDate: snapshot.publishedAt.toISOString(), endDate: snapshot.deadline.toISOString() },
    enquiryPeriod: { startDate: snapshot.publishedAt.toISOString(), endDate: snapshot.clarificationDeadline.toISOString() },
    hasEnquiries: true,
    numberOfTenderers: snapshot.tenderers.length,
    tenderers: snapshot.tenderers.map((f) => ({ id: firmPartyId(f), name: f.name })),
    items: [{ id: '1', description: snapshot.title, classification: { scheme: 'HP-SECTOR', id: snapshot.sector } }],
  };
  if (snapshot.budgetCeiling !== null) tender.value = vnd(snapshot.budgetCeiling);
  if (snapshot.durationMonths !== null) tender.contractPeriod = { durationInDays: snapshot.durationMonths * 30 };
  if (snapshot.amendments.length > 0) {
    tender.amendments = snapshot.amendments.map((a) => ({
      id: String(a.number),
      date: a.date.toISOString(),
      rationale: a.reason,
      description: `Changed: ${a.changedFields.join(', ')}`,
    }));
  }
  if (snapshot.cancelled) tender.statusDetails = snapshot.cancelled.reason;

  const release: Record<string, unknown> = {
    ocid,
    id: releaseIdOf(ocid, event, amendmentNumber),
    date: eventDate.toISOString(),
    tag: tagsOf(event),
    initiationType: 'tender',
    language: 'vi',
    parties,
    buyer,
    tender,
  };
  if (event === 'award' && snapshot.award) {
    release.awards = [
      {
        id: `${ocid}-award-1`,
        title: snapshot.title,
        description: snapshot.award.justification ?? undefined,
        status: 'active',
        date: snapshot.award.date.toISOString(),
        value: vnd(snapshot.award.price),
        suppliers: [{ id: firmPartyId(snapshot.award.supplier), name: snapshot.award.supplier.name }],
        ...(snapshot.award.durationMonths ? { contractPeriod: { durationInDays: snapshot.award.durationMonths * 30 } } : {}),
      },
    ];
  }
  if (event === 'unsuccessful' && snapshot.unsuccessful) {
    release.awards = [
      {
        id: `${ocid}-award-1`,
        status: 'unsuccessful',
        date: snapshot.unsuccessful.date.toISOString(),
        description: snapshot.unsuccessful.reason,
      },
    ];
  }
  return JSON.parse(JSON.stringify(release)) as Record<string, unknown>; // drops undefined members
}

export function buildReleasePackage(
  releases: Record<string, unknown>[],
  meta: { uri: string; publishedDate: Date; publisherName: string; auditTreeHead?: object | null },
) {
  return {
    uri: meta.uri,
    version: '1.1',
    publishedDate: meta.publishedDate.toISOString(),
    publisher: { name: meta.publisherName },
    license: 'https://creativecommons.org/licenses/by/4.0/',
    publicationPolicy: `${meta.uri.split('/api/')[0]}/api/docs`,
    // The audit log's newest signed tree head (issue 15), so whoever archives a package also holds
    // a head to check the log against later. Not an OCDS field: an additional property.
    ...(meta.auditTreeHead ? { auditTreeHead: meta.auditTreeHead } : {}),
    releases,
  };
}

import { buyerPartyId, firmPartyId, OcdsFirm, OcdsProblemSnapshot, TAX_CODE_SCHEME } from './ocds-release.builder';

/** The order as OCDS sees it: the contract that follows the award, and its implementation. */
export interface OcdsContractInput {
  title: string;
  department: OcdsProblemSnapshot['department'];
  supplier: OcdsFirm;
  /** pending (drafting), active (work started), terminated (completed or terminated early). */
  status: 'pending' | 'active' | 'terminated';
  statusDetails?: string;
  price: number;
  startDate: Date | null;
  endDate: string | null;
  milestones: {
    number: number;
    title: string;
    dueDate: string;
    status: 'scheduled' | 'met' | 'notMet';
    dateMet: Date | null;
    /** The department paid the milestone's amount: published as a transaction of the implementation. */
    paid?: { date: Date; amount: number } | null;
  }[];
}

export type OcdsContractEvent = 'contract' | 'implementation';

/** A due date (a city calendar day) as the end of that day in Hai Phong. */
const endOfCityDay = (day: string) => `${day}T23:59:59+07:00`;

/**
 * A contract release (tag `contract`: value, period, planned milestones) or an implementation
 * release (tag `implementation`: the milestones' status, and a transaction for each paid milestone,
 * payer the buyer, payee the supplier, the milestone's amount). Core OCDS 1.1.5 fields only: a
 * planned milestone's amount has no core field and is published only once paid, as its transaction.
 */
export function buildContractRelease(event: OcdsContractEvent, input: OcdsContractInput, ocid: string, id: string, date: Date) {
  const buyer = { id: buyerPartyId(input.department), name: input.department.name };
  const supplier = { id: firmPartyId(input.supplier), name: input.supplier.name };
  const milestones = input.milestones.map((m) => ({
    id: String(m.number),
    title: m.title,
    type: 'delivery',
    dueDate: endOfCityDay(m.dueDate),
    status: m.status,
    ...(m.dateMet ? { dateMet: m.dateMet.toISOString() } : {}),
  }));
  const contract: Record<string, unknown> = {
    id: `${ocid}-contract-1`,
    awardID: `${ocid}-award-1`,
    title: input.title,
    status: input.status,
    ...(input.statusDetails ? { statusDetails: input.statusDetails } : {}),
    value: { amount: input.price, currency: 'VND' },
    ...(input.startDate ? { dateSigned: input.startDate.toISOString() } : {}),
    ...(input.startDate || input.endDate
      ? {
          period: {
            ...(input.startDate ? { startDate: input.startDate.toISOString() } : {}),
            ...(input.endDate ? { endDate: endOfCityDay(input.endDate) } : {}),
          },
        }
      : {}),
  };
  const transactions = input.milestones.flatMap((m) =>
    m.paid
      ? [
          {
            id: `${ocid}-payment-${m.number}`,
            date: m.paid.date.toISOString(),
            value: { amount: m.paid.amount, currency: 'VND' },
            payer: buyer,
            payee: supplier,
          },
        ]
      : [],
  );
  if (event === 'contract') contract.milestones = milestones;
  else contract.implementation = { milestones, ...(transactions.length > 0 ? { transactions } : {}) };
  const paying = event === 'implementation' && transactions.length > 0;
  return {
    ocid,
    id,
    date: date.toISOString(),
    tag: [event],
    initiationType: 'tender',
    language: 'vi',
    parties: [
      { id: buyer.id, name: buyer.name, roles: ['buyer', 'procuringEntity', ...(paying ? ['payer'] : [])] },
      {
        id: supplier.id,
        name: supplier.name,
        identifier: { scheme: TAX_CODE_SCHEME, id: input.supplier.taxCode, legalName: input.supplier.name },
        roles: ['supplier', ...(paying ? ['payee'] : [])],
      },
    ],
    buyer,
    contracts: [contract],
  } as Record<string, unknown>;
}

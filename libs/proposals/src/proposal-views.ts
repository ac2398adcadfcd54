import { ProposalContent, Receipt } from './receipt';
import type { ProposalAccessRow, VersionRow } from './proposal-records';

export class WithdrawnProposalView {
  id: string;
  status: 'withdrawn';
  withdrawnAt: string;
}

export class SubmissionResult {
  id: string;
  version: number;
  receipt: Receipt;
}

export class AttachmentView {
  id: string;
  fileName: string;
  mediaType: string;
  sizeBytes: number;
  sha256: string;
}

export class ProposalSummary {
  id: string;
  problemId: string;
  problemTitle: string;
  enterprise: { id: string; legalName: string };
  status: string;
  version: number;
  submittedAt: string;
  sha256: string;
  /** The amendment in force when the latest version was submitted (0: the text as published). */
  madeAgainstAmendment: number;
  /** The latest amendment the firm's bid answers: by a later version or by a confirmation. */
  confirmedAmendment: number;
  /** The problem's latest amendment number. */
  latestAmendment: number;
  /** The bid answers an older text than the latest amendment: not yet confirmed or revised. */
  needsConfirmation: boolean;
  withdrawnAt: string | null;
}

/** What a confirmation after an amendment returns: the kept version and its hash. */
export class ConfirmationReceipt {
  proposalId: string;
  version: number;
  amendmentNumber: number;
  confirmedAt: string;
  sha256: string;
}

export class ProposalView extends ProposalSummary {
  content: ProposalContent;
  attachments: (AttachmentView & { version: number | null })[];
  receipts: Receipt[];
}

export class ProposalReceipts {
  proposalId: string;
  problemId: string;
  status: string;
  receipts: Receipt[];
}

export interface OpenedVersion {
  proposalId: string;
  enterpriseId: string;
  version: number;
  /** The database time of the final (latest) version. */
  submittedAt: Date;
  content: ProposalContent;
}

export interface DownloadedAttachment {
  fileName: string;
  mediaType: string;
  bytes: Buffer;
}

export function keysOf(row: { key_for_problem: Buffer; key_for_bidder: Buffer }) {
  return { keyForProblem: row.key_for_problem, keyForBidder: row.key_for_bidder };
}

export function receiptOf(
  proposalId: string,
  v: Pick<VersionRow, 'version' | 'submitted_at' | 'content_sha256' | 'amendment_number'>,
): Receipt {
  return {
    proposalId,
    version: v.version,
    submittedAt: v.submitted_at,
    sha256: v.content_sha256,
    amendmentNumber: v.amendment_number,
  };
}

export function summaryOf(
  row: Pick<
    ProposalAccessRow,
    | 'id'
    | 'problem_id'
    | 'problem_title'
    | 'enterprise_id'
    | 'legal_name'
    | 'status'
    | 'amendment_count'
    | 'confirmed_amendment'
    | 'withdrawn_at'
  >,
  latest: Pick<VersionRow, 'version' | 'submitted_at' | 'content_sha256' | 'amendment_number'>,
): ProposalSummary {
  const confirmedAmendment = Math.max(latest.amendment_number, row.confirmed_amendment);
  return {
    id: row.id,
    problemId: row.problem_id,
    problemTitle: row.problem_title,
    enterprise: { id: row.enterprise_id, legalName: row.legal_name },
    status: row.status,
    version: latest.version,
    submittedAt: latest.submitted_at,
    sha256: latest.content_sha256,
    madeAgainstAmendment: latest.amendment_number,
    confirmedAmendment,
    latestAmendment: row.amendment_count,
    needsConfirmation: row.status !== 'withdrawn' && confirmedAmendment < row.amendment_count,
    withdrawnAt: row.withdrawn_at,
  };
}

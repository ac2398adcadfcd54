import { sql } from 'kysely';
import type { EntityManager } from 'typeorm';
import { AppError, AuthUser, ErrorCode, nfc } from '@app/common';
import { db, named, prepare } from '@app/database';
import { SealedKeyring } from './crypto/sealed-keyring';
import { SubmitProposalDto } from './dto/submit-proposal.dto';
import { ProposalContent, ProposalReference, Receipt } from './receipt';
import { sealVersion } from './sealed-content';
import { BiddableProblem, cityTime } from './proposal-records';

interface VersionValues {
  proposal_id: string;
  version: number;
  submitted_by: string;
  content_sha256: string;
  ciphertext: Buffer;
  iv: Buffer;
  auth_tag: Buffer;
  key_for_problem: Buffer;
  key_for_bidder: Buffer;
  submitted_at: Date;
  amendment_number: number;
}

const insertVersion = prepare((database, p: VersionValues) =>
  database
    .insertInto('proposal_versions')
    .values(
      named(p, [
        'proposal_id',
        'version',
        'submitted_by',
        'content_sha256',
        'ciphertext',
        'iv',
        'auth_tag',
        'key_for_problem',
        'key_for_bidder',
        'submitted_at',
        'amendment_number',
      ]),
    )
    .returning(cityTime('submitted_at').as('submitted_at')),
);

/**
 * Writes version `version` of a proposal, sealed to the problem and the firm, citing the firm's
 * uploads (claimed for it under a row lock), stamped with the time the request was received.
 */
export async function writeVersion(
  manager: EntityManager,
  keyring: SealedKeyring,
  args: {
    user: AuthUser;
    problem: BiddableProblem;
    enterpriseId: string;
    proposalId: string;
    version: number;
    dto: SubmitProposalDto;
  },
): Promise<Receipt> {
  const { problem, enterpriseId, proposalId, version } = args;
  const problemId = problem.id;
  const attachments = await claimAttachments(manager, problemId, enterpriseId, proposalId, args.dto.attachmentIds ?? []);
  const content = toContent(args.dto, attachments);
  const recipients = await keyring.recipientsFor(manager, problem, enterpriseId);
  const v = sealVersion(recipients, proposalId, version, content);
  const [row] = await insertVersion(manager, {
    proposal_id: proposalId,
    version,
    submitted_by: args.user.id,
    content_sha256: v.sha256,
    ciphertext: v.ciphertext,
    iv: v.iv,
    auth_tag: v.tag,
    key_for_problem: v.keyForProblem,
    key_for_bidder: v.keyForBidder,
    submitted_at: problem.received_at,
    amendment_number: problem.amendment_count,
  });
  if (attachments.length > 0) {
    await db(manager)
      .updateTable('proposal_attachments')
      .set({ proposal_id: proposalId, version: sql<number>`coalesce(version, ${version})` })
      .where(
        'id',
        'in',
        attachments.map((a) => a.id),
      )
      .execute();
  }
  return { proposalId, version, submittedAt: row!.submitted_at, sha256: v.sha256, amendmentNumber: problem.amendment_count };
}

/** The firm's own uploads for this problem, not yet cited by another of its proposals. */
async function claimAttachments(
  manager: EntityManager,
  problemId: string,
  enterpriseId: string,
  proposalId: string,
  ids: string[],
): Promise<{ id: string; sha256: string }[]> {
  if (ids.length === 0) return [];
  const rows = await db(manager)
    .selectFrom('proposal_attachments')
    .select(['id', 'content_sha256'])
    .where('id', 'in', ids)
    .where('problem_id', '=', problemId)
    .where('enterprise_id', '=', enterpriseId)
    .where((eb) => eb.or([eb('proposal_id', 'is', null), eb('proposal_id', '=', proposalId)]))
    .forUpdate()
    .execute();
  const found = new Map(rows.map((r) => [r.id, r.content_sha256]));
  const missing = ids.filter((id) => !found.has(id));
  if (missing.length > 0) {
    throw new AppError(
      ErrorCode.ATTACHMENT_NOT_FOUND,
      { context: 'notOwn' },
      {
        attachmentIds: missing,
      },
    );
  }
  return ids.map((id) => ({ id, sha256: found.get(id) as string }));
}

function toContent(dto: SubmitProposalDto, attachments: { id: string; sha256: string }[]): ProposalContent {
  return {
    approach: nfc(dto.approach),
    solution: nfc(dto.solution),
    plan: nfc(dto.plan),
    team: nfc(dto.team),
    price: dto.price,
    durationMonths: dto.durationMonths,
    references: (dto.references ?? []).map((r): ProposalReference =>
      typeof r === 'string' ? nfc(r) : { title: nfc(r.title), url: r.url.trim() },
    ),
    attachments,
  };
}

// eslint-disable-next-line no-restricted-imports -- the index validates the environment on import; this leaf module is used by environment-free unit specs (and the portal)
import { canonicalJson, sha256Hex } from '@app/common/hashing';
import { Recipients, sealParts } from './crypto/crypto-envelope';
import { ProposalContent } from './receipt';

/** AADs bind each ciphertext and wrapped key to its row, so none can be moved to another. */
export const versionAad = (proposalId: string, version: number) => `proposal-version:${proposalId}:${version}`;
export const attachmentAad = (attachmentId: string) => `proposal-attachment:${attachmentId}`;

/** What proposal_versions stores for one version's content. */
export interface SealedVersion {
  sha256: string;
  ciphertext: Buffer;
  iv: Buffer;
  tag: Buffer;
  keyForProblem: Buffer;
  keyForBidder: Buffer;
}

/** Encrypts a version's canonical content under a fresh data key, wrapped for the problem and the firm. */
export function sealVersion(
  recipients: Recipients,
  proposalId: string,
  version: number,
  content: ProposalContent,
): SealedVersion {
  const plaintext = Buffer.from(canonicalJson(content), 'utf8');
  const { keys, parts } = sealParts(recipients, versionAad(proposalId, version), [plaintext]);
  // The receipt's hash (receiptSha256) is over these very bytes: canonicalised once.
  return { sha256: sha256Hex(plaintext), ciphertext: parts[0]!.ciphertext, iv: parts[0]!.iv, tag: parts[0]!.tag, ...keys };
}

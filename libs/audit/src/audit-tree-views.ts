/** A signed tree head as published: anyone holding one can later check the log against it. */
export class SignedTreeHead {
  treeSize: number;
  rootHash: string;
  /** ISO 8601 (UTC), as signed. */
  signedAt: string;
  /** Ed25519 over the canonical JSON of {treeSize, rootHash, signedAt} (keys sorted, no whitespace), base64. */
  signature: string;
  keyId: string;
  /** Raw 32-byte Ed25519 public key, base64. */
  publicKey: string;
  algorithm: 'Ed25519';
}

export class InclusionProof {
  entryId: string;
  seq: number;
  /** The entry's position in the chain and leaf index in the tree (0-based). */
  leafIndex: number;
  /** The entry's chain hash; the leaf is SHA-256(0x00 ‖ chainHash). */
  chainHash: string;
  leafHash: string;
  treeSize: number;
  rootHash: string;
  /** RFC 6962 audit path, nearest sibling first. */
  auditPath: string[];
}

export class ConsistencyProof {
  firstSize: number;
  firstRoot: string;
  secondSize: number;
  secondRoot: string;
  /** RFC 6962 consistency proof. */
  proof: string[];
}

export class BrokenLink {
  seq: string;
  id: string;
  reason: 'hash_mismatch' | 'prev_hash_mismatch' | 'sealed_digest_mismatch' | 'position_gap';
}

export class HeadCheck {
  treeSize: number;
  rootHash: string;
  /** `published`: the newest head this server signed; `given`: the one the caller holds. */
  source: 'published' | 'given';
  holds: boolean;
  reason: 'root_mismatch' | 'log_shorter_than_head' | 'signature_invalid' | null;
}

export class ChainVerification {
  valid: boolean;
  /** Entries whose content was rehashed (all of them, or those after the checkpoint). */
  checked: number;
  lastSeq: string | null;
  firstBroken: BrokenLink | null;
  /** The tree size verification started from: 0, or the signed checkpoint asked for. */
  from: number;
  treeSize: number;
  rootHash: string;
  heads: HeadCheck[];
}

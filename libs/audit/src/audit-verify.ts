import type { EntityManager } from 'typeorm';
import { AppError, ErrorCode } from '@app/common';
import { db } from '@app/database';
import { GENESIS_HASH, rowHash } from './audit-hash';
import { AuditSigner } from './audit-signer';
import { ChainedRow, CONTENT_COLUMNS, ContentRow, frontierAt, latestHeadRow, nodeReader, treeSize } from './audit-tree-store';
import { BrokenLink, ChainVerification, HeadCheck } from './audit-tree-views';
import { EMPTY_ROOT, Frontier, inclusionPath, leafHash, subtreeRoot, verifyInclusion } from './merkle';
import { SealScope, sealedDigest } from './sealed-digest';

const VERIFY_BATCH = 1000;

export interface VerifyOptions {
  from?: number;
  given?: { treeSize: number; rootHash: string };
}

/**
 * Rehashes the log's content into the chain and the tree and checks them against the newest
 * signed head and against a head the caller holds. From 0 it walks the whole log; `from` (the
 * size of a signed head) starts at that checkpoint instead: the checkpoint's signature and its
 * root from the stored tree are checked, then only the entries after it are rehashed.
 */
export async function verifyLog(m: EntityManager, signer: AuditSigner, options: VerifyOptions = {}): Promise<ChainVerification> {
  const read = nodeReader(m);
  const from = options.from ?? 0;
  let frontier = new Frontier(0);
  let prevHash = GENESIS_HASH;
  if (from > 0) {
    const cp = await db(m)
      .selectFrom('audit_tree_head')
      .select(['root_hash', 'signed_at', 'signature'])
      .where('tree_size', '=', String(from))
      .executeTakeFirst();
    if (!cp) throw new AppError(ErrorCode.AUDIT_CHECKPOINT_NOT_FOUND, { treeSize: from });
    const body = { treeSize: from, rootHash: cp.root_hash, signedAt: cp.signed_at.toISOString() };
    // A missing node (a tampered tree) is a checkpoint that does not hold, not an error.
    const storedRoot = await subtreeRoot(read, 0, from).catch(() => null);
    const lastRow = await db(m)
      .selectFrom('audit_chain')
      .select('hash')
      .where('pos', '=', String(from - 1))
      .executeTakeFirst();
    const path = await inclusionPath(read, from - 1, from).catch(() => null);
    const lastHolds = !!lastRow && !!path && verifyInclusion(leafHash(lastRow.hash), from - 1, from, path, cp.root_hash);
    if (!signer.verify(body, cp.signature) || storedRoot !== cp.root_hash || !lastHolds) {
      const reason = signer.verify(body, cp.signature) ? 'root_mismatch' : 'signature_invalid';
      return {
        valid: false,
        checked: 0,
        lastSeq: null,
        firstBroken: null,
        from,
        treeSize: await treeSize(m),
        rootHash: storedRoot ?? EMPTY_ROOT,
        heads: [{ treeSize: from, rootHash: cp.root_hash, source: 'published', holds: false, reason }],
      };
    }
    frontier = await frontierAt(m, from);
    prevHash = lastRow.hash;
  }

  // Roots the walk must reach: the newest signed head and the caller's.
  const published = await latestHeadRow(m);
  const targets: HeadCheck[] = [];
  if (published) {
    const body = {
      treeSize: Number(published.tree_size),
      rootHash: published.root_hash,
      signedAt: published.signed_at.toISOString(),
    };
    const signed = signer.verify(body, published.signature);
    targets.push({
      treeSize: body.treeSize,
      rootHash: body.rootHash,
      source: 'published',
      holds: signed,
      reason: signed ? null : 'signature_invalid',
    });
  }
  if (options.given) targets.push({ ...options.given, source: 'given', holds: true, reason: null });
  const rootAt = new Map<number, string>();
  const noteRoot = () => {
    if (targets.some((t) => t.treeSize === frontier.size)) rootAt.set(frontier.size, frontier.root());
  };
  for (const t of targets) {
    if (t.treeSize <= from) rootAt.set(t.treeSize, await subtreeRoot(read, 0, t.treeSize).catch(() => EMPTY_ROOT));
  }

  let checked = 0;
  let lastSeq: string | null = null;
  let firstBroken: BrokenLink | null = null;
  let pos = from;
  walk: for (;;) {
    const batch = await db(m)
      .selectFrom('audit_chain as c')
      .innerJoin('audit_log as a', 'a.seq', 'c.seq')
      .select(['c.pos', 'c.seq', 'c.prev_hash', 'c.hash', ...CONTENT_COLUMNS.map((c) => `a.${c}` as const)])
      .where('c.pos', '>=', String(pos))
      .orderBy('c.pos')
      .limit(VERIFY_BATCH)
      .$castTo<ChainedRow>()
      .execute();
    for (const r of batch) {
      const broken = (reason: BrokenLink['reason']) => ({ seq: String(r.seq), id: r.id, reason });
      if (Number(r.pos) !== pos) {
        firstBroken = broken('position_gap');
        break walk;
      }
      if (r.prev_hash !== prevHash) {
        firstBroken = broken('prev_hash_mismatch');
        break walk;
      }
      const hash = rowHash(r, prevHash);
      if (hash !== r.hash) {
        firstBroken = broken('hash_mismatch');
        break walk;
      }
      if (r.action === 'audit.sealed_anchored' && !(await anchorHolds(m, r))) {
        firstBroken = broken('sealed_digest_mismatch');
        break walk;
      }
      frontier.append(leafHash(hash));
      noteRoot();
      prevHash = hash;
      lastSeq = String(r.seq);
      checked += 1;
      pos += 1;
    }
    if (batch.length < VERIFY_BATCH) break;
  }

  const heads = targets.map((t): HeadCheck => {
    if (!t.holds) return t;
    if (t.treeSize > frontier.size && !firstBroken) return { ...t, holds: false, reason: 'log_shorter_than_head' };
    const root = rootAt.get(t.treeSize);
    if (root === undefined) return { ...t, holds: false, reason: firstBroken ? 'root_mismatch' : 'log_shorter_than_head' };
    return root === t.rootHash ? t : { ...t, holds: false, reason: 'root_mismatch' };
  });
  return {
    valid: !firstBroken && heads.every((h) => h.holds),
    checked,
    lastSeq,
    firstBroken,
    from,
    treeSize: frontier.size,
    rootHash: frontier.root(),
    heads,
  };
}

async function anchorHolds(m: EntityManager, r: ContentRow): Promise<boolean> {
  const after = r.after as { scope?: SealScope; digest?: string } | null;
  if (!after?.scope || !r.entity_id) return false;
  return (await sealedDigest(m, { scope: after.scope, ref: r.entity_id })) === after.digest;
}

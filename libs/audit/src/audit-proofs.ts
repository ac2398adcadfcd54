import type { EntityManager } from 'typeorm';
import { AppError, ErrorCode } from '@app/common';
import { db } from '@app/database';
import { nodeReader, treeSize } from './audit-tree-store';
import { ConsistencyProof, InclusionProof } from './audit-tree-views';
import { consistencyProof, inclusionPath, leafHash, subtreeRoot } from './merkle';

/**
 * Proves that an entry is in the tree of `size`. Entries are named by their id (audit entry uuid),
 * so a sealed entry not yet released has no proof and is told apart from nothing: both are
 * `unknown_entry`.
 */
export async function proveInclusion(m: EntityManager, entryId: string, size: () => Promise<number>): Promise<InclusionProof> {
  const row = await db(m)
    .selectFrom('audit_log as a')
    .innerJoin('audit_chain as c', 'c.seq', 'a.seq')
    .select(['c.pos', 'c.seq', 'c.hash'])
    .where('a.id', '=', entryId)
    .executeTakeFirst();
  if (!row) throw new AppError(ErrorCode.AUDIT_ENTRY_NOT_FOUND);
  const treeSizeAsked = await size();
  const index = Number(row.pos);
  const current = await treeSize(m);
  if (treeSizeAsked > current) throw new AppError(ErrorCode.AUDIT_TREE_SIZE_INVALID, { treeSize: current });
  if (index >= treeSizeAsked) throw new AppError(ErrorCode.AUDIT_ENTRY_NOT_IN_TREE, { treeSize: treeSizeAsked });
  const read = nodeReader(m);
  return {
    entryId,
    seq: Number(row.seq),
    leafIndex: index,
    chainHash: row.hash,
    leafHash: leafHash(row.hash),
    treeSize: treeSizeAsked,
    rootHash: await subtreeRoot(read, 0, treeSizeAsked),
    auditPath: await inclusionPath(read, index, treeSizeAsked),
  };
}

/** Proves that the tree of `second` extends the tree of `first` (nothing before `first` changed). */
export async function proveConsistency(m: EntityManager, first: number, second: number): Promise<ConsistencyProof> {
  const current = await treeSize(m);
  if (first < 1 || first > second || second > current)
    throw new AppError(ErrorCode.AUDIT_TREE_SIZE_INVALID, { treeSize: current });
  const read = nodeReader(m);
  return {
    firstSize: first,
    firstRoot: await subtreeRoot(read, 0, first),
    secondSize: second,
    secondRoot: await subtreeRoot(read, 0, second),
    proof: await consistencyProof(read, first, second),
  };
}

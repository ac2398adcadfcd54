import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { db, transactionNow } from '@app/database';
import { GENESIS_HASH, rowHash } from './audit-hash';
import { proveConsistency, proveInclusion } from './audit-proofs';
import { AuditSigner, TreeHeadBody } from './audit-signer';
import { CONTENT_COLUMNS, ContentRow, frontierAt, latestHeadRow, lockSequencer, nodeReader, treeSize } from './audit-tree-store';
import { ChainVerification, ConsistencyProof, InclusionProof, SignedTreeHead } from './audit-tree-views';
import { verifyLog, VerifyOptions } from './audit-verify';
import { leafHash, subtreeRoot } from './merkle';

/** Rows chained per transaction of the builder. */
const CHAIN_BATCH = 2000;
/** Rows per INSERT (4 columns each; PostgreSQL binds at most 65,535). */
const INSERT_CHUNK = 1000;

/**
 * The audit log's tamper evidence, built off the write path. Requests append rows and take no
 * lock; this service (run by the worker every AUDIT_TREE_INTERVAL_MS, and by an admin's read to
 * catch up) chains the rows that have committed since, in the order it finds them, extends the
 * Merkle tree over the chain hashes and signs its head. See docs/decisions.md (issue 15).
 * Proofs are in audit-proofs.ts, the rehashing check in audit-verify.ts.
 */
@Injectable()
export class AuditTreeService {
  private readonly logger = new Logger(AuditTreeService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly signer: AuditSigner,
  ) {}

  /** Chains every committed row not yet chained and extends the tree; returns the tree size. */
  async catchUp(): Promise<number> {
    for (;;) {
      const { chained, grown, size } = await this.dataSource.transaction(async (m) => {
        await lockSequencer(m);
        const chained = await this.chainPending(m);
        const before = await treeSize(m);
        const size = await this.extendTree(m, before);
        return { chained, grown: size - before, size };
      });
      // Rounds stay bounded (a long backlog, or a log migrated from the old chain, takes several).
      if (chained < CHAIN_BATCH && grown < CHAIN_BATCH) return size;
    }
  }

  /** catchUp, then signs a head when the tree has grown since the last one. The worker's tick. */
  async publish(): Promise<SignedTreeHead | null> {
    await this.catchUp();
    return this.dataSource.transaction(async (m) => {
      await lockSequencer(m);
      const size = await treeSize(m);
      const last = await latestHeadRow(m);
      if (size === 0 || (last && Number(last.tree_size) >= size)) return null;
      const rootHash = await subtreeRoot(nodeReader(m), 0, size);
      const now = await transactionNow(m);
      const body: TreeHeadBody = { treeSize: size, rootHash, signedAt: now.toISOString() };
      const signature = this.signer.sign(body);
      await db(m)
        .insertInto('audit_tree_head')
        .values({ tree_size: size, root_hash: rootHash, signed_at: now, key_id: this.signer.keyId, signature })
        .execute();
      return this.headView(body, signature);
    });
  }

  private async chainPending(m: EntityManager): Promise<number> {
    // Rows of transactions still open are not visible yet: they are chained by a later tick, so
    // the chain follows commit order, and no writer ever waits for the chain.
    const pending = await db(m)
      .selectFrom('audit_pending as p')
      .innerJoin('audit_log as a', 'a.seq', 'p.seq')
      .select(['a.seq', ...CONTENT_COLUMNS.map((c) => `a.${c}` as const)])
      .orderBy('p.seq')
      .limit(CHAIN_BATCH)
      .$castTo<ContentRow>()
      .execute();
    if (pending.length === 0) return 0;
    const last = await db(m).selectFrom('audit_chain').select(['pos', 'hash']).orderBy('pos', 'desc').limit(1).executeTakeFirst();
    let pos = last ? Number(last.pos) + 1 : 0;
    let prevHash = last?.hash ?? GENESIS_HASH;
    const links: { pos: number; seq: string; prev_hash: string; hash: string }[] = [];
    for (const r of pending) {
      const hash = rowHash(r, prevHash);
      links.push({ pos, seq: r.seq, prev_hash: prevHash, hash });
      prevHash = hash;
      pos += 1;
    }
    for (let i = 0; i < links.length; i += INSERT_CHUNK) {
      await db(m)
        .insertInto('audit_chain')
        .values(links.slice(i, i + INSERT_CHUNK))
        .execute();
    }
    await db(m)
      .deleteFrom('audit_pending')
      .where(
        'seq',
        'in',
        pending.map((r) => r.seq),
      )
      .execute();
    return pending.length;
  }

  /** Adds the leaves (and the inner nodes they complete) for every chained row not yet in the tree. */
  private async extendTree(m: EntityManager, size: number): Promise<number> {
    const leaves = await db(m)
      .selectFrom('audit_chain')
      .select('hash')
      .where('pos', '>=', String(size))
      .orderBy('pos')
      .limit(CHAIN_BATCH)
      .execute();
    if (leaves.length === 0) return size;
    const frontier = await frontierAt(m, size);
    const nodes: { level: number; idx: number; hash: string }[] = [];
    for (const leaf of leaves)
      for (const n of frontier.append(leafHash(leaf.hash))) nodes.push({ level: n.level, idx: n.index, hash: n.hash });
    for (let i = 0; i < nodes.length; i += INSERT_CHUNK) {
      await db(m)
        .insertInto('audit_tree_node')
        .values(nodes.slice(i, i + INSERT_CHUNK))
        .execute();
    }
    return frontier.size;
  }

  private headView(body: TreeHeadBody, signature: string): SignedTreeHead {
    return { ...body, signature, keyId: this.signer.keyId, publicKey: this.signer.publicKeyBase64, algorithm: 'Ed25519' };
  }

  /** The newest signed head (null before the first is signed). Public: it names no entry. */
  async latestHead(): Promise<SignedTreeHead | null> {
    const row = await latestHeadRow(this.dataSource.manager);
    if (!row) return null;
    return this.headView(
      { treeSize: Number(row.tree_size), rootHash: row.root_hash, signedAt: row.signed_at.toISOString() },
      row.signature,
    );
  }

  /** Proves that an entry is in the tree of `treeSize` (default: the newest signed head's size). */
  inclusionProof(entryId: string, treeSize?: number): Promise<InclusionProof> {
    return proveInclusion(this.dataSource.manager, entryId, async () => treeSize ?? (await this.latestHead())?.treeSize ?? 0);
  }

  /** Proves that the tree of `second` extends the tree of `first` (nothing before `first` changed). */
  consistencyProof(first: number, second: number): Promise<ConsistencyProof> {
    return proveConsistency(this.dataSource.manager, first, second);
  }

  /** Catches up, then rehashes the log and checks it against signed heads (audit-verify.ts). */
  async verify(options: VerifyOptions = {}): Promise<ChainVerification> {
    await this.catchUp().catch((err: unknown) => this.logger.warn(`audit chain catch-up failed before verify: ${String(err)}`));
    return verifyLog(this.dataSource.manager, this.signer, options);
  }
}

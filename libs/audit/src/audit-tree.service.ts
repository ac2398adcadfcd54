import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AppError, ErrorCode } from '@app/common';
import { AuditRow, GENESIS_HASH, rowHash } from './audit-hash';
import { SealScope, sealedDigest } from './sealed-digest';
import { AuditSigner, TreeHeadBody } from './audit-signer';
import {
  consistencyProof,
  EMPTY_ROOT,
  Frontier,
  inclusionPath,
  leafHash,
  NodeReader,
  subtreeRoot,
  verifyInclusion,
} from './merkle';

/**
 * Names the advisory lock only chain builders take (the worker's tick, an admin's catch-up):
 * writers never wait for it.
 */
const SEQUENCER_LOCK = 7_106_2026;
/** Rows chained per transaction of the builder. */
const CHAIN_BATCH = 2000;
/** Rows per INSERT (4 columns each; PostgreSQL binds at most 65,535). */
const INSERT_CHUNK = 1000;
const VERIFY_BATCH = 1000;

/** A log row with its place in the chain. */
interface ChainedRow extends AuditRow {
  pos: string;
  seq: string;
  prev_hash: string;
  hash: string;
}

type ContentRow = AuditRow & { seq: string };

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

/**
 * The audit log's tamper evidence, built off the write path. Requests append rows and take no
 * lock; this service (run by the worker every AUDIT_TREE_INTERVAL_MS, and by an admin's read to
 * catch up) chains the rows that have committed since, in the order it finds them, extends the
 * Merkle tree over the chain hashes and signs its head. See docs/decisions.md (issue 15).
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
        await m.query('SELECT pg_advisory_xact_lock($1)', [SEQUENCER_LOCK]);
        const chained = await this.chainPending(m);
        const before = await this.treeSize(m);
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
      await m.query('SELECT pg_advisory_xact_lock($1)', [SEQUENCER_LOCK]);
      const size = await this.treeSize(m);
      const last = await this.latestHeadRow(m);
      if (size === 0 || (last && Number(last.tree_size) >= size)) return null;
      const rootHash = await subtreeRoot(this.reader(m), 0, size);
      const [{ now }] = await m.query<{ now: Date }[]>('SELECT now() AS now');
      const body: TreeHeadBody = { treeSize: size, rootHash, signedAt: now.toISOString() };
      const signature = this.signer.sign(body);
      await m.query(
        `INSERT INTO audit_tree_head (tree_size, root_hash, signed_at, key_id, signature) VALUES ($1, $2, $3, $4, $5)`,
        [size, rootHash, now, this.signer.keyId, signature],
      );
      return this.headView(body, signature);
    });
  }

  private async chainPending(m: EntityManager): Promise<number> {
    // Rows of transactions still open are not visible yet: they are chained by a later tick, so
    // the chain follows commit order, and no writer ever waits for the chain.
    const pending = await m.query<ContentRow[]>(
      `SELECT a.seq, a.id, a.occurred_at, a.actor_id, a.actor_role, a.action, a.entity_type, a.entity_id, a.before, a.after
       FROM audit_pending p JOIN audit_log a ON a.seq = p.seq ORDER BY p.seq LIMIT $1`,
      [CHAIN_BATCH],
    );
    if (pending.length === 0) return 0;
    const [last] = await m.query<{ pos: string; hash: string }[]>('SELECT pos, hash FROM audit_chain ORDER BY pos DESC LIMIT 1');
    let pos = last ? Number(last.pos) + 1 : 0;
    let prevHash = last?.hash ?? GENESIS_HASH;
    const rows: (string | number)[][] = [];
    for (const r of pending) {
      const hash = rowHash(r, prevHash);
      rows.push([pos, r.seq, prevHash, hash]);
      prevHash = hash;
      pos += 1;
    }
    await this.insertRows(m, 'audit_chain (pos, seq, prev_hash, hash)', rows);
    await m.query('DELETE FROM audit_pending WHERE seq = ANY($1::bigint[])', [pending.map((r) => r.seq)]);
    return pending.length;
  }

  /** Adds the leaves (and the inner nodes they complete) for every chained row not yet in the tree. */
  private async extendTree(m: EntityManager, size: number): Promise<number> {
    const leaves = await m.query<{ hash: string }[]>('SELECT hash FROM audit_chain WHERE pos >= $1 ORDER BY pos LIMIT $2', [
      size,
      CHAIN_BATCH,
    ]);
    if (leaves.length === 0) return size;
    const frontier = await this.frontierAt(m, size);
    const nodes: (string | number)[][] = [];
    for (const leaf of leaves) for (const n of frontier.append(leafHash(leaf.hash))) nodes.push([n.level, n.index, n.hash]);
    await this.insertRows(m, 'audit_tree_node (level, idx, hash)', nodes);
    return frontier.size;
  }

  private async insertRows(m: EntityManager, target: string, rows: (string | number)[][]): Promise<void> {
    for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
      const chunk = rows.slice(i, i + INSERT_CHUNK);
      const width = chunk[0].length;
      const values = chunk.map((_, r) => `(${Array.from({ length: width }, (_, c) => `$${r * width + c + 1}`).join(', ')})`);
      await m.query(`INSERT INTO ${target} VALUES ${values.join(', ')}`, chunk.flat());
    }
  }

  private async treeSize(m: EntityManager): Promise<number> {
    const [row] = await m.query<{ idx: string }[]>('SELECT idx FROM audit_tree_node WHERE level = 0 ORDER BY idx DESC LIMIT 1');
    return row ? Number(row.idx) + 1 : 0;
  }

  /** The stored right edge of the tree of `size`, to go on appending from (or rehashing after). */
  private async frontierAt(m: EntityManager, size: number): Promise<Frontier> {
    const read = this.reader(m);
    const nodes: { level: number; hash: string }[] = [];
    // One after the other: inside a transaction every query shares one connection.
    for (const { level, index } of Frontier.edgeOf(size)) nodes.push({ level, hash: await read(level, index) });
    return new Frontier(size, nodes);
  }

  /** Reads stored nodes, each once per call site. */
  private reader(m: EntityManager): NodeReader {
    const cache = new Map<string, Promise<string>>();
    return (level, index) => {
      const key = `${level}:${index}`;
      let hit = cache.get(key);
      if (!hit) {
        hit = m
          .query<{ hash: string }[]>('SELECT hash FROM audit_tree_node WHERE level = $1 AND idx = $2', [level, index])
          .then((rows) => {
            if (!rows[0]) throw new Error(`audit tree node ${key} is missing`);
            return rows[0].hash;
          });
        cache.set(key, hit);
      }
      return hit;
    };
  }

  private latestHeadRow(m: EntityManager) {
    return m
      .query<{ tree_size: string; root_hash: string; signed_at: Date; signature: string }[]>(
        'SELECT tree_size, root_hash, signed_at, signature FROM audit_tree_head ORDER BY tree_size DESC LIMIT 1',
      )
      .then((rows) => rows[0] ?? null);
  }

  private headView(body: TreeHeadBody, signature: string): SignedTreeHead {
    return { ...body, signature, keyId: this.signer.keyId, publicKey: this.signer.publicKeyBase64, algorithm: 'Ed25519' };
  }

  /** The newest signed head (null before the first is signed). Public: it names no entry. */
  async latestHead(): Promise<SignedTreeHead | null> {
    const row = await this.latestHeadRow(this.dataSource.manager);
    if (!row) return null;
    return this.headView(
      { treeSize: Number(row.tree_size), rootHash: row.root_hash, signedAt: row.signed_at.toISOString() },
      row.signature,
    );
  }

  /**
   * Proves that an entry is in the tree of `treeSize` (default: the newest signed head's size).
   * Entries are named by their id (audit entry uuid), so a sealed entry not yet released has no
   * proof and is told apart from nothing: both are `unknown_entry`.
   */
  async inclusionProof(entryId: string, treeSize?: number): Promise<InclusionProof> {
    const m = this.dataSource.manager;
    const [row] = await m.query<{ pos: string; seq: string; hash: string }[]>(
      `SELECT c.pos, c.seq, c.hash FROM audit_log a JOIN audit_chain c ON c.seq = a.seq WHERE a.id = $1`,
      [entryId],
    );
    if (!row) throw new AppError(ErrorCode.AUDIT_ENTRY_NOT_FOUND);
    const size = treeSize ?? (await this.latestHead())?.treeSize ?? 0;
    const index = Number(row.pos);
    const current = await this.treeSize(m);
    if (size > current) throw new AppError(ErrorCode.AUDIT_TREE_SIZE_INVALID, { treeSize: current });
    if (index >= size) throw new AppError(ErrorCode.AUDIT_ENTRY_NOT_IN_TREE, { treeSize: size });
    const read = this.reader(m);
    return {
      entryId,
      seq: Number(row.seq),
      leafIndex: index,
      chainHash: row.hash,
      leafHash: leafHash(row.hash),
      treeSize: size,
      rootHash: await subtreeRoot(read, 0, size),
      auditPath: await inclusionPath(read, index, size),
    };
  }

  /** Proves that the tree of `second` extends the tree of `first` (nothing before `first` changed). */
  async consistencyProof(first: number, second: number): Promise<ConsistencyProof> {
    const m = this.dataSource.manager;
    const current = await this.treeSize(m);
    if (first < 1 || first > second || second > current)
      throw new AppError(ErrorCode.AUDIT_TREE_SIZE_INVALID, { treeSize: current });
    const read = this.reader(m);
    return {
      firstSize: first,
      firstRoot: await subtreeRoot(read, 0, first),
      secondSize: second,
      secondRoot: await subtreeRoot(read, 0, second),
      proof: await consistencyProof(read, first, second),
    };
  }

  /**
   * Rehashes the log's content into the chain and the tree and checks them against the newest
   * signed head and against a head the caller holds. From 0 it walks the whole log; `from` (the
   * size of a signed head) starts at that checkpoint instead: the checkpoint's signature and its
   * root from the stored tree are checked, then only the entries after it are rehashed.
   */
  async verify(options: { from?: number; given?: { treeSize: number; rootHash: string } } = {}): Promise<ChainVerification> {
    await this.catchUp().catch((err: unknown) => this.logger.warn(`audit chain catch-up failed before verify: ${String(err)}`));
    const m = this.dataSource.manager;
    const read = this.reader(m);
    const from = options.from ?? 0;
    let frontier = new Frontier(0);
    let prevHash = GENESIS_HASH;
    if (from > 0) {
      const [cp] = await m.query<{ root_hash: string; signed_at: Date; signature: string }[]>(
        'SELECT root_hash, signed_at, signature FROM audit_tree_head WHERE tree_size = $1',
        [from],
      );
      if (!cp) throw new AppError(ErrorCode.AUDIT_CHECKPOINT_NOT_FOUND, { treeSize: from });
      const body = { treeSize: from, rootHash: cp.root_hash, signedAt: cp.signed_at.toISOString() };
      // A missing node (a tampered tree) is a checkpoint that does not hold, not an error.
      const storedRoot = await subtreeRoot(read, 0, from).catch(() => null);
      const [lastRow] = await m.query<{ hash: string }[]>('SELECT hash FROM audit_chain WHERE pos = $1', [from - 1]);
      const path = await inclusionPath(read, from - 1, from).catch(() => null);
      const lastHolds = !!lastRow && !!path && verifyInclusion(leafHash(lastRow.hash), from - 1, from, path, cp.root_hash);
      if (!this.signer.verify(body, cp.signature) || storedRoot !== cp.root_hash || !lastHolds) {
        const reason = this.signer.verify(body, cp.signature) ? 'root_mismatch' : 'signature_invalid';
        return {
          valid: false,
          checked: 0,
          lastSeq: null,
          firstBroken: null,
          from,
          treeSize: await this.treeSize(m),
          rootHash: storedRoot ?? EMPTY_ROOT,
          heads: [{ treeSize: from, rootHash: cp.root_hash, source: 'published', holds: false, reason }],
        };
      }
      frontier = await this.frontierAt(m, from);
      prevHash = lastRow.hash;
    }

    // Roots the walk must reach: the newest signed head and the caller's.
    const published = await this.latestHeadRow(m);
    const targets: HeadCheck[] = [];
    if (published) {
      const body = {
        treeSize: Number(published.tree_size),
        rootHash: published.root_hash,
        signedAt: published.signed_at.toISOString(),
      };
      const signed = this.signer.verify(body, published.signature);
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
      const batch = await m.query<ChainedRow[]>(
        `SELECT c.pos, c.seq, c.prev_hash, c.hash, a.id, a.occurred_at, a.actor_id, a.actor_role, a.action, a.entity_type, a.entity_id, a.before, a.after
         FROM audit_chain c JOIN audit_log a ON a.seq = c.seq WHERE c.pos >= $1 ORDER BY c.pos LIMIT $2`,
        [pos, VERIFY_BATCH],
      );
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
        if (r.action === 'audit.sealed_anchored' && !(await this.anchorHolds(m, r))) {
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

  private async anchorHolds(m: EntityManager, r: ContentRow): Promise<boolean> {
    const after = r.after as { scope?: SealScope; digest?: string } | null;
    if (!after?.scope || !r.entity_id) return false;
    return (await sealedDigest(m, { scope: after.scope, ref: r.entity_id })) === after.digest;
  }
}

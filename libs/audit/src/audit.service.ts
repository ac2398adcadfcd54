import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { Actor, auditWriteDuration, decodeCursor, DEFAULT_PAGE_SIZE, Page, sha256Hex, toPage } from '@app/common';
import { AuditEntry } from './audit-entry.entity';
import { auditHash, GENESIS_HASH, HashedFields, toJsonValue } from './audit-hash';

export interface AuditRecord {
  actor: Actor;
  action: string;
  entityType: string;
  entityId?: string | null;
  before?: unknown;
  after?: unknown;
  /** Record the actor's role but not who it was (the asker of a clarification question is never revealed). */
  anonymous?: boolean;
}

/**
 * What a sealed row waits for: `bids` of a problem open when its proposals open (deadline +
 * grace); `scores` of a problem when its panel has finished. `ref` is the problem id.
 */
export type SealScope = 'bids' | 'scores';
export interface Seal {
  scope: SealScope;
  ref: string;
}

export interface AuditQuery {
  entityType?: string;
  entityId?: string;
  actorId?: string;
  action?: string;
  from?: Date;
  to?: Date;
  limit?: number;
  cursor?: string;
}

/** An audit entry as the API shows it: times in Hai Phong (+07:00). */
export class AuditEntryView {
  seq: number;
  id: string;
  occurredAt: string;
  actorId: string | null;
  actorRole: string | null;
  action: string;
  entityType: string;
  entityId: string | null;
  before: object | null;
  after: object | null;
  prevHash: string;
  hash: string;
}

export class BrokenLink {
  seq: string;
  id: string;
  reason: 'hash_mismatch' | 'prev_hash_mismatch' | 'sealed_digest_mismatch';
}

export class ChainVerification {
  valid: boolean;
  checked: number;
  lastSeq: string | null;
  firstBroken: BrokenLink | null;
}

interface HeldRow {
  id: string;
  occurred_at: Date;
  actor_id: string | null;
  actor_role: string | null;
  action: string;
  entity_type: string;
  entity_id: string | null;
  before: object | null;
  after: object | null;
}

/** An entry's content, before it is linked to the chain. */
type ChainEntry = Omit<HashedFields, 'prevHash'> & { before: object | null; after: object | null };

function entryOf(r: HeldRow): ChainEntry {
  return {
    id: r.id,
    occurredAt: r.occurred_at,
    actorId: r.actor_id,
    actorRole: r.actor_role,
    action: r.action,
    entityType: r.entity_type,
    entityId: r.entity_id,
    before: r.before,
    after: r.after,
  };
}

/** A held row's content hash (the chain hash without a predecessor), for the anchor's digest. */
function heldHash(r: HeldRow): string {
  return auditHash({ ...entryOf(r), prevHash: GENESIS_HASH });
}

/** Arbitrary constant naming the advisory lock that serialises writers of the chain. */
const AUDIT_CHAIN_LOCK = 7_106_2025;
const VERIFY_BATCH = 1000;
/** Entries per INSERT when many are appended at once (12 columns each; PostgreSQL binds at most 65,535). */
const APPEND_CHUNK = 500;

@Injectable()
export class AuditService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Appends an entry in the caller's transaction, so the change and its audit row commit
   * (or roll back) together. Writers are serialised by a transaction-scoped advisory lock,
   * which keeps the chain linear.
   */
  async record(manager: EntityManager, record: AuditRecord): Promise<void> {
    if (!manager.queryRunner?.isTransactionActive) {
      throw new Error('AuditService.record must run inside the transaction of the change it records');
    }
    await this.append(manager, {
      id: randomUUID(),
      occurredAt: new Date(),
      actorId: record.anonymous ? null : (record.actor?.id ?? null),
      actorRole: record.actor?.role ?? null,
      action: record.action,
      entityType: record.entityType,
      entityId: record.entityId ?? null,
      before: toJsonValue(record.before),
      after: toJsonValue(record.after),
    });
  }

  /** Links one entry to the chain's head, under the lock that keeps the chain linear. */
  private async append(manager: EntityManager, ...entries: ChainEntry[]): Promise<void> {
    if (entries.length === 0) return;
    // Timed into audit_log_write_seconds (Prometheus): the lock wait is most of it under load.
    const end = auditWriteDuration.startTimer();
    try {
      // One lock and one read of the head for any number of entries (a release appends many).
      await manager.query('SELECT pg_advisory_xact_lock($1)', [AUDIT_CHAIN_LOCK]);
      const last = await manager.query<{ hash: string }[]>('SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1');
      let prevHash = last[0]?.hash ?? GENESIS_HASH;
      const rows = entries.map((entry) => {
        const fields = { ...entry, prevHash };
        prevHash = auditHash(fields);
        return { ...fields, hash: prevHash };
      });
      // In chunks, so a release of thousands of entries stays under the bind-parameter limit.
      for (let i = 0; i < rows.length; i += APPEND_CHUNK) await manager.insert(AuditEntry, rows.slice(i, i + APPEND_CHUNK));
    } finally {
      end();
    }
  }

  /**
   * Holds an entry about a sealed fact (who bid, an evaluator's scores) outside the chain, in the
   * caller's transaction. Nothing reads held rows but `release`, which appends them to the chain
   * when the rule opens them; until then no list, filter, count, seq gap or hash link of the log
   * shows that they exist. (It also keeps the chain's lock off the bid path.)
   */
  async recordSealed(manager: EntityManager, seal: Seal, record: AuditRecord): Promise<void> {
    if (!manager.queryRunner?.isTransactionActive) {
      throw new Error('AuditService.recordSealed must run inside the transaction of the change it records');
    }
    await manager.query(
      `INSERT INTO audit_sealed (id, scope, ref, occurred_at, actor_id, actor_role, action, entity_type, entity_id, before, after)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [
        randomUUID(),
        seal.scope,
        seal.ref,
        new Date(),
        record.actor?.id ?? null,
        record.actor?.role ?? null,
        record.action,
        record.entityType,
        record.entityId ?? null,
        toJsonValue(record.before),
        toJsonValue(record.after),
      ],
    );
  }

  /**
   * Appends every held entry of the seal not yet in the chain, in the order they were held and
   * with their original time, in the caller's transaction. Idempotent: an entry is appended once
   * (audit_log.id is unique), so calling it again later releases only what was held since.
   */
  async release(manager: EntityManager, seal: Seal): Promise<number> {
    const held = await manager.query<HeldRow[]>(
      `SELECT s.id, s.occurred_at, s.actor_id, s.actor_role, s.action, s.entity_type, s.entity_id, s.before, s.after
       FROM audit_sealed s
       WHERE s.scope = $1 AND s.ref = $2 AND NOT EXISTS (SELECT 1 FROM audit_log a WHERE a.id = s.id)
       ORDER BY s.held_seq`,
      [seal.scope, seal.ref],
    );
    await this.append(manager, ...held.map(entryOf));
    return held.length;
  }

  /**
   * For facts sealed for good (bids on a problem cancelled before its proposals opened): one chain
   * entry commits to the held entries by a digest of their canonical content, naming neither
   * firms nor a count, so the log still covers them and `verify` can check them.
   */
  async anchorSealed(manager: EntityManager, seal: Seal, actor: Actor): Promise<void> {
    const digest = await this.sealedDigest(manager, seal);
    await this.record(manager, {
      actor,
      action: 'audit.sealed_anchored',
      entityType: 'problem',
      entityId: seal.ref,
      after: { scope: seal.scope, digest },
    });
  }

  private async anchorHolds(entry: AuditEntry): Promise<boolean> {
    const after = entry.after as { scope?: SealScope; digest?: string } | null;
    if (!after?.scope || !entry.entityId) return false;
    const digest = await this.sealedDigest(this.dataSource.manager, { scope: after.scope, ref: entry.entityId });
    return digest === after.digest;
  }

  private async sealedDigest(manager: EntityManager, seal: Seal): Promise<string> {
    const held = await manager.query<HeldRow[]>(
      `SELECT id, occurred_at, actor_id, actor_role, action, entity_type, entity_id, before, after
       FROM audit_sealed WHERE scope = $1 AND ref = $2 ORDER BY held_seq`,
      [seal.scope, seal.ref],
    );
    return sha256Hex(held.map((r) => heldHash(r)).join(''));
  }

  async list(query: AuditQuery): Promise<Page<AuditEntry>> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const after = decodeCursor<{ seq: string }>(query.cursor, ['seq']);
    const qb = this.dataSource
      .getRepository(AuditEntry)
      .createQueryBuilder('a')
      .orderBy('a.seq', 'DESC')
      .limit(limit + 1);
    if (query.entityType) qb.andWhere('a.entityType = :entityType', { entityType: query.entityType });
    if (query.entityId) qb.andWhere('a.entityId = :entityId', { entityId: query.entityId });
    if (query.actorId) qb.andWhere('a.actorId = :actorId', { actorId: query.actorId });
    if (query.action) qb.andWhere('a.action = :action', { action: query.action });
    if (query.from) qb.andWhere('a.occurredAt >= :from', { from: query.from });
    if (query.to) qb.andWhere('a.occurredAt < :to', { to: query.to });
    if (after) qb.andWhere('a.seq < :seq', { seq: after.seq });
    const rows = await qb.getMany();
    return toPage(
      rows,
      limit,
      (r) => ({ seq: r.seq }),
      (r) => r,
    );
  }

  /** Walks the whole chain in order and names the first entry whose hash or link does not hold. */
  async verify(): Promise<ChainVerification> {
    const repo = this.dataSource.getRepository(AuditEntry);
    let prevHash = GENESIS_HASH;
    let lastSeq: string | null = null;
    let checked = 0;
    for (;;) {
      const qb = repo.createQueryBuilder('a').orderBy('a.seq', 'ASC').limit(VERIFY_BATCH);
      if (lastSeq) qb.where('a.seq > :seq', { seq: lastSeq });
      const batch = await qb.getMany();
      for (const entry of batch) {
        if (entry.prevHash !== prevHash) {
          return { valid: false, checked, lastSeq, firstBroken: { seq: entry.seq, id: entry.id, reason: 'prev_hash_mismatch' } };
        }
        if (auditHash(entry) !== entry.hash) {
          return { valid: false, checked, lastSeq, firstBroken: { seq: entry.seq, id: entry.id, reason: 'hash_mismatch' } };
        }
        if (entry.action === 'audit.sealed_anchored' && !(await this.anchorHolds(entry))) {
          return { valid: false, checked, lastSeq, firstBroken: { seq: entry.seq, id: entry.id, reason: 'sealed_digest_mismatch' } };
        }
        prevHash = entry.hash;
        lastSeq = entry.seq;
        checked += 1;
      }
      if (batch.length < VERIFY_BATCH) return { valid: true, checked, lastSeq, firstBroken: null };
    }
  }
}

import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { Actor, decodeCursor, DEFAULT_PAGE_SIZE, Page, toPage } from '@app/common';
import { AuditEntry } from './audit-entry.entity';
import { auditHash, GENESIS_HASH, toJsonValue } from './audit-hash';

export interface AuditRecord {
  actor: Actor;
  action: string;
  entityType: string;
  entityId?: string | null;
  before?: unknown;
  after?: unknown;
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
  reason: 'hash_mismatch' | 'prev_hash_mismatch';
}

export class ChainVerification {
  valid: boolean;
  checked: number;
  lastSeq: string | null;
  firstBroken: BrokenLink | null;
}

/** Arbitrary constant naming the advisory lock that serialises writers of the chain. */
const AUDIT_CHAIN_LOCK = 7_106_2025;
const VERIFY_BATCH = 1000;

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
    await manager.query('SELECT pg_advisory_xact_lock($1)', [AUDIT_CHAIN_LOCK]);
    const last = await manager.query<{ hash: string }[]>('SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1');
    const fields = {
      id: randomUUID(),
      occurredAt: new Date(),
      actorId: record.actor?.id ?? null,
      actorRole: record.actor?.role ?? null,
      action: record.action,
      entityType: record.entityType,
      entityId: record.entityId ?? null,
      before: toJsonValue(record.before),
      after: toJsonValue(record.after),
      prevHash: last[0]?.hash ?? GENESIS_HASH,
    };
    await manager.insert(AuditEntry, { ...fields, hash: auditHash(fields) });
  }

  async list(query: AuditQuery): Promise<Page<AuditEntry>> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const after = decodeCursor<{ seq: string }>(query.cursor, ['seq']);
    const qb = this.dataSource.getRepository(AuditEntry).createQueryBuilder('a').orderBy('a.seq', 'DESC').limit(limit + 1);
    if (query.entityType) qb.andWhere('a.entityType = :entityType', { entityType: query.entityType });
    if (query.entityId) qb.andWhere('a.entityId = :entityId', { entityId: query.entityId });
    if (query.actorId) qb.andWhere('a.actorId = :actorId', { actorId: query.actorId });
    if (query.action) qb.andWhere('a.action = :action', { action: query.action });
    if (query.from) qb.andWhere('a.occurredAt >= :from', { from: query.from });
    if (query.to) qb.andWhere('a.occurredAt < :to', { to: query.to });
    if (after) qb.andWhere('a.seq < :seq', { seq: after.seq });
    const rows = await qb.getMany();
    return toPage(rows, limit, (r) => ({ seq: r.seq }), (r) => r);
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
        prevHash = entry.hash;
        lastSeq = entry.seq;
        checked += 1;
      }
      if (batch.length < VERIFY_BATCH) return { valid: true, checked, lastSeq, firstBroken: null };
    }
  }
}

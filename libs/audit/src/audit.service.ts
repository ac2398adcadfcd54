import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { Actor, auditWriteDuration, decodeCursor, DEFAULT_PAGE_SIZE, Page, toPage } from '@app/common';
import { AuditEntry } from './audit-entry.entity';
import { AuditRow, toJsonValue } from './audit-hash';
import { AuditTreeService, ChainVerification } from './audit-tree.service';
import { Seal, sealedDigest } from './sealed-digest';

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
  /** Place in the chain and leaf index in the Merkle tree; null until the worker has chained it (seconds). */
  treeIndex: number | null;
  prevHash: string | null;
  hash: string | null;
}

/** An entry with its link in the chain (null while it waits to be chained). */
export type ChainedEntry = AuditEntry & { treeIndex: number | null; prevHash: string | null; hash: string | null };

/** An entry's content, as appended to the log. */
type Entry = Omit<AuditEntry, 'seq'>;

function entryOf(r: AuditRow): Entry {
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

/** Entries per INSERT when many are appended at once (10 columns each; PostgreSQL binds at most 65,535). */
const APPEND_CHUNK = 500;

@Injectable()
export class AuditService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tree: AuditTreeService,
  ) {}

  /**
   * Appends an entry in the caller's transaction, so the change and its audit row commit
   * (or roll back) together. No lock: the worker links committed rows into the chain and the
   * Merkle tree in commit order (AuditTreeService), so writers across the city never queue.
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

  /** Appends entries to the log (content only: the worker chains them once committed). */
  private async append(manager: EntityManager, ...entries: Entry[]): Promise<void> {
    if (entries.length === 0) return;
    const end = auditWriteDuration.startTimer();
    try {
      // In chunks, so a release of thousands of entries stays under the bind-parameter limit.
      for (let i = 0; i < entries.length; i += APPEND_CHUNK) await manager.insert(AuditEntry, entries.slice(i, i + APPEND_CHUNK));
    } finally {
      end();
    }
  }

  /**
   * Holds an entry about a sealed fact (who bid, an evaluator's scores) outside the chain, in the
   * caller's transaction. Nothing reads held rows but `release`, which appends them to the chain
   * when the rule opens them; until then no list, filter, count, seq gap or hash link of the log
   * shows that they exist.
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
    const held = await manager.query<AuditRow[]>(
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
    const digest = await sealedDigest(manager, seal);
    await this.record(manager, {
      actor,
      action: 'audit.sealed_anchored',
      entityType: 'problem',
      entityId: seal.ref,
      after: { scope: seal.scope, digest },
    });
  }

  /** Newest first; catches the chain up first, so an admin sees every committed entry linked. */
  async list(query: AuditQuery): Promise<Page<ChainedEntry>> {
    await this.tree.catchUp();
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
    const links = rows.length
      ? await this.dataSource.query<{ seq: string; pos: string; prev_hash: string; hash: string }[]>(
          'SELECT seq, pos, prev_hash, hash FROM audit_chain WHERE seq = ANY($1::bigint[])',
          [rows.map((r) => r.seq)],
        )
      : [];
    const bySeq = new Map(links.map((l) => [l.seq, l]));
    return toPage(
      rows.map((r) => {
        const link = bySeq.get(r.seq);
        return Object.assign(r, {
          treeIndex: link ? Number(link.pos) : null,
          prevHash: link?.prev_hash ?? null,
          hash: link?.hash ?? null,
        });
      }),
      limit,
      (r) => ({ seq: r.seq }),
      (r) => r,
    );
  }

  /** Rehashes the log into the chain and the tree and checks them against signed heads (AuditTreeService.verify). */
  verify(options: Parameters<AuditTreeService['verify']>[0] = {}): Promise<ChainVerification> {
    return this.tree.verify(options);
  }
}

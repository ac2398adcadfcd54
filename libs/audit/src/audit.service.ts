import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { Actor, auditWriteDuration, decodeCursor, DEFAULT_PAGE_SIZE, Page, toPage } from '@app/common';
import { db, named, prepare } from '@app/database';
import { AuditRow, toJsonValue } from './audit-hash';
import { AuditTreeService } from './audit-tree.service';
import { ChainVerification } from './audit-tree-views';
import { VerifyOptions } from './audit-verify';
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

/** An entry of the log (audit_log), as this library hands it out. */
export interface AuditEntry {
  /** Insertion order (the chain's order is audit_chain.pos: commit order). bigint comes back from pg as a string. */
  seq: string;
  id: string;
  occurredAt: Date;
  actorId: string | null;
  actorRole: string | null;
  action: string;
  entityType: string;
  entityId: string | null;
  before: object | null;
  after: object | null;
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

/** The entry for a record of a change happening now. */
function newEntry(record: AuditRecord): Entry {
  return {
    id: randomUUID(),
    occurredAt: new Date(),
    actorId: record.anonymous ? null : (record.actor?.id ?? null),
    actorRole: record.actor?.role ?? null,
    action: record.action,
    entityType: record.entityType,
    entityId: record.entityId ?? null,
    before: toJsonValue(record.before),
    after: toJsonValue(record.after),
  };
}

/** jsonb as a parameter: JSON text (node-postgres would turn a bare array into a PostgreSQL array). */
const jsonb = (value: object | null): string | null => (value === null ? null : JSON.stringify(value));

/** An entry's content as an audit_log / audit_sealed row. */
function rowOf(e: Entry) {
  return {
    id: e.id,
    occurred_at: e.occurredAt,
    actor_id: e.actorId,
    actor_role: e.actorRole,
    action: e.action,
    entity_type: e.entityType,
    entity_id: e.entityId,
    before: jsonb(e.before),
    after: jsonb(e.after),
  };
}

type EntryRow = ReturnType<typeof rowOf>;

/** The columns of an entry, as values of a prepared statement. */
const entryColumns = (p: EntryRow) =>
  named(p, ['id', 'occurred_at', 'actor_id', 'actor_role', 'action', 'entity_type', 'entity_id', 'before', 'after']);

/** One entry appended (every audited change), prepared once. */
const appendOne = prepare((database, p: EntryRow) => database.insertInto('audit_log').values(entryColumns(p)));

/** One sealed entry held (every bid and score), prepared once. */
const holdSealed = prepare((database, p: EntryRow & { scope: string; ref: string }) =>
  database.insertInto('audit_sealed').values({ scope: p.scope, ref: p.ref, ...entryColumns(p) }),
);

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
    await this.append(manager, newEntry(record));
  }

  /** Appends entries to the log (content only: the worker chains them once committed). */
  private async append(manager: EntityManager, ...entries: Entry[]): Promise<void> {
    if (entries.length === 0) return;
    const end = auditWriteDuration.startTimer();
    try {
      // One entry (every audited change) through the prepared insert; releases of many below.
      if (entries.length === 1) {
        await appendOne(manager, rowOf(entries[0]!));
        return;
      }
      // In chunks, so a release of thousands of entries stays under the bind-parameter limit.
      for (let i = 0; i < entries.length; i += APPEND_CHUNK) {
        await db(manager)
          .insertInto('audit_log')
          .values(entries.slice(i, i + APPEND_CHUNK).map(rowOf))
          .execute();
      }
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
    await holdSealed(manager, { scope: seal.scope, ref: seal.ref, ...rowOf(newEntry(record)) });
  }

  /**
   * Appends every held entry of the seal not yet in the chain, in the order they were held and
   * with their original time, in the caller's transaction. Idempotent: an entry is appended once
   * (audit_log.id is unique), so calling it again later releases only what was held since.
   */
  async release(manager: EntityManager, seal: Seal): Promise<number> {
    const held = await db(manager)
      .selectFrom('audit_sealed as s')
      .select([
        's.id',
        's.occurred_at',
        's.actor_id',
        's.actor_role',
        's.action',
        's.entity_type',
        's.entity_id',
        's.before',
        's.after',
      ])
      .where('s.scope', '=', seal.scope)
      .where('s.ref', '=', seal.ref)
      .where((eb) => eb.not(eb.exists(eb.selectFrom('audit_log as a').select('a.id').whereRef('a.id', '=', 's.id'))))
      .orderBy('s.held_seq')
      .$castTo<AuditRow>()
      .execute();
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
    let qb = db(this.dataSource)
      .selectFrom('audit_log')
      .select([
        'seq',
        'id',
        'occurred_at as occurredAt',
        'actor_id as actorId',
        'actor_role as actorRole',
        'action',
        'entity_type as entityType',
        'entity_id as entityId',
        'before',
        'after',
      ])
      .orderBy('seq', 'desc')
      .limit(limit + 1)
      .$castTo<AuditEntry>();
    if (query.entityType) qb = qb.where('entity_type', '=', query.entityType);
    if (query.entityId) qb = qb.where('entity_id', '=', query.entityId);
    if (query.actorId) qb = qb.where('actor_id', '=', query.actorId);
    if (query.action) qb = qb.where('action', '=', query.action);
    if (query.from) qb = qb.where('occurred_at', '>=', query.from);
    if (query.to) qb = qb.where('occurred_at', '<', query.to);
    if (after) qb = qb.where('seq', '<', after.seq);
    const rows = await qb.execute();
    const links = rows.length
      ? await db(this.dataSource)
          .selectFrom('audit_chain')
          .select(['seq', 'pos', 'prev_hash', 'hash'])
          .where(
            'seq',
            'in',
            rows.map((r) => r.seq),
          )
          .execute()
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
  verify(options: VerifyOptions = {}): Promise<ChainVerification> {
    return this.tree.verify(options);
  }
}

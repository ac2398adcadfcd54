import { getQueueToken } from '@nestjs/bullmq';
import { Injectable, OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { sql } from 'kysely';
import { DataSource } from 'typeorm';
import { db } from '@app/database';
import { dbPool, onScrape, outboxLag, outboxPending, queueJobs, withTimeout } from '@app/common';
import { QUEUES } from './queues';

/** The counters of node-postgres's Pool that we read. */
interface PoolCounts {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
}

export interface ProbeResult {
  ok: boolean;
  details: Record<string, { status: 'up' | 'down'; message?: string }>;
}

/** Probes and gauges shared by the API and the worker: database, Redis, queue depths, outbox lag. */
@Injectable()
export class OperationsService implements OnModuleInit {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly moduleRef: ModuleRef,
  ) {}

  onModuleInit(): void {
    onScrape(() => this.collect());
  }

  private queues(): Queue[] {
    return Object.values(QUEUES).map((name) => this.moduleRef.get<Queue>(getQueueToken(name), { strict: false }));
  }

  /** PostgreSQL and Redis each answer within 1.5 s (so a readiness check is done within 2 s). */
  async probe(): Promise<ProbeResult> {
    const check = async (fn: () => Promise<unknown>) => {
      try {
        await withTimeout(fn(), 1500);
        return { status: 'up' as const };
      } catch (err) {
        return { status: 'down' as const, message: err instanceof Error ? err.message : String(err) };
      }
    };
    const [database, redis] = await Promise.all([
      check(() => sql<{ one: number }>`select 1 as one`.execute(db(this.dataSource))),
      check(async () => ((await this.queues()[0]!.client) as unknown as Redis).ping()),
    ]);
    return { ok: database.status === 'up' && redis.status === 'up', details: { database, redis } };
  }

  /** Retention: outbox rows relayed to the queue more than `days` ago. Returns rows deleted. */
  async pruneDeliveredOutbox(days: number): Promise<number> {
    const { numDeletedRows } = await db(this.dataSource)
      .deleteFrom('outbox')
      .where('dispatched_at', 'is not', null)
      .where('dispatched_at', '<', sql<Date>`now() - make_interval(days => ${days})`)
      .executeTakeFirst();
    return Number(numDeletedRows);
  }

  private async collect(): Promise<void> {
    const pool = (this.dataSource.driver as unknown as { master?: PoolCounts }).master;
    if (pool) {
      dbPool.set({ state: 'total' }, pool.totalCount);
      dbPool.set({ state: 'idle' }, pool.idleCount);
      dbPool.set({ state: 'waiting' }, pool.waitingCount);
    }
    const row = await db(this.dataSource)
      .selectFrom('outbox')
      .select([sql<string>`count(*)`.as('pending'), sql<string | null>`extract(epoch FROM now() - min(created_at))`.as('lag')])
      .where('dispatched_at', 'is', null)
      .executeTakeFirst();
    outboxPending.set(Number(row?.pending ?? 0));
    outboxLag.set(Number(row?.lag ?? 0));
    await Promise.all(
      this.queues().map(async (queue) => {
        const counts = await withTimeout(queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed'), 1000);
        for (const [state, n] of Object.entries(counts)) queueJobs.set({ queue: queue.name, state }, n);
      }),
    );
  }
}

import { getQueueToken } from '@nestjs/bullmq';
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { AppConfig, withTimeout } from '@app/common';
import { db } from '@app/database';

const BATCH_SIZE = 100;
/** While Redis is down ioredis queues commands; don't hold the claimed rows longer than this. */
const ADD_TIMEOUT_MS = 5000;

/**
 * Moves committed outbox rows to their BullMQ queues. Rows are claimed with SKIP LOCKED so
 * several workers can relay at once; a row is marked dispatched only after Redis accepted the
 * job, and the BullMQ job id is derived from the row id, so a crash between the two steps
 * cannot create a duplicate job. When Redis is down the rows simply wait for the next round.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;
  private stopped = false;
  /** When the last relay round finished (successfully or not): the worker's liveness signal. */
  lastRoundAt = Date.now();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly moduleRef: ModuleRef,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule(0);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.relayOnce().catch((err: unknown) => {
        this.logger.warn(`Outbox relay round failed, will retry: ${String(err)}`);
        return 0;
      });
      void this.running.then((moved) => {
        this.lastRoundAt = Date.now();
        this.schedule(moved === BATCH_SIZE ? 0 : this.config.get('OUTBOX_POLL_INTERVAL_MS'));
      });
    }, delayMs);
  }

  /** One relay round; returns how many jobs were moved to Redis. */
  async relayOnce(): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const rows = await db(manager)
        .selectFrom('outbox')
        .select(['id', 'queue', 'job_name', 'payload', 'run_at', 'attempts'])
        .where('dispatched_at', 'is', null)
        .orderBy('id', 'asc')
        .limit(BATCH_SIZE)
        .forUpdate()
        .skipLocked()
        .execute();
      let moved = 0;
      for (const row of rows) {
        try {
          const added = this.queue(row.queue).add(row.job_name, row.payload, {
            jobId: `outbox-${row.id}`,
            delay: row.run_at ? Math.max(0, row.run_at.getTime() - Date.now()) : undefined,
            attempts: this.config.get('JOB_ATTEMPTS'),
            backoff: { type: 'exponential', delay: this.config.get('JOB_BACKOFF_MS') },
            removeOnComplete: { age: 7 * 24 * 3600, count: 10_000 },
            removeOnFail: { age: 30 * 24 * 3600 },
          });
          await withTimeout(added, ADD_TIMEOUT_MS, `Redis did not accept the job within ${ADD_TIMEOUT_MS} ms`);
          await db(manager)
            .updateTable('outbox')
            .set({ dispatched_at: new Date(), attempts: row.attempts + 1, last_error: null })
            .where('id', '=', row.id)
            .execute();
          moved += 1;
        } catch (err) {
          // Redis unreachable (or unknown queue): keep the row for the next round and stop this one.
          await db(manager)
            .updateTable('outbox')
            .set({ attempts: row.attempts + 1, last_error: String(err).slice(0, 500) })
            .where('id', '=', row.id)
            .execute();
          this.logger.warn(`Could not relay outbox row ${row.id} to ${row.queue}: ${String(err)}`);
          break;
        }
      }
      return moved;
    });
  }

  private queue(name: string): Queue {
    return this.moduleRef.get<Queue>(getQueueToken(name), { strict: false });
  }
}

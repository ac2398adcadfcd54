import { Logger, OnModuleDestroy } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import { redisFallbacks } from '../metrics/metrics';
import { withTimeout } from '../time/with-timeout';

type StorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/**
 * The per-IP auth rate limit, counted in Redis so it holds across API instances, that never makes a
 * request wait on a stalled Redis: each count has `timeoutMs`, commands fail at once while Redis is
 * unreachable (no offline queue), and on any failure the request goes on uncounted. The login is
 * then still guarded by the per-account lockout kept in PostgreSQL (AuthService). Each fallback is
 * logged (at most every 10 s) and counted in redis_fallback_total{use="rate_limit"}.
 */
export class ResilientThrottlerStorage implements ThrottlerStorage, OnModuleDestroy {
  private readonly logger = new Logger('RateLimit');
  private readonly inner: ThrottlerStorageRedisService;
  private lastWarning = 0;

  constructor(
    redisUrl: string,
    private readonly timeoutMs: number,
  ) {
    this.inner = new ThrottlerStorageRedisService(redisUrl, {
      keyPrefix: 'throttle:',
      commandTimeout: timeoutMs,
      connectTimeout: Math.max(timeoutMs, 1000),
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
    });
    // ioredis reconnects by itself; without a listener an 'error' event would be thrown.
    this.inner.redis.on('error', () => undefined);
  }

  async increment(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string): Promise<StorageRecord> {
    try {
      return await withTimeout(this.inner.increment(key, ttl, limit, blockDuration, throttlerName), this.timeoutMs);
    } catch (err) {
      redisFallbacks.inc({ use: 'rate_limit' });
      if (Date.now() - this.lastWarning > 10_000) {
        this.lastWarning = Date.now();
        this.logger.warn(
          `Redis unavailable for the auth rate limit (${err instanceof Error ? err.message : String(err)}); ` +
            'requests pass uncounted, the per-account lockout in PostgreSQL still applies',
        );
      }
      return { totalHits: 0, timeToExpire: Math.ceil(ttl / 1000), isBlocked: false, timeToBlockExpire: 0 };
    }
  }

  onModuleDestroy(): void {
    this.inner.onModuleDestroy();
  }
}

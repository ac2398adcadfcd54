import { InjectQueue } from '@nestjs/bullmq';
import { Controller, Get, VERSION_NEUTRAL } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { ApiDoc, ErrorCode, Public } from '@app/common';
import { QUEUES } from '@app/jobs';

const REDIS_TIMEOUT_MS = 1500;

@ApiTags('health')
@Controller({ path: 'health', version: VERSION_NEUTRAL })
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    @InjectQueue(QUEUES.mail) private readonly queue: Queue,
  ) {}

  /** 200 when PostgreSQL and Redis both answer, 503 (with details) otherwise. */
  @Public()
  @Get()
  @HealthCheck()
  @ApiDoc({
    summary: 'Check service health',
    description: '200 when PostgreSQL and Redis both answer; 503 with the state of each otherwise.',
    errors: [ErrorCode.SERVICE_UNAVAILABLE],
  })
  checkHealth() {
    return this.health.check([() => this.db.pingCheck('database', { timeout: 1500 }), () => this.redis()]);
  }

  private async redis() {
    const indicator = this.indicators.check('redis');
    try {
      const client = (await this.queue.client) as unknown as Redis;
      await Promise.race([
        client.ping(),
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), REDIS_TIMEOUT_MS)),
      ]);
      return indicator.up();
    } catch (err) {
      return indicator.down({ message: String(err) });
    }
  }
}

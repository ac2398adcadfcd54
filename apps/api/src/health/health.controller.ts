import { Controller, Get, HttpCode, VERSION_NEUTRAL } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { ApiDoc, ErrorCode, Public } from '@app/common';
import { OperationsService } from '@app/jobs';
import { LivenessView } from './health.view';

@ApiTags('health')
@Controller({ path: 'health', version: VERSION_NEUTRAL })
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly operations: OperationsService,
  ) {}

  /** Liveness: the process answers. Never touches PostgreSQL or Redis, so an outage does not get it restarted. */
  @Public()
  @Get('live')
  @HttpCode(200)
  @ApiOkResponse({ type: LivenessView })
  @ApiDoc({
    summary: 'Check that the service process answers',
    description:
      'Liveness: 200 while the process answers; never touches PostgreSQL or Redis, so an outage does not get it restarted.',
    errors: [],
  })
  checkLiveness(): LivenessView {
    return { status: 'ok' };
  }

  /** Readiness: 200 when PostgreSQL and Redis both answer within 1.5 s, 503 (with details) otherwise. */
  @Public()
  @Get('ready')
  @HealthCheck()
  @ApiDoc({
    summary: 'Check that the service is ready',
    description: 'Readiness: 200 when PostgreSQL and Redis both answer within 1.5 s; 503 with the state of each otherwise.',
    errors: [ErrorCode.SERVICE_UNAVAILABLE],
  })
  checkReadiness() {
    return this.checkHealth();
  }

  /** The same as /health/ready (kept for existing probes). */
  @Public()
  @Get()
  @HealthCheck()
  @ApiDoc({
    summary: 'Check service health',
    description:
      'The same as /health/ready, kept for existing probes: 200 when PostgreSQL and Redis both answer; 503 with the state of each otherwise.',
    errors: [ErrorCode.SERVICE_UNAVAILABLE],
  })
  checkHealth() {
    return this.health.check([
      async () => {
        const probe = await this.operations.probe();
        const result = {};
        for (const [name, part] of Object.entries(probe.details)) {
          const indicator = this.indicators.check(name);
          Object.assign(result, part.status === 'up' ? indicator.up() : indicator.down({ message: part.message }));
        }
        return result;
      },
    ]);
  }
}

import { Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { PassportModule } from '@nestjs/passport';
import { ThrottlerModule } from '@nestjs/throttler';
import { LoggerModule } from 'nestjs-pino';
import pino from 'pino';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { AppConfig, AppConfigModule } from '@app/common';
import { AllExceptionsFilter, JwtAuthGuard, ResilientThrottlerStorage, RolesGuard } from '@app/common/http';
import { DatabaseModule } from '@app/database';
import { AuditModule } from '@app/audit';
import { JobsModule } from '@app/jobs';
import { IdentityModule } from '@app/identity';
import { AreasModule } from '@app/areas';
import { EnterprisesModule } from '@app/enterprises';
import { IndicatorsModule } from '@app/indicators';
import { NotificationsModule } from '@app/notifications';
import { ProblemsModule } from '@app/problems';
import { ProposalsModule } from '@app/proposals';
import { EvaluationModule } from '@app/evaluation';
import { OcdsModule } from '@app/ocds';
import { CalendarModule } from '@app/calendar';
import { ComplaintsModule } from '@app/complaints';
import { OrdersModule } from '@app/orders';
import { NotificationsController } from './notifications/notifications.controller';
import { AuthController, MeController } from './auth/auth.controller';
import { JwtStrategy, LocalStrategy } from './auth/strategies';
import { DepartmentsController, UsersController } from './users/users.controller';
import { EvaluatorsController } from './users/evaluators.controller';
import { CompetitionRulesController } from './problems/rules.controller';
import { AuditController } from './audit/audit.controller';
import { AuditProofsController } from './audit/audit-proofs.controller';
import { HealthController } from './health/health.controller';
import { ProblemMatchingController, ProblemQuestionsController, ProblemsController } from './problems/problems.controller';
import { ProblemDocumentsController } from './problems/problem-documents.controller';
import { MeMatchingController } from './problems/me-matching.controller';
import { ProposalsController } from './proposals/proposals.controller';
import { EvaluationController } from './evaluation/evaluation.controller';
import { OcdsController } from './ocds/ocds.controller';
import { AreasController } from './areas/areas.controller';
import { IndicatorsController } from './indicators/indicators.controller';
import { EnterprisesController } from './enterprises/enterprises.controller';
import { EnterpriseStatusController } from './enterprises/enterprise-status.controller';
import { QueueDashboardController } from './admin/queue-dashboard';
import { EnterpriseImportsController } from './enterprise-imports/enterprise-imports.controller';
import { CalendarController } from './calendar/calendar.controller';
import { ComplaintsController } from './complaints/complaints.controller';
import { ComplaintAttachmentsController } from './complaints/complaint-attachments.controller';
import { OrdersController } from './orders/orders.controller';
import { DeliverableFilesController } from './orders/deliverable-files.controller';
import { MiniCompetitionsController } from './orders/mini-competitions.controller';

export const REQUEST_ID_HEADER = 'x-request-id';

/** A client-sent request id is kept when it looks sane, otherwise a new one is made. */
export function requestIdOf(req: IncomingMessage): string {
  const given = req.headers[REQUEST_ID_HEADER];
  return typeof given === 'string' && /^[\w.:-]{1,100}$/.test(given) ? given : randomUUID();
}

/**
 * Log lines go to stdout in batches of 4 KiB or every half second, whichever comes first: one write
 * per access line cost more than the line itself under load (a system call each). pino flushes
 * what is left when the process exits, also on a crash; only a SIGKILL loses the last half second.
 */
function batchedStdout(): ReturnType<typeof pino.destination> {
  const stream = pino.destination({ dest: 1, sync: false, minLength: 4096 });
  const timer = setInterval(() => {
    try {
      stream.flush();
    } catch {
      clearInterval(timer); // the stream was closed with the application
    }
  }, 500).unref();
  return stream;
}

@Module({
  imports: [
    AppConfigModule,
    LoggerModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        // No per-request middleware (a child logger and a context per request cost as much as a
        // cheap answer): the access line is written by a Fastify hook (request-path.ts) through
        // this module's root logger, which also carries the application's own logs.
        forRoutes: [],
        pinoHttp: [{ level: config.get('LOG_LEVEL') }, batchedStdout()],
      }),
    }),
    ThrottlerModule.forRootAsync({
      inject: [AppConfig],
      // Counts live in Redis, so the limit holds across every API instance, not per process.
      useFactory: (config: AppConfig) => ({
        throttlers: [{ name: 'default', ttl: config.get('AUTH_RATE_TTL_SECONDS') * 1000, limit: config.get('AUTH_RATE_LIMIT') }],
        storage: new ResilientThrottlerStorage(config.get('REDIS_URL'), config.get('REDIS_REQUEST_TIMEOUT_MS')),
      }),
    }),
    TerminusModule,
    DatabaseModule,
    AuditModule,
    JobsModule,
    IdentityModule,
    PassportModule,
    AreasModule,
    EnterprisesModule,
    IndicatorsModule,
    NotificationsModule,
    ProblemsModule,
    ProposalsModule,
    OcdsModule,
    EvaluationModule,
    CalendarModule,
    ComplaintsModule,
    OrdersModule,
  ],
  controllers: [
    HealthController,
    ProblemsController,
    ProblemDocumentsController,
    ProblemQuestionsController,
    ProblemMatchingController,
    MeMatchingController,
    AuthController,
    MeController,
    UsersController,
    EvaluatorsController,
    CompetitionRulesController,
    DepartmentsController,
    AuditController,
    AuditProofsController,
    AreasController,
    IndicatorsController,
    EnterpriseImportsController,
    NotificationsController,
    ProposalsController,
    EvaluationController,
    OcdsController,
    EnterprisesController,
    EnterpriseStatusController,
    QueueDashboardController,
    CalendarController,
    ComplaintsController,
    ComplaintAttachmentsController,
    OrdersController,
    DeliverableFilesController,
    MiniCompetitionsController,
  ],
  providers: [
    { provide: APP_FILTER, useClass: AllExceptionsFilter },
    // Order matters: authenticate first, then check roles.
    { provide: APP_GUARD, useClass: JwtAuthGuard },
    { provide: APP_GUARD, useClass: RolesGuard },
    // How a request's credentials are read (HTTP only: the worker has no passport).
    LocalStrategy,
    JwtStrategy,
  ],
})
export class AppModule {}

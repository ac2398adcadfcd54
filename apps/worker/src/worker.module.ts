import { Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { AppConfig, AppConfigModule } from '@app/common';
import { DatabaseModule } from '@app/database';
import { AuditModule } from '@app/audit';
import { JobsModule } from '@app/jobs';
import { IdentityModule } from '@app/identity';
import { EnterprisesModule } from '@app/enterprises';
import { NotificationsModule } from '@app/notifications';
import { ProblemsModule } from '@app/problems';
import { ProposalsModule } from '@app/proposals';
import { EvaluationModule } from '@app/evaluation';
import { OcdsModule } from '@app/ocds';
import { OrdersModule } from '@app/orders';
import { NotificationsProcessor } from './processors/notifications.processor';
import { MailProcessor } from './processors/mail.processor';
import { ProblemsProcessor } from './processors/problems.processor';
import { EvaluationProcessor } from './processors/evaluation.processor';
import { RetentionSweeper } from './retention/retention.sweeper';
import { ImportsProcessor } from './processors/imports.processor';
import { AuditTreeScheduler } from './audit/audit-tree.scheduler';
import { OrdersProcessor } from './processors/orders.processor';
import { ActivityFoldScheduler } from './indicators/activity-fold.scheduler';

@Module({
  imports: [
    AppConfigModule,
    LoggerModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        pinoHttp: { level: config.get('LOG_LEVEL'), customProps: () => ({ service: 'worker' }) },
      }),
    }),
    DatabaseModule,
    AuditModule,
    JobsModule.withRelay(),
    IdentityModule,
    EnterprisesModule,
    NotificationsModule,
    ProblemsModule,
    ProposalsModule,
    OcdsModule,
    EvaluationModule,
    OrdersModule,
  ],
  providers: [
    MailProcessor,
    NotificationsProcessor,
    ProblemsProcessor,
    EvaluationProcessor,
    ImportsProcessor,
    OrdersProcessor,
    RetentionSweeper,
    AuditTreeScheduler,
    ActivityFoldScheduler,
  ],
})
export class WorkerModule {}

import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { IdentityModule } from '@app/identity';
import { MailModule } from '@app/mail';
import { Enterprise } from './entities/enterprise.entity';
import { EnterpriseStatusHistory } from './entities/enterprise-status-history.entity';
import { EnterprisesService } from './enterprises.service';
import { EnterpriseStatusService } from './enterprise-status.service';
import { EnterpriseMailer } from './enterprise-mailer.service';

@Module({
  imports: [TypeOrmModule.forFeature([Enterprise, EnterpriseStatusHistory]), IdentityModule, MailModule],
  providers: [EnterprisesService, EnterpriseStatusService, EnterpriseMailer],
  exports: [EnterprisesService, EnterpriseStatusService, EnterpriseMailer],
})
export class EnterprisesModule {}

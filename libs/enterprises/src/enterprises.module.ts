import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { IdentityModule } from '@app/identity';
import { MailModule } from '@app/mail';
import { Enterprise } from './entities/enterprise.entity';
import { EnterpriseStatusHistory } from './entities/enterprise-status-history.entity';
import { EnterprisesService } from './enterprises.service';
import { EnterpriseStatusService } from './enterprise-status.service';
import { EnterpriseMailer } from './enterprise-mailer.service';
import { EnterpriseClaimsService } from './claims/enterprise-claims.service';
import { EnterpriseImportsService } from './imports/enterprise-imports.service';
import { RegistrationRequest } from './registration/registration-request.entity';
import { EnterpriseRegistrationService } from './registration/enterprise-registration.service';
import { RegistrationMailer } from './registration/registration-mailer.service';
import { MemberInvitation } from './members/member-invitation.entity';
import { MemberInvitationsService } from './members/member-invitations.service';
import { InvitationMailer } from './members/invitation-mailer.service';
import { ActivitySnapshotsService } from './activity-snapshots.service';

@Module({
  imports: [
    TypeOrmModule.forFeature([Enterprise, EnterpriseStatusHistory, RegistrationRequest, MemberInvitation]),
    IdentityModule,
    MailModule,
  ],
  providers: [
    EnterprisesService,
    EnterpriseStatusService,
    EnterpriseMailer,
    EnterpriseClaimsService,
    EnterpriseImportsService,
    EnterpriseRegistrationService,
    RegistrationMailer,
    MemberInvitationsService,
    InvitationMailer,
    ActivitySnapshotsService,
  ],
  exports: [
    ActivitySnapshotsService,
    EnterprisesService,
    EnterpriseStatusService,
    EnterpriseMailer,
    EnterpriseClaimsService,
    EnterpriseImportsService,
    EnterpriseRegistrationService,
    RegistrationMailer,
    MemberInvitationsService,
    InvitationMailer,
  ],
})
export class EnterprisesModule {}

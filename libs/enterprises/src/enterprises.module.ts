import { Module } from '@nestjs/common';
import { IdentityModule } from '@app/identity';
import { MailModule } from '@app/mail';
import { EnterprisesService } from './enterprises.service';
import { EnterpriseStatusService } from './enterprise-status.service';
import { EnterpriseMailer } from './enterprise-mailer.service';
import { EnterpriseClaimsService } from './claims/enterprise-claims.service';
import { EnterpriseImportsService } from './imports/enterprise-imports.service';
import { ImportValidation } from './imports/import-validation.service';
import { ImportCommit } from './imports/import-commit.service';
import { EnterpriseRegistrationService } from './registration/enterprise-registration.service';
import { RegistrationMailer } from './registration/registration-mailer.service';
import { MemberInvitationsService } from './members/member-invitations.service';
import { InvitationMailer } from './members/invitation-mailer.service';
import { ActivitySnapshotsService } from './activity-snapshots.service';

@Module({
  imports: [IdentityModule, MailModule],
  providers: [
    EnterprisesService,
    EnterpriseStatusService,
    EnterpriseMailer,
    EnterpriseClaimsService,
    EnterpriseImportsService,
    ImportValidation,
    ImportCommit,
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

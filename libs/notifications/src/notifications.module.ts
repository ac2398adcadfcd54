import { Global, Module } from '@nestjs/common';
import { MailModule } from '@app/mail';
import { NotificationsService } from './notifications.service';
import { NotificationMailer } from './notification-mailer.service';

/** Global: every feature notifies through the one NotificationsService. */
@Global()
@Module({
  imports: [MailModule],
  providers: [NotificationsService, NotificationMailer],
  exports: [NotificationsService, NotificationMailer],
})
export class NotificationsModule {}

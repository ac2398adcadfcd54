import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MailModule } from '@app/mail';
import { Notification } from './notification.entity';
import { NotificationsService } from './notifications.service';
import { NotificationMailer } from './notification-mailer.service';

/** Global: every feature notifies through the one NotificationsService. */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([Notification]), MailModule],
  providers: [NotificationsService, NotificationMailer],
  exports: [NotificationsService, NotificationMailer],
})
export class NotificationsModule {}

import { Injectable } from '@nestjs/common';
import { AppConfig } from '@app/common';
import { MailService } from '@app/mail';
import { NotificationsService } from './notifications.service';
import { DeliverEmailsPayload } from './notification-jobs';

/** Sends the e-mail copy of in-app notifications. Marks each one, so a retried job skips sent ones. */
@Injectable()
export class NotificationMailer {
  constructor(
    private readonly notifications: NotificationsService,
    private readonly mail: MailService,
    private readonly config: AppConfig,
  ) {}

  async deliver(payload: DeliverEmailsPayload): Promise<{ sent: number }> {
    const pending = await this.notifications.pendingEmails(payload.notificationIds);
    const base = this.config.get('PUBLIC_URL');
    for (const n of pending) {
      const link = typeof n.data.problemId === 'string' ? `\n\n${base}/api/v1/problems/${n.data.problemId}` : '';
      await this.mail.send({
        to: n.email,
        subject: n.title,
        text: `Xin chào ${n.fullName},\n\n${n.body}${link}\n\n— Hai Phong Solution Marketplace`,
      });
      await this.notifications.markEmailed(n.id);
    }
    return { sent: pending.length };
  }
}

import { Injectable } from '@nestjs/common';
import { AppConfig, Language, PORTAL_ROUTES, portalUrl, translate } from '@app/common';
import { MailService, renderMail } from '@app/mail';
import { NotificationData } from './notification-views';
import { NotificationsService } from './notifications.service';
import { DeliverEmailsPayload, NotificationKind } from './notification-jobs';

type Link = { route: 'problem' | 'proposal' | 'evaluationTask' | 'notifications'; path: string };

/** The portal page a notification's reader should open, from its kind and ids. */
function linkFor(kind: NotificationKind, data: NotificationData): Link {
  const problemId = typeof data.problemId === 'string' ? data.problemId : null;
  const proposalId = typeof data.proposalId === 'string' ? data.proposalId : null;
  const evaluatorTask = kind === 'panel.assigned' || (kind === 'evaluation.reminder' && data.reminder !== 'officer');
  if (evaluatorTask && problemId) return { route: 'evaluationTask', path: PORTAL_ROUTES.evaluationTask(problemId) };
  if (proposalId && (kind === 'proposal.received' || kind === 'award.outcome'))
    return { route: 'proposal', path: PORTAL_ROUTES.proposal(proposalId) };
  if (problemId) return { route: 'problem', path: PORTAL_ROUTES.problem(problemId) };
  return { route: 'notifications', path: PORTAL_ROUTES.notifications() };
}

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
      const lang: Language = n.language;
      const link = linkFor(n.kind, n.data);
      const { text, html } = renderMail({
        lang,
        name: n.fullName,
        paragraphs: [n.body, translate(lang, 'mail.notificationCopy', { url: portalUrl(base, PORTAL_ROUTES.notifications()) })],
        action: { label: translate(lang, `mail.action.${link.route}`), url: portalUrl(base, link.path) },
        department: n.departmentName,
      });
      await this.mail.send({ to: n.email, subject: translate(lang, 'mail.subject', { subject: n.title }), text, html });
      await this.notifications.markEmailed(n.id);
    }
    return { sent: pending.length };
  }
}

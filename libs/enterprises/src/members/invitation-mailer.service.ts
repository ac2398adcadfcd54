import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig, MessageParams, PORTAL_ROUTES, portalUrl, translate } from '@app/common';
import { MemberInvitedPayload } from '@app/jobs';
import { MailService, renderMail, SentMail } from '@app/mail';
import { newOpaqueToken } from '@app/identity';
import { MemberInvitation } from './member-invitation.entity';

/** Mails an invitation: a link to join for a new address, a notice for one that has an account. */
@Injectable()
export class InvitationMailer {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly mail: MailService,
    private readonly config: AppConfig,
  ) {}

  async sendInvitation(payload: MemberInvitedPayload): Promise<SentMail | null> {
    const invitation = await this.dataSource
      .getRepository(MemberInvitation)
      .createQueryBuilder('i')
      .where('i.id = :id AND i.expires_at > now()', { id: payload.invitationId })
      .getOne();
    if (!invitation) return null; // accepted or expired since
    const [context] = await this.dataSource.query<{ firm: string; inviter: string; has_account: boolean }[]>(
      `SELECT e.legal_name AS firm, u.full_name AS inviter,
              EXISTS (SELECT 1 FROM users x WHERE lower(x.email) = $3) AS has_account
         FROM enterprises e, users u WHERE e.id = $1 AND u.id = $2`,
      [invitation.enterpriseId, invitation.invitedBy, invitation.email],
    );
    if (!context) return null;
    const lang = invitation.language;
    const base = this.config.get('PUBLIC_URL');
    const values = { firm: context.firm, inviter: context.inviter, hours: this.config.get('PASSWORD_SETUP_TTL_HOURS') };
    const t = (key: string, params?: MessageParams) => translate(lang, `mail.memberInvitation.${key}`, params);
    let paragraphs: string[];
    let action: { label: string; url: string };
    if (context.has_account) {
      // The holder learns it; the inviter never does (the same pending invitation either way).
      paragraphs = [t('invited', values), t('hasAccount'), t('notYou')];
      action = { label: translate(lang, 'mail.action.signIn'), url: portalUrl(base, PORTAL_ROUTES.signIn()) };
    } else {
      // The token is made here, so no secret waits in the outbox; a resend replaces it.
      const { token, hash } = newOpaqueToken(invitation.id);
      await this.dataSource.getRepository(MemberInvitation).update({ id: invitation.id }, { tokenHash: hash });
      paragraphs = [t('invited', values), t('choosePassword', values), t('notYou')];
      action = {
        label: translate(lang, 'mail.action.acceptInvitation'),
        url: portalUrl(base, PORTAL_ROUTES.acceptInvitation(token)),
      };
    }
    const { text, html } = renderMail({ lang, name: invitation.fullName, paragraphs, action });
    return this.mail.send({
      to: invitation.email,
      subject: translate(lang, 'mail.subject', { subject: t('subject', values) }),
      text,
      html,
    });
  }
}

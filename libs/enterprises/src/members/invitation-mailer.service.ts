import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { sql } from 'kysely';
import { DataSource } from 'typeorm';
import { db } from '@app/database';
import { AppConfig, MessageParams, PORTAL_ROUTES, portalUrl, translate } from '@app/common';
import { MemberInvitedPayload } from '@app/jobs';
import { MailService, renderMail, SentMail } from '@app/mail';
import { newOpaqueToken } from '@app/identity';
import { selectInvitations, toInvitation } from './member-invitation';

/** Mails an invitation: a link to join for a new address, a notice for one that has an account. */
@Injectable()
export class InvitationMailer {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly mail: MailService,
    private readonly config: AppConfig,
  ) {}

  async sendInvitation(payload: MemberInvitedPayload): Promise<SentMail | null> {
    const row = await selectInvitations(this.dataSource)
      .where('i.id', '=', payload.invitationId)
      .where('i.expires_at', '>', sql<Date>`now()`)
      .executeTakeFirst();
    if (!row) return null; // accepted or expired since
    const invitation = toInvitation(row);
    const context = await db(this.dataSource)
      .selectFrom('enterprises as e')
      .crossJoin('users as u')
      .select((eb) => [
        'e.legal_name as firm',
        'u.full_name as inviter',
        eb
          .exists(
            eb
              .selectFrom('users as x')
              .select(sql`1`.as('one'))
              .where(sql<boolean>`lower(x.email) = ${invitation.email}`),
          )
          .as('has_account'),
      ])
      .where('e.id', '=', invitation.enterpriseId)
      .where('u.id', '=', invitation.invitedBy)
      .executeTakeFirst();
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
      await db(this.dataSource)
        .updateTable('member_invitations')
        .set({ token_hash: hash })
        .where('id', '=', invitation.id)
        .execute();
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

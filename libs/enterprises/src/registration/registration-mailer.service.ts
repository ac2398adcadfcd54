import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { sql } from 'kysely';
import { DataSource } from 'typeorm';
import { db } from '@app/database';
import { AppConfig, Language, MessageParams, PORTAL_ROUTES, portalUrl, translate } from '@app/common';
import { RegistrationOnExistingAccountPayload, RegistrationRequestedPayload } from '@app/jobs';
import { MailService, renderMail, SentMail } from '@app/mail';
import { newOpaqueToken } from '@app/identity';
import { selectRegistrationRequests, toRegistrationRequest } from './registration-request';

/** The two mails a registration can cause; called by the worker. */
@Injectable()
export class RegistrationMailer {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly mail: MailService,
    private readonly config: AppConfig,
  ) {}

  /** The confirmation link. Its token is made here, so no secret waits in the outbox; a resend replaces it. */
  async sendConfirmation(payload: RegistrationRequestedPayload): Promise<SentMail | null> {
    const row = await selectRegistrationRequests(this.dataSource)
      .where('r.id', '=', payload.requestId)
      .where('r.expires_at', '>', sql<Date>`now()`)
      .executeTakeFirst();
    if (!row) return null; // confirmed or expired since: nothing to send
    const request = toRegistrationRequest(row);
    const { token, hash } = newOpaqueToken(request.id);
    await db(this.dataSource)
      .updateTable('registration_requests')
      .set({ token_hash: hash })
      .where('id', '=', request.id)
      .execute();
    const lang = request.language;
    const t = (key: string, params?: MessageParams) => translate(lang, `mail.registration.${key}`, params);
    const paragraphs = [
      t('asked', { firm: request.profile.legalName, taxCode: request.profile.taxCode }),
      t('confirm', { hours: this.config.get('REGISTRATION_CONFIRM_TTL_HOURS') }),
      t('notYou'),
    ];
    const action = {
      label: translate(lang, 'mail.action.confirmRegistration'),
      url: portalUrl(this.config.get('PUBLIC_URL'), PORTAL_ROUTES.confirmRegistration(token)),
    };
    const { text, html } = renderMail({ lang, name: request.fullName, paragraphs, action });
    return this.mail.send({ to: request.email, subject: translate(lang, 'mail.subject', { subject: t('subject') }), text, html });
  }

  /** The holder of an address someone registered with is told — and only they learn it has an account. */
  async sendExistingAccountNotice(payload: RegistrationOnExistingAccountPayload): Promise<SentMail | null> {
    const holder = await db(this.dataSource)
      .selectFrom('users')
      .select(['email', 'full_name', sql<Language>`language`.as('language')])
      .where('id', '=', payload.userId)
      .where('status', '=', 'active')
      .executeTakeFirst();
    if (!holder) return null;
    const lang = holder.language;
    const t = (key: string) => translate(lang, `mail.registrationExisting.${key}`);
    const action = {
      label: translate(lang, 'mail.action.signIn'),
      url: portalUrl(this.config.get('PUBLIC_URL'), PORTAL_ROUTES.signIn()),
    };
    const { text, html } = renderMail({
      lang,
      name: holder.full_name,
      paragraphs: [t('asked'), t('signIn'), t('notYou')],
      action,
    });
    return this.mail.send({ to: holder.email, subject: translate(lang, 'mail.subject', { subject: t('subject') }), text, html });
  }
}

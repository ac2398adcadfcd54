import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig, Language, MessageParams, PORTAL_ROUTES, portalUrl, translate } from '@app/common';
import { RegistrationOnExistingAccountPayload, RegistrationRequestedPayload } from '@app/jobs';
import { MailService, renderMail, SentMail } from '@app/mail';
import { newOpaqueToken } from '@app/identity';
import { RegistrationRequest } from './registration-request.entity';

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
    const request = await this.dataSource
      .getRepository(RegistrationRequest)
      .createQueryBuilder('r')
      .where('r.id = :id AND r.expires_at > now()', { id: payload.requestId })
      .getOne();
    if (!request) return null; // confirmed or expired since: nothing to send
    const { token, hash } = newOpaqueToken(request.id);
    await this.dataSource.getRepository(RegistrationRequest).update({ id: request.id }, { tokenHash: hash });
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
    const [holder] = await this.dataSource.query<{ email: string; full_name: string; language: Language }[]>(
      `SELECT email, full_name, language FROM users WHERE id = $1 AND status = 'active'`,
      [payload.userId],
    );
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

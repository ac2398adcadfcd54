import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig, MessageParams, Msg, PORTAL_ROUTES, portalUrl, translate } from '@app/common';
import { AccountCreatedPayload } from '@app/jobs';
import { MailService, renderMail, SentMail } from '@app/mail';
import { db } from '@app/database';
import { selectUsers, toUser } from './user';
import { AuthService } from './auth.service';

/** Composes and sends account mails; called by the worker's mail processor. */
@Injectable()
export class AccountMailer {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly auth: AuthService,
    private readonly mail: MailService,
    private readonly config: AppConfig,
  ) {}

  async sendAccountCreated(payload: AccountCreatedPayload): Promise<SentMail | null> {
    const row = await selectUsers(this.dataSource)
      .select('u.password_hash')
      .where('u.id', '=', payload.userId)
      .executeTakeFirst();
    if (!row) return null; // deleted since: nothing to tell
    const user = { ...toUser(row), passwordHash: row.password_hash };
    const base = this.config.get('PUBLIC_URL');
    const lang = user.language;
    const t = (key: string, params?: MessageParams) => translate(lang, `mail.account.${key}`, params);
    const department = user.organizationId
      ? ((
          await db(this.dataSource)
            .selectFrom('organizations')
            .select('name')
            .where('id', '=', user.organizationId)
            .executeTakeFirst()
        )?.name ?? null)
      : null;
    const paragraphs = [t('created', { role: new Msg(`roles.${user.role}`) }), t('signInEmail', { email: user.email })];
    let action: { label: string; url: string };
    if (payload.needsPasswordSetup && !user.passwordHash) {
      // The token is made here, not when the account was created, so no secret waits in the outbox.
      const token = await this.dataSource.transaction((m) => this.auth.createPasswordSetupToken(m, user.id));
      paragraphs.push(t('choosePassword', { hours: this.config.get('PASSWORD_SETUP_TTL_HOURS') }));
      action = { label: translate(lang, 'mail.action.setPassword'), url: portalUrl(base, PORTAL_ROUTES.setPassword(token)) };
    } else {
      paragraphs.push(t('signInWithGiven'));
      action = { label: translate(lang, 'mail.action.signIn'), url: portalUrl(base, PORTAL_ROUTES.signIn()) };
    }
    paragraphs.push(t('notExpected'));
    const { text, html } = renderMail({ lang, name: user.fullName, paragraphs, action, department });
    return this.mail.send({ to: user.email, subject: translate(lang, 'mail.subject', { subject: t('subject') }), text, html });
  }
}

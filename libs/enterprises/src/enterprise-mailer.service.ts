import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig, Language, MessageParams, PORTAL_ROUTES, portalUrl, translate } from '@app/common';
import { EnterpriseStatusChangedPayload } from '@app/jobs';
import { MailService, renderMail, SentMail } from '@app/mail';
import { db } from '@app/database';
import { sql } from 'kysely';
import type { EnterpriseStatus } from './enterprise.constants';

interface ChangeRow {
  from_status: EnterpriseStatus | null;
  to_status: EnterpriseStatus;
  effective_date: string;
  reason: string | null;
  legal_name: string;
  tax_code: string;
}

/** 2025-07-01 → 01/07/2025, as dates are written in Vietnam. */
const vnDate = (iso: string) => iso.split('-').reverse().join('/');

/** Which `mail.firmStatus.<decision>` texts tell of this change. */
function decision(change: ChangeRow): string {
  if (change.to_status === 'verified' && change.from_status === 'suspended') return 'reinstated';
  return change.to_status;
}

/** Tells a firm's members about its registration and every later decision; called by the worker. */
@Injectable()
export class EnterpriseMailer {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly mail: MailService,
    private readonly config: AppConfig,
  ) {}

  async sendStatusChanged(payload: EnterpriseStatusChangedPayload): Promise<SentMail[]> {
    const q = db(this.dataSource);
    const change: ChangeRow | undefined = await q
      .selectFrom('enterprise_status_history as h')
      .innerJoin('enterprises as e', 'e.id', 'h.enterprise_id')
      .select([
        sql<EnterpriseStatus | null>`h.from_status`.as('from_status'),
        sql<EnterpriseStatus>`h.to_status`.as('to_status'),
        sql<string>`h.effective_date::text`.as('effective_date'),
        'h.reason',
        'e.legal_name',
        'e.tax_code',
      ])
      .where('h.id', '=', payload.historyId)
      .where('h.enterprise_id', '=', payload.enterpriseId)
      .executeTakeFirst();
    if (!change) return []; // gone since: nothing to tell
    const recipients = await q
      .selectFrom('users')
      .select(['email', 'full_name', sql<Language>`language`.as('language')])
      .where('organization_id', '=', payload.enterpriseId)
      .where('status', '=', 'active')
      .orderBy(sql`org_role = 'owner'`, 'desc')
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    const which = decision(change);
    const base = this.config.get('PUBLIC_URL');
    const sent: SentMail[] = [];
    // One message per person: a retry after a partial failure may repeat one, never leak addresses.
    for (const r of recipients) {
      const lang = r.language;
      const t = (key: string, params?: MessageParams) => translate(lang, `mail.firmStatus.${key}`, params);
      const values = { firm: change.legal_name, taxCode: change.tax_code, date: vnDate(change.effective_date) };
      const paragraphs = [t(`${which}.body`, values)];
      if (change.reason) paragraphs.push(t('reason', { reason: change.reason }));
      paragraphs.push(t('effectiveDate', { date: vnDate(change.effective_date) }), t('mistake'));
      const { text, html } = renderMail({
        lang,
        name: r.full_name,
        paragraphs,
        action: {
          label: translate(lang, 'mail.action.firmStatus'),
          url: portalUrl(base, PORTAL_ROUTES.firmStatus(payload.enterpriseId)),
        },
      });
      const subject = translate(lang, 'mail.subject', { subject: t(`${which}.subject`, values) });
      sent.push(await this.mail.send({ to: r.email, subject, text, html }));
    }
    return sent;
  }
}

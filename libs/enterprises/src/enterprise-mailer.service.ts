import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '@app/common';
import { EnterpriseStatusChangedPayload } from '@app/jobs';
import { MailService, SentMail } from '@app/mail';
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

function decision(change: ChangeRow): { subject: string; lines: string[] } {
  const firm = `${change.legal_name} (tax code ${change.tax_code})`;
  const from = vnDate(change.effective_date);
  switch (change.to_status) {
    case 'pending':
      return {
        subject: 'registration received',
        lines: [
          `We have received the registration of ${firm}. A platform administrator will check it and you will be told of the decision by e-mail.`,
          'Until it is verified the firm is not listed in the public directory and cannot submit proposals.',
        ],
      };
    case 'verified':
      return change.from_status === 'suspended'
        ? {
            subject: 'reinstated',
            lines: [`${firm} has been reinstated with effect from ${from}.`, 'It is listed again and may submit proposals.'],
          }
        : {
            subject: 'verified',
            lines: [
              `${firm} has been verified with effect from ${from}.`,
              'It is listed in the public directory and may submit proposals.',
            ],
          };
    case 'rejected':
      return { subject: 'registration rejected', lines: [`The registration of ${firm} has been rejected (decided ${from}).`] };
    case 'suspended':
      return {
        subject: 'suspended',
        lines: [
          `${firm} has been suspended with effect from ${from}.`,
          'While suspended it is not listed and may not submit proposals.',
        ],
      };
    case 'ceased':
      return {
        subject: 'recorded as ceased',
        lines: [`${firm} has been recorded as having ceased operating with effect from ${from}.`],
      };
  }
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
    const changes = await this.dataSource.query<ChangeRow[]>(
      `SELECT h.from_status, h.to_status, h.effective_date::text AS effective_date, h.reason, e.legal_name, e.tax_code
         FROM enterprise_status_history h JOIN enterprises e ON e.id = h.enterprise_id
        WHERE h.id = $1 AND h.enterprise_id = $2`,
      [payload.historyId, payload.enterpriseId],
    );
    const change = changes[0];
    if (!change) return []; // gone since: nothing to tell
    const recipients = await this.dataSource.query<{ email: string; full_name: string }[]>(
      `SELECT email, full_name FROM users WHERE organization_id = $1 AND status = 'active'
        ORDER BY org_role = 'owner' DESC, created_at, id`,
      [payload.enterpriseId],
    );
    const { subject, lines } = decision(change);
    const base = this.config.get('PUBLIC_URL');
    const sent: SentMail[] = [];
    // One message per person: a retry after a partial failure may repeat one, never leak addresses.
    for (const r of recipients) {
      const text = [
        `Xin chào ${r.full_name},`,
        '',
        ...lines,
        ...(change.reason ? ['', `Reason: ${change.reason}`] : []),
        '',
        `Effective date: ${change.effective_date} (${vnDate(change.effective_date)})`,
        `Profile: ${base}/enterprises/${payload.enterpriseId}`,
        '',
        'If you believe this is a mistake, reply to the platform operator.',
      ].join('\n');
      sent.push(
        await this.mail.send({ to: r.email, subject: `${change.legal_name}: ${subject} — Hai Phong Solution Marketplace`, text }),
      );
    }
    return sent;
  }
}

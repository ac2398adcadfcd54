import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '@app/common';
import { AccountCreatedPayload } from '@app/jobs';
import { MailService, SentMail } from '@app/mail';
import { User } from './entities/user.entity';
import { AuthService } from './auth.service';

const ROLE_LABELS: Record<string, string> = {
  admin: 'platform administrator',
  officer: 'department officer',
  evaluator: 'evaluator',
  enterprise: 'enterprise member',
};

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
    const user = await this.dataSource
      .getRepository(User)
      .createQueryBuilder('u')
      .addSelect('u.passwordHash')
      .where('u.id = :id', { id: payload.userId })
      .getOne();
    if (!user) return null; // deleted since: nothing to tell
    const base = this.config.get('PUBLIC_URL');
    const lines = [
      `Xin chào ${user.fullName},`,
      '',
      `An account on the Hai Phong Solution Marketplace has been created for you as ${ROLE_LABELS[user.role] ?? user.role}.`,
      `Sign-in e-mail: ${user.email}`,
    ];
    if (payload.needsPasswordSetup && !user.passwordHash) {
      // The token is made here, not when the account was created, so no secret waits in the outbox.
      const token = await this.dataSource.transaction((m) => this.auth.createPasswordSetupToken(m, user.id));
      const hours = this.config.get('PASSWORD_SETUP_TTL_HOURS');
      lines.push(
        '',
        `Choose your password within ${hours} hours:`,
        `${base}/set-password?token=${encodeURIComponent(token)}`,
        `(or POST {"token": "${token}", "password": "…"} to ${base}/api/v1/auth/password-setup)`,
      );
    } else {
      lines.push('', `Sign in at ${base}/api/v1/auth/login with the password you were given.`);
    }
    lines.push('', 'If you did not expect this e-mail, tell the platform operator.');
    return this.mail.send({ to: user.email, subject: 'Your Hai Phong Solution Marketplace account', text: lines.join('\n') });
  }
}

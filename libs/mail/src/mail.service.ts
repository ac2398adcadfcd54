import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { resolve, join } from 'node:path';
import { createTransport, Transporter } from 'nodemailer';
import { AppConfig } from '@app/common';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
}

export interface SentMail {
  messageId: string;
  /** Where the message was written when no SMTP server is configured. */
  file?: string;
}

/**
 * Sends mail through SMTP when SMTP_URL is set; otherwise renders each message to an .eml file
 * under MAIL_DIR, so development and tests see exactly what would have been sent.
 */
@Injectable()
export class MailService implements OnModuleInit {
  private readonly logger = new Logger(MailService.name);
  private transport: Transporter;
  private mailDir: string | null = null;

  constructor(private readonly config: AppConfig) {}

  async onModuleInit(): Promise<void> {
    const smtpUrl = this.config.get('SMTP_URL');
    if (smtpUrl) {
      this.transport = createTransport(smtpUrl);
    } else {
      this.mailDir = resolve(this.config.get('MAIL_DIR'));
      await mkdir(this.mailDir, { recursive: true, mode: 0o700 });
      await chmod(this.mailDir, 0o700); // also when the folder was made earlier, e.g. by the launcher
      this.transport = createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
    }
  }

  async send(message: MailMessage): Promise<SentMail> {
    const info = (await this.transport.sendMail({ from: this.config.get('MAIL_FROM'), ...message })) as {
      messageId: string;
      message?: Buffer;
    };
    if (!this.mailDir || !info.message) return { messageId: info.messageId };
    const safeId = info.messageId.replace(/[^A-Za-z0-9@.-]/g, '');
    const file = join(this.mailDir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${safeId}.eml`);
    // Mail can carry set-password links: readable by the owner only.
    await writeFile(file, info.message, { mode: 0o600 });
    this.logger.log(`Mail to ${message.to} written to ${file}`);
    return { messageId: info.messageId, file };
  }
}

import nodemailer, { type Transporter } from 'nodemailer';
import type { Notice, Notifier } from '../application/notifier.port';

/** Notices by mail through the SMTP server of SMTP_URL (smtp://user:pass@host:port, or smtps://). */
export class SmtpNotifier implements Notifier {
  private readonly transport: Transporter;

  constructor(smtpUrl: string, private readonly from: string) {
    this.transport = nodemailer.createTransport(smtpUrl);
  }

  async send(notice: Notice): Promise<void> {
    if (!notice.to) return;
    await this.transport.sendMail({ from: this.from, to: notice.to, subject: notice.subject, text: notice.text, headers: { 'X-Memberpay-Notice': notice.kind } });
  }

  close(): void {
    this.transport.close();
  }
}

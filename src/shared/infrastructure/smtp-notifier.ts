import nodemailer, { type Transporter } from 'nodemailer';
import type { Notice, Notifier } from '../application/notifier.port';

/** Notices by mail through the SMTP server of SMTP_URL (smtp://user:pass@host:port, or smtps://). */
export class SmtpNotifier implements Notifier {
  private readonly transport: Transporter;

  constructor(smtpUrl: string, private readonly from: string) {
    // Bounded, far inside the hold a notice's key has while it is sent (NOTICE_HOLD_MS): nodemailer's
    // own defaults let one send hang for minutes, after which another instance could send it again.
    this.transport = nodemailer.createTransport({ url: smtpUrl, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 });
  }

  async send(notice: Notice): Promise<void> {
    if (!notice.to) return;
    await this.transport.sendMail({ from: this.from, to: notice.to, subject: notice.subject, text: notice.text, headers: { 'X-Memberpay-Notice': notice.kind } });
  }

  close(): void {
    this.transport.close();
  }
}

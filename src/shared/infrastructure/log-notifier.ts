import type { Logger } from '../application/logger.port';
import type { Notice, Notifier } from '../application/notifier.port';

/**
 * The default notifier: the whole message (recipient, subject, body) as a log line, so the product
 * runs with no mail server and a developer reads what would have been sent. Set SMTP_URL in
 * production: this one writes recipients and bodies into the logs.
 */
export class LogNotifier implements Notifier {
  constructor(private readonly logger: Logger) {}

  async send(notice: Notice): Promise<void> {
    this.logger.info({ notice: { kind: notice.kind, to: notice.to, subject: notice.subject, text: notice.text } }, 'notice (logged, not mailed: no SMTP_URL)');
  }
}

import type { Logger } from '../application/logger.port';
import type { Notice, Notifier } from '../application/notifier.port';

/** The default notifier: a log line per notice (no mail server needed to run the product). */
export class LogNotifier implements Notifier {
  constructor(private readonly logger: Logger) {}

  async send(notice: Notice): Promise<void> {
    this.logger.info({ notice: { kind: notice.kind, subject: notice.subject } }, 'notice sent');
  }
}

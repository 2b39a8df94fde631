import type { Logger } from '../application/logger.port';
import type { Sms, SmsMessage } from '../application/sms.port';

/** The default SMS adapter: the message as a log line, so the product runs without an SMS provider. */
export class LogSms implements Sms {
  constructor(private readonly logger: Logger) {}

  async send(message: SmsMessage): Promise<void> {
    this.logger.info({ sms: { kind: message.kind, userId: message.userId, to: message.to, text: message.text } }, 'sms (logged, not sent: no SMS provider configured)');
  }
}

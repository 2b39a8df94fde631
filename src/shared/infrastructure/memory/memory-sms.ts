import type { Sms, SmsMessage } from '../../application/sms.port';

export class MemorySms implements Sms {
  readonly sent: SmsMessage[] = [];

  async send(message: SmsMessage): Promise<void> {
    this.sent.push({ ...message });
  }
}

import got, { type Got, RequestError, TimeoutError } from 'got';
import type { Logger } from '../application/logger.port';
import type { Sms, SmsMessage } from '../application/sms.port';

export interface HttpSmsOptions {
  /** The provider's send endpoint (SMS_URL). */
  url: string;
  /** Sent as `Authorization: Bearer <key>` (SMS_API_KEY); never logged. */
  apiKey: string | null;
  timeoutMs: number;
}

/** Not sent: the provider refused, failed or did not answer in time. */
export class SmsNotSentError extends Error {}

/**
 * SMS through a provider's HTTP API: POST {to, text} as JSON to SMS_URL; any 2xx is sent. Not
 * retried here: a timed-out request may have gone out, and a second text is worse than none (the
 * consent request stays on the member's page either way).
 */
export class HttpSms implements Sms {
  private readonly http: Got;

  constructor(private readonly options: HttpSmsOptions, private readonly logger: Logger) {
    this.http = got.extend({
      timeout: { request: options.timeoutMs },
      retry: { limit: 0 },
      throwHttpErrors: false,
      followRedirect: false,
      responseType: 'text',
    });
  }

  async send(message: SmsMessage): Promise<void> {
    if (!message.to) {
      this.logger.info({ sms: { kind: message.kind, userId: message.userId } }, 'sms not sent: the member gave no mobile number');
      return;
    }
    const startedAt = performance.now();
    const log = { kind: message.kind, userId: message.userId };
    let status: number;
    try {
      const response = await this.http.post(this.options.url, {
        json: { to: message.to, text: message.text },
        headers: this.options.apiKey ? { authorization: `Bearer ${this.options.apiKey}` } : {},
      });
      status = response.statusCode;
    } catch (error) {
      if (error instanceof TimeoutError) throw new SmsNotSentError(`SMS provider did not answer within ${this.options.timeoutMs} ms`);
      throw new SmsNotSentError(`SMS provider could not be reached (${error instanceof RequestError ? error.code : 'unknown'})`);
    }
    if (status < 200 || status >= 300) throw new SmsNotSentError(`SMS provider answered ${status}`);
    this.logger.debug({ sms: log, durationMs: Math.round(performance.now() - startedAt) }, 'sms sent');
  }
}

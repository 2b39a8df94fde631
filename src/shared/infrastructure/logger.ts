import pino from 'pino';
import pretty from 'pino-pretty';
import type { Logger } from '../application/logger.port';

/** Fields that must never reach a log line, wherever they sit in the object. */
export const REDACTED_PATHS = [
  'password', '*.password', 'passwordHash', '*.passwordHash',
  'token', '*.token', 'access_token', '*.access_token', 'accessToken', '*.accessToken',
  'imp_key', '*.imp_key', 'imp_secret', '*.imp_secret', 'impSecret', '*.impSecret', 'impKey', '*.impKey',
  'secret', '*.secret', 'sessionSecret', '*.sessionSecret',
  'authorization', '*.authorization', 'headers.authorization', 'req.headers.authorization', 'headers.cookie', 'req.headers.cookie',
  'card_number', '*.card_number', 'cardNumber', '*.cardNumber', 'cvc', '*.cvc', 'expiry', '*.expiry', 'pwd_2digit', '*.pwd_2digit', 'birth', '*.birth',
];

export type LogFormat = 'json' | 'pretty';

/**
 * pino, as JSON lines (production, log shippers) or through pino-pretty (a developer's terminal).
 * pino-pretty runs as a stream in this process rather than as a worker-thread transport: the CLI
 * writes to stderr and exits right after, and a synchronous stream loses no line on the way out.
 */
export function createLogger(level: string, destination?: pino.DestinationStream, format: LogFormat = 'json'): Logger {
  const options: pino.LoggerOptions = { level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' }, base: { service: 'memberpay' } };
  const target = format === 'pretty' ? prettyStream(destination ?? process.stdout) : destination;
  return pino(options, target) as unknown as Logger;
}

export function silentLogger(): Logger {
  return createLogger('silent');
}

function prettyStream(destination: pino.DestinationStream & { isTTY?: boolean }): pino.DestinationStream {
  return pretty({
    destination: destination as NodeJS.WritableStream,
    sync: true,
    colorize: destination.isTTY === true,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,service',
    // A notice the log notifier stands in for reads as the e-mail it would have been.
    customPrettifiers: { notice: (value) => noticeAsMail(value as Record<string, unknown>) },
  });
}

/** pino-pretty indents each further line of a field under it; these lines add two spaces more. */
function noticeAsMail(notice: Record<string, unknown>): string {
  const lines = [`To: ${String(notice.to || '(no address)')}`, `Subject: ${String(notice.subject)}`, '', ...String(notice.text ?? '').split('\n')];
  return [String(notice.kind), ...lines.map((line) => (line ? `  ${line}` : ''))].join('\n');
}

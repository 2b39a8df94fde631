import pino from 'pino';
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

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino({ level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' }, base: { service: 'memberpay' } }, destination) as unknown as Logger;
}

export function silentLogger(): Logger {
  return createLogger('silent');
}

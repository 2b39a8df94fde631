// The HTTP mechanics both PG adapters share, with got: one exchange with a time bound and no
// automatic retry, reads tried again on a 5xx or a connection error, transport failures mapped to
// GatewayUnavailableError (the outcome is unknown), and one log line per attempt. What an answer
// means (envelope, refusal, unreadable body) stays with each adapter's `read`.
import { AsyncLocalStorage } from 'node:async_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import got, { type Got, type Method, RequestError, TimeoutError } from 'got';
import type { Logger } from '../../shared/application/logger.port';
import { GatewayUnavailableError } from '../application/payment-gateway.port';

/** Waits before the 1st and 2nd retry of a read; reads are tried at most three times. */
const READ_RETRY_DELAYS_MS = [100, 300] as const;

/** The moment (epoch ms) by which the port call under way must have its answer: its token, retries and all. */
const callDeadline = new AsyncLocalStorage<number>();

/**
 * Bounds every port call of a gateway adapter as a whole: a token fetch, a 401 refresh and read
 * retries all share `budgetMs`, so a request waiting on the gateway answers in time (DESIGN §6:
 * calls time out after GATEWAY_TIMEOUT_MS, a request answers within 1.5 times that).
 */
export function withCallDeadline<T extends object>(adapter: T, budgetMs: number): T {
  return new Proxy(adapter, {
    get(target, property) {
      const value = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => (callDeadline.getStore() === undefined
        ? callDeadline.run(Date.now() + budgetMs, () => value.apply(target, args))
        : value.apply(target, args));
    },
  });
}

export interface GatewayHttpOptions {
  /** Names the PG in log lines and error messages, e.g. `iamport`. */
  name: string;
  apiUrl: string;
  /** Limit of each HTTP exchange (got's `timeout.request`). */
  timeoutMs: number;
  logger: Logger;
}

export interface GatewayRequest {
  method: Method;
  /** Starts with '/', relative to apiUrl. */
  path: string;
  /** What logs and errors show instead of `path` when the path holds a credential (a billing key). */
  logPath?: string;
  body?: object;
  searchParams?: Record<string, string | number | boolean>;
  /** Credentials go here only: headers are never logged. */
  headers?: Record<string, string>;
}

/** An answer below 500 as received; `what` is `METHOD path` for messages. */
export interface Received {
  status: number;
  text: string;
  what: string;
}

/** What an adapter makes of an answer: the outcome to log with extra fields, and the answer or the error to throw. */
export type Reading<T> = { outcome: string; fields?: object } & ({ answer: T } | { error: GatewayUnavailableError });

export class GatewayHttp {
  private readonly http: Got;

  constructor(private readonly options: GatewayHttpOptions) {
    this.http = got.extend({
      prefixUrl: options.apiUrl,
      timeout: { request: options.timeoutMs },
      retry: { limit: 0 }, // retries are ours: reads only, see send()
      throwHttpErrors: false,
      followRedirect: false,
      responseType: 'text',
    });
  }

  /**
   * One exchange as seen from outside: what `read` makes of an answer below 500, or
   * GatewayUnavailableError. GETs are tried again on a 5xx or a connection error, never on a
   * timeout (it would stretch the caller's wait past its bound); other methods are never repeated.
   */
  async send<T>(request: GatewayRequest, read: (received: Received) => Reading<T>): Promise<T> {
    const { name, timeoutMs, logger } = this.options;
    const retries = request.method === 'GET' ? READ_RETRY_DELAYS_MS.length : 0;
    const logPath = request.logPath ?? request.path;
    const what = `${request.method} ${logPath}`;
    const deadline = callDeadline.getStore() ?? Number.POSITIVE_INFINITY;
    for (let attempt = 1; ; attempt++) {
      const startedAt = performance.now();
      const remainingMs = deadline - Date.now();
      if (remainingMs <= 0) throw new GatewayUnavailableError(`${name} ran out of time for ${what}; the outcome is unknown`);
      const limitMs = Math.min(timeoutMs, remainingMs);
      const log = (outcome: string, fields: object = {}) => {
        const line = { method: request.method, path: logPath, outcome, attempt, durationMs: Math.round(performance.now() - startedAt), ...fields };
        if (outcome === 'ok') logger.debug(line, `${name} call`);
        else logger.info(line, `${name} call`);
      };
      const canRetry = attempt <= retries && deadline - Date.now() > READ_RETRY_DELAYS_MS[attempt - 1];

      let status: number;
      let text: string;
      try {
        const response = await this.http(request.path.slice(1), {
          method: request.method,
          // Only a shortened limit is passed: got's per-call timeout option doubles the CPU a call costs (npm run bench).
          ...(limitMs < timeoutMs ? { timeout: { request: limitMs } } : {}),
          json: request.body,
          searchParams: request.searchParams,
          headers: request.headers ?? {},
        });
        status = response.statusCode;
        text = response.body;
      } catch (error) {
        if (error instanceof TimeoutError) {
          log('timeout');
          throw new GatewayUnavailableError(`${name} did not answer ${what} within ${Math.round(limitMs)} ms; the outcome is unknown`);
        }
        const code = error instanceof RequestError ? error.code : 'unknown';
        log(canRetry ? 'network_error_retrying' : 'network_error', { error: code });
        if (canRetry) {
          await sleep(READ_RETRY_DELAYS_MS[attempt - 1]);
          continue;
        }
        throw new GatewayUnavailableError(`${name} could not be reached for ${what} (${code}); the outcome is unknown`);
      }

      if (status >= 500) {
        log(canRetry ? 'server_error_retrying' : 'server_error', { status });
        if (canRetry) {
          await sleep(READ_RETRY_DELAYS_MS[attempt - 1]);
          continue;
        }
        throw new GatewayUnavailableError(`${name} answered HTTP ${status} to ${what}; the outcome is unknown`);
      }

      const reading = read({ status, text, what });
      log(reading.outcome, { status, ...reading.fields });
      if ('error' in reading) throw reading.error;
      return reading.answer;
    }
  }
}

/** The parsed JSON of a body, or undefined when it is not JSON. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

// A Toss Payments (core API V1) compatible fake: the REST paths memberpay uses, a browser SDK
// stand-in and PAYMENT_STATUS_CHANGED webhooks, in memory (and in a state file when given one), so
// the Toss adapter runs and is tested with no credentials.
import type { Router } from '@koa/router';
import { createRouter } from '../../shared/http/routing.js';
import { TossStore } from './toss-store.js';
import { FaultInjector, defaultRestFaults, mergeRestFaults, type RestFaults } from '../shared/fault-injector.js';
import { SandboxJournal } from '../shared/sandbox-journal.js';
import { registerRestRoutes } from './toss-rest-routes.js';
import { registerBrowserRoutes } from './toss-browser-routes.js';
import type { TossPayment } from './toss-wire.types.js';

export interface TossSandboxOptions {
  /** Mount path, e.g. `/sandbox/toss`; '' when standalone. The REST API lives under it (`{prefix}/v1/...`). */
  prefix?: string;
  /** What the server's Basic auth must carry: `base64(secretKey + ':')`. */
  secretKey?: string;
  /** What the page passes to TossPayments(). */
  clientKey?: string;
  now?: () => Date;
  /** Initial fault knobs; reset() returns to these. */
  faults?: Partial<RestFaults>;
  /** Dice for the rate knobs; tests may pin it. */
  random?: () => number;
  /** Where PAYMENT_STATUS_CHANGED events are posted; null/undefined = none. */
  webhookUrl?: string | null;
  logger?: { info(fields: object, message?: string): void; warn(fields: object, message?: string): void };
  /** A file that keeps payments, billing keys, auth keys and idempotent replies across restarts; none = memory only. */
  stateFile?: string | null;
}

export interface TossSandbox {
  router: Router;
  store: TossStore;
  faults: FaultInjector<RestFaults>;
  readonly options: Readonly<{ prefix: string; secretKey: string; clientKey: string; webhookUrl: string | null }>;
  setFaults(patch: Partial<RestFaults>): RestFaults;
  /** Forgets payments, billing keys, auth keys and idempotent replies (the state file too); faults go back to the initial ones. */
  reset(): void;
  /** Releases hung requests and stops sending webhooks (call before closing the HTTP server). */
  close(): void;
}

/** What an injected 500 / 504 answers: Toss's error object. */
const TOSS_FAULT_ANSWERS = {
  error: { code: 'FAILED_INTERNAL_SYSTEM_PROCESSING', message: '내부 시스템 처리 작업이 실패했습니다. 잠시 후 다시 시도해주세요. (sandbox: injected)' },
  timeout: { code: 'FAILED_INTERNAL_SYSTEM_PROCESSING', message: 'sandbox: injected timeout' },
};

export function createTossSandbox(options: TossSandboxOptions = {}): TossSandbox {
  const prefix = (options.prefix ?? '').replace(/\/+$/, '');
  const secretKey = options.secretKey ?? 'test_sk_sandbox';
  const clientKey = options.clientKey ?? 'test_ck_sandbox';
  const webhookUrl = options.webhookUrl ?? null;
  const logger = options.logger;
  let closed = false;

  const faults = new FaultInjector(mergeRestFaults(defaultRestFaults(), options.faults), { merge: mergeRestFaults, answers: TOSS_FAULT_ANSWERS, random: options.random });
  /** Posts PAYMENT_STATUS_CHANGED for `payment`; answers where to, or null when there is no webhook URL. */
  const sendWebhook = (payment: TossPayment): string | null => {
    if (!webhookUrl || closed) return null;
    const event = { eventType: 'PAYMENT_STATUS_CHANGED', createdAt: new Date().toISOString().replace('Z', ''), data: payment };
    fetch(webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(event), signal: AbortSignal.timeout(5000) })
      .catch((error: Error) => logger?.warn({ error: error.message }, 'toss sandbox webhook not delivered'));
    return webhookUrl;
  };
  const notify = (payment: TossPayment) => {
    logger?.info({ paymentKey: payment.paymentKey, orderId: payment.orderId, status: payment.status }, 'toss sandbox payment changed');
    sendWebhook(payment);
  };
  const store = new TossStore({
    now: options.now ?? (() => new Date()), onStatusChange: notify,
    journal: options.stateFile ? new SandboxJournal(options.stateFile) : null,
  });

  const reset = () => {
    store.reset();
    faults.reset();
  };

  const router = createRouter(prefix ? { prefix } : {});
  registerRestRoutes(router, { store, faults, secretKey });
  registerBrowserRoutes(router, { store, faults, clientKey, reset, sendWebhook });

  return {
    router,
    store,
    faults,
    options: { prefix, secretKey, clientKey, webhookUrl },
    setFaults: (patch) => faults.set(patch),
    reset,
    close() {
      closed = true;
      faults.close();
    },
  };
}

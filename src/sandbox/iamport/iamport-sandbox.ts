// An Iamport (PortOne V1) compatible fake: the REST API, a browser SDK stand-in and
// webhooks, in memory (and in a state file when given one), so memberpay runs and is tested with
// no credentials.
import type { Router } from '@koa/router';
import { createRouter } from '../../shared/http/routing.js';
import { SandboxStore } from './sandbox-store.js';
import { FaultInjector } from '../shared/fault-injector.js';
import { SandboxJournal } from '../shared/sandbox-journal.js';
import { IAMPORT_FAULT_ANSWERS, defaultFaults, faultsFromEnv, mergeFaults, type FaultsPatch, type SandboxFaults } from './sandbox-faults.js';
import { SandboxNotifier, type SandboxLogger } from './sandbox-notifier.js';
import { registerRestRoutes } from './iamport-rest-routes.js';
import { registerBrowserRoutes } from './sandbox-browser-routes.js';

export interface IamportSandboxOptions {
  /** Mount path, e.g. `/sandbox/iamport`; '' when standalone. */
  prefix?: string;
  impKey?: string;
  impSecret?: string;
  /** What the page passes to IMP.init(). */
  impCode?: string;
  /** Default notice target; a payment's own notice_url replaces it. null/undefined = no notices. */
  webhookUrl?: string | null;
  /** Absolute origin the sandbox is reachable at, for receipt_url; '' gives relative links. */
  publicUrl?: string;
  now?: () => Date;
  /** Initial fault knobs, applied over SANDBOX_LATENCY_MS / SANDBOX_ERROR_RATE / SANDBOX_TIMEOUT_RATE; reset() returns to these. */
  faults?: FaultsPatch;
  /** Where the SANDBOX_* fault variables are read; default process.env (tests pass {}). */
  env?: NodeJS.ProcessEnv;
  /** Dice for the rate knobs; tests may pin it. */
  random?: () => number;
  logger?: SandboxLogger;
  /** A file that keeps payments, prepares, billing keys and tokens across restarts; none = memory only. */
  stateFile?: string | null;
}

export interface IamportSandbox {
  router: Router;
  state: SandboxStore;
  faults: FaultInjector<SandboxFaults>;
  notifier: SandboxNotifier;
  readonly options: Readonly<{ prefix: string; impKey: string; impSecret: string; impCode: string; webhookUrl: string | null }>;
  setFaults(patch: FaultsPatch): SandboxFaults;
  /** Forgets payments, prepares, keys, tokens (the state file too) and the notice log; faults go back to the initial ones. */
  reset(): void;
  /** Stops pending notices and releases hung requests (call before closing the HTTP server). */
  close(): void;
}

export function createIamportSandbox(options: IamportSandboxOptions = {}): IamportSandbox {
  const prefix = (options.prefix ?? '').replace(/\/+$/, '');
  const impKey = options.impKey ?? 'sandbox_imp_key';
  const impSecret = options.impSecret ?? 'sandbox_imp_secret';
  const impCode = options.impCode ?? 'imp_sandbox';
  const webhookUrl = options.webhookUrl ?? null;
  const random = options.random ?? Math.random;
  const logger = options.logger;

  const initialFaults = mergeFaults(mergeFaults(defaultFaults(), faultsFromEnv(options.env ?? process.env)), options.faults);
  const faults = new FaultInjector(initialFaults, { merge: mergeFaults, answers: IAMPORT_FAULT_ANSWERS, random });
  const notifier = new SandboxNotifier({
    defaultUrl: webhookUrl, selfUrl: options.publicUrl ? `${options.publicUrl}${prefix}` : null, faults: () => faults.current.webhook, random, logger,
  });
  const store = new SandboxStore({
    now: options.now ?? (() => new Date()),
    receiptBase: `${options.publicUrl ?? ''}${prefix}/__sandbox/receipts`,
    journal: options.stateFile ? new SandboxJournal(options.stateFile) : null,
    onStateChange: (p, noticeUrl) => {
      logger?.info({ imp_uid: p.imp_uid, merchant_uid: p.merchant_uid, status: p.status }, 'sandbox payment changed');
      notifier.notify({ imp_uid: p.imp_uid, merchant_uid: p.merchant_uid, status: p.status }, noticeUrl);
    },
  });

  const reset = () => {
    store.reset();
    faults.reset();
    notifier.reset();
  };

  const router = createRouter(prefix ? { prefix } : {});
  registerRestRoutes(router, { store, faults, impKey, impSecret });
  registerBrowserRoutes(router, { store, faults, notifier, impCode, reset });

  return {
    router,
    state: store,
    faults,
    notifier,
    options: { prefix, impKey, impSecret, impCode, webhookUrl },
    setFaults: (patch) => faults.set(patch),
    reset,
    close() {
      notifier.close();
      faults.close();
    },
  };
}

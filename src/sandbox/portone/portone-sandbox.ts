// A PortOne V2 compatible fake: the REST API memberpay uses (at the root of its own port, where the
// official server SDK can reach it), a browser SDK stand-in, and signed webhooks, all in memory, so
// the V2 adapter runs and is tested with no credentials.
import type { Router } from '@koa/router';
import { createRouter } from '../../shared/http/routing.js';
import { FaultInjector } from '../shared/fault-injector.js';
import { PORTONE_FAULT_ANSWERS, defaultPortOneFaults, mergePortOneFaults, type PortOneFaults, type PortOneFaultsPatch } from './portone-faults.js';
import { PortOneNotifier, type SandboxLogger } from './portone-notifier.js';
import { registerRestRoutes, registerUnknownRoute } from './portone-rest-routes.js';
import { PortOneStore, iso, type StoreEvent } from './portone-store.js';
import { registerWindowRoutes } from './portone-window-routes.js';

export interface PortOneSandboxOptions {
  /** What `Authorization: PortOne <secret>` must carry. */
  apiSecret?: string;
  /** `store-<uuid>`: the page's `storeId`, and the only store REST calls may name. */
  storeId?: string;
  /** `channel-key-<uuid>`: the page's `channelKey` (a TEST channel). */
  channelKey?: string;
  /** `whsec_<base64>`: what notices are signed with. */
  webhookSecret?: string;
  /** Default notice target (the app's webhook route); a payment's noticeUrls on its origin replace it. null = no notices. */
  webhookUrl?: string | null;
  /** Times written on payments and events; the signature's timestamp is always the wall clock. */
  now?: () => Date;
  /** Initial fault knobs; reset() returns to these. */
  faults?: PortOneFaultsPatch;
  /** Dice for the rate knobs; tests may pin it. */
  random?: () => number;
  logger?: SandboxLogger;
}

export const PORTONE_SANDBOX_DEFAULTS = {
  apiSecret: 'portone_sandbox_api_secret',
  storeId: 'store-00000000-0000-4000-8000-000000000001',
  channelKey: 'channel-key-00000000-0000-4000-8000-000000000002',
  // base64 of "memberpay portone sandbox secret"
  webhookSecret: 'whsec_bWVtYmVycGF5IHBvcnRvbmUgc2FuZGJveCBzZWNyZXQ=',
} as const;

export interface PortOneSandbox {
  /** Everything for the sandbox's own port: the REST API, `/sdk.js` and the window, `/__sandbox/*`. */
  router: Router;
  store: PortOneStore;
  faults: FaultInjector<PortOneFaults>;
  notifier: PortOneNotifier;
  readonly options: Readonly<{ apiSecret: string; storeId: string; channelKey: string; webhookSecret: string; webhookUrl: string | null }>;
  setFaults(patch: PortOneFaultsPatch): PortOneFaults;
  /** Forgets payments, pre-registrations, billing keys and the notice log; faults go back to the initial ones. */
  reset(): void;
  /** Stops pending notices and releases hung requests (call before closing the HTTP server). */
  close(): void;
}

export function createPortOneSandbox(options: PortOneSandboxOptions = {}): PortOneSandbox {
  const apiSecret = options.apiSecret ?? PORTONE_SANDBOX_DEFAULTS.apiSecret;
  const storeId = options.storeId ?? PORTONE_SANDBOX_DEFAULTS.storeId;
  const channelKey = options.channelKey ?? PORTONE_SANDBOX_DEFAULTS.channelKey;
  const webhookSecret = options.webhookSecret ?? PORTONE_SANDBOX_DEFAULTS.webhookSecret;
  const webhookUrl = options.webhookUrl ?? null;
  const now = options.now ?? (() => new Date());
  const logger = options.logger;

  const faults = new FaultInjector(mergePortOneFaults(defaultPortOneFaults(), options.faults), {
    merge: mergePortOneFaults, answers: PORTONE_FAULT_ANSWERS, random: options.random,
  });
  const notifier = new PortOneNotifier({ defaultUrl: webhookUrl, secret: webhookSecret, faults: () => faults.current.webhook, random: options.random, logger });
  const onEvent = (event: StoreEvent) => {
    const { noticeUrls, ...data } = event;
    const { type, ...ids } = data;
    logger?.info({ type, ...ids }, 'portone sandbox event');
    notifier.notify({ type, timestamp: iso(now()), data: { storeId, ...ids } }, noticeUrls);
  };
  const store = new PortOneStore({
    now, storeId, merchantId: 'merchant-00000000-0000-4000-8000-000000000003',
    channel: { type: 'TEST', id: 'channel-id-sandbox', key: channelKey, name: 'memberpay sandbox (KG이니시스)', pgProvider: 'INICIS_V2', pgMerchantId: 'INIpayTest' },
    onEvent,
  });

  const reset = () => {
    store.reset();
    faults.reset();
    notifier.reset();
  };
  const router = createRouter();
  registerRestRoutes(router, { store, faults, apiSecret, storeId });
  registerWindowRoutes(router, { store, faults, notifier, storeId, channelKey, reset });
  registerUnknownRoute(router);

  return {
    router,
    store,
    faults,
    notifier,
    options: { apiSecret, storeId, channelKey, webhookSecret, webhookUrl },
    setFaults: (patch) => faults.set(patch),
    reset,
    close() {
      notifier.close();
      faults.close();
    },
  };
}

/**
 * The page-facing part for the app's own port (e.g. under `/sandbox/portone`): `/sdk.js`, the PG
 * window's calls and the control routes, on the same state as the sandbox's REST port.
 */
export function createPortOneBrowserRouter(sandbox: PortOneSandbox, options: { prefix: string }): Router {
  const prefix = options.prefix.replace(/\/+$/, '');
  const router = createRouter(prefix ? { prefix } : {});
  const { store, faults, notifier, reset, options: { storeId, channelKey } } = sandbox;
  registerWindowRoutes(router, { store, faults, notifier, storeId, channelKey, reset });
  return router;
}

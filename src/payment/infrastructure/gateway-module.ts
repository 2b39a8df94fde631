// What one PG supplies to the app (DESIGN §6 "Gateways are adapters"): everything PG-specific lives
// in its folder behind this interface, and gateways.registry.ts names the PGs. The core reads the
// configured PG through these members only.
import type { Router } from '@koa/router';
import type Joi from 'joi';
import type { Logger } from '../../shared/application/logger.port';
import type { CheckoutParameters, CheckoutOrder } from '../application/start-checkout.use-case';
import type { PaymentGateway } from '../application/payment-gateway.port';
import type { WebhookNotice } from '../application/webhook-receipt-store.port';
import type { SandboxClient } from '../../sandbox/shared/sandbox-client';

export interface GatewayEnvContext {
  /** PUBLIC_URL without a trailing slash (or the local default). */
  publicUrl: string;
  /** PAYMENT_GATEWAY names this PG: only then does live mode insist on its credentials. */
  selected: boolean;
}

/** A gateway's notice as its route receives it; `rawBody` is the body exactly as it arrived. */
export interface WebhookRequest {
  body: unknown;
  rawBody: string;
  headers: Record<string, string | string[] | undefined>;
}

/** A notice to store and verify by re-fetch, or one to acknowledge without acting (an event we do not use). */
export type WebhookReading = { notice: WebhookNotice; raw: string } | { ignored: true };

export interface GatewayWebhook<C> {
  /** `/api/payment/webhook/<gateway>` (Iamport V1 keeps the historical `/api/payment/webhook`). */
  path: string;
  summary: string;
  /** The body's schema, for the OpenAPI document. */
  schema: Joi.Schema;
  /** Parses (and, where the PG signs its notices, verifies) one notice; throws a DomainError (400, 401) when it cannot. */
  read(config: C, request: WebhookRequest): Promise<WebhookReading> | WebhookReading;
}

export interface SandboxContext {
  publicUrl: string;
  databaseUrl: string;
  /** The app's clock: the test clock moves the sandbox too. */
  now: () => Date;
  logger: Logger;
}

/** A PG sandbox running inside the app's process. */
export interface RunningGatewaySandbox {
  /** Mounted on the app's port before body parsing (each parses its own bodies). */
  routers: Router[];
  /** Path prefixes on the app's port that keep answering while the app drains. */
  prefixes: string[];
  close(): Promise<void>;
}

/** What the CLI's sandbox commands (`npm run cli -- sandbox ...`) may ask of this PG's sandbox. */
export interface GatewaySandboxCli<C> {
  /** How to put this PG in sandbox mode, for the CLI's refusal of a live PG. */
  modeHint: string;
  /** Its sandbox sends notices claiming another status (`sandbox notice --status`); else why not. */
  noticeStatus: true | { refusal: string };
  /** Its sandbox's notices have fault knobs (`sandbox fault --notice-*`). */
  noticeFaults: boolean;
  /** The client of its sandbox; null when the PG is live. */
  client(config: C, context: { publicUrl: string }): SandboxClient | null;
}

export interface GatewayModule<C> {
  /** PAYMENT_GATEWAY's value and `gateway` of every payment it charges. */
  readonly name: string;
  /** For people: the start-up line. */
  readonly label: string;
  /** Reads and validates this PG's own environment variables; throws a ConfigError (one line). */
  readConfig(env: NodeJS.ProcessEnv, context: GatewayEnvContext): C;
  /** No real money moves. */
  isSandbox(config: C): boolean;
  apiUrl(config: C): string;
  /** The channel recorded on each payment (`pg`). */
  pgCode(config: C): string;
  createGateway(config: C, options: { timeoutMs: number; logger: Logger }): PaymentGateway;
  /** What the page needs to open this PG's window for one order. */
  checkoutParameters(config: C, order: CheckoutOrder): CheckoutParameters;
  webhook: GatewayWebhook<C>;
  /** The in-process sandbox, when this PG is configured as a sandbox pointed at us; null otherwise. */
  startSandbox(config: C, context: SandboxContext): Promise<RunningGatewaySandbox | null>;
  /** Content-Security-Policy sources its browser SDK needs. */
  csp: { scriptSrc: string[]; connectSrc: string[] };
  /**
   * Its browser-side part: an ES module file (`<pg>.browser.js` in its folder) the page loads from
   * our own origin when this PG is configured. It opens the PG's window and brings its own texts
   * (see src/web/app.js, `gatewayPage`).
   */
  browserScript: string;
  /** Its CLI sandbox client, when it has one. */
  sandboxCli?: GatewaySandboxCli<C>;
}

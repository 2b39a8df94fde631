// The product's own wiring for reliability tests: the real container with Knex persistence (SQLite,
// MariaDB or PostgreSQL), the real IamportGateway (got) talking over HTTP on 127.0.0.1 to the Iamport sandbox, and
// the sandbox's notices aimed back at the app. The sandbox runs on a server of its own in the test
// process, behind a recorder that counts every REST call (prepares, `again` charges, lookups), so a
// test can assert what the gateway was asked, not only what the app says it did.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Container } from 'inversify';
import Koa from 'koa';
import { loadConfig } from '../../src/config';
import { buildContainer } from '../../src/app/container';
import { IDENTITY } from '../../src/identity/identity.tokens';
import { ScryptPasswordHasher } from '../../src/identity/infrastructure/scrypt-password-hasher';
import { createIamportSandbox, type IamportSandbox } from '../../src/sandbox/iamport/iamport-sandbox';
import type { FaultsPatch } from '../../src/sandbox/iamport/sandbox-faults';
import { createHttpApp } from '../../src/app/http-app';
import type { ControllableClock } from '../../src/shared/infrastructure/controllable-clock';
import { silentLogger } from '../../src/shared/infrastructure/logger';
import { SHARED } from '../../src/shared/shared.tokens';
import { createServerTestDatabase, createSqliteTestDatabase, type ServerEngine, type TestDatabase } from './database';
import { SandboxGatewayDriver } from './gateway-drivers';
import { ApiClient, type ApiResponse } from './http-app';

export const ADMIN_TOKEN = 'sandbox-app-admin-token-0123456789';

/** One REST call the sandbox received, with the merchant_uid it was about (path or body), once answered. */
export interface SandboxCall {
  method: string;
  path: string;
  merchantUid: string | null;
  status: number;
}

/** The Iamport sandbox on its own HTTP server (127.0.0.1, ephemeral port), every REST call recorded. */
export interface RecordedSandbox {
  url: string;
  sandbox: IamportSandbox;
  calls: SandboxCall[];
  /** Calls of `method` whose path starts with `pathPrefix`, optionally about one merchant_uid. */
  count(method: string, pathPrefix: string, merchantUid?: string): number;
  /** The answered-2xx `again` charges per merchant_uid, and all `again` calls per merchant_uid. */
  againCallsByMerchantUid(): Map<string, number>;
  /** Registers a billing key with a test card over the REST API, as a merchant's server would. */
  registerBillingKey(customerUid: string, cardNumber?: string): Promise<void>;
  close(): Promise<void>;
}

const SUCCESS_CARD = '4242-4242-4242-4242';

export interface RecordedSandboxOptions {
  /** Where notices go; null for none. */
  webhookUrl: string | null;
  faults?: FaultsPatch;
  now?: () => Date;
}

export async function startRecordedSandbox(options: RecordedSandboxOptions): Promise<RecordedSandbox> {
  const server: Server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const sandbox = createIamportSandbox({ publicUrl: url, prefix: '', webhookUrl: options.webhookUrl, faults: options.faults, now: options.now, env: {} });
  const calls: SandboxCall[] = [];
  const app = new Koa();
  app.silent = true;
  app.use(async (ctx, next) => {
    try {
      await next();
    } finally {
      if (!ctx.path.startsWith('/__sandbox')) {
        const body = ctx.request.body as Record<string, unknown> | undefined;
        const fromPath = /^\/payments\/(?:find|findAll)\/([^/]+)/.exec(ctx.path)?.[1];
        const merchantUid = typeof body?.merchant_uid === 'string' ? body.merchant_uid : fromPath ? decodeURIComponent(fromPath) : null;
        calls.push({ method: ctx.method, path: ctx.path, merchantUid, status: ctx.status });
      }
    }
  });
  app.use(sandbox.router.routes()).use(sandbox.router.allowedMethods());
  server.on('request', app.callback());

  let token: string | null = null;
  const rest = async (path: string, body: unknown) => {
    const res = await fetch(url + path, {
      method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body), signal: AbortSignal.timeout(5000),
    });
    return (await res.json()) as { code: number; message: string | null; response: any };
  };

  return {
    url,
    sandbox,
    calls,
    count: (method, pathPrefix, merchantUid) =>
      calls.filter((c) => c.method === method && c.path.startsWith(pathPrefix) && (merchantUid === undefined || c.merchantUid === merchantUid)).length,
    againCallsByMerchantUid() {
      const byUid = new Map<string, number>();
      for (const c of calls) if (c.path === '/subscribe/payments/again' && c.merchantUid) byUid.set(c.merchantUid, (byUid.get(c.merchantUid) ?? 0) + 1);
      return byUid;
    },
    async registerBillingKey(customerUid, cardNumber = SUCCESS_CARD) {
      if (!token) token = (await rest('/users/getToken', { imp_key: sandbox.options.impKey, imp_secret: sandbox.options.impSecret })).response.access_token;
      const answer = await rest(`/subscribe/customers/${encodeURIComponent(customerUid)}`, { card_number: cardNumber, expiry: '2030-12', birth: '800101' });
      if (answer.code !== 0) throw new Error(`the sandbox refused billing key ${customerUid}: ${answer.message}`);
    },
    async close() {
      sandbox.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface SandboxAppOptions {
  persistence?: 'sqlite' | ServerEngine;
  /** A database another app already uses (two instances on one database); the caller drops it. */
  database?: TestDatabase;
  /** A sandbox another app already talks to; the caller closes it. */
  sandbox?: RecordedSandbox;
  /** Initial fault knobs of a sandbox this app starts. */
  sandboxFaults?: FaultsPatch;
  /** Environment over the defaults (ADMIN_TOKEN, sandbox mode, GATEWAY_TIMEOUT_MS 2000). */
  env?: Record<string, string>;
  /** MariaDB / PostgreSQL pool size (default 20). */
  poolMax?: number;
}

export interface SandboxApp {
  url: string;
  container: Container;
  clock: ControllableClock;
  database: TestDatabase;
  sandbox: RecordedSandbox;
  /** The buyer's side of the PG window, through the sandbox. */
  buyer: SandboxGatewayDriver;
  client(ip?: string): ApiClient;
  /** An admin API call with the bearer token. */
  admin(path: string, body?: unknown): Promise<ApiResponse>;
  close(): Promise<void>;
}

/** Scrypt at the production cost takes ~100 ms a hash; not what these tests measure. */
const CHEAP_SCRYPT = { N: 1024, r: 8, p: 1 };

/** The real app (container, knex, IamportGateway over got) on 127.0.0.1 with an ephemeral port, talking to the sandbox over HTTP. */
export async function startSandboxApp(options: SandboxAppOptions = {}): Promise<SandboxApp> {
  // Bind first: the webhook target needs the app's port.
  const server: Server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const ownsDatabase = !options.database;
  const database = options.database
    ?? (options.persistence === undefined || options.persistence === 'sqlite' ? await createSqliteTestDatabase() : await createServerTestDatabase(options.persistence, options.poolMax));
  const ownsSandbox = !options.sandbox;
  const sandbox = options.sandbox ?? await startRecordedSandbox({ webhookUrl: `${url}/api/payment/webhook`, faults: options.sandboxFaults });

  const config = loadConfig({
    PUBLIC_URL: url, IAMPORT_MODE: 'sandbox', IAMPORT_API_URL: sandbox.url, ADMIN_TOKEN, TEST_CLOCK: 'on',
    GATEWAY_TIMEOUT_MS: '2000', LOG_LEVEL: 'silent', SESSION_SECRET: 'sandbox-app-session-secret-0123456789', ...options.env,
  });
  const container = buildContainer(config, { logger: silentLogger(), persistence: 'knex', gateway: 'configured', database: database.database });
  container.rebind(IDENTITY.PasswordHasher).toConstantValue(new ScryptPasswordHasher(CHEAP_SCRYPT));
  const clock = container.get<ControllableClock>(SHARED.Clock);
  container.get(SHARED.EventBus); // activates the subscriptions (PaymentPaid -> membership)
  const app = createHttpApp(container);
  server.on('request', app.callback());

  return {
    url,
    container,
    clock,
    database,
    sandbox,
    buyer: new SandboxGatewayDriver(sandbox.url),
    client: (ip?: string) => new ApiClient(url, ip),
    admin: (path, body = {}) => new ApiClient(url).post(path, body, { authorization: `Bearer ${ADMIN_TOKEN}` }),
    async close() {
      if (ownsSandbox) await sandbox.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (ownsDatabase) await database.drop();
    },
  };
}

/** A signed-up buyer with a checkout of `plan` paid in the sandbox's PG window: what the page would post to validation. */
export async function paidCheckout(app: SandboxApp, plan = 'monthly'): Promise<{ client: ApiClient; merchantUid: string; gatewayPaymentId: string; amount: number }> {
  const client = app.client();
  await client.signUp();
  const checkout = await client.post('/api/payment/checkout', { plan });
  if (checkout.status !== 201) throw new Error(`checkout failed: ${checkout.status} ${checkout.text}`);
  const gatewayPaymentId = await app.buyer.buyerPays({ merchantUid: checkout.body.merchant_uid, amount: checkout.body.amount });
  return { client, merchantUid: checkout.body.merchant_uid, gatewayPaymentId, amount: checkout.body.amount };
}

/** Rows in `domain_events` per event type. */
export async function eventCounts(database: TestDatabase): Promise<Record<string, number>> {
  const rows = (await database.database.knex('domain_events').select('type').count({ n: '*' }).groupBy('type')) as Array<{ type: string; n: number | string }>;
  return Object.fromEntries(rows.map((r) => [r.type, Number(r.n)]));
}

// The real app over HTTP with PAYMENT_GATEWAY=portone: the container on Knex (SQLite), the real
// PortOneGateway (got) talking to the V2 sandbox on a port of its own (as `npm start` runs it), the
// browser stand-in's routes mounted at /sandbox/portone on the app's port (as the registry mounts
// them), and the sandbox's signed notices aimed at /api/payment/webhook/portone. The buyer's side of
// PortOne.requestPayment is played through the stand-in's /__sandbox/window/submit, as sdk.js does.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Container } from 'inversify';
import { type AppConfig, loadConfig } from '../../src/config';
import { buildContainer } from '../../src/app/container';
import { IDENTITY } from '../../src/identity/identity.tokens';
import { ScryptPasswordHasher } from '../../src/identity/infrastructure/scrypt-password-hasher';
import type { PortOneCardKind } from '../../src/sandbox/portone/portone-cards';
import { createPortOneBrowserRouter } from '../../src/sandbox/portone/portone-sandbox';
import { startPortOneSandboxServer, type PortOneSandboxServer } from '../../src/sandbox/portone/portone-sandbox-server';
import { createHttpApp } from '../../src/app/http-app';
import type { ControllableClock } from '../../src/shared/infrastructure/controllable-clock';
import { silentLogger } from '../../src/shared/infrastructure/logger';
import { SHARED } from '../../src/shared/shared.tokens';
import { createSqliteTestDatabase, type TestDatabase } from './database';
import { ApiClient, type ApiResponse } from './http-app';

export const PORTONE_ADMIN_TOKEN = 'portone-http-admin-token-0123456789';
const CHEAP_SCRYPT = { N: 1024, r: 8, p: 1 };

export interface PortOneHttpApp {
  url: string;
  container: Container;
  clock: ControllableClock;
  database: TestDatabase;
  portone: PortOneSandboxServer;
  client(): ApiClient;
  admin(path: string, body?: unknown): Promise<ApiResponse>;
  /** PortOne.requestPayment's window for the checkout answer's `client`: the buyer pays with `card` (or cancels). */
  pay(client: Record<string, unknown>, card?: PortOneCardKind, action?: 'pay' | 'cancel'): Promise<Record<string, string | undefined>>;
  /** PortOne.requestIssueBillingKey's window for the checkout answer's `client` (auto-renew: customer_id set). */
  issueBillingKey(client: Record<string, unknown>, card?: PortOneCardKind): Promise<Record<string, string | undefined>>;
  close(): Promise<void>;
}

/** `adjust` changes the loaded config before the app is built (a plan with trial_days). */
export async function startPortOneHttpApp(env: Record<string, string> = {}, adjust: (config: AppConfig) => AppConfig = (c) => c): Promise<PortOneHttpApp> {
  const server: Server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const database = await createSqliteTestDatabase();
  let clock: ControllableClock | null = null;
  const portone = await startPortOneSandboxServer({ port: 0, webhookUrl: `${url}/api/payment/webhook/portone`, now: () => clock?.now() ?? new Date() });
  const config = adjust(loadConfig({
    PUBLIC_URL: url, PAYMENT_GATEWAY: 'portone', PORTONE_MODE: 'sandbox', PORTONE_API_URL: portone.url,
    ADMIN_TOKEN: PORTONE_ADMIN_TOKEN, TEST_CLOCK: 'on', GATEWAY_TIMEOUT_MS: '2000', LOG_LEVEL: 'silent',
    SESSION_SECRET: 'portone-http-session-secret-0123456789', ...env,
  }));
  const container = buildContainer(config, { logger: silentLogger(), persistence: 'knex', gateway: 'configured', database: database.database });
  container.rebind(IDENTITY.PasswordHasher).toConstantValue(new ScryptPasswordHasher(CHEAP_SCRYPT));
  clock = container.get<ControllableClock>(SHARED.Clock);
  container.get(SHARED.EventBus); // activates the subscriptions (PaymentPaid -> membership)
  const app = createHttpApp(container, { extraRouters: [createPortOneBrowserRouter(portone.sandbox, { prefix: '/sandbox/portone' })] });
  server.on('request', app.callback());

  return {
    url,
    container,
    clock,
    database,
    portone,
    client: () => new ApiClient(url),
    admin: (path, body = {}) => new ApiClient(url).post(path, body, { authorization: `Bearer ${PORTONE_ADMIN_TOKEN}` }),
    pay: (client, card = 'success', action = 'pay') => submit(url, 'PAYMENT', {
      storeId: client.store_id, channelKey: client.channel_key, paymentId: client.payment_id, orderName: client.order_name,
      totalAmount: client.total_amount, currency: client.currency, payMethod: client.pay_method,
    }, card, action),
    issueBillingKey: (client, card = 'success') => submit(url, 'ISSUE_BILLING_KEY', {
      storeId: client.store_id, channelKey: client.channel_key, billingKeyMethod: client.pay_method, issueName: client.order_name, customer: { id: client.customer_id },
    }, card, 'pay'),
    async close() {
      await portone.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await database.drop();
    },
  };
}

/** The window's answer, as sdk.js passes it to the page. */
async function submit(url: string, transactionType: string, request: Record<string, unknown>, card: PortOneCardKind, action: 'pay' | 'cancel') {
  const res = await fetch(`${url}/sandbox/portone/__sandbox/window/submit`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ transactionType, request, card, action }),
  });
  if (!res.ok) throw new Error(`portone stand-in answered HTTP ${res.status}`);
  return ((await res.json()) as { result: Record<string, string | undefined> }).result;
}

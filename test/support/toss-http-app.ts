// The real app over HTTP with PAYMENT_GATEWAY=toss: the container on Knex (SQLite), the real
// TossGateway (got) talking to the Toss sandbox mounted in-process at /sandbox/toss (as main.ts
// mounts it), the sandbox's PAYMENT_STATUS_CHANGED events aimed at /api/payment/webhook/toss, and
// the admin API on. The buyer's side of Toss's window is played through the sandbox's
// /__sandbox/pay and /__sandbox/billing-auth, as the SDK stand-in does.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Container } from 'inversify';
import { type AppConfig, loadConfig } from '../../src/config';
import { buildContainer } from '../../src/app/container';
import { IDENTITY } from '../../src/identity/identity.tokens';
import { ScryptPasswordHasher } from '../../src/identity/infrastructure/scrypt-password-hasher';
import type { MembershipRepository } from '../../src/membership/application/membership-repository.port';
import { MEMBERSHIP } from '../../src/membership/membership.tokens';
import type { TossCardKind } from '../../src/sandbox/toss/toss-cards';
import { createTossSandbox, type TossSandbox } from '../../src/sandbox/toss/toss-sandbox';
import { createHttpApp } from '../../src/app/http-app';
import type { ControllableClock } from '../../src/shared/infrastructure/controllable-clock';
import { silentLogger } from '../../src/shared/infrastructure/logger';
import { SHARED } from '../../src/shared/shared.tokens';
import { createSqliteTestDatabase, type TestDatabase } from './database';
import { ApiClient, type ApiResponse } from './http-app';

export const TOSS_ADMIN_TOKEN = 'toss-http-admin-token-0123456789';
const CHEAP_SCRYPT = { N: 1024, r: 8, p: 1 };

/** What the window answers: the redirect's query, as the page would read it. */
export interface TossWindowResult {
  type: 'success' | 'fail';
  query: Record<string, string>;
}

export interface TossHttpApp {
  url: string;
  container: Container;
  clock: ControllableClock;
  database: TestDatabase;
  toss: TossSandbox;
  memberships: MembershipRepository;
  client(): ApiClient;
  admin(path: string, body?: unknown): Promise<ApiResponse>;
  /** requestPayment's window: the buyer authenticates `card` (or cancels) for this order. */
  pay(order: { orderId: string; amount: number; orderName?: string }, card?: TossCardKind, action?: 'pay' | 'cancel'): Promise<TossWindowResult>;
  /** requestBillingAuth's window for `customerKey`. */
  billingAuth(customerKey: string, card?: TossCardKind): Promise<TossWindowResult>;
  /** Posts a PAYMENT_STATUS_CHANGED event to the app as Toss would. */
  notify(data: Record<string, unknown>): Promise<ApiResponse>;
  close(): Promise<void>;
}

/** `adjust` changes the loaded config before the app is built (a plan with trial_days). */
export async function startTossHttpApp(env: Record<string, string> = {}, adjust: (config: AppConfig) => AppConfig = (c) => c): Promise<TossHttpApp> {
  const server: Server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const database = await createSqliteTestDatabase();
  const config = adjust(loadConfig({
    PUBLIC_URL: url, PAYMENT_GATEWAY: 'toss', TOSS_MODE: 'sandbox', TOSS_API_URL: `${url}/sandbox/toss`,
    ADMIN_TOKEN: TOSS_ADMIN_TOKEN, TEST_CLOCK: 'on', GATEWAY_TIMEOUT_MS: '2000', LOG_LEVEL: 'silent',
    SESSION_SECRET: 'toss-http-session-secret-0123456789', ...env,
  }));
  const container = buildContainer(config, { logger: silentLogger(), persistence: 'knex', gateway: 'configured', database: database.database });
  container.rebind(IDENTITY.PasswordHasher).toConstantValue(new ScryptPasswordHasher(CHEAP_SCRYPT));
  const clock = container.get<ControllableClock>(SHARED.Clock);
  container.get(SHARED.EventBus); // activates the subscriptions (PaymentPaid -> membership)
  const toss = createTossSandbox({
    prefix: '/sandbox/toss', secretKey: config.toss.secretKey, clientKey: config.toss.clientKey,
    webhookUrl: `${url}/api/payment/webhook/toss`, now: () => clock.now(),
  });
  const app = createHttpApp(container, { extraRouters: [toss.router] });
  server.on('request', app.callback());

  const window = async (path: string, params: Record<string, unknown>, card: TossCardKind, action: 'pay' | 'cancel'): Promise<TossWindowResult> => {
    const res = await fetch(`${url}/sandbox/toss${path}`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ clientKey: config.toss.clientKey, params: { ...params, successUrl: `${url}/?pg=toss&result=success`, failUrl: `${url}/?pg=toss&result=fail` }, card, action }),
    });
    if (!res.ok) throw new Error(`toss sandbox ${path} answered HTTP ${res.status}`);
    const { result } = (await res.json()) as { result: { type: 'success' | 'fail'; query: Record<string, unknown> } };
    return { type: result.type, query: Object.fromEntries(Object.entries(result.query).map(([k, v]) => [k, String(v)])) };
  };

  return {
    url,
    container,
    clock,
    database,
    toss,
    memberships: container.get<MembershipRepository>(MEMBERSHIP.MembershipRepository),
    client: () => new ApiClient(url),
    admin: (path, body = {}) => new ApiClient(url).post(path, body, { authorization: `Bearer ${TOSS_ADMIN_TOKEN}` }),
    pay: (order, card = 'success', action = 'pay') =>
      window('/__sandbox/pay', { amount: order.amount, orderId: order.orderId, orderName: order.orderName ?? 'Monthly membership' }, card, action),
    billingAuth: (customerKey, card = 'success') => window('/__sandbox/billing-auth', { customerKey }, card, 'pay'),
    notify: (data) => new ApiClient(url).post('/api/payment/webhook/toss', { eventType: 'PAYMENT_STATUS_CHANGED', createdAt: '2026-01-01T00:00:00.000', data }),
    async close() {
      toss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await database.drop();
    },
  };
}

// The product as `npm start` runs it, on 127.0.0.1 with an ephemeral port: a fresh SQLite
// file (migrated), the configured PG adapter (PAYMENT_GATEWAY=iamport|toss|portone) talking over HTTP
// to that PG's sandbox mounted in-process (/sandbox/iamport or /sandbox/toss; PortOne V2's REST API
// on a port of its own with its browser stand-in at /sandbox/portone), the sandbox's webhooks aimed
// back at the app, and the admin API on (ADMIN_TOKEN) for the test-clock panel.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Container } from 'inversify';
import { type AppConfig, loadConfig } from '../../src/config';
import { buildContainer } from '../../src/app/container';
import { createIamportSandbox, type IamportSandbox } from '../../src/sandbox/iamport/iamport-sandbox';
import { createPortOneBrowserRouter } from '../../src/sandbox/portone/portone-sandbox';
import { startPortOneSandboxServer, type PortOneSandboxServer } from '../../src/sandbox/portone/portone-sandbox-server';
import { createTossSandbox, type TossSandbox } from '../../src/sandbox/toss/toss-sandbox';
import { createHttpApp } from '../../src/app/http-app';
import type { ControllableClock } from '../../src/shared/infrastructure/controllable-clock';
import { KnexDatabase } from '../../src/shared/infrastructure/knex/knex-database';
import { silentLogger } from '../../src/shared/infrastructure/logger';
import { SHARED } from '../../src/shared/shared.tokens';

export const SANDBOX_PREFIX = '/sandbox/iamport';
export const TOSS_SANDBOX_PREFIX = '/sandbox/toss';
export const E2E_ADMIN_TOKEN = 'e2e-admin-token-0123456789abcdef';

export type E2eGateway = 'iamport' | 'toss' | 'portone';

export interface RunningApp {
  url: string;
  gateway: E2eGateway;
  /** Set when gateway = iamport. */
  iamport: IamportSandbox | null;
  /** Set when gateway = toss. */
  toss: TossSandbox | null;
  /** Set when gateway = portone. */
  portone: PortOneSandboxServer | null;
  container: Container;
  clock: ControllableClock;
  close(): Promise<void>;
}

/** `adjust` changes what the config files say (e.g. a plan with a free trial). */
export async function startE2eApp(gateway: E2eGateway = 'iamport', adjust: (config: AppConfig) => AppConfig = (config) => config): Promise<RunningApp> {
  // Bind first: the config (PUBLIC_URL, the gateway's URL, the webhook target) needs the port.
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const dir = mkdtempSync(path.join(tmpdir(), 'memberpay-e2e-'));
  let clockOfApp: ControllableClock | null = null;
  const portone = gateway === 'portone'
    ? await startPortOneSandboxServer({ port: 0, webhookUrl: `${url}/api/payment/webhook/portone`, now: () => clockOfApp?.now() ?? new Date() })
    : null;
  const config = adjust(loadConfig({
    DATABASE_URL: `sqlite:${path.join(dir, 'e2e.sqlite')}`,
    PUBLIC_URL: url,
    PAYMENT_GATEWAY: gateway,
    IAMPORT_MODE: 'sandbox',
    IAMPORT_API_URL: `${url}${SANDBOX_PREFIX}`,
    TOSS_MODE: 'sandbox',
    TOSS_API_URL: `${url}${TOSS_SANDBOX_PREFIX}`,
    ...(portone ? { PORTONE_MODE: 'sandbox', PORTONE_API_URL: portone.url } : {}),
    ADMIN_TOKEN: E2E_ADMIN_TOKEN,
    TEST_CLOCK: 'on',
    GATEWAY_TIMEOUT_MS: '5000',
    LOG_LEVEL: 'silent',
  }));
  const database = KnexDatabase.fromUrl(config.databaseUrl);
  await database.migrateLatest();
  const container = buildContainer(config, { logger: silentLogger(), persistence: 'knex', gateway: 'configured', database }) as Container;
  const clock = container.get<ControllableClock>(SHARED.Clock);
  clockOfApp = clock;
  // The sandboxes share the app's clock, as in main.ts, so the test clock moves them too.
  const iamport = gateway === 'iamport'
    ? createIamportSandbox({
      prefix: SANDBOX_PREFIX, webhookUrl: `${url}/api/payment/webhook`, publicUrl: `${url}${SANDBOX_PREFIX}`, now: () => clock.now(), env: {},
    })
    : null;
  const toss = gateway === 'toss'
    ? createTossSandbox({
      prefix: TOSS_SANDBOX_PREFIX, secretKey: config.toss.secretKey, clientKey: config.toss.clientKey,
      webhookUrl: `${url}/api/payment/webhook/toss`, now: () => clock.now(),
    })
    : null;
  const router = portone ? createPortOneBrowserRouter(portone.sandbox, { prefix: '/sandbox/portone' }) : (iamport ?? toss)!.router;
  const app = createHttpApp(container, { extraRouters: [router] });
  server.on('request', app.callback());

  return {
    url,
    gateway,
    iamport,
    toss,
    portone,
    container,
    clock,
    async close() {
      iamport?.close();
      toss?.close();
      await portone?.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await database.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// The product as `npm start` runs it, on 127.0.0.1 with an ephemeral port: a fresh SQLite
// file (migrated), the Iamport gateway adapter talking over HTTP to the sandbox mounted
// in-process at /sandbox/iamport, and the sandbox's webhooks aimed back at the app.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config';
import { buildContainer } from '../../src/container';
import { createIamportSandbox, type IamportSandbox } from '../../src/sandbox/iamport/iamport-sandbox';
import { createHttpApp } from '../../src/shared/http/app';
import type { Clock } from '../../src/shared/application/clock.port';
import { KnexDatabase } from '../../src/shared/infrastructure/knex/knex-database';
import { silentLogger } from '../../src/shared/infrastructure/logger';
import { SHARED } from '../../src/shared/shared.tokens';

export const SANDBOX_PREFIX = '/sandbox/iamport';

export interface RunningApp {
  url: string;
  sandbox: IamportSandbox;
  close(): Promise<void>;
}

export async function startE2eApp(): Promise<RunningApp> {
  // Bind first: the config (PUBLIC_URL, the gateway's URL, the webhook target) needs the port.
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const dir = mkdtempSync(path.join(tmpdir(), 'memberpay-e2e-'));
  const config = loadConfig({
    DATABASE_URL: `sqlite:${path.join(dir, 'e2e.sqlite')}`,
    PUBLIC_URL: url,
    IAMPORT_MODE: 'sandbox',
    IAMPORT_API_URL: `${url}${SANDBOX_PREFIX}`,
    GATEWAY_TIMEOUT_MS: '5000',
    LOG_LEVEL: 'silent',
  });
  const database = KnexDatabase.fromUrl(config.databaseUrl);
  await database.migrateLatest();
  const container = buildContainer(config, { logger: silentLogger(), persistence: 'knex', gateway: 'configured', database });
  const clock = container.get<Clock>(SHARED.Clock);
  const sandbox = createIamportSandbox({
    prefix: SANDBOX_PREFIX,
    webhookUrl: `${url}/api/payment/webhook`,
    publicUrl: `${url}${SANDBOX_PREFIX}`,
    now: () => clock.now(),
    env: {},
  });
  const app = createHttpApp(container, { extraRouters: [sandbox.router] });
  server.on('request', app.callback());

  return {
    url,
    sandbox,
    async close() {
      sandbox.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await database.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

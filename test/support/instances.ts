import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildContainer } from '../../src/app/container';
import { createHttpApp } from '../../src/app/http-app';
import { loadConfig } from '../../src/config';
import { IDENTITY } from '../../src/identity/identity.tokens';
import { ScryptPasswordHasher } from '../../src/identity/infrastructure/scrypt-password-hasher';
import type { MemoryPaymentGateway } from '../../src/payment/infrastructure/memory/memory-payment.gateway';
import { PAYMENT } from '../../src/payment/payment.tokens';
import type { ControllableClock } from '../../src/shared/infrastructure/controllable-clock';
import { silentLogger } from '../../src/shared/infrastructure/logger';
import { SHARED } from '../../src/shared/shared.tokens';
import { createServerTestDatabase, type ServerEngine, type TestDatabase } from './database';
import { TEST_NOW } from './memory-container';

export interface InstancesOnOneDatabase {
  database: TestDatabase;
  /** Each instance's address, for `new ApiClient(urls[i])`. */
  urls: string[];
  /** Stops the instances and drops their database. */
  close(): Promise<void>;
}

export interface InstancesOptions {
  count?: number;
  /** Changes an instance's memory gateway before it serves (a slow or counted prepare). */
  gateway?: (gateway: MemoryPaymentGateway, instance: number) => void;
}

/**
 * Instances of the app, in this process, on one new MariaDB or PostgreSQL database: N stateless
 * instances behind a load balancer (DESIGN §8), so one session secret, each with its own memory
 * (sessions, locks), clocks frozen at TEST_NOW.
 */
export async function startInstancesOnOneDatabase(engine: ServerEngine, options: InstancesOptions = {}): Promise<InstancesOnOneDatabase> {
  const database = await createServerTestDatabase(engine);
  const servers: Server[] = [];
  const urls: string[] = [];
  const close = async () => {
    for (const server of servers) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
    await database.drop();
  };
  try {
    const config = loadConfig({ LOG_LEVEL: 'silent', TRUST_PROXY_HOPS: '1', SESSION_SECRET: 'shared-session-secret-0123456789' });
    for (let i = 0; i < (options.count ?? 2); i += 1) {
      const container = buildContainer(config, { logger: silentLogger(), persistence: 'knex', gateway: 'memory', database: database.database });
      container.get<ControllableClock>(SHARED.Clock).freezeAt(TEST_NOW);
      options.gateway?.(container.get<MemoryPaymentGateway>(PAYMENT.PaymentGateway), i);
      container.get(SHARED.EventBus); // activates the subscriptions
      // The cheap scrypt settings: the tests sign up and log in many times.
      container.rebind(IDENTITY.PasswordHasher).toConstantValue(new ScryptPasswordHasher({ N: 1024, r: 8, p: 1 }));
      const server = createServer(createHttpApp(container).callback());
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      servers.push(server);
      urls.push(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    }
  } catch (error) {
    await close();
    throw error;
  }
  return { database, urls, close };
}

import http from 'node:http';
import { type AppConfig, ConfigError, loadConfig } from '../config';
import { buildContainer } from './container';
import { activeGateway } from '../payment/infrastructure/gateways.registry';
import { createHttpApp } from './http-app';
import { Drain } from '../shared/http/drain';
import type { ControllableClock } from '../shared/infrastructure/controllable-clock';
import { armFaultPoints } from '../shared/infrastructure/fault-points';
import { KnexDatabase } from '../shared/infrastructure/knex/knex-database';
import { createLogger } from '../shared/infrastructure/logger';
import { SHARED } from '../shared/shared.tokens';
import { startWorkers, workerIntervals } from './workers';

/** A request that waits on the gateway answers within 15 s (DESIGN §6); a stop waits a little longer. */
const DRAIN_TIMEOUT_MS = 20_000;

async function main(): Promise<void> {
  let config: AppConfig;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
  const logger = createLogger(config.logLevel, undefined, config.logFormat);
  if (config.pgSandbox) armFaultPoints((process.env.MEMBERPAY_FAULT_POINTS ?? '').split(','));
  const database = KnexDatabase.fromUrl(config.databaseUrl, { acquireTimeoutMs: config.databaseAcquireTimeoutMs });
  if (config.migrateOnStart) {
    const applied = await database.migrateLatest();
    if (applied.length > 0) logger.info({ applied }, 'database migrated');
  }
  const container = buildContainer(config, { logger, persistence: 'knex', gateway: 'configured', database });
  const clock = container.get<ControllableClock>(SHARED.Clock);

  const gateway = activeGateway(config);
  // The PG sandbox that runs inside this process, if the configured PG is a sandbox pointed at us. It shares
  // the app's clock, so the test clock moves it too.
  const sandbox = await gateway.startSandbox({ publicUrl: config.publicUrl, databaseUrl: config.databaseUrl, now: () => clock.now(), logger });
  // While stopping, the in-process sandbox keeps answering: requests inside the app may still be waiting on it.
  const drain = new Drain((ctx) => sandbox !== null && sandbox.prefixes.some((prefix) => ctx.path.startsWith(`${prefix}/`)));
  const app = createHttpApp(container, { extraRouters: sandbox ? sandbox.routers : [], drain });
  const server = http.createServer(app.callback());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, resolve);
  });
  const workers = startWorkers(container, workerIntervals(config.workerIntervalsMs));
  const through = sandbox ? `the ${gateway.label} sandbox (no credentials needed)` : `${gateway.label} at ${gateway.apiUrl}`;
  console.log(`memberpay listening on ${config.publicUrl} (bound to ${config.host}) — payments through ${through}, database ${config.databaseUrl.replace(/\/\/[^@]*@/, '//***@')}`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    // Requests already inside get their answers (a checkout may be waiting on the gateway); new ones get 503.
    const drained = await drain.drain(DRAIN_TIMEOUT_MS);
    if (!drained) logger.warn({ timeoutMs: DRAIN_TIMEOUT_MS }, 'requests still running at shutdown were cut off');
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    await workers.stop();
    await sandbox?.close();
    await database.destroy();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error: unknown) => {
  // One clear line, no stack: the usual causes are a database that cannot be reached or a port in use.
  // The operator's own console may name the host a cause names (DatabaseUnavailableError keeps the driver's error).
  const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
  console.error(`memberpay could not start: ${error instanceof Error ? error.message : String(error)}${cause}`);
  process.exit(1);
});

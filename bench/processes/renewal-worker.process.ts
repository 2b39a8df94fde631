// One renewal worker, as one memberpay instance runs it: a RunRenewals pass over every due
// membership of BENCH_DATABASE_URL, charging through the Iamport adapter at BENCH_SANDBOX_API.
// Waits for a line on stdin to start, so that both workers begin together; reports its counts,
// its SQL statements, its CPU time during the run, its own peak RSS (sampled during the run, and the
// kernel's high-water mark over its whole life) and its live heap before and after the run.
import { createInterface } from 'node:readline';
import type { RunRenewals } from '../../src/billing/application/run-renewals.use-case';
import { BILLING } from '../../src/billing/billing.tokens';
import { loadConfig } from '../../src/config';
import { buildContainer } from '../../src/app/container';
import type { ControllableClock } from '../../src/shared/infrastructure/controllable-clock';
import { KnexDatabase } from '../../src/shared/infrastructure/knex/knex-database';
import { silentLogger } from '../../src/shared/infrastructure/logger';
import { SHARED } from '../../src/shared/shared.tokens';
import { exitWithParent, failed, lifetimePeakRssMb, report, rssSampler } from './child';

/** What the heap holds after a full collection (the parent starts workers with --expose-gc). */
function liveHeapMb(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return Math.round(process.memoryUsage().heapUsed / 1048576);
}

try {
  const databaseUrl = process.env.BENCH_DATABASE_URL as string;
  const asOf = new Date(process.env.BENCH_AS_OF as string);
  const database = KnexDatabase.fromUrl(databaseUrl, { poolMax: 10 });
  const config = loadConfig({
    DATABASE_URL: databaseUrl, PUBLIC_URL: 'http://127.0.0.1:9', IAMPORT_MODE: 'sandbox', IAMPORT_API_URL: process.env.BENCH_SANDBOX_API as string, LOG_LEVEL: 'silent',
  });
  const container = buildContainer(config, { logger: silentLogger(), persistence: 'knex', gateway: 'configured', database });
  container.get<ControllableClock>(SHARED.Clock).freezeAt(asOf);
  container.get(SHARED.EventBus);
  const renewals = container.get<RunRenewals>(BILLING.RunRenewals);
  let statements = 0;
  let transactions = 0;
  database.knex.on('query', (query: { sql: string }) => {
    statements += 1;
    if (/^begin/i.test(query.sql)) transactions += 1;
  });

  const lines = createInterface({ input: process.stdin });
  report('READY', { pid: process.pid });
  await new Promise((resolve) => lines.once('line', resolve));
  const heapBeforeMb = liveHeapMb();
  const rss = rssSampler();
  const cpuBefore = process.cpuUsage();
  const run = await renewals.execute(asOf);
  const cpu = process.cpuUsage(cpuBefore);
  const peakRssMb = rss.stop();
  const heapAfterMb = liveHeapMb();
  report('RESULT', { ...run, statements, transactions, cpuMs: (cpu.user + cpu.system) / 1000, peakRssMb, lifetimePeakRssMb: lifetimePeakRssMb(), heapBeforeMb, heapAfterMb });
  // Connections stay open until the parent closes stdin, so it can read the database's CPU on them first.
  lines.close();
  exitWithParent(() => database.destroy());
} catch (error) {
  failed(error);
}

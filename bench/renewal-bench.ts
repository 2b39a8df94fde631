// (b) A renewal run over N due memberships seeded straight into MariaDB, charged by two RunRenewals
// workers (two containers in this process, as two instances would) through the Iamport adapter
// to the in-process sandbox at zero latency.
import Koa from 'koa';
import type { RunRenewals } from '../src/billing/application/run-renewals.use-case';
import { BILLING } from '../src/billing/billing.tokens';
import { loadConfig } from '../src/config';
import { buildContainer } from '../src/container';
import { createIamportSandbox } from '../src/sandbox/iamport/iamport-sandbox';
import { KnexDatabase } from '../src/shared/infrastructure/knex/knex-database';
import { silentLogger } from '../src/shared/infrastructure/logger';
import { SHARED } from '../src/shared/shared.tokens';
import type { ControllableClock } from '../src/shared/infrastructure/controllable-clock';
import { type Engine, SANDBOX_PREFIX, createBenchDatabase, listen, progress, progressDone, rssSampler } from './support';

export interface RenewalBenchResult {
  engine: Engine;
  memberships: number;
  workers: number;
  seconds: number;
  chargesPerSec: number;
  charged: number;
  failed: number;
  skipped: number;
  paidPayments: number;
  queriesPerCharge: number;
  peakRssMb: number;
}

const NOW = new Date('2026-12-01T00:00:00.000Z');
const DAY = 24 * 3600 * 1000;

export async function renewalBench(engine: Engine, count: number, workers = 2): Promise<RenewalBenchResult> {
  const db = await createBenchDatabase(engine, 10);
  // Only the sandbox is served here: the workers talk to it over HTTP, as to Iamport.
  const sandbox = createIamportSandbox({ prefix: SANDBOX_PREFIX, webhookUrl: null, now: () => NOW, env: {} });
  const sandboxApp = new Koa();
  sandboxApp.use(sandbox.router.routes());
  const listening = await listen(sandboxApp.callback());
  const databases: KnexDatabase[] = [];
  try {
    await seed(db.database, count, (done) => progress(`renewals ${count}: seeding ${done}/${count}…`));
    for (const [uid] of customerUids(count)) sandbox.state.registerCustomer(uid, '4242-4242-4242-4242', '2030-12', {}, 'html5_inicis');

    const runners: RunRenewals[] = [];
    for (let w = 0; w < workers; w++) {
      const database = KnexDatabase.fromUrl(db.url, { poolMax: 10 });
      databases.push(database);
      const config = loadConfig({ DATABASE_URL: db.url, PUBLIC_URL: listening.url, IAMPORT_MODE: 'sandbox', IAMPORT_API_URL: `${listening.url}${SANDBOX_PREFIX}`, LOG_LEVEL: 'silent' });
      const container = buildContainer(config, { logger: silentLogger(), persistence: 'knex', gateway: 'configured', database });
      container.get<ControllableClock>(SHARED.Clock).freezeAt(NOW);
      container.get(SHARED.EventBus);
      runners.push(container.get<RunRenewals>(BILLING.RunRenewals));
    }

    const countPaid = async () => Number((await db.database.knex('payments').where({ status: 'paid', purpose_kind: 'renewal' }).count({ n: '*' }).first())?.n ?? 0);
    const rss = rssSampler();
    const started = performance.now();
    const ticker = setInterval(() => {
      void countPaid().then((paid) => progress(`renewals ${count}: ${paid}/${count} charged, ${((performance.now() - started) / 1000).toFixed(0)} s, rss ${Math.round(process.memoryUsage().rss / 1048576)} MB`));
    }, 2000);
    let queries = 0;
    for (const database of databases) database.knex.on('query', () => { queries += 1; });
    const runs = await Promise.all(runners.map((r) => r.execute(NOW)));
    clearInterval(ticker);
    const seconds = (performance.now() - started) / 1000;
    const peakRssMb = rss.stop();
    progressDone();
    const sum = (k: 'charged' | 'failed' | 'skipped') => runs.reduce((s, r) => s + r[k], 0);
    return {
      engine, memberships: count, workers, seconds: Math.round(seconds * 10) / 10, chargesPerSec: Math.round(sum('charged') / seconds),
      charged: sum('charged'), failed: sum('failed'), queriesPerCharge: Math.round((queries / Math.max(1, sum('charged'))) * 10) / 10, skipped: sum('skipped'), paidPayments: await countPaid(), peakRssMb,
    };
  } finally {
    sandbox.close();
    await listening.close();
    for (const database of databases) await database.destroy();
    await db.drop();
  }
}

function* customerUids(count: number): Generator<[string, number]> {
  for (let n = 0; n < count; n++) yield [`cust_bench_${n}`, n];
}

/** Users and due monthly memberships (period 1 over, a billing key each), in bulk inserts. */
async function seed(database: KnexDatabase, count: number, onProgress: (done: number) => void): Promise<void> {
  const chunk = 1000;
  const start = new Date(NOW.getTime() - 30 * DAY);
  for (let from = 0; from < count; from += chunk) {
    const users = [];
    const memberships = [];
    for (let n = from; n < Math.min(count, from + chunk); n++) {
      const id = String(n).padStart(8, '0');
      users.push({ id: `user_${id}`, email: `renew${n}@example.com`, name: `Renewing ${n}`, password_hash: 'x', created_at: start });
      memberships.push({
        id: `mem_${id}`, user_id: `user_${id}`, plan_id: 'monthly', status: 'active', anchor_at: start, months_paid: 1, period_no: 1,
        period_start: start, period_end: NOW, auto_renew: true, billing_key: `cust_bench_${n}`, next_charge_at: new Date(NOW.getTime() - (n % 3600) * 1000),
        renewal_attempts: 0, cancel_at_period_end: false, cancelled_at: null, renewal_lease_until: null, version: 1, created_at: start, updated_at: start,
      });
    }
    await database.knex.batchInsert('users', users, 500);
    await database.knex.batchInsert('memberships', memberships, 500);
    onProgress(Math.min(count, from + chunk));
  }
}

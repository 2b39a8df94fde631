// (b) A renewal run over N due memberships seeded straight into the database, charged by workers
// (one process each, as instances would run it) through the Iamport adapter to the sandbox, itself
// in a process of its own at zero latency (issue 16, goal 3: 100,000 on MariaDB with 2 workers).
// RSS is each worker's own, its peak over its whole life; seconds run from the start signal both
// workers get together to the last one's end; CPU per charge is the workers' and the database
// server's (on this database's connections). BENCH_RUNTIME=dist runs the workers compiled.
import type { RenewalRun } from '../src/billing/application/run-renewals.use-case';
import type { KnexDatabase } from '../src/shared/infrastructure/knex/knex-database';
import { type BenchProcess, type Engine, createBenchDatabase, databaseCpu, progress, progressDone, startBenchProcess } from './support';

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
  statementsPerCharge: number;
  transactionsPerCharge: number;
  /** The workers' CPU (user + system) per charge, ms. */
  workerCpuMsPerCharge: number;
  /** The database server's CPU on this database's connections per charge, ms. */
  dbCpuMsPerCharge: number;
  /** REST calls the sandbox received per charge. */
  gatewayCallsPerCharge: number;
  /** Each worker's peak RSS over its whole life (the kernel's VmHWM: start-up included), MB. */
  peakRssMbPerWorker: number[];
  /** The larger of those: goal 3 wants every worker under 200 MB. */
  peakRssMb: number;
  /** The larger of the workers' RSS peaks sampled every 100 ms during the run only. */
  runPeakRssMb: number;
  /** The larger of the workers' live heaps (after a full collection) before and after the run. */
  heapBeforeMb: number;
  heapAfterMb: number;
}

type WorkerResult = RenewalRun & { statements: number; transactions: number; cpuMs: number; peakRssMb: number; lifetimePeakRssMb: number | null; heapBeforeMb: number; heapAfterMb: number };

const NOW = new Date('2026-12-01T00:00:00.000Z');
const DAY = 24 * 3600 * 1000;
const CUSTOMER_CHUNK = 5000;

export async function renewalBench(engine: Engine, count: number, workers = 2): Promise<RenewalBenchResult> {
  const db = await createBenchDatabase(engine, 10);
  const processes: BenchProcess<unknown>[] = [];
  let ticker: ReturnType<typeof setInterval> | undefined;
  try {
    const sandbox = await startBenchProcess<{ url: string; api: string }>('sandbox', { BENCH_SANDBOX_NOW: NOW.toISOString() });
    processes.push(sandbox);
    await seed(db.database, count, (done) => progress(`renewals ${count}: seeding ${done}/${count}…`));
    for (let from = 0; from < count; from += CUSTOMER_CHUNK) {
      const uids = Array.from({ length: Math.min(CUSTOMER_CHUNK, count - from) }, (_, i) => customerUid(from + i));
      const res = await fetch(`${sandbox.ready.url}/__bench/customers`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ uids }) });
      if (res.status !== 200) throw new Error(`sandbox refused the billing keys: ${res.status}`);
      progress(`renewals ${count}: billing keys ${from + uids.length}/${count}…`);
    }

    const runners: BenchProcess<unknown>[] = [];
    for (let w = 0; w < workers; w++) {
      runners.push(await startBenchProcess('renewal-worker', { BENCH_DATABASE_URL: db.url, BENCH_SANDBOX_API: sandbox.ready.api, BENCH_AS_OF: NOW.toISOString() }));
    }
    processes.push(...runners);

    const countPaid = async () => Number((await db.database.knex('payments').where({ status: 'paid', purpose_kind: 'renewal' }).count({ n: '*' }).first())?.n ?? 0);
    const started = performance.now();
    // Progress only: a failed count is skipped, never an unhandled rejection (the pool is destroyed when a run fails).
    ticker = setInterval(() => {
      countPaid().then((paid) => progress(`renewals ${count}: ${paid}/${count} charged, ${((performance.now() - started) / 1000).toFixed(0)} s`), () => {});
    }, 2000);
    // Awaited below, after two samples: marked handled now, so a worker that dies meanwhile is reported there.
    const results = Promise.all(runners.map((r) => r.result<WorkerResult>()));
    results.catch(() => {});
    const dbCpu = databaseCpu(engine, db.database);
    const gatewayCalls = async () => ((await (await fetch(`${sandbox.ready.url}/__bench/calls`)).json()) as { calls: number }).calls;
    const [dbBefore, callsBefore] = await Promise.all([dbCpu.sample(), gatewayCalls()]);
    for (const runner of runners) runner.send('start');
    const runs = await results;
    const [dbAfter, callsAfter] = await Promise.all([dbCpu.sample(), gatewayCalls()]);
    clearInterval(ticker);
    const seconds = (performance.now() - started) / 1000;
    progressDone();
    const sum = (k: 'charged' | 'failed' | 'skipped' | 'statements' | 'transactions' | 'cpuMs') => runs.reduce((s, r) => s + r[k], 0);
    return {
      engine, memberships: count, workers, seconds: Math.round(seconds * 10) / 10, chargesPerSec: Math.round(sum('charged') / seconds),
      charged: sum('charged'), failed: sum('failed'), skipped: sum('skipped'), paidPayments: await countPaid(),
      statementsPerCharge: Math.round((sum('statements') / Math.max(1, sum('charged'))) * 10) / 10,
      transactionsPerCharge: Math.round((sum('transactions') / Math.max(1, sum('charged'))) * 10) / 10,
      workerCpuMsPerCharge: Math.round((sum('cpuMs') / Math.max(1, sum('charged'))) * 100) / 100,
      dbCpuMsPerCharge: Math.round((dbCpu.spentMs(dbBefore, dbAfter) / Math.max(1, sum('charged'))) * 100) / 100,
      gatewayCallsPerCharge: Math.round(((callsAfter - callsBefore) / Math.max(1, sum('charged'))) * 100) / 100,
      peakRssMbPerWorker: runs.map((r) => r.lifetimePeakRssMb ?? r.peakRssMb),
      peakRssMb: Math.max(...runs.map((r) => r.lifetimePeakRssMb ?? r.peakRssMb)),
      runPeakRssMb: Math.max(...runs.map((r) => r.peakRssMb)),
      heapBeforeMb: Math.max(...runs.map((r) => r.heapBeforeMb)),
      heapAfterMb: Math.max(...runs.map((r) => r.heapAfterMb)),
    };
  } finally {
    clearInterval(ticker);
    for (const child of processes.reverse()) await child.stop();
    await db.drop();
  }
}

const customerUid = (n: number) => `cust_bench_${n}`;

/**
 * Users and due monthly memberships (period 1 over, a billing key each), in bulk inserts. Each was
 * reminded days ago, as the product does, so the run measures charges rather than late reminders.
 */
async function seed(database: KnexDatabase, count: number, onProgress: (done: number) => void): Promise<void> {
  const chunk = 1000;
  const start = new Date(NOW.getTime() - 30 * DAY);
  const reminded = new Date(NOW.getTime() - 3 * DAY);
  for (let from = 0; from < count; from += chunk) {
    const users = [];
    const memberships = [];
    const reminders = [];
    for (let n = from; n < Math.min(count, from + chunk); n++) {
      const id = String(n).padStart(8, '0');
      users.push({ id: `user_${id}`, email: `renew${n}@example.com`, name: `Renewing ${n}`, password_hash: 'x', created_at: start });
      memberships.push({
        id: `mem_${id}`, user_id: `user_${id}`, plan_id: 'monthly', status: 'active', anchor_at: start, months_paid: 1, period_no: 1,
        period_start: start, period_end: NOW, auto_renew: true, billing_key: customerUid(n), next_charge_at: new Date(NOW.getTime() - (n % 3600) * 1000),
        renewal_attempts: 0, cancel_at_period_end: false, cancelled_at: null, renewal_lease_until: null, version: 1, created_at: start, updated_at: start,
      });
      reminders.push({ kind: 'renewal_reminder', membership_id: `mem_${id}`, period_no: 2, sent_at: reminded });
    }
    await database.knex.batchInsert('users', users, 500);
    await database.knex.batchInsert('memberships', memberships, 500);
    await database.knex.batchInsert('notifications', reminders, 500);
    onProgress(Math.min(count, from + chunk));
  }
}

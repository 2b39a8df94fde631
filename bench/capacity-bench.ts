// (d) The capacity model's measurements (docs/scale.md): what one buy loop and one renewal charge
// cost one instance and the database. A buy loop is what a buyer's page makes the API do:
// POST /api/payment/checkout, the PG window (the sandbox, not counted), POST /api/payment/validation.
// One memberpay process, the sandbox in another, BENCH_CAPACITY_LOOPS loops at
// BENCH_CAPACITY_CONCURRENCY after a warm-up; then one renewal worker charging BENCH_CAPACITY_RENEWALS
// due memberships. Counted per loop / per charge: the instance's CPU, the database server's CPU
// spent on this database's connections, SQL statements (each a round trip), transactions, gateway
// calls; sampled during the loops: sessions waiting on a row lock.
import { type BenchProcess, type Engine, createBenchDatabase, databaseCpu, percentile, progress, progressDone, startBenchProcess } from './support';
import { renewalBench } from './renewal-bench';

export interface CapacityRow {
  engine: Engine;
  work: 'buy loop' | 'renewal charge';
  count: number;
  concurrency: number;
  perSecond: number;
  p50Ms: number | null;
  p99Ms: number | null;
  appCpuMs: number;
  dbCpuMs: number;
  statements: number;
  transactions: number | null;
  gatewayCalls: number;
  /** Share of lock samples (every 20 ms) that found a session of this database waiting on a lock. */
  lockWaitShare: number | null;
  /** A buy loop's statements by request, from loops run one at a time: checkout, validation. */
  statementsByRequest: { checkout: number; validation: number } | null;
}

interface Memberpay {
  url: string;
  cookies: string[];
}

interface Stats {
  statements: number;
  transactions: number;
  cpuMs: number;
}

const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

async function json<T>(url: string, init?: RequestInit): Promise<T> {
  const res = await fetch(url, init);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

const post = (url: string, body: unknown, cookie?: string) =>
  json<Record<string, any>>(url, { method: 'POST', headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) }, body: JSON.stringify(body) });

/**
 * Samples whether any session of the database waits on a lock, every 20 ms, until stopped. A failed
 * sample ends the sampling and comes out of stop(), never as an unhandled rejection: that killed the
 * driver once (a buy loop failed, the finally block destroyed the pool, the next sample met
 * knex's "Unable to acquire a connection" and the first error was never printed). Stop it before
 * the database goes.
 */
function lockSampler(engine: Engine, database: Awaited<ReturnType<typeof createBenchDatabase>>['database']): { stop(): Promise<number | null> } {
  if (engine === 'sqlite') return { stop: async () => null };
  const sql = engine === 'postgres'
    ? "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
    : "SELECT count(*) AS n FROM information_schema.INNODB_TRX t JOIN information_schema.PROCESSLIST p ON p.ID = t.trx_mysql_thread_id WHERE t.trx_state = 'LOCK WAIT' AND p.DB = DATABASE()";
  let samples = 0;
  let waiting = 0;
  let running = true;
  let failure: unknown = null;
  const loop = (async () => {
    while (running) {
      const result = await database.knex.raw(sql);
      const rows = engine === 'postgres' ? result.rows : result[0];
      samples += 1;
      if (Number(rows[0].n) > 0) waiting += 1;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })().catch((error: unknown) => { failure = error; });
  return {
    async stop() {
      running = false;
      await loop;
      if (failure !== null) throw new Error(`lock sampling failed: ${failure instanceof Error ? failure.message : String(failure)}`);
      return samples === 0 ? 0 : round(waiting / samples, 3);
    },
  };
}

export async function buyLoopCapacity(engine: Engine, loops: number, concurrency: number): Promise<CapacityRow> {
  const db = await createBenchDatabase(engine, 10);
  const processes: BenchProcess<unknown>[] = [];
  let locks: ReturnType<typeof lockSampler> | null = null;
  try {
    const sandbox = await startBenchProcess<{ url: string; api: string }>('sandbox', {});
    processes.push(sandbox);
    const app = await startBenchProcess<Memberpay>('memberpay', { BENCH_DATABASE_URL: db.url, BENCH_SANDBOX_API: sandbox.ready.api, BENCH_USERS: String(concurrency), BENCH_POOL_MAX: '10' });
    processes.push(app);
    const { url, cookies } = app.ready;
    const buy = async (cookie: string) => {
      const checkout = await post(`${url}/api/payment/checkout`, { plan: 'monthly' }, cookie);
      const { imp_uid: gatewayPaymentId } = await post(`${sandbox.ready.url}/__bench/pay`, { merchant_uid: checkout.merchant_uid, amount: checkout.amount });
      const validation = await post(`${url}/api/payment/validation`, { imp_uid: gatewayPaymentId, merchant_uid: checkout.merchant_uid }, cookie);
      if (validation.status !== 'paid') throw new Error(`validation answered ${JSON.stringify(validation)}`);
    };
    // Each buyer buys again and again: a live membership is extended, as a second purchase does.
    // The first failure stops every buyer, and is the error this run reports.
    const run = async (count: number, latencies: number[] | null) => {
      let next = 0;
      let failed = false;
      await Promise.all(cookies.map(async (cookie) => {
        while (next < count && !failed) {
          next += 1;
          const started = performance.now();
          try {
            await buy(cookie);
          } catch (error) {
            failed = true;
            throw error;
          }
          latencies?.push(performance.now() - started);
        }
      }));
    };
    progress(`capacity (${engine}): warming up…`);
    await run(Math.min(100, loops), null);
    const dbCpu = databaseCpu(engine, db.database);
    const [statsBefore, callsBefore, dbBefore] = await Promise.all([json<Stats>(`${url}/__bench/stats`), json<{ calls: number }>(`${sandbox.ready.url}/__bench/calls`), dbCpu.sample()]);
    locks = lockSampler(engine, db.database);
    progress(`capacity (${engine}): ${loops} buy loops, ${concurrency} at a time…`);
    const latencies: number[] = [];
    const started = performance.now();
    await run(loops, latencies);
    const seconds = (performance.now() - started) / 1000;
    const lockWaitShare = await locks.stop();
    const [statsAfter, callsAfter, dbAfter] = await Promise.all([json<Stats>(`${url}/__bench/stats`), json<{ calls: number }>(`${sandbox.ready.url}/__bench/calls`), dbCpu.sample()]);
    // One at a time, so each request's statements are its own.
    const split = { checkout: 0, validation: 0 };
    const SPLIT_LOOPS = 20;
    for (let n = 0; n < SPLIT_LOOPS; n++) {
      const before = await json<Stats>(`${url}/__bench/stats`);
      const checkout = await post(`${url}/api/payment/checkout`, { plan: 'monthly' }, cookies[0]);
      const between = await json<Stats>(`${url}/__bench/stats`);
      const { imp_uid: gatewayPaymentId } = await post(`${sandbox.ready.url}/__bench/pay`, { merchant_uid: checkout.merchant_uid, amount: checkout.amount });
      await post(`${url}/api/payment/validation`, { imp_uid: gatewayPaymentId, merchant_uid: checkout.merchant_uid }, cookies[0]);
      const after = await json<Stats>(`${url}/__bench/stats`);
      split.checkout += (between.statements - before.statements) / SPLIT_LOOPS;
      split.validation += (after.statements - between.statements) / SPLIT_LOOPS;
    }
    progressDone();
    latencies.sort((a, b) => a - b);
    return {
      engine, work: 'buy loop', count: loops, concurrency, perSecond: round(loops / seconds, 1),
      p50Ms: Math.round(percentile(latencies, 50)), p99Ms: Math.round(percentile(latencies, 99)),
      appCpuMs: round((statsAfter.cpuMs - statsBefore.cpuMs) / loops),
      dbCpuMs: round(dbCpu.spentMs(dbBefore, dbAfter) / loops),
      statements: round((statsAfter.statements - statsBefore.statements) / loops, 1),
      transactions: round((statsAfter.transactions - statsBefore.transactions) / loops, 1),
      gatewayCalls: round((callsAfter.calls - callsBefore.calls) / loops, 2),
      lockWaitShare,
      statementsByRequest: { checkout: round(split.checkout, 1), validation: round(split.validation, 1) },
    };
  } finally {
    // Stopped (again) before the pool it samples on is destroyed; a run that failed reports its own error.
    await locks?.stop().catch(() => null);
    for (const child of processes.reverse()) await child.stop();
    await db.drop();
  }
}

export async function renewalCapacity(engine: Engine, count: number): Promise<CapacityRow> {
  const run = await renewalBench(engine, count, 1);
  return {
    engine, work: 'renewal charge', count, concurrency: 8, perSecond: run.chargesPerSec, p50Ms: null, p99Ms: null,
    appCpuMs: run.workerCpuMsPerCharge, dbCpuMs: run.dbCpuMsPerCharge, statements: run.statementsPerCharge, transactions: run.transactionsPerCharge,
    gatewayCalls: run.gatewayCallsPerCharge, lockWaitShare: null, statementsByRequest: null,
  };
}

// `npm run bench`: never part of `npm test`. Prints tables and writes bench/results.json.
// BENCH_ONLY=http,renewals,concurrent,buyloop picks parts (capacity: the measurements of docs/scale.md, only when named);
// BENCH_RUNTIME=tsx|dist (dist: the measured processes run compiled, node dist/…, built first as `npm run build` does);
// BENCH_DURATION_S, BENCH_WARMUP_S, BENCH_CONNECTIONS, BENCH_RENEWALS=10000,100000, BENCH_ENGINES=sqlite,mariadb,postgres,
// BENCH_BUYLOOP_BUYERS, BENCH_BUYLOOP_WARMUP_S, BENCH_BUYLOOP_WINDOW_S, BENCH_BUYLOOP_WINDOWS,
// BENCH_CAPACITY_LOOPS, BENCH_CAPACITY_CONCURRENCY, BENCH_CAPACITY_RENEWALS (0: the buy loop alone),
// BENCH_WORKER_NODE_OPTIONS (Node flags for the renewal workers), BENCH_PROFILE=<process name>.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buyLoopComparison, type BuyLoopRow, type GoalCheck } from './buyloop-bench';
import { buyLoopCapacity, type CapacityRow, renewalCapacity } from './capacity-bench';
import { concurrentValidationBench, httpBench, type ConcurrentValidationResult, type HttpBenchRow } from './http-bench';
import { renewalBench, type RenewalBenchResult } from './renewal-bench';
import { benchRuntime, runtimeLabel } from './runtime';
import { type Engine, table } from './support';

const only = new Set((process.env.BENCH_ONLY ?? 'http,renewals,concurrent,buyloop').split(','));
const engines = (process.env.BENCH_ENGINES ?? 'sqlite,mariadb,postgres').split(',') as Engine[];
const serverEngines = engines.filter((e) => e !== 'sqlite');
const durationS = Number(process.env.BENCH_DURATION_S ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 10);
const warmupS = Number(process.env.BENCH_WARMUP_S ?? 3);
const renewalSizes = (process.env.BENCH_RENEWALS ?? '10000,100000').split(',').map(Number);
const workerNodeOptions = process.env.BENCH_WORKER_NODE_OPTIONS ?? '';

/**
 * A buyer holds at most 5 open (await) orders (DESIGN §6, 429 too_many_open_orders beyond): the checkout
 * load spreads over enough buyers for its window at up to 500 checkouts a second, so it never meets the limit.
 */
const OPEN_ORDERS_PER_BUYER = 5;
const checkoutBuyers = Math.max(200, Math.ceil(((durationS + warmupS) * 500) / OPEN_ORDERS_PER_BUYER));

const pct = (x: number) => `${Math.round(x * 100)}%`;
const verdict = (met: boolean) => (met ? 'met' : 'MISSED');
const goalLine = (check: GoalCheck | null, shown: string) => (check === null ? null : `${check.goal}: ${shown} → ${verdict(check.met)}`);

// Any promise the driver forgot is a bench bug, not memberpay's: say so and which process it was
// (children's own lines come prefixed with their name and pid).
process.on('unhandledRejection', (error: unknown) => {
  process.stderr.write(`\nbench driver (pid ${process.pid}, bench/run.ts) died of an unhandled rejection: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});

async function main(): Promise<void> {
  const results: Record<string, unknown> = { startedAt: new Date().toISOString(), node: process.version, settings: { runtime: benchRuntime, durationS, warmupS, connections, engines, renewalSizes, workerNodeOptions } };
  console.log(`measured processes: ${runtimeLabel}`);

  if (only.has('http')) {
    const rows: HttpBenchRow[] = [];
    const exhausted: Record<string, number> = {};
    for (const engine of engines) {
      const out = await httpBench(engine, { connections, durationS, warmupS, users: checkoutBuyers });
      rows.push(...out.rows);
      exhausted[engine] = out.exhausted;
    }
    console.log(`\n(a) checkout and validation, ${connections} connections × ${durationS} s after ${warmupS} s of warm-up (goal: ≥ 60% of the baseline's req/s, p99 < 3×); ${runtimeLabel}`);
    console.log(table(rows.map((r) => ({
      engine: r.engine, endpoint: r.endpoint,
      'baseline req/s': r.baseline.reqPerSec, 'baseline p50/p99 ms': `${r.baseline.p50}/${r.baseline.p99}`,
      'memberpay req/s': r.memberpay.reqPerSec, 'memberpay p50/p99 ms': `${r.memberpay.p50}/${r.memberpay.p99}`,
      throughput: pct(r.throughputRatio), 'p99 ×': r.p99Ratio.toFixed(1),
      'CPU ms/req baseline/memberpay': `${r.baseline.cpuMsPerRequest ?? '-'}/${r.memberpay.cpuMsPerRequest ?? '-'}`,
      'non-2xx': r.memberpay.non2xx + r.baseline.non2xx, goal: r.throughputRatio >= 0.6 && r.p99Ratio < 3 ? 'met' : 'MISSED',
    }))));
    for (const [engine, n] of Object.entries(exhausted)) if (n > 0) console.log(`note (${engine}): ${n} validations re-sent an already validated payment (prepared orders ran out)`);
    results.http = { rows, exhaustedValidations: exhausted };
  }

  if (only.has('renewals')) {
    const runs: RenewalBenchResult[] = [];
    for (const engine of serverEngines) for (const size of renewalSizes) runs.push(await renewalBench(engine, size, 2));
    const flags = workerNodeOptions ? `, workers run with ${workerNodeOptions}` : '';
    console.log(`\n(b) renewal run, 2 worker processes${flags}, sandbox in its own process at zero latency; ${runtimeLabel}`);
    console.log(table(runs.map((r) => ({
      engine: r.engine, memberships: r.memberships, seconds: r.seconds, 'charges/s': r.chargesPerSec, charged: r.charged, failed: r.failed, skipped: r.skipped,
      'paid rows': r.paidPayments, 'SQL per charge': r.statementsPerCharge, 'peak RSS MB per worker': r.peakRssMbPerWorker.join(' / '), 'live heap MB before/after': `${r.heapBeforeMb}/${r.heapAfterMb}`,
    }))));
    const ratios: Record<string, number | null> = {};
    const goals: Record<string, Record<string, { value: number | null; met: boolean }>> = {};
    for (const engine of serverEngines) {
      const small = runs.find((r) => r.engine === engine && r.memberships === 10_000);
      const large = runs.find((r) => r.engine === engine && r.memberships === 100_000);
      ratios[engine] = small && large ? large.seconds / small.seconds : null;
      const largest = runs.filter((r) => r.engine === engine).sort((a, b) => b.memberships - a.memberships)[0];
      goals[engine] = {
        ...(large ? { 'all 100,000 charged in < 60 s': { value: large.seconds, met: large.charged === 100_000 && large.seconds < 60 } } : {}),
        ...(largest ? { 'every worker\'s peak RSS < 200 MB': { value: Math.max(...runs.filter((r) => r.engine === engine).map((r) => r.peakRssMb)), met: runs.filter((r) => r.engine === engine).every((r) => r.peakRssMb < 200) } } : {}),
        ...(small && large ? { 'time 100k / 10k < 12': { value: Math.round((large.seconds / small.seconds) * 10) / 10, met: large.seconds / small.seconds < 12 } } : {}),
      };
      const lines = Object.entries(goals[engine]).map(([goal, g]) => `${goal}: ${g.value} → ${verdict(g.met)}`);
      console.log(`goal 3 (${engine}${engine === 'mariadb' ? ', the engine the goal names' : ', for comparison'}): ${lines.length > 0 ? lines.join('; ') : 'needs BENCH_RENEWALS with 10000 and 100000'}`);
    }
    results.renewals = { runtime: benchRuntime, runs, ratio100kTo10k: ratios, goals };
  }

  if (only.has('buyloop')) {
    const rows: BuyLoopRow[] = [];
    const options = {
      buyers: Number(process.env.BENCH_BUYLOOP_BUYERS ?? 16),
      warmupS: Number(process.env.BENCH_BUYLOOP_WARMUP_S ?? 10),
      windowS: Number(process.env.BENCH_BUYLOOP_WINDOW_S ?? 10),
      windows: Number(process.env.BENCH_BUYLOOP_WINDOWS ?? 4),
    };
    for (const engine of engines) rows.push(await buyLoopComparison(engine, options));
    console.log(`\n(e) buy loop (checkout → pay at the sandbox → validation), closed loop of ${options.buyers} buyers; memberpay against the bare Koa + Knex server;`);
    console.log(`    ${options.windows} alternating windows of ${options.windowS} s per server after ${options.warmupS} s of warm-up each; memberpay and the bare server ${runtimeLabel}`);
    console.log(table(rows.map((r) => ({
      engine: r.engine,
      'bare loops/s': r.bare.loopsPerSec, 'memberpay loops/s': r.memberpay.loopsPerSec, ratio: r.throughputRatio.toFixed(2),
      'CPU ms/loop bare': r.bare.cpuMsPerLoop, 'CPU ms/loop memberpay': r.memberpay.cpuMsPerLoop,
      'p50/p99 ms bare': `${r.bare.p50Ms}/${r.bare.p99Ms}`, 'p50/p99 ms memberpay': `${r.memberpay.p50Ms}/${r.memberpay.p99Ms}`, 'p99 ×': r.p99Ratio.toFixed(2),
      loops: `${r.bare.loops}/${r.memberpay.loops}`, errors: `${r.bare.errors}/${r.memberpay.errors}`,
      'sandbox, load gen. CPU ms/loop': `${r.memberpay.sandboxCpuMsPerLoop ?? '-'}, ${r.memberpay.loadGeneratorCpuMsPerLoop}`,
      'load avg before': r.loadAverageBefore[0],
    }))));
    for (const r of rows) {
      const lines = [
        goalLine(r.goals.throughput, `${r.throughputRatio.toFixed(2)}${r.memberpay.errors > 0 ? ` with ${r.memberpay.errors} failed loops` : ''}`),
        goalLine(r.goals.cpu, `${r.memberpay.cpuMsPerLoop} ms`),
        goalLine(r.goals.p99, `${r.p99Ratio.toFixed(2)}×`),
      ].filter((line) => line !== null);
      console.log(`goal 1 (${r.engine}${r.goals.cpu === null ? ', no CPU goal set' : ''}): ${lines.join('; ')}`);
      console.log(`  each server on a core of its own would give about bare CPU / memberpay CPU = ${r.cpuRatio.toFixed(2)}`);
      if (r.memberpay.firstError ?? r.bare.firstError) console.log(`  first failed loop: ${r.memberpay.firstError ?? r.bare.firstError}`);
    }
    results.buyloop = { runtime: benchRuntime, options, rows };
  }

  if (only.has('concurrent')) {
    const runs: ConcurrentValidationResult[] = [];
    for (const engine of engines) runs.push(await concurrentValidationBench(engine, 200));
    console.log('\n(c) 200 concurrent validations of one payment (goal: exactly 1 activation)');
    console.log(table(runs.map((r) => ({
      engine: r.engine, requests: r.requests, statuses: Object.entries(r.statuses).map(([s, n]) => `${s}×${n}`).join(' '),
      'p50 ms': r.p50Ms, 'p99 ms': r.p99Ms, activations: r.activations, 'PaymentPaid events': r.paymentPaidEvents,
    }))));
    results.concurrentValidation = runs;
  }

  if (only.has('capacity')) {
    const loops = Number(process.env.BENCH_CAPACITY_LOOPS ?? 1000);
    const concurrency = Number(process.env.BENCH_CAPACITY_CONCURRENCY ?? 8);
    const renewals = Number(process.env.BENCH_CAPACITY_RENEWALS ?? 3000);
    const rows: CapacityRow[] = [];
    // The buy loop on every engine named (SQLite too); renewal workers on the server engines (0 renewals: none).
    for (const engine of engines) {
      rows.push(await buyLoopCapacity(engine, loops, concurrency));
      if (engine !== 'sqlite' && renewals > 0) rows.push(await renewalCapacity(engine, renewals));
    }
    console.log(`\n(d) capacity: one instance, per buy loop (checkout + validation, ${concurrency} buyers at a time) and per renewal charge (one worker); ${runtimeLabel}`);
    console.log(table(rows.map((r) => ({
      engine: r.engine, work: r.work, count: r.count, 'per s': r.perSecond, 'p50/p99 ms': r.p50Ms === null ? '-' : `${r.p50Ms}/${r.p99Ms}`,
      'app CPU ms': r.appCpuMs, 'DB CPU ms': r.dbCpuMs,
      statements: r.statementsByRequest ? `${r.statements} (${r.statementsByRequest.checkout} + ${r.statementsByRequest.validation})` : r.statements,
      transactions: r.transactions ?? '-', 'gateway calls': r.gatewayCalls,
      'lock-wait samples': r.lockWaitShare ?? '-',
    }))));
    results.capacity = { loops, concurrency, renewals, rows };
  }

  results.finishedAt = new Date().toISOString();
  const file = fileURLToPath(new URL('./results.json', import.meta.url));
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nwritten ${file}`);
}

main().then(() => process.exit(0), (error: unknown) => {
  console.error(`bench failed: ${error instanceof Error ? error.stack : String(error)}`);
  process.exit(1);
});

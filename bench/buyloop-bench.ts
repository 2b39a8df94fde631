// (e) The buy loop against a bare server (issue 16, goal 1). A buy loop is what a buyer's page makes
// the API do: POST /api/payment/checkout, pay in the PG window (the sandbox's /__bench/pay),
// POST /api/payment/validation. A closed loop of BENCH_BUYLOOP_BUYERS logged-in buyers (16), each
// starting its next loop when the last one ends, driven from this process (the load generator).
//
// Per engine, four processes besides this one: memberpay as `npm start` wires it
// (bench/processes/memberpay.process.ts), the bare server (bench/processes/buyloop-baseline.process.ts:
// Koa + @koa/router + Knex doing the same external work and writing the same rows), each on its own
// fresh database, and the Iamport sandbox both talk to. Both servers are warmed up
// (BENCH_BUYLOOP_WARMUP_S each), then measured in alternating windows of BENCH_BUYLOOP_WINDOW_S,
// BENCH_BUYLOOP_WINDOWS per server, in the order bare, memberpay, memberpay, bare, bare, ... so a
// drift of the machine over the run falls on both alike. While one is measured the other is idle.
//
// Per server, over its windows: loops/s, the server process's CPU per loop (its process.cpuUsage,
// read through GET /__bench/stats before and after each window), p50/p99 of a whole loop.
// memberpay mails each purchase's receipt from its outbox relay (every 5 s): a window ends when
// those are out too, and the CPU spent on that tail counts in its CPU per loop and, as time the
// loops did not get, in its window's length.
import { Agent, request } from 'node:http';
import { loadavg } from 'node:os';
import { benchRuntime } from './runtime';
import { type BenchDatabase, type BenchProcess, type Engine, createBenchDatabase, percentile, progress, progressDone, startBenchProcess } from './support';

export interface BuyLoopOptions {
  buyers: number;
  warmupS: number;
  windowS: number;
  windows: number;
}

export interface BuyLoopSide {
  loops: number;
  seconds: number;
  loopsPerSec: number;
  /** The server process's CPU (user + system) per loop, ms. */
  cpuMsPerLoop: number;
  p50Ms: number;
  p99Ms: number;
  /** Loops that did not end in a paid validation (each is reported, none is counted as a loop). */
  errors: number;
  firstError: string | null;
  /** The sandbox's and this load generator's CPU per loop, ms: both must stay well below a server's. */
  sandboxCpuMsPerLoop: number | null;
  loadGeneratorCpuMsPerLoop: number;
  windows: Array<{ loops: number; seconds: number; cpuMs: number; tailCpuMs: number }>;
}

export interface BuyLoopRow {
  engine: Engine;
  runtime: 'tsx' | 'dist';
  buyers: number;
  bare: BuyLoopSide;
  memberpay: BuyLoopSide;
  /** memberpay's loops/s over the bare server's. */
  throughputRatio: number;
  /** memberpay's p99 over the bare server's. */
  p99Ratio: number;
  /** The bare server's CPU per loop over memberpay's: the throughput ratio where each server is the limit on a core of its own. */
  cpuRatio: number;
  goals: { throughput: GoalCheck; cpu: GoalCheck | null; p99: GoalCheck };
  loadAverageBefore: number[];
}

export interface GoalCheck {
  goal: string;
  value: number;
  met: boolean;
}

/** Issue 16, goal 1: memberpay's CPU per loop, by engine (none set for PostgreSQL). */
const CPU_GOAL_MS: Partial<Record<Engine, number>> = { sqlite: 2.7, mariadb: 3.0 };
const THROUGHPUT_GOAL = 0.6;
const P99_GOAL = 3;
/** A server that fails this many loops in one window is broken, not slow: the run stops. */
const MAX_ERRORS_PER_WINDOW = 20;
const DRAIN_TIMEOUT_MS = 30_000;

const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

interface Server {
  url: string;
  cookies: string[];
}

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

/** JSON POSTs over keep-alive connections, one agent per run: a lean load generator. */
function httpClient(connections: number) {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const call = (method: 'GET' | 'POST', url: string, body?: unknown, cookie?: string) => new Promise<Answer>((resolve, reject) => {
    const target = new URL(url);
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = request({
      host: target.hostname, port: target.port, path: target.pathname, method, agent,
      headers: { ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}), ...(cookie ? { cookie } : {}) },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        try {
          resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) as Record<string, unknown> : {} });
        } catch {
          resolve({ status: res.statusCode ?? 0, body: { unreadable: text.slice(0, 200) } });
        }
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
  return { call, close: () => agent.destroy() };
}

type Client = ReturnType<typeof httpClient>;

/** One buy loop; throws with what was answered when it does not end paid. */
async function buy(client: Client, server: string, sandbox: string, cookie: string): Promise<void> {
  const checkout = await client.call('POST', `${server}/api/payment/checkout`, { plan: 'monthly' }, cookie);
  if (checkout.status !== 201) throw new Error(`checkout answered ${checkout.status} ${JSON.stringify(checkout.body)}`);
  const pay = await client.call('POST', `${sandbox}/__bench/pay`, { merchant_uid: checkout.body.merchant_uid, amount: checkout.body.amount });
  if (pay.status !== 200) throw new Error(`the sandbox refused the payment: ${pay.status} ${JSON.stringify(pay.body)}`);
  const validation = await client.call('POST', `${server}/api/payment/validation`, { imp_uid: pay.body.imp_uid, merchant_uid: checkout.body.merchant_uid }, cookie);
  if (validation.status !== 200 || validation.body.status !== 'paid') throw new Error(`validation answered ${validation.status} ${JSON.stringify(validation.body)}`);
}

interface Window {
  loops: number;
  seconds: number;
  latencies: number[];
  errors: string[];
}

/** Every buyer loops until `seconds` have passed; a loop under way when time is up still ends. */
async function closedLoop(client: Client, server: Server, sandbox: string, seconds: number): Promise<Window> {
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  const latencies: number[] = [];
  const errors: string[] = [];
  await Promise.all(server.cookies.map(async (cookie) => {
    while (performance.now() < deadline && errors.length < MAX_ERRORS_PER_WINDOW) {
      const begun = performance.now();
      try {
        await buy(client, server.url, sandbox, cookie);
        latencies.push(performance.now() - begun);
      } catch (error) {
        errors.push(error instanceof Error ? error.message : String(error));
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    }
  }));
  return { loops: latencies.length, seconds: (performance.now() - started) / 1000, latencies, errors };
}

interface Side {
  name: 'bare' | 'memberpay';
  process: BenchProcess<Server>;
  db: BenchDatabase;
  /** Waits for the work a window left queued (memberpay's receipts); nothing for the bare server. */
  drain(): Promise<void>;
  windows: BuyLoopSide['windows'];
  latencies: number[];
  errors: string[];
  sandboxCpuMs: number | null;
  loadGeneratorCpuMs: number;
}

async function serverCpuMs(client: Client, side: Side): Promise<number> {
  const answer = await client.call('GET', `${side.process.ready.url}/__bench/stats`);
  return Number(answer.body.cpuMs);
}

/** memberpay's outbox holds no undelivered event: every receipt of the window is out. */
async function outboxEmpty(db: BenchDatabase): Promise<void> {
  const since = performance.now();
  for (;;) {
    const row = await db.database.knex('domain_events').whereNull('delivered_at').count({ n: '*' }).first();
    if (Number(row?.n ?? 0) === 0) return;
    if (performance.now() - since > DRAIN_TIMEOUT_MS) throw new Error(`memberpay's outbox still held ${row?.n} undelivered events ${DRAIN_TIMEOUT_MS / 1000} s after the loops`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function measureWindow(client: Client, side: Side, sandbox: BenchProcess<{ url: string }>, seconds: number, engine: Engine): Promise<void> {
  const [cpuBefore, sandboxBefore, driverBefore] = [await serverCpuMs(client, side), sandbox.cpuMs(), process.cpuUsage()];
  const window = await closedLoop(client, side.process.ready, sandbox.ready.url, seconds);
  const cpuAtEnd = await serverCpuMs(client, side);
  await side.drain();
  const [cpuAfter, sandboxAfter, driver] = [await serverCpuMs(client, side), sandbox.cpuMs(), process.cpuUsage(driverBefore)];
  const tailCpuMs = cpuAfter - cpuAtEnd;
  side.windows.push({ loops: window.loops, seconds: window.seconds + tailCpuMs / 1000, cpuMs: cpuAfter - cpuBefore, tailCpuMs });
  side.latencies.push(...window.latencies);
  side.errors.push(...window.errors);
  side.sandboxCpuMs = sandboxBefore === null || sandboxAfter === null || side.sandboxCpuMs === null ? null : side.sandboxCpuMs + sandboxAfter - sandboxBefore;
  side.loadGeneratorCpuMs += (driver.user + driver.system) / 1000;
  if (window.errors.length >= MAX_ERRORS_PER_WINDOW) {
    throw new Error(`${side.name} (${engine}) failed ${window.errors.length} loops in one window; the first: ${window.errors[0]}`);
  }
}

function summary(side: Side): BuyLoopSide {
  const loops = side.windows.reduce((s, w) => s + w.loops, 0);
  const seconds = side.windows.reduce((s, w) => s + w.seconds, 0);
  const cpuMs = side.windows.reduce((s, w) => s + w.cpuMs, 0);
  const sorted = [...side.latencies].sort((a, b) => a - b);
  return {
    loops, seconds: round(seconds, 1), loopsPerSec: round(loops / seconds, 1), cpuMsPerLoop: round(cpuMs / Math.max(1, loops)),
    p50Ms: round(percentile(sorted, 50), 1), p99Ms: round(percentile(sorted, 99), 1),
    errors: side.errors.length, firstError: side.errors[0] ?? null,
    sandboxCpuMsPerLoop: side.sandboxCpuMs === null ? null : round(side.sandboxCpuMs / Math.max(1, loops)),
    loadGeneratorCpuMsPerLoop: round(side.loadGeneratorCpuMs / Math.max(1, loops)),
    windows: side.windows.map((w) => ({ ...w, seconds: round(w.seconds, 2), cpuMs: round(w.cpuMs, 1), tailCpuMs: round(w.tailCpuMs, 1) })),
  };
}

export async function buyLoopComparison(engine: Engine, options: BuyLoopOptions): Promise<BuyLoopRow> {
  const loadAverageBefore = loadavg().map((x) => round(x, 2));
  const databases: BenchDatabase[] = [];
  const processes: BenchProcess<unknown>[] = [];
  const client = httpClient(options.buyers * 2);
  try {
    progress(`buy loop (${engine}): starting the sandbox, the bare server and memberpay…`);
    const sandbox = await startBenchProcess<{ url: string; api: string }>('sandbox', {});
    processes.push(sandbox);
    const start = async (name: Side['name']): Promise<Side> => {
      const db = await createBenchDatabase(engine, 2);
      databases.push(db);
      const child = await startBenchProcess<Server>(name === 'bare' ? 'buyloop-baseline' : 'memberpay', {
        BENCH_DATABASE_URL: db.url, BENCH_SANDBOX_API: sandbox.ready.api, BENCH_USERS: String(options.buyers), BENCH_POOL_MAX: '10',
      });
      processes.push(child);
      return {
        name, process: child, db, drain: name === 'memberpay' ? () => outboxEmpty(db) : async () => {},
        windows: [], latencies: [], errors: [], sandboxCpuMs: 0, loadGeneratorCpuMs: 0,
      };
    };
    const bare = await start('bare');
    const memberpay = await start('memberpay');

    for (const side of [bare, memberpay]) {
      progress(`buy loop (${engine}): warming up ${side.name} for ${options.warmupS} s…`);
      const warm = await closedLoop(client, side.process.ready, sandbox.ready.url, options.warmupS);
      if (warm.errors.length >= MAX_ERRORS_PER_WINDOW) throw new Error(`${side.name} (${engine}) failed ${warm.errors.length} loops while warming up; the first: ${warm.errors[0]}`);
      await side.drain();
    }
    for (let w = 0; w < options.windows; w++) {
      for (const side of w % 2 === 0 ? [bare, memberpay] : [memberpay, bare]) {
        progress(`buy loop (${engine}): window ${w + 1}/${options.windows}, ${side.name}, ${options.windowS} s…`);
        await measureWindow(client, side, sandbox, options.windowS, engine);
      }
    }
    progressDone();
    const b = summary(bare);
    const m = summary(memberpay);
    const throughputRatio = round(m.loopsPerSec / b.loopsPerSec, 3);
    const p99Ratio = round(m.p99Ms / b.p99Ms, 2);
    const cpuGoal = CPU_GOAL_MS[engine];
    return {
      engine, runtime: benchRuntime, buyers: options.buyers, bare: b, memberpay: m, throughputRatio, p99Ratio, loadAverageBefore,
      cpuRatio: round(b.cpuMsPerLoop / m.cpuMsPerLoop, 3),
      goals: {
        throughput: { goal: `memberpay loops/s ≥ ${THROUGHPUT_GOAL} × bare`, value: throughputRatio, met: throughputRatio >= THROUGHPUT_GOAL && m.errors === 0 },
        cpu: cpuGoal === undefined ? null : { goal: `memberpay CPU ≤ ${cpuGoal} ms/loop`, value: m.cpuMsPerLoop, met: m.cpuMsPerLoop <= cpuGoal },
        p99: { goal: `memberpay p99 < ${P99_GOAL} × bare`, value: p99Ratio, met: p99Ratio < P99_GOAL },
      },
    };
  } finally {
    client.close();
    for (const child of processes.reverse()) await child.stop();
    for (const db of databases) await db.drop();
  }
}

// Shared pieces of the benchmarks: throw-away databases, the processes under test (each measured
// server, the sandbox and each renewal worker run alone in a child process, so autocannon and the
// gateway do not share memberpay's thread), autocannon runs, and the results table.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import { KnexDatabase } from '../src/shared/infrastructure/knex/knex-database';
import { createServerTestDatabase, type ServerEngine } from '../test/support/database';
import { prepareRuntime, processArguments } from './runtime';

export { listen, type Listening, SANDBOX_PREFIX } from './processes/child';

export type Engine = 'sqlite' | ServerEngine;

export interface BenchDatabase {
  url: string;
  database: KnexDatabase;
  drop(): Promise<void>;
}

/**
 * A fresh migrated database: a SQLite file in a temp folder, or a uniquely named database on the
 * test MariaDB / PostgreSQL server (TEST_MARIADB_URL, TEST_POSTGRES_URL, as `npm test` uses).
 */
export async function createBenchDatabase(engine: Engine, poolMax = 10): Promise<BenchDatabase> {
  if (engine === 'sqlite') {
    const dir = mkdtempSync(path.join(tmpdir(), 'memberpay-bench-'));
    const url = `sqlite:${path.join(dir, 'bench.sqlite')}`;
    const database = KnexDatabase.fromUrl(url);
    await database.migrateLatest();
    return { url, database, async drop() { await database.destroy(); rmSync(dir, { recursive: true, force: true }); } };
  }
  const { url, database, drop } = await createServerTestDatabase(engine, poolMax);
  return { url, database, drop };
}

/**
 * CPU the database server spent on one database's connections, from /proc (the server must run on
 * this machine, as on the dev and CI machines): PostgreSQL's backend processes of the database
 * (pg_stat_activity), MariaDB's threads serving it (one thread per connection; PROCESSLIST.TID).
 * Sample before and after a run; connections the pool opens in between count from zero.
 */
/** CPU ms so far per server process or thread; `serving`: it serves the database now (the others are bases only). */
type CpuSample = Map<number, { ms: number; serving: boolean }>;

export function databaseCpu(engine: Engine, database: KnexDatabase): { sample(): Promise<CpuSample>; spentMs(before: CpuSample, after: CpuSample): number } {
  const sample = async (): Promise<CpuSample> => {
    if (engine === 'sqlite') return new Map();
    if (engine === 'postgres') {
      const { rows } = await database.knex.raw('SELECT pid FROM pg_stat_activity WHERE datname = current_database()');
      return new Map((rows as Array<{ pid: number }>).map((r) => [r.pid, { ms: processCpuMs(r.pid) ?? 0, serving: true }]));
    }
    const server = mariadbPid();
    const [rows] = await database.knex.raw('SELECT TID AS tid FROM information_schema.PROCESSLIST WHERE DB = DATABASE()');
    const threads: CpuSample = new Map((rows as Array<{ tid: number }>).map((r) => [Number(r.tid), { ms: processCpuMs(`${server}/task/${r.tid}`) ?? 0, serving: true }]));
    // Every other thread too, as a base: MariaDB hands a new connection a cached thread, whose CPU so far
    // (the seeding's connections, say) is not this run's.
    for (const task of server === null ? [] : readdirSync(`/proc/${server}/task`)) {
      if (!threads.has(Number(task))) threads.set(Number(task), { ms: processCpuMs(`${server}/task/${task}`) ?? 0, serving: false });
    }
    return threads;
  };
  return {
    sample,
    spentMs: (before, after) => [...after].reduce((sum, [id, { ms, serving }]) => (serving ? sum + Math.max(0, ms - (before.get(id)?.ms ?? 0)) : sum), 0),
  };
}

function mariadbPid(): number | null {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === 'mariadbd') return Number(entry);
    } catch {
      // gone meanwhile
    }
  }
  return null;
}

export interface BenchProcess<T> {
  ready: T;
  /** CPU time the process has used so far, user + system (Linux /proc; null elsewhere). */
  cpuMs(): number | null;
  /** The child's RESULT line, for processes that run to an end. */
  result<R>(): Promise<R>;
  /** A line on the child's stdin (a start signal). */
  send(line: string): void;
  stop(): Promise<void>;
}

/**
 * Starts `bench/processes/<name>.process.ts` on BENCH_RUNTIME (bench/runtime.ts: tsx, or its build
 * under dist/) and waits for its READY line. Closing its stdin stops it. Its stderr comes out here
 * with every line prefixed `[<name> <pid>]`, and an exit nobody asked for is announced with its
 * code, so a crash always says which process it was.
 */
export async function startBenchProcess<T>(name: string, env: Record<string, string>): Promise<BenchProcess<T>> {
  await prepareRuntime();
  // BENCH_PROFILE=memberpay writes that process's CPU profile to /tmp/memberpay-profile.
  const profile = process.env.BENCH_PROFILE === name ? ['--cpu-prof', `--cpu-prof-dir=${path.join(tmpdir(), `${name}-profile`)}`] : [];
  const extra = name === 'renewal-worker' ? ['--expose-gc', ...(process.env.BENCH_WORKER_NODE_OPTIONS?.split(' ').filter(Boolean) ?? [])] : [];
  const child = spawn(process.execPath, [...profile, ...extra, ...processArguments(name)], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  const label = `[${name} ${child.pid}]`;
  // `\r\x1b[K` first: the line replaces a progress line on a terminal rather than joining it.
  createInterface({ input: child.stderr }).on('line', (line) => process.stderr.write(`\r\x1b[K${label} ${line}\n`));
  // A child that died makes writes to its stdin fail (EPIPE); the exit below is what reports it.
  child.stdin.on('error', () => {});
  let stopping = false;
  const unread: string[] = [];
  const waiting: Array<(line: string) => void> = [];
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code, signal) => {
    if (!stopping) process.stderr.write(`\r\x1b[K${label} exited by itself (${signal ?? `code ${code}`}) while the bench still used it\n`);
    resolve(code);
  }));
  createInterface({ input: child.stdout }).on('line', (line) => {
    const reader = waiting.shift();
    if (reader) reader(line);
    else unread.push(line);
  });
  const nextLine = (kind: 'READY' | 'RESULT') => new Promise<unknown>((resolve, reject) => {
    const take = (line: string) => (line.startsWith(`${kind} `) ? resolve(JSON.parse(line.slice(kind.length + 1))) : reject(new Error(`${name}: ${line}`)));
    const line = unread.shift();
    if (line !== undefined) take(line);
    else waiting.push(take);
    void exited.then((code) => reject(new Error(`${label} exited with ${code} before ${kind}`)));
  });
  const ready = (await nextLine('READY')) as T;
  return {
    ready,
    cpuMs: () => processCpuMs(child.pid),
    send: (line) => { child.stdin.write(`${line}\n`); },
    result: <R>() => nextLine('RESULT') as Promise<R>,
    async stop() {
      stopping = true;
      child.stdin.end();
      await exited;
    },
  };
}

/** Clock ticks per second of /proc/<pid>/stat on Linux. */
const CLOCK_TICKS_PER_S = 100;

export function processCpuMs(pid: number | string | null | undefined): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of the whole line, 12 and 13 after "pid (comm) ".
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_S;
  } catch {
    return null;
  }
}

export interface LoadResult {
  label: string;
  requests: number;
  reqPerSec: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  /** The server process's CPU per answered request during the measured run. */
  cpuMsPerRequest: number | null;
}

export interface LoadRequest {
  method: 'GET' | 'POST';
  path: string;
  /** Per request: body and headers (called in order, serially per connection). */
  next(context: Record<string, unknown>): { body: string; headers: Record<string, string> };
  onResponse?(status: number, body: string, context: Record<string, unknown>): void;
}

export interface LoadOptions {
  connections: number;
  durationS: number;
  /** Unmeasured load first, same requests, so both servers are measured warm (JIT, pools, caches). */
  warmupS: number;
}

export async function load(label: string, server: { url: string; process: BenchProcess<unknown> }, request: LoadRequest, options: LoadOptions): Promise<LoadResult> {
  const { url } = server;
  const run = (durationS: number) => autocannon({
    url,
    connections: options.connections,
    duration: durationS,
    requests: [{
      method: request.method,
      path: request.path,
      setupRequest: (req: Record<string, unknown>, context: Record<string, unknown>) => {
        const { body, headers } = request.next(context);
        return { ...req, body, headers: { 'content-type': 'application/json', ...headers } };
      },
      onResponse: (status: number, body: string, context: Record<string, unknown>) => request.onResponse?.(status, body, context),
    }],
  });
  if (options.warmupS > 0) await run(options.warmupS);
  const cpuBefore = server.process.cpuMs();
  const result = await run(options.durationS);
  const cpuAfter = server.process.cpuMs();
  return {
    label,
    requests: result.requests.total,
    reqPerSec: Math.round(result.requests.total / options.durationS),
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    cpuMsPerRequest: cpuBefore === null || cpuAfter === null ? null : Math.round(((cpuAfter - cpuBefore) / Math.max(1, result.requests.total)) * 1000) / 1000,
  };
}

/** Aligned columns for the terminal. */
export function table(rows: Array<Record<string, unknown>>): string {
  if (rows.length === 0) return '(none)';
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const cell = (v: unknown) => (v === null || v === undefined ? '-' : String(v));
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  const line = (values: string[]) => values.map((v, i) => v.padEnd(widths[i])).join(' | ');
  return [line(columns), widths.map((w) => '-'.repeat(w)).join('-|-'), ...rows.map((r) => line(columns.map((c) => cell(r[c]))))].join('\n');
}

export function progress(text: string): void {
  process.stderr.write(`\r\x1b[K${text}`);
}

export function progressDone(): void {
  process.stderr.write('\r\x1b[K');
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

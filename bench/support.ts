// Shared pieces of the benchmarks: throw-away databases, the real app with the Iamport sandbox
// in-process at zero latency, autocannon runs, and the results table.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import type { Container } from 'inversify';
import mysql from 'mysql2/promise';
import { loadConfig } from '../src/config';
import { buildContainer } from '../src/container';
import { IDENTITY } from '../src/identity/identity.tokens';
import { ScryptPasswordHasher } from '../src/identity/infrastructure/scrypt-password-hasher';
import { createIamportSandbox, type IamportSandbox } from '../src/sandbox/iamport/iamport-sandbox';
import type { Clock } from '../src/shared/application/clock.port';
import { createHttpApp } from '../src/shared/http/app';
import { KnexDatabase } from '../src/shared/infrastructure/knex/knex-database';
import { silentLogger } from '../src/shared/infrastructure/logger';
import { SHARED } from '../src/shared/shared.tokens';

export type Engine = 'sqlite' | 'mariadb';
export const MARIADB_SERVER = process.env.BENCH_MARIADB_URL ?? 'mysql://root@127.0.0.1:3306';
export const SANDBOX_PREFIX = '/sandbox/iamport';

export interface BenchDatabase {
  url: string;
  database: KnexDatabase;
  drop(): Promise<void>;
}

/** A fresh migrated database: a SQLite file in a temp folder, or a uniquely named MariaDB database. */
export async function createBenchDatabase(engine: Engine, poolMax = 10): Promise<BenchDatabase> {
  if (engine === 'sqlite') {
    const dir = mkdtempSync(path.join(tmpdir(), 'memberpay-bench-'));
    const url = `sqlite:${path.join(dir, 'bench.sqlite')}`;
    const database = KnexDatabase.fromUrl(url);
    await database.migrateLatest();
    return { url, database, async drop() { await database.destroy(); rmSync(dir, { recursive: true, force: true }); } };
  }
  const name = `memberpay_bench_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const server = new URL(MARIADB_SERVER);
  const admin = await mysql.createConnection({ host: server.hostname, port: Number(server.port || 3306), user: decodeURIComponent(server.username || 'root'), password: decodeURIComponent(server.password) });
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  const url = `${MARIADB_SERVER.replace(/\/$/, '')}/${name}`;
  const database = KnexDatabase.fromUrl(url, { poolMax });
  await database.migrateLatest();
  return {
    url, database,
    async drop() {
      await database.destroy();
      await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await admin.end();
    },
  };
}

export interface Listening {
  url: string;
  server: Server;
  close(): Promise<void>;
}

export async function listen(handler?: Parameters<typeof createServer>[1]): Promise<Listening> {
  const server = handler ? createServer(handler) : createServer();
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url, server,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface RealApp {
  url: string;
  container: Container;
  sandbox: IamportSandbox;
  close(): Promise<void>;
}

/**
 * memberpay as `npm start` wires it (knex, the Iamport adapter over HTTP to the sandbox mounted
 * in-process, zero latency), on a given database. Notices are off so that validation, not a
 * webhook, settles each payment. Password hashing is cheap: logins are set-up, not measured.
 */
export async function startRealApp(db: BenchDatabase, env: Record<string, string> = {}): Promise<RealApp> {
  const listening = await listen();
  const config = loadConfig({
    DATABASE_URL: db.url, PUBLIC_URL: listening.url, IAMPORT_MODE: 'sandbox', IAMPORT_API_URL: `${listening.url}${SANDBOX_PREFIX}`,
    LOG_LEVEL: 'silent', ADMIN_TOKEN: 'bench-admin-token-0123456789', ...env,
  });
  const container = buildContainer(config, { logger: silentLogger(), persistence: 'knex', gateway: 'configured', database: db.database });
  container.rebind(IDENTITY.PasswordHasher).toConstantValue(new ScryptPasswordHasher({ N: 1024, r: 8, p: 1 }));
  const clock = container.get<Clock>(SHARED.Clock);
  container.get(SHARED.EventBus);
  const sandbox = createIamportSandbox({ prefix: SANDBOX_PREFIX, webhookUrl: null, publicUrl: `${listening.url}${SANDBOX_PREFIX}`, now: () => clock.now(), env: {} });
  const app = createHttpApp(container, { extraRouters: [sandbox.router], staticDir: null, proxy: true });
  listening.server.on('request', app.callback());
  return {
    url: listening.url, container, sandbox,
    async close() {
      sandbox.close();
      await listening.close();
    },
  };
}

export interface LoadResult {
  label: string;
  requests: number;
  reqPerSec: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

export interface LoadRequest {
  method: 'GET' | 'POST';
  path: string;
  /** Per request: body and headers (called in order, serially per connection). */
  next(context: Record<string, unknown>): { body: string; headers: Record<string, string> };
  onResponse?(status: number, body: string, context: Record<string, unknown>): void;
}

export async function load(label: string, url: string, request: LoadRequest, options: { connections: number; durationS: number }): Promise<LoadResult> {
  const result = await autocannon({
    url,
    connections: options.connections,
    duration: options.durationS,
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
  return {
    label,
    requests: result.requests.total,
    reqPerSec: Math.round(result.requests.total / options.durationS),
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
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

/** Samples process RSS every 100 ms; answers the peak in MB. */
export function rssSampler(): { stop(): number } {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 100);
  return { stop: () => { clearInterval(timer); peak = Math.max(peak, process.memoryUsage().rss); return Math.round(peak / 1024 / 1024); } };
}

// memberpay as `npm start` wires it (knex on BENCH_DATABASE_URL, the Iamport adapter over HTTP to
// the sandbox at BENCH_SANDBOX_API, and its workers: the outbox relay mails the receipts), alone in its process. It signs up and logs in BENCH_USERS
// buyers and reports their cookies; logins are set-up, not measured, so password hashing is cheap.
// GET /__bench/stats answers the SQL statements sent so far (each a round trip; BEGIN and COMMIT
// included), the transactions begun, and the process's CPU time.
import type { SignUp } from '../../src/identity/application/sign-up.use-case';
import { IDENTITY } from '../../src/identity/identity.tokens';
import { ScryptPasswordHasher } from '../../src/identity/infrastructure/scrypt-password-hasher';
import Router from '@koa/router';
import { loadConfig } from '../../src/config';
import { buildContainer } from '../../src/app/container';
import { createHttpApp } from '../../src/app/http-app';
import { KnexDatabase } from '../../src/shared/infrastructure/knex/knex-database';
import { silentLogger } from '../../src/shared/infrastructure/logger';
import { SHARED } from '../../src/shared/shared.tokens';
import { startWorkers, workerIntervals } from '../../src/app/workers';
import { cpuMs, exitWithParent, failed, listen, report } from './child';

async function loggedInUsers(url: string, signUp: SignUp, count: number): Promise<string[]> {
  const cookies: string[] = [];
  for (let n = 0; n < count; n++) {
    const email = `bench${n}_${Date.now()}@example.com`;
    await signUp.execute({ email, password: 'bench-password', name: `Bench ${n}`, language: 'ko', ip: `10.0.${Math.floor(n / 250)}.${n % 250}` });
    const res = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: 'bench-password' }) });
    if (res.status !== 200) throw new Error(`login failed: ${res.status}`);
    cookies.push(res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; '));
  }
  return cookies;
}

try {
  const databaseUrl = process.env.BENCH_DATABASE_URL as string;
  const database = KnexDatabase.fromUrl(databaseUrl, { poolMax: Number(process.env.BENCH_POOL_MAX ?? 10) });
  const listening = await listen();
  const config = loadConfig({
    DATABASE_URL: databaseUrl, PUBLIC_URL: listening.url, IAMPORT_MODE: 'sandbox', IAMPORT_API_URL: process.env.BENCH_SANDBOX_API as string,
    LOG_LEVEL: 'silent', ADMIN_TOKEN: 'bench-admin-token-0123456789',
  });
  const container = buildContainer(config, { logger: silentLogger(), persistence: 'knex', gateway: 'configured', database });
  container.rebind(IDENTITY.PasswordHasher).toConstantValue(new ScryptPasswordHasher({ N: 1024, r: 8, p: 1 }));
  container.get(SHARED.EventBus);
  const stats = { statements: 0, transactions: 0 };
  database.knex.on('query', (query: { sql: string }) => {
    stats.statements += 1;
    if (/^begin/i.test(query.sql)) stats.transactions += 1;
  });
  const bench = new Router({ prefix: '/__bench' });
  bench.get('/stats', (ctx) => {
    ctx.body = { ...stats, cpuMs: cpuMs() };
  });
  const app = createHttpApp(container, { staticDir: null, extraRouters: [bench] });
  listening.server.on('request', app.callback());
  const cookies = await loggedInUsers(listening.url, container.get<SignUp>(IDENTITY.SignUp), Number(process.env.BENCH_USERS ?? 1));
  const workers = startWorkers(container, workerIntervals(config.workerIntervalsMs));
  exitWithParent(async () => { await workers.stop(); await listening.close(); await database.destroy(); });
  report('READY', { url: listening.url, cookies });
} catch (error) {
  failed(error);
}

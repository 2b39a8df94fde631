// (a) memberpay's checkout and validation through the real app, against a bare Koa + knex pair
// doing the same database writes with no DI, validation or domain. (c) 200 concurrent
// validations of one payment.
import { randomUUID } from 'node:crypto';
import { bodyParser } from '@koa/bodyparser';
import Koa from 'koa';
import type { SignUp } from '../src/identity/application/sign-up.use-case';
import { IDENTITY } from '../src/identity/identity.tokens';
import { type BenchDatabase, type Engine, type LoadResult, type RealApp, createBenchDatabase, listen, load, percentile, progress, progressDone, startRealApp } from './support';

export interface HttpBenchOptions {
  connections: number;
  durationS: number;
  users: number;
}

interface Prepared {
  merchantUid: string;
  impUid: string;
  cookie: string;
}

/** The baseline: the rows checkout and validation write, straight through knex. */
function baselineApp(db: BenchDatabase): Koa {
  const knex = db.database.knex;
  const app = new Koa();
  app.use(bodyParser());
  app.use(async (ctx) => {
    const body = ctx.request.body as Record<string, string>;
    const now = new Date();
    if (ctx.path === '/checkout') {
      const merchantUid = `mp_${randomUUID()}`;
      await knex('payments').insert({
        id: randomUUID(), merchant_uid: merchantUid, user_id: body.user ?? 'u', purpose_kind: 'purchase', plan_id: 'monthly', amount: 9900,
        pay_method: 'card', pg: 'html5_inicis', status: 'await', version: 0, created_at: now, updated_at: now, prepared_at: now,
      });
      ctx.status = 201;
      ctx.body = { works: true, merchant_uid: merchantUid, amount: 9900 };
    } else if (ctx.path === '/validation') {
      await knex.transaction(async (trx) => {
        await trx('payments').where({ merchant_uid: body.merchant_uid }).update({ status: 'paid', imp_uid: body.imp_uid, paid_at: now, updated_at: now, version: 1 });
        const end = new Date(now.getTime() + 30 * 24 * 3600 * 1000);
        await trx('memberships').insert({
          id: randomUUID(), user_id: randomUUID(), plan_id: 'monthly', status: 'active', anchor_at: now, months_paid: 1, period_no: 1,
          period_start: now, period_end: end, auto_renew: false, version: 0, created_at: now, updated_at: now,
        });
      });
      ctx.body = { works: true, status: 'paid' };
    } else {
      ctx.status = 404;
    }
  });
  return app;
}

async function runBaseline(engine: Engine, options: HttpBenchOptions): Promise<[LoadResult, LoadResult]> {
  const db = await createBenchDatabase(engine);
  const server = await listen(baselineApp(db).callback());
  try {
    const created: string[] = [];
    const checkout = await load(`baseline checkout (${engine})`, server.url, {
      method: 'POST', path: '/checkout',
      next: () => ({ body: JSON.stringify({ plan: 'monthly' }), headers: {} }),
      onResponse: (status, body) => { if (status === 201) created.push(JSON.parse(body).merchant_uid); },
    }, options);
    let i = 0;
    const validation = await load(`baseline validation (${engine})`, server.url, {
      method: 'POST', path: '/validation',
      next: () => ({ body: JSON.stringify({ merchant_uid: created[i++ % created.length], imp_uid: `imp_${i}` }), headers: {} }),
    }, options);
    return [checkout, validation];
  } finally {
    await server.close();
    await db.drop();
  }
}

/** Accounts made through the use case (signup limits are per IP), logged in over HTTP for their cookies. */
async function loggedInUsers(app: RealApp, count: number): Promise<string[]> {
  const signUp = app.container.get<SignUp>(IDENTITY.SignUp);
  const cookies: string[] = [];
  for (let n = 0; n < count; n++) {
    const email = `bench${n}_${Date.now()}@example.com`;
    await signUp.execute({ email, password: 'bench-password', name: `Bench ${n}`, ip: `10.0.${Math.floor(n / 250)}.${n % 250}` });
    const res = await fetch(`${app.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: 'bench-password' }) });
    if (res.status !== 200) throw new Error(`login failed: ${res.status}`);
    cookies.push(res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; '));
  }
  return cookies;
}

/** The buyer pays in the sandbox's PG window: a paid sandbox payment for the order. */
function payInSandbox(app: RealApp, merchantUid: string): string {
  const outcome = app.sandbox.state.payInBrowser({
    merchant_uid: merchantUid, amount: 9900, name: 'Monthly membership', currency: 'KRW', pg: 'html5_inicis', pay_method: 'card',
    buyer_name: null, buyer_email: null, buyer_tel: null, buyer_addr: null, buyer_postcode: null, custom_data: null,
    customer_uid: null, notice_url: null, user_agent: 'bench', mobile: false,
  }, 'success', 'pay');
  if (!outcome.ok) throw new Error(`sandbox refused the payment: ${JSON.stringify(outcome)}`);
  return outcome.value.imp_uid;
}

async function runMemberpay(engine: Engine, options: HttpBenchOptions): Promise<{ checkout: LoadResult; validation: LoadResult; exhausted: number }> {
  const db = await createBenchDatabase(engine);
  const app = await startRealApp(db);
  try {
    progress(`memberpay (${engine}): logging in ${options.users} users…`);
    const cookies = await loggedInUsers(app, options.users);
    let u = 0;
    const created: Array<{ merchantUid: string; cookie: string }> = [];
    const checkout = await load(`memberpay checkout (${engine})`, app.url, {
      method: 'POST', path: '/api/payment/checkout',
      next: (context) => {
        context.cookie = cookies[u++ % cookies.length];
        return { body: JSON.stringify({ plan: 'monthly' }), headers: { cookie: context.cookie as string } };
      },
      onResponse: (status, body, context) => { if (status === 201) created.push({ merchantUid: JSON.parse(body).merchant_uid, cookie: context.cookie as string }); },
    }, options);
    progress(`memberpay (${engine}): paying ${created.length} orders in the sandbox…`);
    const prepared: Prepared[] = created.map((c) => ({ ...c, impUid: payInSandbox(app, c.merchantUid) }));
    let v = 0;
    let exhausted = 0;
    const validation = await load(`memberpay validation (${engine})`, app.url, {
      method: 'POST', path: '/api/payment/validation',
      next: () => {
        if (v >= prepared.length) exhausted += 1;
        const p = prepared[v++ % prepared.length];
        return { body: JSON.stringify({ imp_uid: p.impUid, merchant_uid: p.merchantUid }), headers: { cookie: p.cookie } };
      },
    }, options);
    progressDone();
    return { checkout, validation, exhausted };
  } finally {
    await app.close();
    await db.drop();
  }
}

export interface HttpBenchRow {
  engine: Engine;
  endpoint: 'checkout' | 'validation';
  baseline: LoadResult;
  memberpay: LoadResult;
  throughputRatio: number;
  p99Ratio: number;
}

export async function httpBench(engine: Engine, options: HttpBenchOptions): Promise<{ rows: HttpBenchRow[]; exhausted: number }> {
  progress(`baseline (${engine}): ${options.connections} connections × ${options.durationS} s, checkout then validation…`);
  const [bCheckout, bValidation] = await runBaseline(engine, options);
  progress(`memberpay (${engine}): ${options.connections} connections × ${options.durationS} s, checkout then validation…`);
  const mine = await runMemberpay(engine, options);
  const row = (endpoint: 'checkout' | 'validation', baseline: LoadResult, memberpay: LoadResult): HttpBenchRow => ({
    engine, endpoint, baseline, memberpay,
    throughputRatio: memberpay.reqPerSec / Math.max(1, baseline.reqPerSec),
    p99Ratio: memberpay.p99 / Math.max(1, baseline.p99),
  });
  return { rows: [row('checkout', bCheckout, mine.checkout), row('validation', bValidation, mine.validation)], exhausted: mine.exhausted };
}

export interface ConcurrentValidationResult {
  engine: Engine;
  requests: number;
  statuses: Record<string, number>;
  p50Ms: number;
  p99Ms: number;
  activations: number;
  paymentPaidEvents: number;
}

/** (c) One payment, validated by 200 requests at once: all answer, one activation. */
export async function concurrentValidationBench(engine: Engine, concurrency = 200): Promise<ConcurrentValidationResult> {
  const db = await createBenchDatabase(engine, 20);
  const app = await startRealApp(db);
  try {
    const [cookie] = await loggedInUsers(app, 1);
    const res = await fetch(`${app.url}/api/payment/checkout`, { method: 'POST', headers: { 'content-type': 'application/json', cookie }, body: JSON.stringify({ plan: 'monthly' }) });
    const merchantUid = (await res.json()).merchant_uid as string;
    const impUid = payInSandbox(app, merchantUid);
    const body = JSON.stringify({ imp_uid: impUid, merchant_uid: merchantUid });
    const latencies: number[] = [];
    const statuses: Record<string, number> = {};
    await Promise.all(Array.from({ length: concurrency }, async () => {
      const started = performance.now();
      const r = await fetch(`${app.url}/api/payment/validation`, { method: 'POST', headers: { 'content-type': 'application/json', cookie }, body });
      await r.arrayBuffer();
      latencies.push(performance.now() - started);
      statuses[r.status] = (statuses[r.status] ?? 0) + 1;
    }));
    latencies.sort((a, b) => a - b);
    const count = async (type: string) => Number((await db.database.knex('domain_events').where({ type }).count({ n: '*' }).first())?.n ?? 0);
    return {
      engine, requests: concurrency, statuses, p50Ms: Math.round(percentile(latencies, 50)), p99Ms: Math.round(percentile(latencies, 99)),
      activations: await count('MembershipActivated'), paymentPaidEvents: await count('PaymentPaid'),
    };
  } finally {
    await app.close();
    await db.drop();
  }
}

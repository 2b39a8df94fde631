// The bare buy-loop server of bench/buyloop-bench.ts: the same external work as memberpay's
// checkout and validation with nothing else, as lean as we could write it, so the ratio against it
// is honest. Koa 3, @koa/router and Knex (memberpay's KnexDatabase, so both get the same pool and
// connection settings); no DI, schema validation, domain, outbox, receipts, metrics or logs.
// - signup: scrypt (the cost memberpay's bench process uses), one users row, a signed-cookie session
//   (Koa's keygrip cookie: no session row to read on each request);
// - checkout: the price from the plan catalog (config/plans.json), one payments row (await), prepare
//   at the gateway with a cached token;
// - validation: the payment re-fetched from the gateway, then one transaction: the payment row read
//   (locked on server engines), marked paid, the buyer's live membership extended (versioned) or inserted.
// Each loop writes what memberpay's writes of those tables: a payment row, its paid update, a
// membership upsert. GET /__bench/stats answers the process's CPU time.
import { randomBytes, randomUUID, scrypt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import Koa, { type Context } from 'koa';
import type { Knex } from 'knex';
import { KnexDatabase } from '../../src/shared/infrastructure/knex/knex-database';
import { cpuMs, exitWithParent, failed, listen, report } from './child';

/** The sandbox's credentials (src/sandbox/iamport/iamport-sandbox.ts defaults). */
const IMP_KEY = 'sandbox_imp_key';
const IMP_SECRET = 'sandbox_imp_secret';
/** As memberpay's bench process hashes (bench/processes/memberpay.process.ts). */
const SCRYPT_COST = { N: 1024, r: 8, p: 1 };
const TOKEN_REFRESH_MARGIN_S = 60;

interface Plan { id: string; amount: number; months: number }
interface Envelope<T> { code: number; message: string | null; response: T }
interface GatewayPayment { status: string; amount: number; merchant_uid: string }

const plans = new Map<string, Plan>(
  (JSON.parse(readFileSync(new URL('../../config/plans.json', import.meta.url), 'utf8')) as { plans: Array<{ id: string; amount: number; interval: string; interval_count: number }> })
    .plans.map((p) => [p.id, { id: p.id, amount: p.amount, months: (p.interval === 'year' ? 12 : 1) * p.interval_count }]),
);

/** JSON over one keep-alive agent: the least an HTTP client to the gateway does. */
function gatewayClient(apiUrl: string) {
  const base = new URL(apiUrl);
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const send = <T>(method: 'GET' | 'POST', path: string, body: unknown, token: string | null) => new Promise<Envelope<T>>((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = request({
      host: base.hostname, port: base.port, path: `${base.pathname}${path}`, method, agent,
      headers: { ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Envelope<T>);
        } catch (error) {
          reject(error);
        }
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
  let cached: { token: string; validUntilMs: number } | null = null;
  let inFlight: Promise<string> | null = null;
  const token = (): Promise<string> => {
    if (cached && Date.now() < cached.validUntilMs) return Promise.resolve(cached.token);
    inFlight ??= send<{ access_token: string; now: number; expired_at: number }>('POST', '/users/getToken', { imp_key: IMP_KEY, imp_secret: IMP_SECRET }, null)
      .then(({ code, response }) => {
        if (code !== 0) throw new Error('the gateway refused the credentials');
        cached = { token: response.access_token, validUntilMs: Date.now() + (response.expired_at - response.now - TOKEN_REFRESH_MARGIN_S) * 1000 };
        return response.access_token;
      })
      .finally(() => { inFlight = null; });
    return inFlight;
  };
  return {
    async prepare(merchantUid: string, amount: number): Promise<Envelope<unknown>> {
      return send('POST', '/payments/prepare', { merchant_uid: merchantUid, amount }, await token());
    },
    async payment(impUid: string): Promise<Envelope<GatewayPayment | null>> {
      return send('GET', `/payments/${encodeURIComponent(impUid)}`, undefined, await token());
    },
  };
}

function addMonths(from: Date, months: number): Date {
  const to = new Date(from);
  to.setUTCMonth(to.getUTCMonth() + months);
  return to;
}

function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  return new Promise((resolve, reject) => scrypt(password, salt, 32, { ...SCRYPT_COST, maxmem: 256 * SCRYPT_COST.N * SCRYPT_COST.r }, (error, key) => (
    error ? reject(error) : resolve(['scrypt', SCRYPT_COST.N, SCRYPT_COST.r, SCRYPT_COST.p, salt.toString('base64url'), key.toString('base64url')].join('$')))));
}

function fail(ctx: Context, status: number, code: string): void {
  ctx.status = status;
  ctx.body = { works: false, error: { code } };
}

try {
  const database = KnexDatabase.fromUrl(process.env.BENCH_DATABASE_URL as string, { poolMax: Number(process.env.BENCH_POOL_MAX ?? 10) });
  const { knex } = database;
  const locksRows = database.locksRows;
  const gateway = gatewayClient(process.env.BENCH_SANDBOX_API as string);
  const app = new Koa({ keys: [randomBytes(32).toString('hex')] });
  const router = new Router();
  const session = (ctx: Context): string | undefined => ctx.cookies.get('uid', { signed: true });
  const forUpdate = (query: Knex.QueryBuilder) => (locksRows ? query.forUpdate() : query);

  router.post('/api/auth/signup', async (ctx) => {
    const { email, password, name } = ctx.request.body as { email: string; password: string; name: string };
    const id = randomUUID();
    await knex('users').insert({ id, email, name, password_hash: await hashPassword(password), created_at: new Date() });
    ctx.cookies.set('uid', id, { signed: true, httpOnly: true, sameSite: 'lax' });
    ctx.status = 201;
    ctx.body = { works: true, id };
  });

  router.post('/api/payment/checkout', async (ctx) => {
    const userId = session(ctx);
    if (!userId) return fail(ctx, 401, 'unauthenticated');
    const plan = plans.get((ctx.request.body as { plan?: string }).plan ?? '');
    if (!plan) return fail(ctx, 400, 'unknown_plan');
    const now = new Date();
    const merchantUid = `mp_${randomUUID()}`;
    await knex('payments').insert({
      id: randomUUID(), merchant_uid: merchantUid, user_id: userId, purpose_kind: 'purchase', plan_id: plan.id, amount: plan.amount,
      pay_method: 'card', gateway: 'iamport', pg: 'html5_inicis', status: 'await', prepared_at: now, version: 1, created_at: now, updated_at: now,
    });
    const prepared = await gateway.prepare(merchantUid, plan.amount);
    if (prepared.code !== 0) return fail(ctx, 502, 'gateway_rejected');
    ctx.status = 201;
    ctx.body = { works: true, merchant_uid: merchantUid, amount: plan.amount };
  });

  router.post('/api/payment/validation', async (ctx) => {
    const userId = session(ctx);
    if (!userId) return fail(ctx, 401, 'unauthenticated');
    const { imp_uid: impUid, merchant_uid: merchantUid } = ctx.request.body as { imp_uid: string; merchant_uid: string };
    const fetched = await gateway.payment(impUid);
    const paid = fetched.response;
    if (fetched.code !== 0 || !paid) return fail(ctx, 502, 'gateway_rejected');
    const answer = await knex.transaction(async (trx) => {
      const payment = await forUpdate(trx('payments').where({ merchant_uid: merchantUid, user_id: userId }).first('id', 'plan_id', 'amount', 'status'));
      if (!payment) return { status: 404, body: { works: false, error: { code: 'not_found' } } };
      if (payment.status === 'paid') return { status: 200, body: { works: true, status: 'paid' } };
      if (paid.status !== 'paid' || paid.merchant_uid !== merchantUid || Number(paid.amount) !== Number(payment.amount)) {
        return { status: 422, body: { works: false, status: 'failed', error: { code: 'payment_not_paid' } } };
      }
      const now = new Date();
      const months = plans.get(payment.plan_id)?.months ?? 1;
      // A plain read and a versioned write, as memberpay does: a locking read that finds no row locks
      // the gap, and two first purchases inserting into it deadlock on MariaDB. A second live
      // membership is refused by the schema (memberships_one_live_per_user).
      const live = await trx('memberships').where({ user_id: userId }).whereIn('status', ['active', 'past_due']).first('id', 'period_start', 'period_end', 'months_paid', 'version');
      let membership: { id: string; periodStart: Date; periodEnd: Date };
      if (live) {
        const periodEnd = addMonths(new Date(live.period_end), months);
        const updated = await trx('memberships').where({ id: live.id, version: live.version })
          .update({ period_end: periodEnd, months_paid: Number(live.months_paid) + months, version: Number(live.version) + 1, updated_at: now });
        if (updated === 0) throw new Error(`membership ${live.id} changed meanwhile`);
        membership = { id: live.id, periodStart: new Date(live.period_start), periodEnd };
      } else {
        membership = { id: randomUUID(), periodStart: now, periodEnd: addMonths(now, months) };
        await trx('memberships').insert({
          id: membership.id, user_id: userId, plan_id: payment.plan_id, status: 'active', anchor_at: now, months_paid: months, period_no: 1,
          period_start: now, period_end: membership.periodEnd, auto_renew: false, version: 1, created_at: now, updated_at: now,
        });
      }
      await trx('payments').where({ id: payment.id })
        .update({ status: 'paid', gateway_payment_id: impUid, paid_at: now, fulfilled_at: now, membership_id: membership.id, version: 2, updated_at: now });
      return { status: 200, body: { works: true, status: 'paid', membership: { period_start: membership.periodStart.toISOString(), period_end: membership.periodEnd.toISOString() } } };
    });
    ctx.status = answer.status;
    ctx.body = answer.body;
  });

  router.get('/__bench/stats', (ctx) => { ctx.body = { cpuMs: cpuMs() }; });

  app.use(bodyParser());
  app.use(router.routes());
  const listening = await listen(app.callback());

  // The buyers sign up through the route above (set-up, not measured); the parent gets their cookies.
  const cookies: string[] = [];
  for (let n = 0; n < Number(process.env.BENCH_USERS ?? 1); n++) {
    const res = await fetch(`${listening.url}/api/auth/signup`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: `bare${n}_${Date.now()}@example.com`, password: 'bench-password', name: `Bare ${n}` }),
    });
    if (res.status !== 201) throw new Error(`signup failed: ${res.status}`);
    cookies.push(res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; '));
  }
  exitWithParent(async () => { await listening.close(); await database.destroy(); });
  report('READY', { url: listening.url, cookies });
} catch (error) {
  failed(error);
}

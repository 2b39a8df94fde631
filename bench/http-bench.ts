// (a) memberpay's checkout and validation through the real app, against a bare Koa + knex server
// writing the same rows with no DI, validation or domain (bench/processes/baseline.process.ts).
// (c) 200 concurrent validations of one payment. Each server under test runs alone in a child
// process, the sandbox in another; autocannon runs here.
import { type BenchProcess, type Engine, type LoadOptions, type LoadResult, createBenchDatabase, load, percentile, progress, progressDone, startBenchProcess } from './support';

export interface HttpBenchOptions extends LoadOptions {
  users: number;
}

interface Order {
  merchantUid: string;
  cookie: string;
}

interface Paid extends Order {
  gatewayPaymentId: string;
}

interface Sandbox {
  url: string;
  api: string;
}

interface Memberpay {
  url: string;
  cookies: string[];
}

async function runBaseline(engine: Engine, options: HttpBenchOptions): Promise<[LoadResult, LoadResult]> {
  const db = await createBenchDatabase(engine);
  const server = await startBenchProcess<{ url: string }>('baseline', { BENCH_DATABASE_URL: db.url });
  try {
    const created: string[] = [];
    const target = { url: server.ready.url, process: server };
    const checkout = await load(`baseline checkout (${engine})`, target, {
      method: 'POST', path: '/checkout',
      next: () => ({ body: JSON.stringify({ plan: 'monthly' }), headers: {} }),
      onResponse: (status, body) => { if (status === 201) created.push(JSON.parse(body).merchant_uid); },
    }, options);
    let i = 0;
    const validation = await load(`baseline validation (${engine})`, target, {
      method: 'POST', path: '/validation',
      next: () => ({ body: JSON.stringify({ merchant_uid: created[i++ % created.length], imp_uid: `imp_${i}` }), headers: {} }),
    }, options);
    return [checkout, validation];
  } finally {
    await server.stop();
    await db.drop();
  }
}

/** memberpay and the sandbox it talks to, each in its own process, on a fresh database. */
async function withMemberpay<R>(engine: Engine, users: number, poolMax: number, work: (app: BenchProcess<Memberpay>, sandbox: Sandbox, db: Awaited<ReturnType<typeof createBenchDatabase>>) => Promise<R>): Promise<R> {
  const db = await createBenchDatabase(engine);
  const processes: BenchProcess<unknown>[] = [];
  try {
    const sandbox = await startBenchProcess<Sandbox>('sandbox', {});
    processes.push(sandbox);
    const app = await startBenchProcess<Memberpay>('memberpay', {
      BENCH_DATABASE_URL: db.url, BENCH_SANDBOX_API: sandbox.ready.api, BENCH_USERS: String(users), BENCH_POOL_MAX: String(poolMax),
    });
    processes.push(app);
    return await work(app, sandbox.ready, db);
  } finally {
    for (const child of processes.reverse()) await child.stop();
    await db.drop();
  }
}

/** The buyer pays in the sandbox's PG window: a paid sandbox payment for each order. */
async function payInSandbox(sandbox: Sandbox, orders: Order[]): Promise<Paid[]> {
  const paid: Paid[] = [];
  for (const order of orders) {
    const res = await fetch(`${sandbox.url}/__bench/pay`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ merchant_uid: order.merchantUid, amount: 9900 }) });
    const body = await res.json() as { imp_uid?: string; error?: string };
    if (!body.imp_uid) throw new Error(`sandbox refused the payment: ${body.error}`);
    paid.push({ ...order, gatewayPaymentId: body.imp_uid });
  }
  return paid;
}

async function runMemberpay(engine: Engine, options: HttpBenchOptions): Promise<{ checkout: LoadResult; validation: LoadResult; exhausted: number }> {
  progress(`memberpay (${engine}): starting with ${options.users} logged-in users…`);
  return withMemberpay(engine, options.users, 10, async (process, sandbox) => {
    const app = process.ready;
    const target = { url: app.url, process };
    let u = 0;
    const created: Order[] = [];
    progress(`memberpay (${engine}): checkout, ${options.connections} connections × ${options.durationS} s…`);
    const checkout = await load(`memberpay checkout (${engine})`, target, {
      method: 'POST', path: '/api/payment/checkout',
      next: (context) => {
        context.cookie = app.cookies[u++ % app.cookies.length];
        return { body: JSON.stringify({ plan: 'monthly' }), headers: { cookie: context.cookie as string } };
      },
      onResponse: (status, body, context) => { if (status === 201) created.push({ merchantUid: JSON.parse(body).merchant_uid, cookie: context.cookie as string }); },
    }, options);
    progress(`memberpay (${engine}): paying ${created.length} orders in the sandbox…`);
    const paid = await payInSandbox(sandbox, created);
    let v = 0;
    let exhausted = 0;
    progress(`memberpay (${engine}): validation, ${options.connections} connections × ${options.durationS} s…`);
    const validation = await load(`memberpay validation (${engine})`, target, {
      method: 'POST', path: '/api/payment/validation',
      next: () => {
        if (v >= paid.length) exhausted += 1;
        const p = paid[v++ % paid.length];
        return { body: JSON.stringify({ imp_uid: p.gatewayPaymentId, merchant_uid: p.merchantUid }), headers: { cookie: p.cookie } };
      },
    }, options);
    progressDone();
    return { checkout, validation, exhausted };
  });
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
  return withMemberpay(engine, 1, 20, async ({ ready: app }, sandbox, db) => {
    const [cookie] = app.cookies;
    const res = await fetch(`${app.url}/api/payment/checkout`, { method: 'POST', headers: { 'content-type': 'application/json', cookie }, body: JSON.stringify({ plan: 'monthly' }) });
    const merchantUid = (await res.json()).merchant_uid as string;
    const [{ gatewayPaymentId }] = await payInSandbox(sandbox, [{ merchantUid, cookie }]);
    const body = JSON.stringify({ imp_uid: gatewayPaymentId, merchant_uid: merchantUid });
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
  });
}

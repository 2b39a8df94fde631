// `npm run bench:console`: never part of `npm test`. Seeds 1,000,000 payments and 100,000 members
// on MariaDB (a fresh database, dropped after), then times every query the operator console's
// pages run (median of 5) and prints the EXPLAIN of each SQL statement they send, flagging full
// table scans. Goal: every page's queries under 200 ms, no full scans.
// BENCH_CONSOLE_PAYMENTS, BENCH_CONSOLE_MEMBERS change the sizes; BENCH_ENGINES=mariadb,postgres adds engines.
import { ADMIN } from '../src/admin/admin.tokens';
import type { ConsoleDashboard } from '../src/admin/application/console-dashboard.query';
import type { GetConsolePayment } from '../src/admin/application/console-payment.query';
import type { ConsoleReadModel } from '../src/admin/application/console-read-model.port';
import { loadConfig } from '../src/config';
import { buildContainer } from '../src/app/container';
import type { ControllableClock } from '../src/shared/infrastructure/controllable-clock';
import { silentLogger } from '../src/shared/infrastructure/logger';
import { SHARED } from '../src/shared/shared.tokens';
import { createBenchDatabase, type Engine, table } from './support';

const PAYMENTS = Number(process.env.BENCH_CONSOLE_PAYMENTS ?? 1_000_000);
const MEMBERS = Number(process.env.BENCH_CONSOLE_MEMBERS ?? 100_000);
const ENGINES = (process.env.BENCH_ENGINES ?? 'mariadb').split(',') as Engine[];
const BATCH = 2000;
const DAY_MS = 86_400_000;
const NOW = new Date();
const SPAN_DAYS = 730;

const id = (prefix: string, n: number) => `${prefix}_${n.toString(36).padStart(8, '0')}`;
const at = (ms: number) => new Date(ms);
/** A deterministic spread: the n-th of `count` over the last SPAN_DAYS days. */
const spread = (n: number, count: number) => NOW.getTime() - SPAN_DAYS * DAY_MS + Math.floor((n / count) * SPAN_DAYS * DAY_MS) + (n % 997) * 1000;

async function insertInBatches(knex: import('knex').Knex, tableName: string, count: number, row: (n: number) => Record<string, unknown>): Promise<void> {
  for (let start = 0; start < count; start += BATCH) {
    const rows = [];
    for (let n = start; n < Math.min(count, start + BATCH); n += 1) rows.push(row(n));
    await knex(tableName).insert(rows);
  }
}

async function seed(knex: import('knex').Knex): Promise<{ email: string; merchantUid: string; gatewayPaymentId: string }> {
  const started = Date.now();
  await insertInBatches(knex, 'users', MEMBERS, (n) => ({ id: id('usr', n), email: `member${n}@bench.example`, name: `Member ${n}`, password_hash: 'x', created_at: at(spread(n, MEMBERS)) }));
  await insertInBatches(knex, 'memberships', MEMBERS, (n) => {
    const created = spread(n, MEMBERS);
    const status = n % 10 < 7 ? 'active' : n % 10 === 7 ? 'past_due' : n % 10 === 8 ? 'cancelled' : 'expired';
    const periodEnd = status === 'active' || status === 'past_due' ? NOW.getTime() + ((n % 30) + 1) * DAY_MS : created + 30 * DAY_MS;
    const live = status === 'active' || status === 'past_due';
    return {
      id: id('mem', n), user_id: id('usr', n), plan_id: 'monthly', status, anchor_at: at(created), months_paid: 1, period_no: 1 + (n % 12),
      period_start: at(periodEnd - 30 * DAY_MS), period_end: at(periodEnd), auto_renew: live, billing_key: live ? `cus_${n}` : null,
      next_charge_at: live ? at(status === 'past_due' ? NOW.getTime() + (n % 5) * DAY_MS : periodEnd) : null, renewal_attempts: status === 'past_due' ? 1 : 0,
      cancel_at_period_end: false, cancelled_at: status === 'cancelled' ? at(created + 20 * DAY_MS) : null, renewal_lease_until: null, version: 1,
      created_at: at(created), updated_at: at(created),
    };
  });
  console.log(`seeded ${MEMBERS} users and memberships in ${Math.round((Date.now() - started) / 1000)} s`);
  await insertInBatches(knex, 'payments', PAYMENTS, (n) => {
    const created = spread(n, PAYMENTS);
    const status = n % 20 < 16 ? 'paid' : n % 20 < 18 ? 'failed' : n % 20 === 18 ? 'cancelled' : 'await';
    const charged = status === 'paid' || status === 'cancelled';
    const refunded = status === 'cancelled' ? 9900 : charged && n % 20 === 1 ? 3000 : 0;
    const renewal = n % 5 < 2;
    return {
      id: id('pay', n), merchant_uid: id('mp', n), user_id: id('usr', n % MEMBERS), purpose_kind: renewal ? 'renewal' : 'purchase', plan_id: 'monthly',
      membership_id: renewal ? id('mem', n % MEMBERS) : null, period_no: renewal ? 2 : null, amount: 9900, pay_method: 'card',
      pg: n % 7 === 0 ? 'tosspayments' : 'html5_inicis', status, gateway_payment_id: status === 'await' ? null : id('imp', n), reported_gateway_payment_id: null, recheck_at: null,
      customer_uid: null, failure_code: status === 'failed' ? 'card_declined' : null, failure_message: status === 'failed' ? 'declined' : null,
      prepared_at: at(created), paid_at: charged ? at(created + 60_000) : null, cancelled_amount: refunded, fulfilled_at: charged ? at(created + 61_000) : null,
      version: 2, created_at: at(created), updated_at: at(created + 60_000), cancellation_count: refunded > 0 ? 1 : 0,
    };
  });
  console.log(`seeded ${PAYMENTS} payments in ${Math.round((Date.now() - started) / 1000)} s`);
  const refundedPayments = Array.from({ length: PAYMENTS }, (_, n) => n).filter((n) => n % 20 === 18 || n % 20 === 1);
  await insertInBatches(knex, 'payment_cancellations', refundedPayments.length, (i) => {
    const n = refundedPayments[i];
    const created = spread(n, PAYMENTS);
    const status = i % 1000 === 0 ? 'pending' : i % 1000 === 1 ? 'rejected' : 'done';
    return {
      id: id('cn', n), payment_id: id('pay', n), position: 0, kind: 'refund', gateway_payment_id: id('imp', n), amount: n % 20 === 18 ? 9900 : 3000, checksum: 9900,
      reason: 'bench', requested_by: 'user', requested_at: at(created + DAY_MS), status, settled_at: status === 'pending' ? null : at(created + DAY_MS + 1000), gateway_message: null,
    };
  });
  const receipts = Math.floor(PAYMENTS / 5);
  await insertInBatches(knex, 'webhook_receipts', receipts, (i) => {
    const n = i * 5;
    const received = spread(n, PAYMENTS) + 2000;
    return {
      id: id('whr', i), received_at: at(received), body: '{}', gateway_payment_id: id('imp', n), merchant_uid: id('mp', n), status: 'paid', sender_ip: '127.0.0.1',
      processed_at: i % 500 === 0 ? null : at(received + 100), outcome: i % 500 === 0 ? null : i % 50 === 0 ? 'ignored' : 'applied',
    };
  });
  await insertInBatches(knex, 'notifications', MEMBERS, (n) => ({ membership_id: id('mem', n), period_no: 1, kind: 'renewal_reminder', sent_at: at(spread(n, MEMBERS)) }));
  console.log(`seeded ${refundedPayments.length} refunds, ${receipts} webhook receipts, ${MEMBERS} notices; ${Math.round((Date.now() - started) / 1000)} s in all`);
  const probe = 123_457 % PAYMENTS;
  return { email: `member${probe % MEMBERS}@bench.example`, merchantUid: id('mp', probe), gatewayPaymentId: id('imp', probe) };
}

interface Measured {
  page: string;
  query: string;
  medianMs: number;
  statements: Array<{ sql: string; bindings: readonly unknown[] }>;
}

async function benchEngine(engine: Engine): Promise<{ rows: Record<string, unknown>[]; plans: string[]; fullScans: string[] }> {
  const bench = await createBenchDatabase(engine, 10);
  try {
    const knex = bench.database.knex;
    const probe = await seed(knex);
    if (engine === 'mariadb') for (const t of ['payments', 'payment_cancellations', 'memberships', 'users', 'webhook_receipts', 'notifications']) await knex.raw(`ANALYZE TABLE ${t}`);
    else if (engine === 'postgres') await knex.raw('ANALYZE');
    const config = loadConfig({ LOG_LEVEL: 'silent', ADMIN_TOKEN: 'bench-admin-token-0123456789' });
    const container = buildContainer(config, { logger: silentLogger(), persistence: 'knex', gateway: 'memory', database: bench.database });
    container.get<ControllableClock>(SHARED.Clock).freezeAt(NOW);
    const dashboard = container.get<ConsoleDashboard>(ADMIN.ConsoleDashboard);
    const readModel = container.get<ConsoleReadModel>(ADMIN.ConsoleReadModel);
    const getPayment = container.get<GetConsolePayment>(ADMIN.GetConsolePayment);
    const firstPage = await readModel.searchPayments({ query: null, status: null, pg: null, from: null, to: null }, { cursor: null, limit: 50 });
    const receiptsPage = await readModel.webhookReceipts({ outcome: null, merchantUid: null }, { cursor: null, limit: 50 });
    const none = { query: null, status: null, pg: null, from: null, to: null };
    const cases: Array<[string, string, () => Promise<unknown>]> = [
      ['overview', 'overview (money, members, renewals, problems)', () => dashboard.overview()],
      ['overview', 'charts (30 days, 12 months)', () => dashboard.charts()],
      ['payments', 'first page, no filter', () => readModel.searchPayments(none, { cursor: null, limit: 50 })],
      ['payments', 'second page (keyset)', () => readModel.searchPayments(none, { cursor: firstPage.next, limit: 50 })],
      ['payments', 'status=await', () => readModel.searchPayments({ ...none, status: 'await' }, { cursor: null, limit: 50 })],
      ['payments', 'pg=tosspayments', () => readModel.searchPayments({ ...none, pg: 'tosspayments' }, { cursor: null, limit: 50 })],
      ['payments', 'a week of dates', () => readModel.searchPayments({ ...none, from: new Date(NOW.getTime() - 100 * DAY_MS), to: new Date(NOW.getTime() - 93 * DAY_MS) }, { cursor: null, limit: 50 })],
      ['payments', 'search by e-mail', () => readModel.searchPayments({ ...none, query: probe.email }, { cursor: null, limit: 50 })],
      ['payments', 'search by merchant_uid', () => readModel.searchPayments({ ...none, query: probe.merchantUid }, { cursor: null, limit: 50 })],
      ['payments', 'search by gateway id', () => readModel.searchPayments({ ...none, query: probe.gatewayPaymentId }, { cursor: null, limit: 50 })],
      ['payment', 'one payment (aggregate, buyer, quote, receipts, events)', () => getPayment.execute(probe.merchantUid)],
      ['members', 'member by e-mail', () => readModel.findMember({ email: probe.email })],
      ['renewals', 'due in 7 days and dunning queue', () => readModel.renewalQueues({ now: NOW, until: new Date(NOW.getTime() + 7 * DAY_MS), limit: 100 })],
      ['webhooks', 'first page', () => readModel.webhookReceipts({ outcome: null, merchantUid: null }, { cursor: null, limit: 50 })],
      ['webhooks', 'second page (keyset)', () => readModel.webhookReceipts({ outcome: null, merchantUid: null }, { cursor: receiptsPage.next, limit: 50 })],
      ['webhooks', 'not applied', () => readModel.webhookReceipts({ outcome: 'unapplied', merchantUid: null }, { cursor: null, limit: 50 })],
      ['webhooks', 'ignored', () => readModel.webhookReceipts({ outcome: 'ignored', merchantUid: null }, { cursor: null, limit: 50 })],
      ['audit', 'first page', () => readModel.auditLog({ cursor: null, limit: 50 })],
    ];
    const measured: Measured[] = [];
    for (const [page, query, run] of cases) {
      const statements: Measured['statements'] = [];
      const listener = (q: { sql: string; bindings?: readonly unknown[] }) => statements.push({ sql: q.sql, bindings: q.bindings ?? [] });
      await run(); // warm
      knex.on('query', listener);
      await run();
      knex.off('query', listener);
      const times: number[] = [];
      for (let i = 0; i < 5; i += 1) {
        const t0 = performance.now();
        await run();
        times.push(performance.now() - t0);
      }
      times.sort((a, b) => a - b);
      measured.push({ page, query, medianMs: Math.round(times[2] * 10) / 10, statements });
    }
    const plans: string[] = [];
    const fullScans: string[] = [];
    for (const m of measured) {
      for (const statement of m.statements) {
        if (!/^\s*select/i.test(statement.sql)) continue;
        const plan = engine === 'postgres'
          ? (await knex.raw(`EXPLAIN ${statement.sql}`, statement.bindings as never)).rows.map((r: Record<string, string>) => r['QUERY PLAN']).join('\n    ')
          : (await knex.raw(`EXPLAIN ${statement.sql}`, statement.bindings as never))[0]
            .map((r: Record<string, unknown>) => `${r.table} type=${r.type} key=${r.key ?? '-'} rows=${r.rows} ${r.Extra ?? ''}`).join('\n    ');
        const full = engine === 'postgres' ? /Seq Scan on (payments|memberships|users|payment_cancellations|webhook_receipts)/.test(plan) : /type=ALL/.test(plan);
        if (full) fullScans.push(`${m.page} / ${m.query}: ${statement.sql.slice(0, 120)}`);
        plans.push(`[${engine}] ${m.page} / ${m.query}${full ? '  <-- FULL SCAN' : ''}\n  ${statement.sql.slice(0, 400)}\n    ${plan}`);
      }
    }
    const pageTotals = new Map<string, number>();
    for (const m of measured) pageTotals.set(m.page, (pageTotals.get(m.page) ?? 0) + m.medianMs);
    const rows = measured.map((m) => ({
      engine, page: m.page, query: m.query, 'median ms': m.medianMs, statements: m.statements.length,
      'page total ms': Math.round((pageTotals.get(m.page) ?? 0) * 10) / 10, goal: (pageTotals.get(m.page) ?? 0) < 200 ? 'met' : 'MISSED',
    }));
    return { rows, plans, fullScans };
  } finally {
    await bench.drop();
  }
}

async function main(): Promise<void> {
  for (const engine of ENGINES) {
    console.log(`\n${engine}: seeding ${PAYMENTS} payments and ${MEMBERS} members (multi-row INSERTs of ${BATCH})`);
    const { rows, plans, fullScans } = await benchEngine(engine);
    console.log('\nEXPLAIN of every statement the console sends:');
    for (const plan of plans) console.log(plan);
    console.log(`\nconsole queries on ${engine}, ${PAYMENTS} payments / ${MEMBERS} members (median of 5; goal: every page's queries < 200 ms, no full scans)`);
    console.log(table(rows));
    console.log(fullScans.length ? `full table scans:\n  ${fullScans.join('\n  ')}` : 'full table scans: none');
  }
}

main().then(() => process.exit(0), (error: unknown) => {
  console.error(error);
  process.exit(1);
});

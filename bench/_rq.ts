import { startBenchProcess, createBenchDatabase } from './support';
import type { RunRenewals } from '../src/billing/application/run-renewals.use-case';
import { BILLING } from '../src/billing/billing.tokens';
import { loadConfig } from '../src/config';
import { buildContainer } from '../src/container';
import type { ControllableClock } from '../src/shared/infrastructure/controllable-clock';
import { silentLogger } from '../src/shared/infrastructure/logger';
import { SHARED } from '../src/shared/shared.tokens';
const NOW = new Date('2026-12-01T00:00:00.000Z'); const DAY = 86400000;
const db = await createBenchDatabase('mariadb');
const sandbox = await startBenchProcess<{ url: string; api: string }>('sandbox', { BENCH_SANDBOX_NOW: NOW.toISOString() });
const start = new Date(NOW.getTime() - 30 * DAY);
for (let n = 0; n < 3; n++) {
  await db.database.knex('users').insert({ id: `user_${n}`, email: `r${n}@e.com`, name: 'R', password_hash: 'x', created_at: start });
  await db.database.knex('memberships').insert({ id: `mem_${n}`, user_id: `user_${n}`, plan_id: 'monthly', status: 'active', anchor_at: start, months_paid: 1, period_no: 1, period_start: start, period_end: NOW, auto_renew: true, billing_key: `cust_bench_${n}`, next_charge_at: new Date(NOW.getTime() - 1000), renewal_attempts: 0, cancel_at_period_end: false, cancelled_at: null, renewal_lease_until: null, version: 1, created_at: start, updated_at: start });
}
await fetch(`${sandbox.ready.url}/__bench/customers`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ uids: ['cust_bench_0', 'cust_bench_1', 'cust_bench_2'] }) });
const config = loadConfig({ DATABASE_URL: db.url, PUBLIC_URL: 'http://127.0.0.1:9', IAMPORT_MODE: 'sandbox', IAMPORT_API_URL: sandbox.ready.api, LOG_LEVEL: 'silent' });
const container = buildContainer(config, { logger: silentLogger(), persistence: 'knex', gateway: 'configured', database: db.database });
container.get<ControllableClock>(SHARED.Clock).freezeAt(NOW);
container.get(SHARED.EventBus);
const log: string[] = [];
db.database.knex.on('query', (q: { sql: string }) => log.push(q.sql.slice(0, 150)));
console.log(await container.get<RunRenewals>(BILLING.RunRenewals).execute(NOW));
log.forEach((l) => console.log('  ', l)); console.log(log.length);
await sandbox.stop(); await db.drop(); process.exit(0);

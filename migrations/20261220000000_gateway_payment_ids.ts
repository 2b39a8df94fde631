import type { Knex } from 'knex';

/**
 * The core is PG-neutral: the gateway's payment id (Iamport's imp_uid, Toss's paymentKey, PortOne V2's
 * paymentId) is `gateway_payment_id` in every table. `ALTER TABLE ... RENAME COLUMN` keeps each
 * column's type and collation on SQLite 3.25+, MariaDB 10.5+, MySQL 8 and PostgreSQL alike; the
 * indexes follow under their new names.
 */
const COLUMNS = [
  { table: 'payments', from: 'imp_uid', to: 'gateway_payment_id' },
  { table: 'payments', from: 'reported_imp_uid', to: 'reported_gateway_payment_id' },
  { table: 'payment_cancellations', from: 'imp_uid', to: 'gateway_payment_id' },
  { table: 'webhook_receipts', from: 'imp_uid', to: 'gateway_payment_id' },
];

const INDEXES = [
  { table: 'payments', from: 'payments_imp_uid_unique', to: 'payments_gateway_payment_id_unique', columns: ['gateway_payment_id'], unique: true },
  { table: 'webhook_receipts', from: 'webhook_receipts_imp_uid_status_index', to: 'webhook_receipts_gateway_payment_id_status_index', columns: ['gateway_payment_id', 'status'], unique: false },
];

type Direction = 'up' | 'down';

async function rename(knex: Knex, direction: Direction): Promise<void> {
  const client = String(knex.client.config.client);
  for (const c of COLUMNS) {
    const [from, to] = direction === 'up' ? [c.from, c.to] : [c.to, c.from];
    await knex.raw('ALTER TABLE ?? RENAME COLUMN ?? TO ??', [c.table, from, to]);
  }
  for (const index of INDEXES) {
    const [from, to] = direction === 'up' ? [index.from, index.to] : [index.to, index.from];
    if (/mysql/.test(client)) {
      await knex.raw('ALTER TABLE ?? RENAME INDEX ?? TO ??', [index.table, from, to]);
    } else if (/^(pg|postgres)/.test(client)) {
      await knex.raw('ALTER INDEX ?? RENAME TO ??', [from, to]);
    } else {
      // SQLite cannot rename an index: the same index is made again under its new name.
      const columns = direction === 'up' ? index.columns : index.columns.map((col) => COLUMNS.find((c) => c.table === index.table && c.to === col)?.from ?? col);
      await knex.raw('DROP INDEX ??', [from]);
      await knex.raw(`CREATE ${index.unique ? 'UNIQUE ' : ''}INDEX ?? ON ?? (${columns.map(() => '??').join(', ')})`, [to, index.table, ...columns]);
    }
  }
}

export async function up(knex: Knex): Promise<void> {
  await rename(knex, 'up');
}

export async function down(knex: Knex): Promise<void> {
  await rename(knex, 'down');
}

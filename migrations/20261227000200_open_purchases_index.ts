import type { Knex } from 'knex';

/**
 * payments_open_purchases_index: exactly the open-orders count's columns (openPurchases: a buyer's `await`
 * purchases since a time). A checkout's INSERT … SELECT counts through it on MySQL/MariaDB (FORCE INDEX),
 * so its locking read covers that buyer's open purchases only. Through payments_status_created_index, which
 * MariaDB's optimizer took when few orders were open, it locked every buyer's open orders in the window:
 * other buyers' checkouts waited, and validations (which update those rows) deadlocked with checkouts.
 */
const INDEX = 'payments_open_purchases_index';
const COLUMNS = ['user_id', 'status', 'purpose_kind', 'created_at'];

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('payments', (t) => {
    t.index(COLUMNS, INDEX);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('payments', (t) => {
    t.dropIndex(COLUMNS, INDEX);
  });
}

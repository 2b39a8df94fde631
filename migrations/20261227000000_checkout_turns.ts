import type { Knex } from 'knex';

/**
 * checkout_turns: one row per buyer that a checkout's insert updates on PostgreSQL, in the same
 * statement (KnexPaymentRepository.insertIfFewerOpen): under REPEATABLE READ the second of two
 * checkouts of one buyer at once fails on it and runs again, counting the first one's order. MySQL,
 * MariaDB and SQLite leave it empty (their insert's locking reads, or one writer at a time, do that).
 */
function timeType(knex: Knex): string {
  const client = String(knex.client.config.client);
  if (/mysql/.test(client)) return 'datetime(3)';
  if (/^(pg|postgres)/.test(client)) return 'timestamptz(3)';
  return 'bigint';
}

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('checkout_turns', (t) => {
    t.string('user_id', 64).notNullable().primary();
    t.specificType('taken_at', timeType(knex)).notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('checkout_turns');
}

import type { Knex } from 'knex';

/**
 * notifications.sending_until: a notice being sent is held until then; NULL once sent. A process
 * that dies between taking a notice's key and sending it leaves the hold to run out, and the next
 * taker sends it. Rows written before this column existed are sent notices (NULL).
 */
function timeType(knex: Knex): string {
  const client = String(knex.client.config.client);
  if (/mysql/.test(client)) return 'datetime(3)';
  if (/^(pg|postgres)/.test(client)) return 'timestamptz(3)';
  return 'bigint';
}

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('notifications', (t) => {
    t.specificType('sending_until', timeType(knex)).nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  // Plain ALTER on every engine: Knex's SQLite dropColumn rebuilds the table (see the cancellation_count migration).
  await knex.raw('ALTER TABLE notifications DROP COLUMN sending_until');
}

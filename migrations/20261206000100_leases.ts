import type { Knex } from 'knex';

/** Times as every migration writes them: DATETIME(3) on MySQL, TIMESTAMPTZ(3) on PostgreSQL, epoch ms on SQLite. */
function timeType(knex: Knex): string {
  const client = String(knex.client.config.client);
  if (/mysql/.test(client)) return 'datetime(3)';
  if (/^(pg|postgres)/.test(client)) return 'timestamptz(3)';
  return 'bigint';
}

/** Short exclusive holds shared by every instance (one buyer's checkout at a time across instances). */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('leases', (t) => {
    t.string('name', 191).notNullable().primary();
    t.string('holder', 64).notNullable();
    t.specificType('expires_at', timeType(knex)).notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('leases');
}

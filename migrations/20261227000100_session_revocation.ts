import type { Knex } from 'knex';

/**
 * sessions.revoked_at: a logout or an account's deletion marks its sessions revoked instead of deleting
 * them at once, so every instance's session cache learns of it (CachedSessionStore reads the ids revoked
 * since its last look); housekeeping deletes them an hour later.
 */
function timeType(knex: Knex): string {
  const client = String(knex.client.config.client);
  if (/mysql/.test(client)) return 'datetime(3)';
  if (/^(pg|postgres)/.test(client)) return 'timestamptz(3)';
  return 'bigint';
}

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('sessions', (t) => {
    t.specificType('revoked_at', timeType(knex)).nullable();
    t.index(['revoked_at'], 'sessions_revoked_at_index');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('sessions', (t) => {
    t.dropIndex(['revoked_at'], 'sessions_revoked_at_index');
  });
  // Plain ALTER on every engine: Knex's SQLite dropColumn rebuilds the table (see the cancellation_count migration).
  await knex.raw('ALTER TABLE sessions DROP COLUMN revoked_at');
}

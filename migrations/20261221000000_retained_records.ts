import type { Knex } from 'knex';

/**
 * Account deletion (issue 21): what the law makes us keep after a member leaves is moved out of the
 * live tables into `retained_records`, each row tagged with its retention class and the time it is
 * purged (housekeeping deletes it then). Kept apart so the live tables hold no one who has left.
 */
function timeType(knex: Knex): string {
  const client = String(knex.client.config.client);
  if (/mysql/.test(client)) return 'datetime(3)';
  if (/^(pg|postgres)/.test(client)) return 'timestamptz(3)';
  return 'bigint';
}

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('retained_records', (t) => {
    t.string('id', 64).notNullable().primary();
    t.string('retention_class', 16).notNullable();
    t.string('subject_id', 64).notNullable();
    t.string('kind', 32).notNullable();
    t.string('record_ref', 100).notNullable();
    t.text('payload', 'mediumtext').notNullable();
    t.specificType('retained_at', timeType(knex)).notNullable();
    t.specificType('purge_after', timeType(knex)).notNullable();
    t.index(['purge_after'], 'retained_records_purge_after_index');
    t.index(['subject_id'], 'retained_records_subject_index');
    t.check("?? IN ('contract', 'payment', 'complaint', 'advertising')", ['retention_class'], 'retained_records_class_known');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('retained_records');
}

import type { Knex } from 'knex';

/**
 * users.language: the language of a member's notices and e-mails (`ko` or `en`), taken from the
 * page at signup. Members who signed up before it get Korean, the default.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (t) => {
    t.string('language', 8).notNullable().defaultTo('ko');
  });
}

export async function down(knex: Knex): Promise<void> {
  // Plain ALTER on every engine: Knex's SQLite dropColumn rebuilds the table (see the cancellation_count migration).
  await knex.raw('ALTER TABLE users DROP COLUMN language');
}

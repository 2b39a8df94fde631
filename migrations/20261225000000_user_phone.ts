import type { Knex } from 'knex';

/** Members' mobile numbers (E.164, optional) for SMS notices: the consent request and the trial notice (issue 21). */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (t) => {
    t.string('phone', 16).nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (t) => {
    t.dropColumn('phone');
  });
}

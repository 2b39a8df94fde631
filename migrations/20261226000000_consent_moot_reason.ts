import type { Knex } from 'knex';

/**
 * Why a consent request was closed unanswered as moot (status `moot`): it no longer asked about the
 * membership's next charge (a purchase paid for its period, the rise withdrawn, or already consented to).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('consent_requests', (t) => {
    t.string('moot_reason', 32).nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('consent_requests', (t) => {
    t.dropColumn('moot_reason');
  });
}

import type { Knex } from 'knex';

/**
 * The plan a membership's free trial was of (memberships.trial_plan_id), kept when an extension on another
 * plan changes plan_id: one trial per member per plan is looked up by it, and a trial whose extension is
 * refunded goes back to it. Rows from before it take their plan_id: right unless an extension on another
 * plan had changed it already, which nothing recorded.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('memberships', (t) => {
    t.string('trial_plan_id', 64).nullable();
  });
  await knex('memberships').whereNotNull('trial_ends_at').update({ trial_plan_id: knex.ref('plan_id') });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('memberships', (t) => {
    t.dropColumn('trial_plan_id');
  });
}

import type { Knex } from 'knex';

/**
 * Trials and consent to higher charges (issue 21): memberships carry the most a renewal may charge
 * (consented_amount; NULL on older rows = the plan's configured price, which is all they were ever
 * charged) and a trial's end; operators schedule plan prices; each consent request and its answer.
 */
function timeType(knex: Knex): string {
  const client = String(knex.client.config.client);
  if (/mysql/.test(client)) return 'datetime(3)';
  if (/^(pg|postgres)/.test(client)) return 'timestamptz(3)';
  return 'bigint';
}

export async function up(knex: Knex): Promise<void> {
  const time = timeType(knex);
  await knex.schema.alterTable('memberships', (t) => {
    t.integer('consented_amount').nullable();
    t.specificType('trial_ends_at', time).nullable();
  });
  await knex.schema.alterTable('memberships', (t) => {
    // One trial per member per plan is looked up by (user, plan).
    t.index(['user_id', 'plan_id'], 'memberships_user_plan_index');
  });
  await knex.schema.createTable('plan_price_changes', (t) => {
    t.string('id', 64).primary();
    t.string('plan_id', 64).notNullable();
    t.integer('amount').notNullable();
    t.specificType('effective_at', time).notNullable();
    t.specificType('created_at', time).notNullable();
    t.index(['plan_id'], 'plan_price_changes_plan_index');
  });
  await knex.schema.createTable('consent_requests', (t) => {
    t.string('id', 64).primary();
    t.string('membership_id', 64).notNullable();
    t.string('user_id', 64).notNullable();
    t.string('plan_id', 64).notNullable();
    t.integer('period_no').notNullable();
    t.integer('old_amount').notNullable();
    t.integer('new_amount').notNullable();
    t.specificType('change_at', time).notNullable();
    t.specificType('answer_by', time).notNullable();
    t.specificType('opened_at', time).notNullable();
    t.string('status', 16).notNullable();
    t.specificType('answered_at', time).nullable();
    t.string('method', 16).nullable();
    t.string('wording_version', 32).nullable();
    t.integer('version').notNullable();
    t.unique(['membership_id', 'period_no', 'new_amount'], { indexName: 'consent_requests_once_per_price' });
    t.index(['user_id', 'opened_at'], 'consent_requests_user_index');
    t.index(['status', 'answer_by'], 'consent_requests_status_index');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('consent_requests');
  await knex.schema.dropTableIfExists('plan_price_changes');
  await knex.schema.alterTable('memberships', (t) => {
    t.dropIndex(['user_id', 'plan_id'], 'memberships_user_plan_index');
  });
  await knex.schema.alterTable('memberships', (t) => {
    t.dropColumn('trial_ends_at');
    t.dropColumn('consented_amount');
  });
}

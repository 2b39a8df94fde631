import type { Knex } from 'knex';

/**
 * Refund outcomes (DESIGN §6): a refund is `pending`, `refunded` or `rejected` (rows written as
 * `done` are refunded ones); `payment_cancellations.unanswered_at` records that the gateway's first
 * answer was lost, so a refusal found later reaches the member who was told "pending".
 * `memberships.ended_at`: when access ended (cancelled now, at the period end, or expired); rows
 * that ended before this column existed take their cancellation time, else their last change.
 */
function timeType(knex: Knex): string {
  const client = String(knex.client.config.client);
  if (/mysql/.test(client)) return 'datetime(3)';
  if (/^(pg|postgres)/.test(client)) return 'timestamptz(3)';
  return 'bigint';
}

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('payment_cancellations', (t) => {
    t.specificType('unanswered_at', timeType(knex)).nullable();
  });
  await knex('payment_cancellations').where({ status: 'done' }).update({ status: 'refunded' });
  await knex.schema.alterTable('memberships', (t) => {
    t.specificType('ended_at', timeType(knex)).nullable();
  });
  await knex('memberships').whereIn('status', ['cancelled', 'expired'])
    .update({ ended_at: knex.raw('COALESCE(cancelled_at, updated_at)') });
}

export async function down(knex: Knex): Promise<void> {
  // Plain ALTER on every engine: Knex's SQLite dropColumn rebuilds the table (see the cancellation_count migration).
  await knex.raw('ALTER TABLE memberships DROP COLUMN ended_at');
  await knex('payment_cancellations').where({ status: 'refunded' }).update({ status: 'done' });
  await knex.raw('ALTER TABLE payment_cancellations DROP COLUMN unanswered_at');
}

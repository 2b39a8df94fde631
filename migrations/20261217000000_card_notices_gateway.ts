import type { Knex } from 'knex';

/**
 * Two records that said less than they should:
 *
 * notifications.attempt: a renewal_failed notice was keyed by its attempt number standing in for
 * the period, so after one declined renewal the first declined attempt of any later period looked
 * sent already. Notices are now unique per (membership, period, kind, attempt); rows written
 * before keep attempt 0 (receipts and reminders use 0 anyway), so nothing already sent goes out
 * again.
 *
 * payments.gateway: the PG that charged a payment (iamport | toss | portone). Before this only
 * Iamport and Toss could be configured, and a Toss payment shows it by its data: pg
 * `tosspayments` (Toss checkouts), or a Toss billing handle `<customerKey>:<billingKey>` as its
 * customer_uid (Toss renewals; Iamport's customer_uids have no ':'). Those rows are backfilled
 * `toss`, every other row `iamport` (derived from the rows, not from configuration). Toss renewals
 * were recorded with Iamport's IMP_PG: their pg becomes `tosspayments`. The column stays nullable:
 * an instance still running the previous version writes NULL, and Payment.gateway reads such a
 * row by the same rule (until 20261224000000 filled such rows and the domain stopped guessing).
 */
const TOSS_ROWS = "pg = 'tosspayments' OR customer_uid LIKE '%:%'";

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('notifications', (t) => {
    t.integer('attempt').notNullable().defaultTo(0);
  });
  await knex.schema.alterTable('notifications', (t) => {
    t.dropUnique(['membership_id', 'period_no', 'kind'], 'notifications_once_per_period');
  });
  await knex.schema.alterTable('notifications', (t) => {
    t.unique(['membership_id', 'period_no', 'kind', 'attempt'], { indexName: 'notifications_once_per_attempt' });
  });

  await knex.schema.alterTable('payments', (t) => {
    t.string('gateway', 16).nullable();
  });
  await knex('payments').whereRaw(TOSS_ROWS).update({ gateway: 'toss' });
  await knex('payments').where({ gateway: 'toss', purpose_kind: 'renewal' }).whereNot({ pg: 'tosspayments' }).update({ pg: 'tosspayments' });
  await knex('payments').whereNull('gateway').update({ gateway: 'iamport' });
}

export async function down(knex: Knex): Promise<void> {
  // Plain ALTER on every engine: Knex's SQLite dropColumn rebuilds the table (see the cancellation_count migration).
  await knex.raw('ALTER TABLE payments DROP COLUMN gateway');
  // Later attempts of a period would collide under the old key: keep the earliest of each (read first: MySQL cannot delete from a table it reads).
  const collisions: Array<{ id: number }> = await knex('notifications as later')
    .join('notifications as kept', (on) => {
      on.on('kept.membership_id', 'later.membership_id').andOn('kept.period_no', 'later.period_no')
        .andOn('kept.kind', 'later.kind').andOn('kept.attempt', '<', 'later.attempt');
    })
    .distinct('later.id as id');
  const ids = collisions.map((row) => Number(row.id));
  for (let i = 0; i < ids.length; i += 500) await knex('notifications').whereIn('id', ids.slice(i, i + 500)).delete();
  await knex.schema.alterTable('notifications', (t) => {
    t.dropUnique(['membership_id', 'period_no', 'kind', 'attempt'], 'notifications_once_per_attempt');
  });
  await knex.schema.alterTable('notifications', (t) => {
    t.unique(['membership_id', 'period_no', 'kind'], { indexName: 'notifications_once_per_period' });
  });
  await knex.raw('ALTER TABLE notifications DROP COLUMN attempt');
}

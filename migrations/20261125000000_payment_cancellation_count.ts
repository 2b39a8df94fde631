import type { Knex } from 'knex';

/**
 * How many cancellations a payment has: most have none, and a repository that reads this first
 * skips the second query for them.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('payments', (t) => {
    t.integer('cancellation_count').notNullable().defaultTo(0);
  });
  await knex('payments').update({
    cancellation_count: knex('payment_cancellations').count('*').where('payment_cancellations.payment_id', knex.ref('payments.id')),
  });
}

export async function down(knex: Knex): Promise<void> {
  // Plain ALTER on both engines: Knex's SQLite dropColumn rebuilds the table, and dropping the old
  // payments table would cascade into payment_cancellations.
  await knex.raw('ALTER TABLE payments DROP COLUMN cancellation_count');
}

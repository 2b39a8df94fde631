import type { Knex } from 'knex';

/**
 * Receipts (issue 21): the card company's approval number and the card as the gateway masked it,
 * recorded when the payment is paid, so a receipt states them without asking the gateway again.
 * Never a full card number: the gateway masks it and memberpay masks it again (6 + 4 digits).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('payments', (t) => {
    t.string('card_approval_number', 32).nullable();
    t.string('card_masked', 32).nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  // Plain ALTER on every engine: Knex's SQLite dropColumn rebuilds the table (see the cancellation_count migration).
  await knex.raw('ALTER TABLE payments DROP COLUMN card_approval_number');
  await knex.raw('ALTER TABLE payments DROP COLUMN card_masked');
}

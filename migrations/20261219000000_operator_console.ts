import type { Knex } from 'knex';

/**
 * The operator console: the indexes its aggregates and pages read through (no full scans past 1M
 * payments, DESIGN §6 "Operator console"), and the audit record of every console and admin write.
 */
function timeType(knex: Knex): string {
  const client = String(knex.client.config.client);
  if (/mysql/.test(client)) return 'datetime(3)';
  if (/^(pg|postgres)/.test(client)) return 'timestamptz(3)';
  return 'bigint';
}

const INDEXES: Array<{ table: string; columns: string[]; name: string }> = [
  // Revenue by day: a range of paid_at, summed from the index alone.
  { table: 'payments', columns: ['paid_at', 'amount'], name: 'payments_paid_at_index' },
  // The payment list, newest first, keyset-paged on (created_at, id).
  { table: 'payments', columns: ['created_at', 'id'], name: 'payments_created_id_index' },
  // Renewal outcomes by day.
  { table: 'payments', columns: ['purpose_kind', 'created_at', 'status'], name: 'payments_purpose_created_index' },
  // Refunds by the day the gateway settled them.
  { table: 'payment_cancellations', columns: ['status', 'settled_at', 'amount'], name: 'payment_cancellations_status_settled_index' },
  // Active members and churn over time: joins and ends.
  { table: 'memberships', columns: ['created_at'], name: 'memberships_created_index' },
  { table: 'memberships', columns: ['status', 'cancelled_at'], name: 'memberships_status_cancelled_index' },
  { table: 'memberships', columns: ['status', 'period_end'], name: 'memberships_status_period_end_index' },
  // Receipts not yet applied, and receipts by outcome, newest first.
  { table: 'webhook_receipts', columns: ['processed_at', 'received_at'], name: 'webhook_receipts_processed_index' },
  { table: 'webhook_receipts', columns: ['outcome', 'received_at'], name: 'webhook_receipts_outcome_index' },
];

export async function up(knex: Knex): Promise<void> {
  for (const index of INDEXES) {
    await knex.schema.alterTable(index.table, (t) => {
      t.index(index.columns, index.name);
    });
  }
  await knex.schema.createTable('console_audit', (t) => {
    t.increments('id').primary();
    t.specificType('at', timeType(knex)).notNullable();
    /** Who: `console:<operator>` (a console session) or `admin_token` (the bearer API), with the client address. */
    t.string('actor', 100).notNullable();
    t.string('client_ip', 64).nullable();
    /** What: the route (`POST /api/console/payments/:merchant_uid/refund`). */
    t.string('action', 150).notNullable();
    /** On what: the path's ids (`merchant_uid=...`), if any. */
    t.string('target', 255).nullable();
    /** The request body (secrets removed) and the answer's status. */
    t.text('request').nullable();
    t.integer('status_code').notNullable();
    t.index(['at'], 'console_audit_at_index');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('console_audit');
  for (const index of [...INDEXES].reverse()) {
    await knex.schema.alterTable(index.table, (t) => {
      t.dropIndex(index.columns, index.name);
    });
  }
}

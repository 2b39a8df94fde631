import type { Knex } from 'knex';

/**
 * The whole schema, one set for SQLite (better-sqlite3), MySQL 8 / MariaDB 10.6+ (mysql2) and
 * PostgreSQL 15+ (pg). Times: DATETIME(3) in UTC on MySQL, TIMESTAMPTZ(3) on PostgreSQL (the
 * millisecond of a JavaScript Date, as on MySQL), epoch milliseconds (INTEGER) on SQLite.
 * Money: integer KRW. Constraints are named for the rule they enforce; repositories translate
 * their violations.
 */

function isMysql(knex: Knex): boolean {
  return /mysql/.test(String(knex.client.config.client));
}

function isPostgres(knex: Knex): boolean {
  return /^(pg|postgres)/.test(String(knex.client.config.client));
}

function timeColumn(knex: Knex) {
  return (table: Knex.CreateTableBuilder, name: string) => {
    if (isMysql(knex)) return table.specificType(name, 'datetime(3)');
    if (isPostgres(knex)) return table.specificType(name, 'timestamptz(3)');
    return table.bigInteger(name);
  };
}

export async function up(knex: Knex): Promise<void> {
  const time = timeColumn(knex);
  const mysql = isMysql(knex);

  await knex.schema.createTable('users', (t) => {
    t.string('id', 64).notNullable().primary();
    t.string('email', 254).notNullable().unique({ indexName: 'users_email_unique' });
    t.string('name', 100).notNullable();
    t.string('password_hash', 255).notNullable();
    time(t, 'created_at').notNullable();
  });

  await knex.schema.createTable('sessions', (t) => {
    t.string('id', 128).notNullable().primary();
    t.string('user_id', 64).nullable().references('id').inTable('users').onDelete('CASCADE').withKeyName('sessions_user_fk');
    t.text('data').notNullable();
    time(t, 'expires_at').notNullable();
    t.index(['expires_at'], 'sessions_expires_at_index');
    t.index(['user_id'], 'sessions_user_index');
  });

  await knex.schema.createTable('payments', (t) => {
    t.string('id', 64).notNullable().primary();
    t.string('merchant_uid', 64).notNullable().unique({ indexName: 'payments_merchant_uid_unique' });
    t.string('user_id', 64).notNullable();
    t.string('purpose_kind', 16).notNullable();
    t.string('plan_id', 64).notNullable();
    t.string('membership_id', 64).nullable();
    t.integer('period_no').nullable();
    t.bigInteger('amount').notNullable();
    t.string('pay_method', 32).notNullable();
    t.string('pg', 64).notNullable();
    t.string('status', 16).notNullable();
    t.string('imp_uid', 100).nullable().unique({ indexName: 'payments_imp_uid_unique' });
    t.string('reported_imp_uid', 100).nullable();
    time(t, 'recheck_at').nullable();
    t.string('customer_uid', 100).nullable();
    t.string('failure_code', 32).nullable();
    t.text('failure_message').nullable();
    time(t, 'prepared_at').nullable();
    time(t, 'paid_at').nullable();
    t.bigInteger('cancelled_amount').notNullable().defaultTo(0);
    time(t, 'fulfilled_at').nullable();
    t.integer('version').notNullable();
    time(t, 'created_at').notNullable();
    time(t, 'updated_at').notNullable();
    t.index(['user_id', 'created_at'], 'payments_user_created_index');
    t.index(['status', 'created_at'], 'payments_status_created_index');
    t.index(['recheck_at'], 'payments_recheck_at_index');
    t.check('?? > 0', ['amount'], 'payments_amount_positive');
    t.check('?? >= 0 AND ?? <= ??', ['cancelled_amount', 'cancelled_amount', 'amount'], 'payments_cancelled_within_amount');
    t.check("?? IN ('await', 'paid', 'failed', 'cancelled')", ['status'], 'payments_status_known');
  });

  await knex.schema.createTable('payment_cancellations', (t) => {
    t.string('id', 64).notNullable().primary();
    t.string('payment_id', 64).notNullable().references('id').inTable('payments').onDelete('CASCADE').withKeyName('payment_cancellations_payment_fk');
    /** The cancellation's place in the payment's list. */
    t.integer('position').notNullable();
    /** refund (money back on the order's payment) or mismatch_return (a wrong-amount charge returned whole). */
    t.string('kind', 16).notNullable();
    /** The gateway payment it cancels. */
    t.string('imp_uid', 100).notNullable();
    t.bigInteger('amount').notNullable();
    t.bigInteger('checksum').notNullable();
    t.string('reason', 255).notNullable();
    t.string('requested_by', 16).notNullable();
    time(t, 'requested_at').notNullable();
    t.string('status', 16).notNullable();
    time(t, 'settled_at').nullable();
    t.text('gateway_message').nullable();
    t.index(['payment_id', 'position'], 'payment_cancellations_payment_index');
    t.index(['status'], 'payment_cancellations_status_index');
    t.check('?? > 0', ['amount'], 'payment_cancellations_amount_positive');
  });

  await knex.schema.createTable('memberships', (t) => {
    t.string('id', 64).notNullable().primary();
    t.string('user_id', 64).notNullable();
    t.string('plan_id', 64).notNullable();
    t.string('status', 16).notNullable();
    time(t, 'anchor_at').notNullable();
    t.integer('months_paid').notNullable();
    t.integer('period_no').notNullable();
    time(t, 'period_start').notNullable();
    time(t, 'period_end').notNullable();
    t.boolean('auto_renew').notNullable();
    t.string('billing_key', 100).nullable();
    time(t, 'next_charge_at').nullable();
    t.integer('renewal_attempts').notNullable().defaultTo(0);
    t.boolean('cancel_at_period_end').notNullable().defaultTo(false);
    time(t, 'cancelled_at').nullable();
    time(t, 'renewal_lease_until').nullable();
    t.integer('version').notNullable();
    time(t, 'created_at').notNullable();
    time(t, 'updated_at').notNullable();
    t.index(['user_id', 'created_at'], 'memberships_user_created_index');
    t.index(['status', 'next_charge_at'], 'memberships_status_next_charge_index');
    // The renewal claim walks due rows in charge order and stops at its batch size.
    t.index(['next_charge_at', 'id'], 'memberships_next_charge_id_index');
    t.check("?? IN ('active', 'past_due', 'cancelled', 'expired')", ['status'], 'memberships_status_known');
  });
  // At most one live (active or past_due) membership per user: MySQL has no partial index, so a
  // generated column that is NULL for ended memberships carries the unique key there; SQLite and
  // PostgreSQL take the partial unique index.
  if (mysql) {
    await knex.raw(
      "ALTER TABLE memberships ADD COLUMN live_user_id VARCHAR(64) GENERATED ALWAYS AS (CASE WHEN status IN ('active', 'past_due') THEN user_id ELSE NULL END) STORED, " +
        'ADD CONSTRAINT memberships_one_live_per_user UNIQUE (live_user_id)',
    );
  } else {
    await knex.raw("CREATE UNIQUE INDEX memberships_one_live_per_user ON memberships (user_id) WHERE status IN ('active', 'past_due')");
  }

  await knex.schema.createTable('domain_events', (t) => {
    /** Append order: events sharing a millisecond still come out oldest first. */
    t.increments('seq').primary();
    t.string('id', 64).notNullable().unique({ indexName: 'domain_events_id_unique' });
    t.string('type', 64).notNullable();
    t.string('aggregate_id', 64).notNullable();
    time(t, 'occurred_at').notNullable();
    t.text('payload', 'longtext').notNullable();
    time(t, 'delivered_at').nullable();
    time(t, 'claimed_until').nullable();
    t.index(['delivered_at', 'occurred_at'], 'domain_events_undelivered_index');
    t.index(['aggregate_id'], 'domain_events_aggregate_index');
  });

  await knex.schema.createTable('idempotency_keys', (t) => {
    t.increments('id').primary();
    t.string('scope', 150).notNullable();
    t.string('key', 255).notNullable();
    /** A hash of the normalised request body: the same key with another body is refused. */
    t.string('fingerprint', 128).notNullable();
    /** Null while the first request is still in flight. */
    t.integer('status_code').nullable();
    t.text('response_body', 'longtext').nullable();
    time(t, 'created_at').notNullable();
    time(t, 'expires_at').notNullable();
    t.unique(['scope', 'key'], { indexName: 'idempotency_keys_scope_key_unique' });
    t.index(['expires_at'], 'idempotency_keys_expires_at_index');
  });

  await knex.schema.createTable('webhook_receipts', (t) => {
    t.string('id', 64).notNullable().primary();
    time(t, 'received_at').notNullable();
    /** The body exactly as received. */
    t.text('body', 'mediumtext').notNullable();
    t.string('imp_uid', 100).nullable();
    t.string('merchant_uid', 100).nullable();
    t.string('status', 16).nullable();
    t.string('sender_ip', 64).nullable();
    time(t, 'processed_at').nullable();
    t.string('outcome', 64).nullable();
    t.index(['received_at'], 'webhook_receipts_received_at_index');
    t.index(['merchant_uid'], 'webhook_receipts_merchant_uid_index');
    t.index(['imp_uid', 'status'], 'webhook_receipts_imp_uid_status_index');
  });

  await knex.schema.createTable('notifications', (t) => {
    t.increments('id').primary();
    t.string('membership_id', 64).notNullable();
    t.integer('period_no').notNullable();
    t.string('kind', 32).notNullable();
    time(t, 'sent_at').notNullable();
    t.unique(['membership_id', 'period_no', 'kind'], { indexName: 'notifications_once_per_period' });
  });

  await knex.schema.createTable('rate_limit_counters', (t) => {
    /** What is limited and for whom, e.g. `login:<ip>:<email>` or `signup:<ip>`. */
    t.string('key', 255).notNullable();
    time(t, 'window_start').notNullable();
    t.integer('count').notNullable().defaultTo(0);
    t.primary(['key', 'window_start'], 'rate_limit_counters_key_window_pk');
    t.index(['window_start'], 'rate_limit_counters_window_index');
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['rate_limit_counters', 'notifications', 'webhook_receipts', 'idempotency_keys', 'domain_events', 'memberships', 'payment_cancellations', 'payments', 'sessions', 'users']) {
    await knex.schema.dropTableIfExists(table);
  }
}

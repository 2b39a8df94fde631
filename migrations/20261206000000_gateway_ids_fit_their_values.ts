import type { Knex } from 'knex';

/**
 * Gateway ids and notice statuses get the room their PGs use (a Toss paymentKey is up to 200
 * characters, a Toss status up to 19), and the columns that hold case-sensitive ids compare them
 * byte for byte on MySQL/MariaDB (their default collation folds case: `Key` and `key` collided).
 * SQLite neither enforces lengths nor folds case here, so it has nothing to change.
 */
const BINARY = 'CHARACTER SET utf8mb4 COLLATE utf8mb4_bin';

function dialect(knex: Knex): 'mysql' | 'postgres' | 'sqlite' {
  const client = String(knex.client.config.client);
  if (/mysql/.test(client)) return 'mysql';
  if (/^(pg|postgres)/.test(client)) return 'postgres';
  return 'sqlite';
}

interface Column {
  table: string;
  column: string;
  length: number;
  nullable: boolean;
  /** The length before this migration (for `down`). */
  was: number;
}

const COLUMNS: Column[] = [
  { table: 'payments', column: 'imp_uid', length: 200, nullable: true, was: 100 },
  { table: 'payments', column: 'reported_imp_uid', length: 200, nullable: true, was: 100 },
  { table: 'payment_cancellations', column: 'imp_uid', length: 200, nullable: false, was: 100 },
  { table: 'webhook_receipts', column: 'imp_uid', length: 200, nullable: true, was: 100 },
  { table: 'webhook_receipts', column: 'status', length: 32, nullable: true, was: 16 },
  { table: 'idempotency_keys', column: 'key', length: 255, nullable: false, was: 255 },
  { table: 'sessions', column: 'id', length: 128, nullable: false, was: 128 },
];

async function resize(knex: Knex, lengthOf: (c: Column) => number, binary: boolean): Promise<void> {
  const engine = dialect(knex);
  for (const c of COLUMNS) {
    const length = lengthOf(c);
    if (engine === 'mysql') {
      const collation = binary ? ` ${BINARY}` : '';
      await knex.raw(`ALTER TABLE ?? MODIFY ?? VARCHAR(${length})${collation} ${c.nullable ? 'NULL' : 'NOT NULL'}`, [c.table, c.column]);
    } else if (engine === 'postgres' && length !== c.was) {
      await knex.raw(`ALTER TABLE ?? ALTER COLUMN ?? TYPE VARCHAR(${length})`, [c.table, c.column]);
    }
  }
}

export async function up(knex: Knex): Promise<void> {
  await resize(knex, (c) => c.length, true);
}

export async function down(knex: Knex): Promise<void> {
  await resize(knex, (c) => c.was, false);
}

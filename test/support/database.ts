import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { KnexDatabase } from '../../src/shared/infrastructure/knex/knex-database';

/** A migrated database of its own for a test run, emptied between tests and thrown away after. */
export interface TestDatabase {
  database: KnexDatabase;
  /** Deletes every row (children first), keeping the schema. */
  empty(): Promise<void>;
  drop(): Promise<void>;
}

/** Children before parents, so foreign keys never object. */
const TABLES = [
  'payment_cancellations', 'payments', 'memberships', 'domain_events', 'sessions', 'users',
  'idempotency_keys', 'webhook_receipts', 'notifications', 'rate_limit_counters', 'leases',
];

/** MariaDB/MySQL server for tests (no database part); `SKIP_MARIADB=1` skips those suites on purpose. */
export const MARIADB_SERVER_URL = process.env.TEST_MARIADB_URL ?? 'mysql://root@127.0.0.1:3306';
export const skipMariaDb = process.env.SKIP_MARIADB === '1';

function emptier(database: KnexDatabase) {
  return async () => {
    for (const table of TABLES) await database.knex(table).delete();
  };
}

export async function createSqliteTestDatabase(): Promise<TestDatabase> {
  const folder = mkdtempSync(path.join(tmpdir(), 'memberpay-test-'));
  const database = KnexDatabase.fromUrl(`sqlite:${path.join(folder, 'test.sqlite')}`);
  await database.migrateLatest();
  return {
    database,
    empty: emptier(database),
    async drop() {
      await database.destroy();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

/**
 * A fresh, uniquely named database on the test MariaDB server. An unreachable server fails the
 * suite (never a silent skip) unless SKIP_MARIADB=1.
 */
export async function createMariaDbTestDatabase(poolMax = 20): Promise<TestDatabase> {
  const name = `memberpay_test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const server = new URL(MARIADB_SERVER_URL);
  let admin: mysql.Connection;
  try {
    admin = await mysql.createConnection({
      host: server.hostname, port: Number(server.port || 3306), user: decodeURIComponent(server.username || 'root'),
      password: decodeURIComponent(server.password),
    });
  } catch (error) {
    throw new Error(`MariaDB at ${MARIADB_SERVER_URL} is not reachable (${(error as Error).message}); start it or set SKIP_MARIADB=1 to skip these suites`);
  }
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  const url = new URL(MARIADB_SERVER_URL);
  url.pathname = `/${name}`;
  const database = KnexDatabase.fromUrl(url.toString(), { poolMax });
  try {
    await database.migrateLatest();
  } catch (error) {
    await database.destroy();
    await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
    await admin.end();
    throw error;
  }
  return {
    database,
    empty: emptier(database),
    async drop() {
      await database.destroy();
      await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await admin.end();
    },
  };
}

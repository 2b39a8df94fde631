import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { KnexDatabase, migrationConfig } from '../../src/shared/infrastructure/knex/knex-database';

/** A migrated database of its own for a test run, emptied between tests and thrown away after. */
export interface TestDatabase {
  database: KnexDatabase;
  /** Its DATABASE_URL, for processes of their own. */
  url: string;
  /** Deletes every row of every table the migrations made, keeping the schema and the migration bookkeeping. */
  empty(): Promise<void>;
  drop(): Promise<void>;
}

/** MariaDB/MySQL server for tests (no database part); `SKIP_MARIADB=1` skips those suites on purpose. */
export const MARIADB_SERVER_URL = process.env.TEST_MARIADB_URL ?? 'mysql://root@127.0.0.1:3306';
export const skipMariaDb = process.env.SKIP_MARIADB === '1';

/** PostgreSQL server for tests (no database part); `SKIP_POSTGRES=1` skips those suites on purpose. */
export const POSTGRES_SERVER_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432';
export const skipPostgres = process.env.SKIP_POSTGRES === '1';

/** The server engines a test runs on, each unless its SKIP_ variable is set. */
export type ServerEngine = 'mariadb' | 'postgres';
export const SERVER_ENGINES: Array<{ engine: ServerEngine; label: string; skip: boolean }> = [
  { engine: 'mariadb', label: 'MariaDB', skip: skipMariaDb },
  { engine: 'postgres', label: 'PostgreSQL', skip: skipPostgres },
];

/** `describe`, or `describe.skip` for an engine skipped on purpose. */
export function describeOn(engine: ServerEngine): Mocha.SuiteFunction | Mocha.PendingSuiteFunction {
  return (engine === 'mariadb' ? skipMariaDb : skipPostgres) ? describe.skip : describe;
}

export interface TestDatabaseOptions {
  /** false: leave the database empty, for processes that migrate it as they start. */
  migrate?: boolean;
  /** How long a statement waits for a free connection (the product's default otherwise). */
  acquireTimeoutMs?: number;
}

export function createServerTestDatabase(engine: ServerEngine, poolMax = 20, options: TestDatabaseOptions = {}): Promise<TestDatabase> {
  return engine === 'mariadb' ? createMariaDbTestDatabase(poolMax, options) : createPostgresTestDatabase(poolMax, options);
}

function uniqueDatabaseName(): string {
  return `memberpay_test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
}

export async function createSqliteTestDatabase(options: TestDatabaseOptions = {}): Promise<TestDatabase> {
  const folder = mkdtempSync(path.join(tmpdir(), 'memberpay-test-'));
  const url = `sqlite:${path.join(folder, 'test.sqlite')}`;
  const database = KnexDatabase.fromUrl(url, { acquireTimeoutMs: options.acquireTimeoutMs });
  if (options.migrate !== false) await database.migrateLatest();
  return {
    database,
    url,
    empty: () => emptyEveryTable(database),
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
export async function createMariaDbTestDatabase(poolMax = 20, options: TestDatabaseOptions = {}): Promise<TestDatabase> {
  const name = uniqueDatabaseName();
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
  return openCreated(MARIADB_SERVER_URL, name, poolMax, options, async () => {
    await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
    await admin.end();
  });
}

/** A connection to the test PostgreSQL server's maintenance database, where databases are created and dropped. */
async function postgresAdmin(): Promise<pg.Client> {
  const server = new URL(POSTGRES_SERVER_URL);
  const admin = new pg.Client({
    host: server.hostname, port: Number(server.port || 5432), user: decodeURIComponent(server.username || 'postgres'),
    password: decodeURIComponent(server.password), database: 'postgres',
  });
  try {
    await admin.connect();
  } catch (error) {
    throw new Error(`PostgreSQL at ${POSTGRES_SERVER_URL} is not reachable (${(error as Error).message}); start it or set SKIP_POSTGRES=1 to skip these suites`);
  }
  return admin;
}

/**
 * A fresh, uniquely named database on the test PostgreSQL server. An unreachable server fails the
 * suite (never a silent skip) unless SKIP_POSTGRES=1.
 */
export async function createPostgresTestDatabase(poolMax = 20, options: TestDatabaseOptions = {}): Promise<TestDatabase> {
  const name = uniqueDatabaseName();
  const admin = await postgresAdmin();
  await admin.query(`CREATE DATABASE "${name}" ENCODING 'UTF8'`);
  return openCreated(POSTGRES_SERVER_URL, name, poolMax, options, async () => {
    // WITH (FORCE): a connection a killed test process left behind must not keep the database alive.
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  });
}

/** The database `name` just created on `serverUrl`, migrated unless asked not to; `dropDatabase` removes it. */
async function openCreated(serverUrl: string, name: string, poolMax: number, options: TestDatabaseOptions, dropDatabase: () => Promise<void>): Promise<TestDatabase> {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const database = KnexDatabase.fromUrl(url.toString(), { poolMax, acquireTimeoutMs: options.acquireTimeoutMs });
  try {
    if (options.migrate !== false) await database.migrateLatest();
  } catch (error) {
    await database.destroy();
    await dropDatabase();
    throw error;
  }
  return {
    database,
    url: url.toString(),
    empty: () => emptyEveryTable(database),
    async drop() {
      await database.destroy();
      await dropDatabase();
    },
  };
}

/**
 * Databases migrated once and handed back by a closed harness, per engine: the next harness takes one
 * emptied instead of creating and migrating its own (seconds per test on MariaDB). Each is used by one
 * harness at a time, through a Knex of its own; all are dropped when the mocha run ends.
 */
const idleServerDatabases: Record<ServerEngine, Array<{ url: string; drop(): Promise<void> }>> = { mariadb: [], postgres: [] };

/**
 * A migrated, empty database on `engine` for one harness; `drop()` hands it back for the next one,
 * which empties it through a fresh Knex (nothing a test attached to the last one carries over).
 */
export async function takeServerTestDatabase(engine: ServerEngine): Promise<TestDatabase> {
  const idle = idleServerDatabases[engine].pop();
  if (!idle) {
    const created = await createServerTestDatabase(engine);
    await created.database.destroy();
    return takeServerTestDatabaseFrom(engine, { url: created.url, drop: created.drop });
  }
  return takeServerTestDatabaseFrom(engine, idle);
}

async function takeServerTestDatabaseFrom(engine: ServerEngine, held: { url: string; drop(): Promise<void> }): Promise<TestDatabase> {
  const database = KnexDatabase.fromUrl(held.url, { poolMax: 20 });
  const empty = () => emptyEveryTable(database);
  await empty();
  return {
    database,
    url: held.url,
    empty,
    async drop() {
      // Its Knex closed first, so nothing of the closed harness still writes; the next one empties it.
      await database.destroy();
      idleServerDatabases[engine].push(held);
    },
  };
}

/** Knex's migration bookkeeping: emptying it would make the next migrateLatest rebuild a schema that is there. */
function migrationBookkeepingTables(): string[] {
  const { tableName = 'knex_migrations' } = migrationConfig();
  return [tableName, `${tableName}_lock`];
}

/**
 * The tables the migrations made, read from the engine's catalog so a table a later migration adds
 * is never missed; without the migration bookkeeping and the engine's own (sqlite_sequence).
 */
export async function applicationTables(database: KnexDatabase): Promise<string[]> {
  const { knex } = database;
  const bookkeeping = migrationBookkeepingTables();
  const notBookkeeping = bookkeeping.map(() => '?').join(', ');
  let names: string[];
  if (database.dialect === 'sqlite') {
    const rows: Array<{ name: string }> = await knex.raw(
      `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name NOT IN (${notBookkeeping})`, bookkeeping);
    names = rows.map((row) => row.name);
  } else {
    // information_schema on both servers; the schema is the connection's database (MariaDB) or search path (PostgreSQL).
    const schema = database.dialect === 'mysql' ? 'DATABASE()' : 'current_schema()';
    const result = await knex.raw(
      `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = ${schema} AND table_type = 'BASE TABLE' AND table_name NOT IN (${notBookkeeping})`, bookkeeping);
    const rows: Array<{ name: string }> = database.dialect === 'mysql' ? result[0] : result.rows;
    names = rows.map((row) => row.name);
  }
  return names.sort();
}

/** Deletes every row of every application table, in any order: foreign keys are put off while it does. */
export async function emptyEveryTable(database: KnexDatabase): Promise<void> {
  const tables = await applicationTables(database);
  if (tables.length === 0) return;
  const { knex } = database;
  if (database.dialect === 'postgres') {
    await knex.raw(`TRUNCATE ${tables.map(() => '??').join(', ')} CASCADE`, tables);
    return;
  }
  await knex.transaction(async (trx) => {
    // One connection; SQLite checks deferred foreign keys at commit, when every table is empty.
    if (database.dialect === 'sqlite') await trx.raw('PRAGMA defer_foreign_keys = ON');
    else await trx.raw('SET FOREIGN_KEY_CHECKS = 0');
    for (const table of tables) await trx(table).delete();
    if (database.dialect === 'mysql') await trx.raw('SET FOREIGN_KEY_CHECKS = 1');
  });
}

// The idle databases go when the run ends (a root-level hook of whichever mocha run loaded this file).
if (typeof after === 'function') {
  after(async () => {
    for (const engine of ['mariadb', 'postgres'] as const) {
      const idle = idleServerDatabases[engine].splice(0);
      for (const held of idle) await held.drop();
    }
  });
}

/**
 * The Knex engines a contract runs on, in order; a server engine skipped on purpose (SKIP_MARIADB,
 * SKIP_POSTGRES) is marked, never silently dropped.
 */
export const KNEX_ENGINES: Array<{ name: 'sqlite' | ServerEngine; label: string; skip: boolean; create(poolMax?: number, options?: TestDatabaseOptions): Promise<TestDatabase> }> = [
  { name: 'sqlite', label: 'SQLite', skip: false, create: (_poolMax, options) => createSqliteTestDatabase(options) },
  { name: 'mariadb', label: 'MariaDB', skip: skipMariaDb, create: (poolMax, options) => createMariaDbTestDatabase(poolMax, options) },
  { name: 'postgres', label: 'PostgreSQL', skip: skipPostgres, create: (poolMax, options) => createPostgresTestDatabase(poolMax, options) },
];

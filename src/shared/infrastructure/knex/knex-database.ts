import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import knexFactory, { type Knex } from 'knex';
import { SourceOrBuiltMigrations } from './migration-source';

export type Dialect = 'sqlite' | 'mysql';

/** Where the migrations live, whatever the working directory. */
export const MIGRATIONS_DIRECTORY = fileURLToPath(new URL('../../../../migrations', import.meta.url));

const SQLITE_BUSY_TIMEOUT_MS = 5000;

/**
 * The one Knex instance of the process, built from DATABASE_URL:
 * `sqlite:<relative or absolute path>` (better-sqlite3; `sqlite::memory:` for a throw-away one) or
 * `mysql://user:pass@host:port/db` (mysql2, MySQL 8 / MariaDB 10.6+).
 *
 * Times: DATETIME(3) in UTC on MySQL; epoch milliseconds in INTEGER columns on SQLite (Knex's
 * better-sqlite3 client binds a Date as its epoch ms). `readTime` turns either back into a Date.
 */
export class KnexDatabase {
  private constructor(
    readonly knex: Knex,
    readonly dialect: Dialect,
  ) {}

  static fromUrl(url: string, options: { cwd?: string; poolMax?: number } = {}): KnexDatabase {
    const config = knexConfigFromUrl(url, options);
    return new KnexDatabase(knexFactory(config), config.client === 'better-sqlite3' ? 'sqlite' : 'mysql');
  }

  /** Applies every pending migration; answers the names applied. */
  async migrateLatest(): Promise<string[]> {
    const [, applied] = await this.knex.migrate.latest(migrationConfig());
    return applied as string[];
  }

  async migrateRollbackAll(): Promise<void> {
    await this.knex.migrate.rollback(migrationConfig(), true);
  }

  /** For readiness checks. */
  async ping(): Promise<void> {
    await this.knex.raw('SELECT 1');
  }

  async destroy(): Promise<void> {
    await this.knex.destroy();
  }
}

export function migrationConfig(): Knex.MigratorConfig {
  return { migrationSource: new SourceOrBuiltMigrations(MIGRATIONS_DIRECTORY), tableName: 'knex_migrations' };
}

export function knexConfigFromUrl(url: string, options: { cwd?: string; poolMax?: number } = {}): Knex.Config {
  if (url.startsWith('sqlite:')) return sqliteConfig(url.slice('sqlite:'.length), options.cwd ?? process.cwd());
  if (/^mysql2?:\/\//.test(url)) return mysqlConfig(url, options.poolMax ?? 10);
  throw new Error(`DATABASE_URL must be sqlite:<path> or mysql://user:pass@host:port/db, got ${url}`);
}

interface SqliteConnection {
  pragma(sql: string): unknown;
  prepare(sql: string): unknown;
}

/** Distinct SQL texts memberpay sends are a few hundred; a bound keeps a stray generator of new texts harmless. */
const STATEMENT_CACHE_SIZE = 500;

/**
 * Knex prepares every query anew, and compiling the SQL is a good part of a query's cost on
 * SQLite. A prepared statement is reusable (better-sqlite3 runs it synchronously, so one use ends
 * before the next), and SQLite recompiles it by itself after a schema change.
 */
function cachePreparedStatements(connection: SqliteConnection): void {
  const prepare = connection.prepare.bind(connection);
  const cache = new Map<string, unknown>();
  connection.prepare = (sql: string) => {
    let statement = cache.get(sql);
    if (statement === undefined) {
      statement = prepare(sql);
      if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
      cache.set(sql, statement);
    }
    return statement;
  };
}

function sqliteConfig(location: string, cwd: string): Knex.Config {
  if (!location) throw new Error('DATABASE_URL sqlite: needs a file path');
  const filename = location === ':memory:' ? location : path.resolve(cwd, location);
  if (filename !== ':memory:') mkdirSync(path.dirname(filename), { recursive: true });
  return {
    client: 'better-sqlite3',
    connection: { filename },
    useNullAsDefault: true,
    // better-sqlite3 is synchronous: a second connection waiting on a lock would block the event
    // loop the first one needs to finish. One connection serialises every transaction instead.
    pool: {
      min: 1,
      max: 1,
      afterCreate: (connection: SqliteConnection, done: (error: Error | null, connection: unknown) => void) => {
        try {
          cachePreparedStatements(connection);
          if (filename !== ':memory:') connection.pragma('journal_mode = WAL');
          connection.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
          connection.pragma('foreign_keys = ON');
          done(null, connection);
        } catch (error) {
          done(error as Error, connection);
        }
      },
    },
  };
}

function mysqlConfig(url: string, poolMax: number): Knex.Config {
  const parsed = new URL(url);
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  return {
    client: 'mysql2',
    connection: {
      host: parsed.hostname || '127.0.0.1',
      port: parsed.port ? Number(parsed.port) : 3306,
      user: decodeURIComponent(parsed.username || 'root'),
      password: decodeURIComponent(parsed.password),
      ...(database ? { database } : {}),
      // DATETIME values are written and read as UTC; mysql2 parses them (with milliseconds) into Dates.
      timezone: 'Z',
      dateStrings: false,
      supportBigNumbers: true,
      charset: 'utf8mb4',
    },
    pool: {
      min: 0,
      max: poolMax,
      afterCreate: (connection: { query(sql: string, callback: (error: Error | null) => void): void }, done: (error: Error | null, connection: unknown) => void) => {
        // NOW() and friends in UTC too, so SQL-side defaults agree with the application's times.
        connection.query("SET time_zone = '+00:00'", (error) => done(error, connection));
      },
    },
  };
}

/** A stored time back to a Date: epoch ms (SQLite), a Date (mysql2) or a 'YYYY-MM-DD HH:MM:SS.mmm' UTC string. */
export function readTime(value: unknown): Date {
  if (value instanceof Date) return new Date(value.getTime());
  if (typeof value === 'number') return new Date(value);
  if (typeof value === 'bigint') return new Date(Number(value));
  if (typeof value === 'string') {
    if (/^\d+$/.test(value)) return new Date(Number(value));
    const iso = value.includes('T') ? value : `${value.replace(' ', 'T')}Z`;
    const date = new Date(iso);
    if (!Number.isNaN(date.getTime())) return date;
  }
  throw new Error(`not a stored time: ${String(value)}`);
}

export function readOptionalTime(value: unknown): Date | null {
  return value === null || value === undefined ? null : readTime(value);
}

/** JSON columns: MariaDB and SQLite answer text, MySQL 8 answers the parsed value. */
export function readJson<T>(value: unknown): T {
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}

import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import knexFactory, { type Knex } from 'knex';
import pg from 'pg';
import { DatabaseUnavailableError } from '../../application/database.errors';
import { SourceOrBuiltMigrations } from './migration-source';

export type Dialect = 'sqlite' | 'mysql' | 'postgres';

/** Where the migrations live, whatever the working directory. */
export const MIGRATIONS_DIRECTORY = fileURLToPath(new URL('../../../../migrations', import.meta.url));

const SQLITE_BUSY_TIMEOUT_MS = 5000;
/**
 * How long a statement or a transaction waits for a free connection (DATABASE_ACQUIRE_TIMEOUT_MS)
 * before it answers 503: well inside a client's or a proxy's patience, unlike Knex's 60 s.
 */
export const DEFAULT_ACQUIRE_TIMEOUT_MS = 10_000;
const MIGRATION_LOCK_WAIT_MS = 60_000;
const MIGRATION_LOCK_NAME = 'memberpay_migrations';

/**
 * The one Knex instance of the process, built from DATABASE_URL:
 * `sqlite:<relative or absolute path>` (better-sqlite3; `sqlite::memory:` for a throw-away one) or
 * `mysql://user:pass@host:port/db` (mysql2, MySQL 8 / MariaDB 10.6+) or
 * `postgres://user:pass@host:port/db` (also `postgresql://`; node-postgres, PostgreSQL 15+).
 *
 * Times: DATETIME(3) in UTC on MySQL, TIMESTAMPTZ(3) on PostgreSQL; epoch milliseconds in INTEGER
 * columns on SQLite (Knex's better-sqlite3 client binds a Date as its epoch ms). `readTime` turns
 * each back into a Date.
 */
export class KnexDatabase {
  private constructor(
    readonly knex: Knex,
    readonly dialect: Dialect,
    private readonly config: Knex.Config,
  ) {}

  static fromUrl(url: string, options: KnexDatabaseOptions = {}): KnexDatabase {
    const config = knexConfigFromUrl(url, options);
    const knex = knexFactory(config);
    reportUnavailableConnections(knex, config.acquireConnectionTimeout ?? DEFAULT_ACQUIRE_TIMEOUT_MS);
    return new KnexDatabase(knex, dialectOf(config), config);
  }

  /** MySQL, MariaDB and PostgreSQL lock rows (`FOR UPDATE SKIP LOCKED`); SQLite serialises writers instead. */
  get locksRows(): boolean {
    return this.dialect !== 'sqlite';
  }

  /**
   * Applies every pending migration; answers the names applied. Instances that start together
   * all migrate, so on MySQL, MariaDB and PostgreSQL each first takes a database-wide named lock
   * (GET_LOCK, pg_advisory_lock) and waits up to `lockWaitMs` for whoever holds it: Knex's own
   * bootstrap (creating knex_migrations and its lock row) is not safe to run twice at once. The
   * lock belongs to a connection, so a process that dies while migrating lets go of it.
   */
  async migrateLatest(lockWaitMs = MIGRATION_LOCK_WAIT_MS): Promise<string[]> {
    return this.withMigrationLock(lockWaitMs, async () => {
      const [, applied] = await this.knex.migrate.latest(migrationConfig());
      return applied as string[];
    });
  }

  private async withMigrationLock<T>(waitMs: number, work: () => Promise<T>): Promise<T> {
    // SQLite: one instance per file (ADR 0004), and its writers queue on the file lock anyway.
    if (this.dialect === 'sqlite') return work();
    // A connection of its own that holds the lock while the pool's connections migrate.
    const holder = knexFactory({ ...this.config, pool: { ...this.config.pool, min: 1, max: 1 } });
    try {
      const seconds = Math.ceil(waitMs / 1000);
      if (this.dialect === 'mysql') {
        const [rows] = await holder.raw('SELECT GET_LOCK(?, ?) AS taken', [MIGRATION_LOCK_NAME, seconds]);
        if (Number(rows[0]?.taken) !== 1) throw new Error(`another instance has been migrating the database for ${seconds} s`);
      } else {
        await holder.raw(`SET lock_timeout = '${seconds}s'`);
        await holder.raw('SELECT pg_advisory_lock(hashtext(?))', [MIGRATION_LOCK_NAME]).catch((error: { code?: string }) => {
          throw error.code === '55P03' ? new Error(`another instance has been migrating the database for ${seconds} s`) : error;
        });
      }
      return await work();
    } finally {
      // Closing the session releases the lock.
      await holder.destroy();
    }
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

export interface KnexDatabaseOptions {
  /** Where a relative SQLite path starts (default: the working directory). */
  cwd?: string;
  /** MariaDB / PostgreSQL connections at most (default 10); SQLite has one. */
  poolMax?: number;
  /** How long to wait for a free connection (default DEFAULT_ACQUIRE_TIMEOUT_MS). */
  acquireTimeoutMs?: number;
}

/**
 * Every statement and transaction of `knex` takes its connection through the client's
 * acquireConnection. The pool giving none within `waitMs` (every connection busy: overload), or the
 * server refusing a new one, comes out as DatabaseUnavailableError (503 with Retry-After) instead of a
 * library error naming the pool or the host. Errors without a driver code (a destroyed pool) pass as they are.
 */
function reportUnavailableConnections(knex: Knex, waitMs: number): void {
  const client = knex.client as { acquireConnection(): Promise<unknown> };
  const acquire = client.acquireConnection.bind(client);
  client.acquireConnection = async () => {
    try {
      return await acquire();
    } catch (error) {
      if (error instanceof knexFactory.KnexTimeoutError) throw new DatabaseUnavailableError(`no database connection came free within ${waitMs} ms`, error);
      const code = (error as { code?: unknown } | null)?.code;
      if (typeof code === 'string' || typeof code === 'number') throw new DatabaseUnavailableError(`the database gave no new connection (${code})`, error);
      throw error;
    }
  };
}

/**
 * Knex's own warnings, on stderr (stdout carries the JSON log lines). The pool's "Acquire connection
 * error" with its stack is left out: DatabaseUnavailableError reports it where it was met, without the stack.
 */
const KNEX_LOG: Knex.Logger = {
  warn(message: unknown) {
    if (typeof message === 'string' && message.startsWith('Acquire connection error')) return;
    console.warn('Knex: warning:', message);
  },
};

export function migrationConfig(): Knex.MigratorConfig {
  return { migrationSource: new SourceOrBuiltMigrations(MIGRATIONS_DIRECTORY), tableName: 'knex_migrations' };
}

function dialectOf(config: Knex.Config): Dialect {
  if (config.client === 'better-sqlite3') return 'sqlite';
  return config.client === 'pg' ? 'postgres' : 'mysql';
}

export function knexConfigFromUrl(url: string, options: KnexDatabaseOptions = {}): Knex.Config {
  const common = { acquireConnectionTimeout: options.acquireTimeoutMs ?? DEFAULT_ACQUIRE_TIMEOUT_MS, log: KNEX_LOG };
  if (url.startsWith('sqlite:')) return { ...sqliteConfig(url.slice('sqlite:'.length), options.cwd ?? process.cwd()), ...common };
  if (/^mysql2?:\/\//.test(url)) return { ...mysqlConfig(url, options.poolMax ?? 10), ...common };
  if (/^postgres(ql)?:\/\//.test(url)) return { ...postgresConfig(url, options.poolMax ?? 10), ...common };
  throw new Error(`DATABASE_URL must be sqlite:<path>, mysql://user:pass@host:port/db or postgres://user:pass@host:port/db, got ${url}`);
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

type RawConnection = { query(sql: string, callback: (error: Error | null) => void): void };

/** A server's URL as a driver's connection settings: host, port, user, password and database. */
function serverConnection(url: string, defaults: { port: number; user: string }) {
  const parsed = new URL(url);
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  return {
    host: parsed.hostname || '127.0.0.1',
    port: parsed.port ? Number(parsed.port) : defaults.port,
    user: decodeURIComponent(parsed.username || defaults.user),
    password: decodeURIComponent(parsed.password),
    ...(database ? { database } : {}),
  };
}

/** A pool of up to `poolMax` connections, each running `sessionSql` once opened, in order. */
function serverPool(poolMax: number, sessionSql: string[]): Knex.PoolConfig {
  return {
    min: 0,
    max: poolMax,
    afterCreate: (connection: RawConnection, done: (error: Error | null, connection: unknown) => void) => {
      const next = (i: number) => (i === sessionSql.length
        ? done(null, connection)
        : connection.query(sessionSql[i], (error) => (error ? done(error, connection) : next(i + 1))));
      next(0);
    },
  };
}

function mysqlConfig(url: string, poolMax: number): Knex.Config {
  return {
    client: 'mysql2',
    connection: {
      ...serverConnection(url, { port: 3306, user: 'root' }),
      // DATETIME values are written and read as UTC; mysql2 parses them (with milliseconds) into Dates.
      timezone: 'Z',
      dateStrings: false,
      supportBigNumbers: true,
      charset: 'utf8mb4',
    },
    // NOW() and friends in UTC too, so SQL-side defaults agree with the application's times. REPEATABLE READ
    // whatever the server's default: the open-orders limit counts with the locking reads of an INSERT … SELECT,
    // which READ COMMITTED does not take (UnitOfWorkOptions).
    pool: serverPool(poolMax, ["SET time_zone = '+00:00'", 'SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ']),
  };
}

const PG_INT8 = 20;

/**
 * node-postgres answers BIGINT (amounts, COUNT(*)) as strings to keep precision; memberpay's are
 * KRW amounts and row counts, far inside 2^53, so they come back as numbers, as on the other engines.
 * A per-connection parser, so the process-wide pg.types stay untouched.
 */
const postgresTypes = {
  getTypeParser(oid: number, format?: string) {
    if (oid === PG_INT8 && format !== 'binary') return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format as 'text');
  },
};

function postgresConfig(url: string, poolMax: number): Knex.Config {
  return {
    client: 'pg',
    connection: { ...serverConnection(url, { port: 5432, user: 'postgres' }), types: postgresTypes },
    // TIMESTAMPTZ values arrive as Dates whatever the session zone; NOW() and casts to text in UTC match the other engines.
    pool: serverPool(poolMax, ["SET TIME ZONE 'UTC'"]),
  };
}

/** A stored time back to a Date: epoch ms (SQLite), a Date (mysql2, node-postgres) or a 'YYYY-MM-DD HH:MM:SS.mmm' UTC string. */
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

/** JSON columns: MariaDB, PostgreSQL (TEXT) and SQLite answer text, MySQL 8 answers the parsed value. */
export function readJson<T>(value: unknown): T {
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}

/** A unique rule as each engine reports it: MySQL and PostgreSQL name the index or constraint, SQLite names the columns. */
export interface UniqueRule {
  /** The constraint name, which is also the rule's name in ConflictError. */
  name: string;
  /** SQLite's "UNIQUE constraint failed: <table.column, ...>" text. */
  sqliteColumns: string;
}

interface DriverError {
  code?: string;
  errno?: number;
  message?: string;
  sqlMessage?: string;
  /** node-postgres: the violated constraint or unique index. */
  constraint?: string;
  /** node-postgres: ERROR, FATAL... */
  severity?: string;
}

/** PostgreSQL's SQLSTATEs memberpay tells apart. */
const PG_UNIQUE_VIOLATION = '23505';
const PG_SERIALIZATION_FAILURE = '40001';
const PG_DEADLOCK_DETECTED = '40P01';
const PG_LOCK_NOT_AVAILABLE = '55P03';

/** node-postgres reports a SQLSTATE in `code` and sets `severity`; mysql2 and better-sqlite3 never do both. */
function isPostgresError(e: DriverError): boolean {
  return typeof e.severity === 'string' && typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code);
}

function asDriverError(error: unknown): DriverError {
  return typeof error === 'object' && error !== null ? (error as DriverError) : {};
}

/** The key or columns a duplicate-key error names, or null when it is not one. */
function duplicateKey(error: unknown): string | null {
  const e = asDriverError(error);
  if (isPostgresError(e)) return e.code === PG_UNIQUE_VIOLATION ? (e.constraint ?? '') : null;
  if (e.code === 'ER_DUP_ENTRY' || e.errno === 1062) {
    const match = /for key '(?:[^'.]+\.)?([^']+)'/.exec(e.sqlMessage ?? e.message ?? '');
    return match ? match[1] : '';
  }
  if (e.code === 'SQLITE_CONSTRAINT_UNIQUE' || e.code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
    const match = /UNIQUE constraint failed: (.+)$/.exec(e.message ?? '') ?? /index '([^']+)'/.exec(e.message ?? '');
    return match ? match[1].trim() : '';
  }
  return null;
}

/** Which of `rules` the error broke, or null. */
export function violatedUniqueRule(error: unknown, rules: UniqueRule[]): string | null {
  const key = duplicateKey(error);
  if (key === null) return null;
  return rules.find((rule) => key === rule.name || key === rule.sqliteColumns || key === `index '${rule.name}'`)?.name ?? null;
}

/** An insert of a row whose primary key exists: another writer created it first. */
export function isDuplicatePrimaryKey(error: unknown, sqliteColumns: string): boolean {
  const e = asDriverError(error);
  if (e.code === 'SQLITE_CONSTRAINT_PRIMARYKEY') return true;
  const key = duplicateKey(error);
  if (key === null) return false;
  // PostgreSQL names a primary key `<table>_pkey` (Knex's default for `.primary()`).
  return key === 'PRIMARY' || key === sqliteColumns || (isPostgresError(e) && key === `${sqliteColumns.split('.')[0]}_pkey`);
}

/** The engine gave up on the transaction to break a lock cycle or a long wait: running it again is safe. */
export function isTransientLockError(error: unknown): boolean {
  const e = asDriverError(error);
  if (isPostgresError(e)) return e.code === PG_DEADLOCK_DETECTED || e.code === PG_SERIALIZATION_FAILURE || e.code === PG_LOCK_NOT_AVAILABLE;
  // better-sqlite3 reports extended codes: SQLITE_BUSY_SNAPSHOT is a WAL transaction that read before another
  // connection (the CLI beside npm start) committed and may not write on that snapshot; retrying reads anew.
  return e.code === 'ER_LOCK_DEADLOCK' || e.errno === 1213 || e.code === 'ER_LOCK_WAIT_TIMEOUT' || e.errno === 1205
    || e.code === 'SQLITE_BUSY' || (e.code?.startsWith('SQLITE_BUSY_') ?? false);
}

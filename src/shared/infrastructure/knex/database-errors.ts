/** A unique rule as each engine reports it: MySQL names the index, SQLite names the columns. */
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
}

function asDriverError(error: unknown): DriverError {
  return typeof error === 'object' && error !== null ? (error as DriverError) : {};
}

/** The key or columns a duplicate-key error names, or null when it is not one. */
function duplicateKey(error: unknown): string | null {
  const e = asDriverError(error);
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
  return key === 'PRIMARY' || key === sqliteColumns;
}

/** The engine gave up on the transaction to break a lock cycle or a long wait: running it again is safe. */
export function isTransientLockError(error: unknown): boolean {
  const e = asDriverError(error);
  // better-sqlite3 reports extended codes: SQLITE_BUSY_SNAPSHOT is a WAL transaction that read before another
  // connection (the CLI beside npm start) committed and may not write on that snapshot; retrying reads anew.
  return e.code === 'ER_LOCK_DEADLOCK' || e.errno === 1213 || e.code === 'ER_LOCK_WAIT_TIMEOUT' || e.errno === 1205
    || e.code === 'SQLITE_BUSY' || (e.code?.startsWith('SQLITE_BUSY_') ?? false);
}

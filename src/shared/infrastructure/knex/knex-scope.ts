import type { Knex } from 'knex';
import type { TransactionContext } from '../transaction-context';
import type { KnexDatabase } from './knex-database';

/** The open unit of work's transaction, or the pool outside one. */
export function currentDb(database: KnexDatabase, context: TransactionContext): Knex {
  return context.current<Knex.Transaction>()?.handle ?? database.knex;
}

/**
 * Runs several writes atomically: in the open unit of work's transaction, or in one of their own
 * when called outside a unit of work (a payment is one row plus its cancellations).
 */
export async function writeAtomically<T>(database: KnexDatabase, context: TransactionContext, work: (db: Knex) => Promise<T>): Promise<T> {
  const open = context.current<Knex.Transaction>()?.handle;
  if (open) return work(open);
  return database.knex.transaction((trx) => work(trx));
}

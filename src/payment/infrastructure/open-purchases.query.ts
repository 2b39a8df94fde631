import type { Knex } from 'knex';
import type { Dialect } from '../../shared/infrastructure/knex/knex-database';

/** Exactly the count's columns (migration 20261227000200): user_id, status, purpose_kind, created_at. */
export const OPEN_PURCHASES_INDEX = 'payments_open_purchases_index';

/**
 * A buyer's open purchases at or after `since` (the open-orders limit): `await` purchases, renewals
 * not counted. One definition for the count before the gateway call and the one in the insert.
 *
 * MySQL/MariaDB are told to read it through OPEN_PURCHASES_INDEX: in checkout's INSERT … SELECT the read
 * takes shared next-key locks on what it scans, which through that index is the buyer's own range. Before
 * that index MariaDB's optimizer took payments_status_created_index when few orders were open (and on an
 * empty table), and the count locked every buyer's open orders in the window; the hint keeps the locks
 * from depending on the optimizer's estimates.
 */
export function openPurchases(db: Knex, dialect: Dialect, userId: string, since: Date): Knex.QueryBuilder {
  const payments = dialect === 'mysql' ? db.from(db.raw('?? force index (??)', ['payments', OPEN_PURCHASES_INDEX])) : db('payments');
  return payments.where({ user_id: userId, status: 'await', purpose_kind: 'purchase' }).andWhere('created_at', '>=', since);
}

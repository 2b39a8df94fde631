import type { Knex } from 'knex';

/**
 * A buyer's open purchases at or after `since` (the open-orders limit): `await` purchases, renewals
 * not counted. One definition for the count before the gateway call and the one in the insert.
 */
export function openPurchases(db: Knex, userId: string, since: Date): Knex.QueryBuilder {
  return db('payments').where({ user_id: userId, status: 'await', purpose_kind: 'purchase' }).andWhere('created_at', '>=', since);
}

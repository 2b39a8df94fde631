import type { Knex } from 'knex';
import { DELETED_DOMAIN } from '../domain/user.entity';

/**
 * The user's row while the account lives (it exists and was not deleted, as isDeletedUser tells), for a
 * statement of another module that must not outlive the account: a checkout's insert (EXISTS) and its
 * read before the gateway call. Select the columns you need.
 */
export function liveUserRow(db: Knex, userId: string): Knex.QueryBuilder {
  return db('users').where('users.id', userId).andWhereNot('users.email', 'like', `%${DELETED_DOMAIN}`);
}

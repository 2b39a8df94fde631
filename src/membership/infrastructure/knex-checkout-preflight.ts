import { liveUserRow } from '../../identity/identity.api';
import { type CheckoutFacts, type CheckoutPreflight, type CheckoutPreflightQuestion, openPurchases } from '../../payment/payment.api';
import type { BusinessCalendar } from '../../shared/domain/business-calendar';
import type { KnexDatabase } from '../../shared/infrastructure/knex/knex-database';
import { currentDb } from '../../shared/infrastructure/knex/knex-scope';
import type { TransactionContext } from '../../shared/infrastructure/transaction-context';
import { periodBoughtBy } from '../domain/membership.entity';
import { LIVE } from './knex-membership.repository';
import { membershipMapper, type MembershipRow } from './membership.mapper';

interface PreflightRow extends MembershipRow {
  buyer_id: string;
  buyer_name: string;
  buyer_email: string;
  open_purchases: unknown;
}

/**
 * Payment's CheckoutPreflight in one statement: the buyer's live row, joined with their live membership,
 * with their open purchases counted beside. Each module's part is its own (identity's liveUserRow,
 * payment's openPurchases, the membership row and its mapper); this read only puts them in one round trip.
 */
export class KnexCheckoutPreflight implements CheckoutPreflight {
  constructor(
    private readonly database: KnexDatabase,
    private readonly context: TransactionContext,
    private readonly calendar: BusinessCalendar,
  ) {}

  async read({ userId, plan, at, openSince }: CheckoutPreflightQuestion): Promise<CheckoutFacts | null> {
    const db = currentDb(this.database, this.context);
    const buyer = liveUserRow(db, userId).select('users.id', 'users.name', 'users.email').as('u');
    const row: PreflightRow | undefined = await db.from(buyer)
      .leftJoin('memberships as m', (on) => on.on('m.user_id', '=', 'u.id').onIn('m.status', LIVE))
      .select('m.*', 'u.id as buyer_id', 'u.name as buyer_name', 'u.email as buyer_email',
        db.raw('(?) as ??', [openPurchases(db, this.database.dialect, userId, openSince).count('*'), 'open_purchases']))
      .first();
    if (!row) return null;
    const live = row.id === null ? null : membershipMapper.toAggregate(row);
    return {
      buyer: { id: row.buyer_id, name: row.buyer_name, email: row.buyer_email },
      openPurchases: Number(row.open_purchases),
      period: periodBoughtBy(live, plan, at, this.calendar),
    };
  }
}

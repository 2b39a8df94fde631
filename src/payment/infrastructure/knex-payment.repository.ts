import type { Knex } from 'knex';
import { ConflictError } from '../../shared/domain/conflict-error';
import { ConcurrencyConflictError } from '../../shared/domain/domain-error';
import { isDuplicatePrimaryKey, isTransientLockError, type UniqueRule, violatedUniqueRule } from '../../shared/infrastructure/knex/database-errors';
import { liveUserRow } from '../../identity/identity.api';
import type { KnexDatabase } from '../../shared/infrastructure/knex/knex-database';
import { currentDb, writeAtomically } from '../../shared/infrastructure/knex/knex-scope';
import type { TransactionContext } from '../../shared/infrastructure/transaction-context';
import type { PaymentRepository, RefundRecord } from '../application/payment-repository.port';
import type { Payment, PaymentStatus, RefundStatus } from '../domain/payment.entity';
import { openPurchases } from './open-purchases.query';
import { type CancellationRow, paymentMapper, type PaymentRow, toCancellation } from './payment.mapper';

const UNIQUE_RULES: UniqueRule[] = [
  { name: 'payments_merchant_uid_unique', sqliteColumns: 'payments.merchant_uid' },
  { name: 'payments_gateway_payment_id_unique', sqliteColumns: 'payments.gateway_payment_id' },
];

/** Rows remembered for narrow updates; past it the oldest are forgotten (their next update sends every column). */
const KNOWN_ROWS = 2000;

export class KnexPaymentRepository implements PaymentRepository {
  /**
   * Each payment's row as last read or written, by id and version. A version is written once, so its row
   * never changes: an update from it sends only the columns that differ (the version check stays).
   */
  private readonly knownRows = new Map<string, PaymentRow>();

  constructor(
    private readonly database: KnexDatabase,
    private readonly context: TransactionContext,
  ) {}

  async findById(id: string): Promise<Payment | null> {
    return (await this.load((q) => q.where({ id })))[0] ?? null;
  }

  async findByIds(ids: string[]): Promise<Payment[]> {
    if (ids.length === 0) return [];
    return this.load((q) => q.whereIn('id', [...new Set(ids)]));
  }

  async findByMerchantUid(merchantUid: string): Promise<Payment | null> {
    return (await this.load((q) => q.where({ merchant_uid: merchantUid })))[0] ?? null;
  }

  async listByUser(userId: string): Promise<Payment[]> {
    return this.load((q) => q.where({ user_id: userId }).orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id', order: 'desc' }]));
  }

  async countOpenPurchases(userId: string, since: Date): Promise<number> {
    const row = await openPurchases(currentDb(this.database, this.context), this.database.dialect, userId, since).count({ open: '*' }).first();
    return Number(row?.open ?? 0);
  }

  /**
   * One statement: INSERT … SELECT <the row> WHERE (<the count>) < max AND EXISTS (<the buyer, live>). Two
   * such units for one buyer at once, on any instance, meet in it:
   * - MySQL/MariaDB (REPEATABLE READ): its reads take shared next-key locks on the buyer's open purchases in
   *   `payments_open_purchases_index` (the count is told to use it) and on the buyer's row, so the second
   *   waits for the first and counts its order, or both wait on each other and one is chosen as a deadlock
   *   victim (a ConcurrencyConflictError). Other buyers meet those locks only in the gaps at the range's
   *   two ends: back to the previous buyer's last entry, and on to the next buyer's first when this buyer
   *   has no other order after their open ones (docs/scale.md);
   * - PostgreSQL (REPEATABLE READ): it first updates the buyer's row of `checkout_turns` (a data-modifying
   *   WITH); of two units that do so, the second waits, and once the first commits fails with a
   *   serialization error (a ConcurrencyConflictError), since its snapshot cannot count that order. The
   *   buyer's row is read FOR SHARE, so an account deleted meanwhile fails it the same way;
   * - SQLite runs one writer at a time.
   */
  async insertIfFewerOpen(payment: Payment, max: number, since: Date): Promise<boolean> {
    if (payment.version !== 0 || payment.cancellations.length > 0) throw new Error('insertIfFewerOpen inserts a new payment without refunds');
    if (this.context.current()?.isolation !== 'repeatable read') throw new Error('insertIfFewerOpen runs in a unit of work opened with isolation "repeatable read"');
    const db = currentDb(this.database, this.context);
    const postgres = this.database.dialect === 'postgres';
    const row = paymentMapper.toRow(payment, payment.version + 1);
    const columns = Object.keys(row);
    const open = openPurchases(db, this.database.dialect, payment.userId, since).count('*');
    const buyer = liveUserRow(db, payment.userId).select(db.raw('1'));
    const values = db.select(columns.map((column) => db.raw('? as ??', [(row as unknown as Record<string, Knex.Value>)[column], column])));
    if (this.database.dialect === 'mysql') values.from(db.raw('dual'));
    if (postgres) {
      values.from('turn');
      buyer.forShare();
    }
    values.where(db.raw('(?) < ?', [open, max])).whereExists(buyer);
    const into = postgres
      ? db.with('turn', db.raw(
        'insert into checkout_turns (user_id, taken_at) values (?, ?) on conflict (user_id) do update set taken_at = excluded.taken_at returning user_id',
        [payment.userId, payment.createdAt],
      ))
      : db.queryBuilder();
    const insert = into.into(db.raw(`?? (${columns.map(() => '??').join(', ')})`, ['payments', ...columns])).insert(values).toSQL();
    let inserted: number;
    try {
      inserted = affectedRows(await db.raw(insert.sql, insert.bindings as Knex.RawBinding[]));
    } catch (error) {
      throw this.translate(error, payment);
    }
    if (inserted === 0) return false;
    this.remember(row);
    this.context.track(payment);
    payment.markSaved();
    return true;
  }

  async listByStatus(status: PaymentStatus | null, limit: number): Promise<Payment[]> {
    return this.load((q) => {
      if (status !== null) q.where({ status });
      return q.orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id', order: 'desc' }]).limit(limit);
    });
  }

  async listUnsettled(asOf: Date, staleBefore: Date, limit: number): Promise<Payment[]> {
    return this.load((q) =>
      q
        .where((w) => w.where('status', 'await').andWhere((a) => a.where('created_at', '<', staleBefore).orWhereNotNull('reported_gateway_payment_id')))
        .orWhere('recheck_at', '<=', asOf)
        .orWhereExists((sub) =>
          sub.select(this.database.knex.raw('1')).from('payment_cancellations as c')
            .whereRaw('c.payment_id = payments.id').andWhere('c.status', 'pending'))
        .orderBy([{ column: 'created_at', order: 'asc' }, { column: 'id', order: 'asc' }])
        .limit(limit),
    );
  }

  async listRefunds(status: RefundStatus | null, limit: number): Promise<RefundRecord[]> {
    const query = currentDb(this.database, this.context)('payment_cancellations as c')
      .join('payments as p', 'p.id', 'c.payment_id')
      .select('c.*', 'p.merchant_uid as merchant_uid');
    if (status !== null) query.where('c.status', status);
    const rows: Array<CancellationRow & { merchant_uid: string }> = await query
      .orderBy([{ column: 'c.requested_at', order: 'desc' }, { column: 'c.id', order: 'desc' }]).limit(limit);
    return rows.map((row) => ({ merchantUid: row.merchant_uid, refund: toCancellation(row) }));
  }

  async save(payment: Payment): Promise<void> {
    // Outside a unit of work an aggregate with events cannot be saved: check before writing anything.
    if (!this.context.current()) this.context.track(payment);
    const row = paymentMapper.toRow(payment, payment.version + 1);
    const cancellations = paymentMapper.toCancellationRows(payment);
    const write = async (db: Knex) => {
      if (payment.version === 0) {
        await db('payments').insert(row);
      } else {
        const { id, ...changes } = changedColumns(this.knownRows.get(rowKey(payment.id, payment.version)), row);
        const updated = await db('payments').where({ id, version: payment.version }).update(changes);
        if (updated === 0) throw new ConcurrencyConflictError('payment', payment.id);
      }
      await this.saveCancellations(db, cancellations);
    };
    try {
      // The payment row alone is one statement, atomic by itself; with its cancellations it is several.
      if (cancellations.length === 0) await write(currentDb(this.database, this.context));
      else await writeAtomically(this.database, this.context, write);
    } catch (error) {
      throw this.translate(error, payment);
    }
    this.remember(row);
    this.context.track(payment);
    payment.markSaved();
  }

  private remember(row: PaymentRow): void {
    if (this.knownRows.size >= KNOWN_ROWS) this.knownRows.delete(this.knownRows.keys().next().value as string);
    this.knownRows.set(rowKey(row.id, row.version), row);
  }

  /** Cancellations are only ever added or settled, never removed: an upsert by id keeps them in step. */
  private async saveCancellations(db: Knex, rows: CancellationRow[]): Promise<void> {
    if (rows.length === 0) return;
    await db('payment_cancellations').insert(rows).onConflict('id')
      .merge(['position', 'kind', 'gateway_payment_id', 'amount', 'checksum', 'reason', 'requested_by', 'requested_at', 'status', 'settled_at', 'gateway_message', 'unanswered_at']);
  }

  private translate(error: unknown, payment: Payment): unknown {
    if (error instanceof ConcurrencyConflictError) return error;
    // A write outside a unit of work meets deadlocks and lock-wait timeouts itself: a lost race, run again.
    if (isTransientLockError(error)) return new ConcurrencyConflictError('payment', payment.id);
    const rule = violatedUniqueRule(error, UNIQUE_RULES);
    if (rule === 'payments_merchant_uid_unique') return new ConflictError(rule, `merchant_uid ${payment.merchantUid} exists`);
    if (rule === 'payments_gateway_payment_id_unique') return new ConflictError(rule, `gateway_payment_id ${payment.gatewayPaymentId} belongs to another payment`);
    if (isDuplicatePrimaryKey(error, 'payments.id')) return new ConcurrencyConflictError('payment', payment.id);
    return error;
  }

  private async load(query: (q: Knex.QueryBuilder) => Knex.QueryBuilder): Promise<Payment[]> {
    const db = currentDb(this.database, this.context);
    const rows: PaymentRow[] = await query(db('payments').select('*'));
    const withCancellations = rows.filter((r) => Number(r.cancellation_count) > 0).map((r) => r.id);
    const cancellations: CancellationRow[] = withCancellations.length === 0
      ? []
      : await db('payment_cancellations').whereIn('payment_id', withCancellations).orderBy('position');
    return rows.map((row) => {
      const payment = paymentMapper.toAggregate(row, cancellations.filter((c) => c.payment_id === row.id));
      // As the mapper writes it, so the comparison on update is like for like (times as Dates).
      this.remember(paymentMapper.toRow(payment, payment.version));
      return payment;
    });
  }
}

/** Rows a raw write changed, as each driver reports it (better-sqlite3, mysql2, pg). */
function affectedRows(result: unknown): number {
  if (Array.isArray(result)) return Number((result[0] as { affectedRows?: number })?.affectedRows ?? 0);
  const r = result as { changes?: number; rowCount?: number };
  return Number(r.changes ?? r.rowCount ?? 0);
}

function rowKey(id: string, version: number): string {
  return `${id}@${version}`;
}

/** The id, the new version and every column that differs from the row as known; all of them when it is not known. */
function changedColumns(known: PaymentRow | undefined, row: PaymentRow): Partial<PaymentRow> & Pick<PaymentRow, 'id'> {
  if (!known) return row;
  const changes: Record<string, unknown> = { id: row.id, version: row.version };
  for (const [column, value] of Object.entries(row)) {
    if (!sameValue((known as unknown as Record<string, unknown>)[column], value)) changes[column] = value;
  }
  return changes as Partial<PaymentRow> & Pick<PaymentRow, 'id'>;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  return a === b;
}

import type { Knex } from 'knex';
import type { Cancellation, PaymentStatus, WebhookReceipt } from '../../payment/payment.api';
import { type KnexDatabase, readJson, readOptionalTime, readTime } from '../../shared/infrastructure/knex/knex-database';
import {
  type AuditEntry, type ConsoleAuditLog, type ConsoleReadModel, type EventItem, maskBillingKey, type MemberRecord, type OpenProblems, type Page,
  type PageRequest, type PaymentFilter, type PaymentListItem, type ReceiptFilter, type ReceiptItem, type RenewalQueueItem, type RenewalQueues,
} from '../application/console-read-model.port';
import { InvalidCursorError } from '../application/console.errors';

type Row = Record<string, any>;

/** A keyset position: the sort time (epoch ms) and the id that breaks ties. */
function encodeCursor(at: Date, id: string | number): string {
  return Buffer.from(JSON.stringify([at.getTime(), id])).toString('base64url');
}

/** The most a Date holds either side of 1970 (ECMAScript's time range). */
const MAX_TIME_MS = 8.64e15;

/**
 * A cursor this list gave: a time a Date (and so every engine) can hold, and an id of the list's
 * kind (`integer` for the audit record's serial ids); anything else is refused before it reaches SQL.
 */
function decodeCursor(cursor: string, idKind: 'text' | 'integer' = 'text'): { at: Date; id: string } {
  try {
    const [ms, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [unknown, unknown];
    const timeFits = Number.isSafeInteger(ms) && Math.abs(ms as number) <= MAX_TIME_MS;
    const idFits = idKind === 'integer' ? Number.isSafeInteger(id) && (id as number) > 0 : typeof id === 'string' && id.length > 0;
    if (timeFits && idFits) return { at: new Date(ms as number), id: String(id) };
  } catch {
    // falls through to the refusal
  }
  throw new InvalidCursorError();
}

/** Newest first by (time, id): rows strictly after the cursor's position in that order. */
function afterCursor(query: Knex.QueryBuilder, timeColumn: string, idColumn: string, cursor: string | null): void {
  if (!cursor) return;
  const { at, id } = decodeCursor(cursor);
  // The `<=` on its own lets the index on the time column bound the range; the OR then drops the ties already shown.
  query.where(timeColumn, '<=', at).andWhere((q) => q.where(timeColumn, '<', at).orWhere(idColumn, '<', id));
}

function pageOf<T>(rows: Row[], limit: number, item: (row: Row) => T, position: (row: Row) => [Date, string | number]): Page<T> {
  const more = rows.length > limit;
  const kept = rows.slice(0, limit);
  const last = kept[kept.length - 1];
  return { items: kept.map(item), next: more && last ? encodeCursor(...position(last)) : null };
}

/** The stored status of a refund the gateway confirmed (the API calls it `refunded`). */
const REFUND_CONFIRMED: Cancellation['status'] = 'refunded';

const num = (value: unknown) => Number(value ?? 0);

/**
 * The console's read model in SQL (ADR 0013): one statement per figure, each a range over an
 * index, bucketed with CASE so the day boundaries (computed in BUSINESS_TZ by the caller) are the
 * same on SQLite, MariaDB and PostgreSQL.
 */
export class KnexConsoleReadModel implements ConsoleReadModel, ConsoleAuditLog {
  constructor(private readonly database: KnexDatabase) {}

  private get knex(): Knex {
    return this.database.knex;
  }

  /**
   * Per bucket, the sum of `value` (or the row count) of the rows whose `column` falls in it: one
   * range over the index, each row's bucket found by one CASE that stops at its first match.
   */
  private async sumsByBucket(table: string, column: string, value: string | null, boundaries: Date[], where: (q: Knex.QueryBuilder) => void): Promise<number[]> {
    if (boundaries.length < 2) return [];
    const cases = boundaries.slice(1).map(() => 'WHEN ?? < ? THEN ?').join(' ');
    const bindings = boundaries.slice(1).flatMap((end, i) => [column, end, i]);
    const bucket = this.knex.raw(`CASE ${cases} END`, bindings);
    const query = this.knex(table).where(column, '>=', boundaries[0]).andWhere(column, '<', boundaries[boundaries.length - 1]);
    where(query);
    const rows: Row[] = await query.select({ bucket }).select(this.knex.raw(value ? 'SUM(??) AS total' : 'COUNT(*) AS total', value ? [value] : [])).groupBy('bucket');
    const sums = boundaries.slice(1).map(() => 0);
    for (const row of rows) sums[num(row.bucket)] = num(row.total);
    return sums;
  }

  async moneyByBucket(boundaries: Date[]) {
    const revenue = await this.sumsByBucket('payments', 'paid_at', 'amount', boundaries, () => {});
    const refunds = await this.sumsByBucket('payment_cancellations', 'settled_at', 'amount', boundaries, (q) => q.where('status', REFUND_CONFIRMED));
    return { revenue, refunds };
  }

  async countLiveMembers(): Promise<number> {
    const row = await this.knex('memberships').whereIn('status', ['active', 'past_due']).count({ n: '*' }).first();
    return num(row?.n);
  }

  membershipsStartedByBucket(boundaries: Date[]): Promise<number[]> {
    return this.sumsByBucket('memberships', 'created_at', null, boundaries, () => {});
  }

  async membershipsEndedByBucket(boundaries: Date[]): Promise<number[]> {
    const cancelled = await this.sumsByBucket('memberships', 'cancelled_at', null, boundaries, (q) => q.where('status', 'cancelled'));
    const expired = await this.sumsByBucket('memberships', 'period_end', null, boundaries, (q) => q.where('status', 'expired'));
    return cancelled.map((n, i) => n + expired[i]);
  }

  async renewalsByBucket(boundaries: Date[]) {
    const renewal = (statuses: PaymentStatus[]) => (q: Knex.QueryBuilder) => q.where('purpose_kind', 'renewal').whereIn('status', statuses);
    const charged = await this.sumsByBucket('payments', 'created_at', null, boundaries, renewal(['paid', 'cancelled']));
    const failed = await this.sumsByBucket('payments', 'created_at', null, boundaries, renewal(['failed']));
    return { charged, failed };
  }

  async openProblems(input: { awaitCreatedBefore: Date; unappliedReceivedBefore: Date }): Promise<OpenProblems> {
    const refunds = await this.knex('payment_cancellations').select('status').count({ n: '*' }).whereIn('status', ['pending', 'rejected']).groupBy('status');
    const count = (status: string) => num(refunds.find((r: Row) => r.status === status)?.n);
    const stale = await this.knex('payments').where('status', 'await').andWhere('created_at', '<', input.awaitCreatedBefore).count({ n: '*' }).first();
    const unapplied = await this.knex('webhook_receipts').whereNull('processed_at').andWhere('received_at', '<', input.unappliedReceivedBefore).count({ n: '*' }).first();
    const outbox = await this.knex('domain_events').whereNull('delivered_at').count({ n: '*' }).min({ oldest: 'occurred_at' }).first();
    return {
      refundsPending: count('pending'),
      refundsRejected: count('rejected'),
      paymentsAwaitPastTtl: num(stale?.n),
      receiptsUnapplied: num(unapplied?.n),
      outbox: { undelivered: num(outbox?.n), oldestAt: readOptionalTime(outbox?.oldest) },
    };
  }

  async searchPayments(filter: PaymentFilter, page: PageRequest): Promise<Page<PaymentListItem>> {
    const query = this.knex('payments as p').leftJoin('users as u', 'u.id', 'p.user_id').select(
      'p.id', 'p.merchant_uid', 'p.gateway_payment_id', 'p.user_id', 'u.email', 'p.plan_id', 'p.purpose_kind', 'p.amount', 'p.cancelled_amount',
      'p.status', 'p.pg', 'p.created_at', 'p.paid_at',
    );
    const text = filter.query?.trim() ?? '';
    if (text.includes('@')) {
      query.whereIn('p.user_id', this.knex('users').select('id').where('email', text.toLowerCase()));
    } else if (text) {
      query.where((q) => q.where('p.merchant_uid', text).orWhere('p.gateway_payment_id', text));
    }
    if (filter.status) query.where('p.status', filter.status);
    if (filter.pg) query.where('p.pg', filter.pg);
    if (filter.from) query.where('p.created_at', '>=', filter.from);
    if (filter.to) query.where('p.created_at', '<', filter.to);
    afterCursor(query, 'p.created_at', 'p.id', page.cursor);
    const rows: Row[] = await query.orderBy([{ column: 'p.created_at', order: 'desc' }, { column: 'p.id', order: 'desc' }]).limit(page.limit + 1);
    return pageOf(rows, page.limit, (row) => ({
      merchantUid: row.merchant_uid, gatewayPaymentId: row.gateway_payment_id, userId: row.user_id, email: row.email ?? null, plan: row.plan_id,
      purpose: row.purpose_kind, amount: num(row.amount), cancelledAmount: num(row.cancelled_amount), status: row.status, pg: row.pg,
      createdAt: readTime(row.created_at), paidAt: readOptionalTime(row.paid_at),
    }), (row) => [readTime(row.created_at), row.id]);
  }

  async paymentActivity(payment: { id: string; merchantUid: string }) {
    const receipts: Row[] = await this.knex('webhook_receipts').select('*').where('merchant_uid', payment.merchantUid)
      .orderBy([{ column: 'received_at', order: 'asc' }, { column: 'id', order: 'asc' }]).limit(200);
    const events: Row[] = await this.knex('domain_events').select('type', 'occurred_at', 'delivered_at', 'payload').where('aggregate_id', payment.id)
      .orderBy('seq', 'asc').limit(200);
    return {
      receipts: receipts.map(receiptItem),
      events: events.map((row): EventItem => ({
        type: row.type, occurredAt: readTime(row.occurred_at), deliveredAt: readOptionalTime(row.delivered_at), payload: readJson(row.payload),
      })),
    };
  }

  async findMember(query: { userId?: string; email?: string }): Promise<MemberRecord | null> {
    const user: Row | undefined = query.userId
      ? await this.knex('users').where('id', query.userId).first()
      : await this.knex('users').where('email', (query.email ?? '').toLowerCase()).first();
    if (!user) return null;
    const memberships: Row[] = await this.knex('memberships').where('user_id', user.id)
      .orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id', order: 'desc' }]).limit(50);
    const notices: Row[] = memberships.length === 0 ? [] : await this.knex('notifications')
      .select('membership_id', 'period_no', 'kind', 'sent_at', 'sending_until').whereIn('membership_id', memberships.map((m) => m.id))
      .orderBy('id', 'desc').limit(200);
    return {
      user: { id: user.id, email: user.email, name: user.name, createdAt: readTime(user.created_at) },
      memberships: memberships.map((m) => ({
        id: m.id, plan: m.plan_id, status: m.status, periodNo: num(m.period_no), periodStart: readTime(m.period_start), periodEnd: readTime(m.period_end),
        autoRenew: Boolean(m.auto_renew), cancelAtPeriodEnd: Boolean(m.cancel_at_period_end), nextChargeAt: readOptionalTime(m.next_charge_at),
        renewalAttempts: num(m.renewal_attempts), cardOnFile: maskBillingKey(m.billing_key), cancelledAt: readOptionalTime(m.cancelled_at),
        createdAt: readTime(m.created_at),
      })),
      // A notice still held (sending_until set) is being sent: not sent yet.
      notices: notices.map((n) => ({
        membershipId: n.membership_id, periodNo: num(n.period_no), kind: n.kind, sentAt: n.sending_until === null || n.sending_until === undefined ? readTime(n.sent_at) : null,
      })),
    };
  }

  async renewalQueues(input: { now: Date; until: Date; limit: number }): Promise<RenewalQueues> {
    const columns = ['m.id', 'm.user_id', 'u.email', 'm.plan_id', 'm.status', 'm.next_charge_at', 'm.renewal_attempts', 'm.period_end'];
    const dueSoon = this.knex('memberships as m').leftJoin('users as u', 'u.id', 'm.user_id')
      .where('m.status', 'active').andWhere('m.next_charge_at', '>=', input.now).andWhere('m.next_charge_at', '<', input.until);
    const dunning = this.knex('memberships as m').leftJoin('users as u', 'u.id', 'm.user_id').where('m.status', 'past_due');
    const order = [{ column: 'm.next_charge_at', order: 'asc' as const }, { column: 'm.id', order: 'asc' as const }];
    const [dueRows, dueCount, dunningRows, dunningCount] = await Promise.all([
      dueSoon.clone().select(columns).orderBy(order).limit(input.limit),
      dueSoon.clone().count({ n: '*' }).first(),
      dunning.clone().select(columns).orderBy(order).limit(input.limit),
      dunning.clone().count({ n: '*' }).first(),
    ]);
    const item = (row: Row): RenewalQueueItem => ({
      membershipId: row.id, userId: row.user_id, email: row.email ?? null, plan: row.plan_id, status: row.status,
      nextChargeAt: readOptionalTime(row.next_charge_at), renewalAttempts: num(row.renewal_attempts), periodEnd: readTime(row.period_end),
    });
    return { dueSoon: (dueRows as Row[]).map(item), dueSoonCount: num(dueCount?.n), dunning: (dunningRows as Row[]).map(item), dunningCount: num(dunningCount?.n) };
  }

  async webhookReceipts(filter: ReceiptFilter, page: PageRequest): Promise<Page<ReceiptItem>> {
    const query = this.knex('webhook_receipts').select('id', 'received_at', 'merchant_uid', 'gateway_payment_id', 'status', 'sender_ip', 'processed_at', 'outcome');
    if (filter.outcome === 'unapplied') query.whereNull('processed_at');
    else if (filter.outcome) query.where('outcome', filter.outcome);
    if (filter.merchantUid) query.where('merchant_uid', filter.merchantUid);
    afterCursor(query, 'received_at', 'id', page.cursor);
    const rows: Row[] = await query.orderBy([{ column: 'received_at', order: 'desc' }, { column: 'id', order: 'desc' }]).limit(page.limit + 1);
    return pageOf(rows, page.limit, receiptItem, (row) => [readTime(row.received_at), row.id]);
  }

  async webhookReceipt(id: string): Promise<WebhookReceipt | null> {
    const row: Row | undefined = await this.knex('webhook_receipts').where('id', id).first();
    return row ? storedReceipt(row) : null;
  }

  async webhookReceiptsBetween(since: Date, until: Date, limit: number): Promise<WebhookReceipt[]> {
    const rows: Row[] = await this.knex('webhook_receipts').select('*').where('received_at', '>=', since).andWhere('received_at', '<', until)
      .orderBy([{ column: 'received_at', order: 'asc' }, { column: 'id', order: 'asc' }]).limit(limit);
    return rows.map(storedReceipt);
  }

  async auditLog(page: PageRequest): Promise<Page<AuditEntry>> {
    const query = this.knex('console_audit').select('*');
    if (page.cursor) query.where('id', '<', Number(decodeCursor(page.cursor, 'integer').id));
    const rows: Row[] = await query.orderBy('id', 'desc').limit(page.limit + 1);
    return pageOf(rows, page.limit, (row) => ({
      id: num(row.id), at: readTime(row.at), actor: row.actor, clientIp: row.client_ip, action: row.action, target: row.target,
      request: row.request, statusCode: num(row.status_code),
    }), (row) => [readTime(row.at), num(row.id)]);
  }

  async record(entry: Omit<AuditEntry, 'id'>): Promise<void> {
    await this.knex('console_audit').insert({
      at: entry.at, actor: entry.actor.slice(0, 100), client_ip: entry.clientIp?.slice(0, 64) ?? null, action: entry.action.slice(0, 150),
      target: entry.target?.slice(0, 255) ?? null, request: entry.request, status_code: entry.statusCode,
    });
  }
}

function storedReceipt(row: Row): WebhookReceipt {
  return {
    id: row.id, receivedAt: readTime(row.received_at), raw: row.body, gatewayPaymentId: row.gateway_payment_id ?? '', merchantUid: row.merchant_uid ?? '',
    status: row.status ?? '', senderIp: row.sender_ip ?? null, processedAt: readOptionalTime(row.processed_at), outcome: row.outcome ?? null,
  };
}

function receiptItem(row: Row): ReceiptItem {
  return {
    id: row.id, receivedAt: readTime(row.received_at), merchantUid: row.merchant_uid ?? null, gatewayPaymentId: row.gateway_payment_id ?? null, status: row.status ?? null,
    senderIp: row.sender_ip ?? null, processedAt: readOptionalTime(row.processed_at), outcome: row.outcome ?? null,
  };
}

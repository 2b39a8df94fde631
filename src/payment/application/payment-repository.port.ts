import type { Cancellation, Payment, PaymentStatus, RefundStatus } from '../domain/payment.entity';

/** One refund asked of the gateway, with the order it belongs to (the operator's refund list). */
export interface RefundRecord {
  merchantUid: string;
  refund: Cancellation;
}

export interface PaymentRepository {
  findById(id: string): Promise<Payment | null>;
  /** The payments of these ids that exist, in no particular order: one read for a batch. */
  findByIds(ids: string[]): Promise<Payment[]>;
  findByMerchantUid(merchantUid: string): Promise<Payment | null>;
  /** A user's payments, newest first. */
  listByUser(userId: string): Promise<Payment[]>;
  /** How many purchases of a user created at or after `since` are still `await` (the open-orders limit). */
  countOpenPurchases(userId: string, since: Date): Promise<number>;
  /**
   * Inserts a new payment unless its user already has `max` open purchases (as countOpenPurchases
   * counts them) or no live account (unknown, or deleted), in one statement: false when refused.
   * Runs in a unit of work opened with isolation 'repeatable read' (it throws otherwise): there two
   * such units for one user, on any instance, never both pass the count; the second waits for the
   * first, or fails with ConcurrencyConflictError (run it again, with a fresh aggregate).
   */
  insertIfFewerOpen(payment: Payment, max: number, since: Date): Promise<boolean>;
  /** Newest first; all statuses when none is given. */
  listByStatus(status: PaymentStatus | null, limit: number): Promise<Payment[]>;
  /**
   * Payments the reconciler must ask the gateway about: `await` ones with a reported gateway payment id
   * (whatever their age) or created before `staleBefore`, any whose `recheckAt` has come by `asOf`,
   * and any with a refund pending. Oldest first.
   */
  listUnsettled(asOf: Date, staleBefore: Date, limit: number): Promise<Payment[]>;
  /** Refunds of every payment, newest request first; all statuses when none is given. */
  listRefunds(status: RefundStatus | null, limit: number): Promise<RefundRecord[]>;
  /** Inserts a new payment (version 0) or updates one, refusing a stale version with ConcurrencyConflictError. */
  save(payment: Payment): Promise<void>;
}

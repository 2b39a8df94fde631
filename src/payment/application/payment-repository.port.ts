import type { Payment, PaymentStatus } from '../domain/payment.entity';

export interface PaymentRepository {
  findById(id: string): Promise<Payment | null>;
  findByMerchantUid(merchantUid: string): Promise<Payment | null>;
  /** A user's payments, newest first. */
  listByUser(userId: string): Promise<Payment[]>;
  /** How many purchases of a user created at or after `since` are still `await` (the open-orders limit). */
  countOpenPurchases(userId: string, since: Date): Promise<number>;
  /** Newest first; all statuses when none is given. */
  listByStatus(status: PaymentStatus | null, limit: number): Promise<Payment[]>;
  /**
   * Payments the reconciler must ask the gateway about: `await` ones with a reported imp_uid
   * (whatever their age) or created before `staleBefore`, any whose `recheckAt` has come by `asOf`,
   * and any with a refund pending. Oldest first.
   */
  listUnsettled(asOf: Date, staleBefore: Date, limit: number): Promise<Payment[]>;
  /** Inserts a new payment (version 0) or updates one, refusing a stale version with ConcurrencyConflictError. */
  save(payment: Payment): Promise<void>;
}

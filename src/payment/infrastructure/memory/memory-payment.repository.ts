import { isDeletedUser, type UserRepository } from '../../../identity/identity.api';
import { ConflictError } from '../../../shared/domain/conflict-error';
import type { TransactionContext } from '../../../shared/infrastructure/transaction-context';
import { MemoryAggregateStore } from '../../../shared/infrastructure/memory/memory-aggregate-store';
import type { PaymentRepository, RefundRecord } from '../../application/payment-repository.port';
import { Payment, type PaymentProps, type PaymentStatus, type RefundStatus } from '../../domain/payment.entity';

const newestFirst = (a: Payment, b: Payment) => b.createdAt.getTime() - a.createdAt.getTime() || (b.id < a.id ? -1 : 1);

export class MemoryPaymentRepository implements PaymentRepository {
  private readonly store: MemoryAggregateStore<Payment, PaymentProps>;

  constructor(
    private readonly context: TransactionContext,
    /** The buyers: an order is written only for a live account. */
    private readonly users: UserRepository,
  ) {
    this.store = new MemoryAggregateStore('payment', context, (p) => p.toProps(), Payment.restore);
  }

  async findById(id: string): Promise<Payment | null> {
    return this.store.get(id);
  }

  async findByIds(ids: string[]): Promise<Payment[]> {
    const found = await Promise.all([...new Set(ids)].map((id) => this.store.get(id)));
    return found.filter((payment): payment is Payment => payment !== null);
  }

  async findByMerchantUid(merchantUid: string): Promise<Payment | null> {
    return this.store.filter((row) => row.merchantUid === merchantUid)[0] ?? null;
  }

  async listByUser(userId: string): Promise<Payment[]> {
    return this.store.filter((row) => row.userId === userId).sort(newestFirst);
  }

  async countOpenPurchases(userId: string, since: Date): Promise<number> {
    return this.openCount(userId, since);
  }

  async insertIfFewerOpen(payment: Payment, max: number, since: Date): Promise<boolean> {
    if (this.context.current()?.isolation !== 'repeatable read') throw new Error('insertIfFewerOpen runs in a unit of work opened with isolation "repeatable read"');
    const buyer = await this.users.findById(payment.userId);
    if (!buyer || isDeletedUser(buyer)) return false;
    // The count and the write with no await between: no other unit's insert comes in between.
    if (this.openCount(payment.userId, since) >= max) return false;
    this.saveNow(payment);
    return true;
  }

  private openCount(userId: string, since: Date): number {
    return this.store.filter((row) => row.userId === userId && row.status === 'await' && row.purpose.kind === 'purchase' && row.createdAt >= since).length;
  }

  async listByStatus(status: PaymentStatus | null, limit: number): Promise<Payment[]> {
    return this.store.filter((row) => status === null || row.status === status).sort(newestFirst).slice(0, limit);
  }

  async listUnsettled(asOf: Date, staleBefore: Date, limit: number): Promise<Payment[]> {
    return this.store
      .filter((row) =>
        (row.status === 'await' && (row.createdAt < staleBefore || row.reportedGatewayPaymentId !== null)) ||
        (row.recheckAt !== null && row.recheckAt <= asOf) ||
        row.cancellations.some((c) => c.status === 'pending'))
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())
      .slice(0, limit);
  }

  async listRefunds(status: RefundStatus | null, limit: number): Promise<RefundRecord[]> {
    return this.store.filter(() => true)
      .flatMap((p) => p.cancellations.map((refund) => ({ merchantUid: p.merchantUid, refund })))
      .filter((r) => status === null || r.refund.status === status)
      .sort((a, b) => b.refund.requestedAt.getTime() - a.refund.requestedAt.getTime() || (b.refund.id < a.refund.id ? -1 : 1))
      .slice(0, limit);
  }

  async save(payment: Payment): Promise<void> {
    this.saveNow(payment);
  }

  private saveNow(payment: Payment): void {
    this.store.save(payment, (others) => {
      if (others.some((row) => row.merchantUid === payment.merchantUid)) throw new ConflictError('payments_merchant_uid_unique', `merchant_uid ${payment.merchantUid} exists`);
      if (payment.gatewayPaymentId && others.some((row) => row.gatewayPaymentId === payment.gatewayPaymentId)) {
        throw new ConflictError('payments_gateway_payment_id_unique', `gateway payment id ${payment.gatewayPaymentId} belongs to another payment`);
      }
    });
  }
}

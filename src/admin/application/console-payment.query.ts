import type { UserRepository } from '../../identity/identity.api';
import { type Membership, type MembershipRepository, refundablePurchases, type RefundPolicy, type RefundQuote } from '../../membership/membership.api';
import type { PlanCatalog } from '../../pricing/pricing.api';
import { type Payment, PaymentNotFoundError, type PaymentRepository } from '../../payment/payment.api';
import type { Clock } from '../../shared/application/clock.port';
import type { BusinessCalendar } from '../../shared/domain/business-calendar';
import type { ConsoleReadModel, EventItem, ReceiptItem } from './console-read-model.port';

export interface ConsolePaymentView {
  payment: Payment;
  buyer: { id: string; email: string; name: string } | null;
  /** The buyer's live membership, if any. */
  membership: Membership | null;
  /** What a refund may still return: the amount less what was refunded or is being refunded. */
  refundable: number;
  /**
   * The refund policy's quote when this payment bought a part of the live membership still to come or
   * under way (its share of what a member's cancel with refund would pay back now); null for any other payment.
   */
  policyQuote: RefundQuote | null;
  receipts: ReceiptItem[];
  events: EventItem[];
}

/** One payment as the console's payment page shows it: the aggregate, its buyer, its refund quote and its stored history. */
export class GetConsolePayment {
  constructor(
    private readonly payments: PaymentRepository,
    private readonly memberships: MembershipRepository,
    private readonly users: UserRepository,
    private readonly catalog: PlanCatalog,
    private readonly readModel: ConsoleReadModel,
    private readonly policy: RefundPolicy,
    private readonly calendar: BusinessCalendar,
    private readonly clock: Clock,
  ) {}

  async execute(merchantUid: string): Promise<ConsolePaymentView> {
    const payment = await this.payments.findByMerchantUid(merchantUid);
    if (!payment) throw new PaymentNotFoundError(merchantUid);
    const [buyers, membership, activity] = await Promise.all([
      this.users.findByIds([payment.userId]),
      this.memberships.findLiveByUserId(payment.userId),
      this.readModel.paymentActivity({ id: payment.id, merchantUid: payment.merchantUid }),
    ]);
    const buyer = buyers[0] ?? null;
    const refundable = payment.status === 'paid' ? Math.max(0, payment.refundable) : 0;
    let policyQuote: RefundQuote | null = null;
    if (membership && refundable > 0) {
      const purchases = await refundablePurchases(this.payments, this.catalog, membership, this.clock.now(), this.policy, this.calendar);
      policyQuote = purchases.find((p) => p.payment.id === payment.id)?.quote ?? null;
    }
    return {
      payment, buyer: buyer ? { id: buyer.id, email: buyer.email, name: buyer.name } : null, membership, refundable, policyQuote,
      receipts: activity.receipts, events: activity.events,
    };
  }
}

import type { Clock } from '../../shared/application/clock.port';
import { KeyedLock } from '../../shared/application/keyed-lock';
import type { IdGenerator } from '../../shared/application/id-generator.port';
import { retryOnConflict } from '../../shared/application/retry-on-conflict';
import type { UnitOfWork } from '../../shared/application/unit-of-work.port';
import { isDeletedUser, UnauthenticatedError, type UserRepository } from '../../identity/identity.api';
import { type Plan, type PlanCatalog, UnknownPlanError } from '../../pricing/pricing.api';
import { type NewPayment, Payment } from '../domain/payment.entity';
import { TooManyOpenOrdersError } from '../domain/payment.errors';
import { GatewayRejectedError, GatewayUnavailableError, type PaymentGateway } from './payment-gateway.port';
import type { BoughtPeriod, Buyer, CheckoutPreflight } from './checkout-preflight.port';
import type { PaymentChannel } from './payment-channel';
import type { PaymentRepository } from './payment-repository.port';

/** One order as the configured PG's browser SDK needs it. */
export interface CheckoutOrder {
  merchantUid: string;
  amount: number;
  /** The PG's order name: Korean, as the PG's window and its receipts are. */
  orderName: string;
  customerUid: string | null;
}

/** What the page needs to open the configured PG's window: fields the checkout answer has always carried, and `client`. */
export interface CheckoutParameters {
  fields: Record<string, unknown>;
  client: Record<string, unknown>;
}

export interface CheckoutSettings extends PaymentChannel {
  /** The configured PG's page parameters for one order (its module supplies them). */
  parametersFor(order: CheckoutOrder): CheckoutParameters;
}

/** DESIGN §6: at most 5 `await` checkouts per user in PAYMENT_TTL_MIN; more answer 429 before any gateway call. */
export interface OpenOrdersLimit {
  max: number;
  windowMinutes: number;
}

export interface StartCheckoutInput {
  userId: string;
  planId: string;
  payMethod: string;
  autoRenew: boolean;
}

export interface CheckoutStarted {
  payment: Payment;
  plan: Plan;
  buyer: Buyer;
  settings: CheckoutSettings;
  customerUid: string | null;
  /** The period this order buys, if it is paid now: the page shows it (and asks a member to confirm it). */
  period: BoughtPeriod;
}

/** The stable billing-key id of a buyer: Iamport stores the card under it with the first payment. */
export function customerUidFor(userId: string): string {
  return `cu_${userId}`;
}

/**
 * Prices the plan from our own catalog (never the client), registers (merchant_uid, amount) with
 * the gateway under a fresh merchant_uid so the PG refuses any other amount, and records the
 * payment: `await` and prepared, `failed` when the prepare was refused, `await` (expiring) when
 * its outcome is unknown.
 *
 * Five statements on a database (issue 16): one read before the gateway call (the buyer, their open
 * orders, the period the plan buys: 401 or 429 there, without calling it), then BEGIN, the order's
 * insert, its PaymentPrepared event, COMMIT.
 *
 * The open-orders limit holds across instances: the order is inserted only while the buyer has fewer
 * than the limit open and a live account, counted and checked in the insert itself, in a unit of work
 * where two checkouts of one buyer on several instances cannot both pass the count (one waits, or runs
 * again: PaymentRepository.insertIfFewerOpen). In this process a buyer's checkouts queue, so a burst is
 * refused by the read before the gateway call. (Two instances racing past that read each prepare an
 * order at the gateway; the second is then refused: a prepared merchant_uid nobody was given, harmless.)
 */
export class StartCheckout {
  private readonly perBuyer = new KeyedLock();

  constructor(
    private readonly catalog: PlanCatalog,
    private readonly users: UserRepository,
    private readonly payments: PaymentRepository,
    private readonly gateway: PaymentGateway,
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly settings: CheckoutSettings,
    private readonly openOrders: OpenOrdersLimit,
    private readonly preflight: CheckoutPreflight,
  ) {}

  async execute(input: StartCheckoutInput): Promise<CheckoutStarted> {
    const plan = this.catalog.find(input.planId);
    if (!plan) throw new UnknownPlanError(input.planId);
    return this.perBuyer.run(input.userId, () => this.checkout(input, plan));
  }

  private async checkout(input: StartCheckoutInput, plan: Plan): Promise<CheckoutStarted> {
    const { max, windowMinutes } = this.openOrders;
    const createdAt = this.clock.now();
    const since = new Date(createdAt.getTime() - windowMinutes * 60_000);
    const facts = await this.preflight.read({ userId: input.userId, plan, at: createdAt, openSince: since });
    if (!facts) throw new UnauthenticatedError();
    if (facts.openPurchases >= max) throw new TooManyOpenOrdersError(max, windowMinutes);
    const customerUid = input.autoRenew ? customerUidFor(input.userId) : null;
    const order: NewPayment = {
      id: this.ids.newId(), merchantUid: this.ids.newMerchantUid(), userId: input.userId,
      purpose: { kind: 'purchase', planId: plan.id }, amount: plan.amount, payMethod: input.payMethod,
      gateway: this.settings.gateway, pg: this.settings.pg, customerUid, now: createdAt,
    };
    let unsaved: Payment | null = Payment.create(order); // its amount is checked before the gateway is asked

    // Registered with the gateway before it is saved, so one transaction records the outcome. A crash in
    // between leaves a prepared merchant_uid nobody was given: harmless.
    let outcome: { preparedAt: Date } | { rejected: GatewayRejectedError; at: Date } | { unknown: GatewayUnavailableError };
    try {
      await this.gateway.prepare({ merchantUid: order.merchantUid, amount: order.amount });
      outcome = { preparedAt: this.clock.now() };
    } catch (error) {
      // Refused: the order ends failed. Unknown: it stays await and expires unless the gateway says otherwise.
      if (error instanceof GatewayRejectedError) outcome = { rejected: error, at: this.clock.now() };
      else if (error instanceof GatewayUnavailableError) outcome = { unknown: error };
      else throw error;
    }
    // Each attempt saves a fresh aggregate: a failed one may have taken the events of its own.
    const recorded = () => {
      const payment = unsaved ?? Payment.create(order);
      unsaved = null;
      if ('preparedAt' in outcome) payment.markPrepared(outcome.preparedAt);
      if ('rejected' in outcome) payment.fail('prepare_rejected', outcome.rejected.message, outcome.at);
      return payment;
    };
    // Two checkouts of this buyer on other instances at once: the second waits for the first or runs again.
    const payment = await retryOnConflict(() => this.uow.run(async () => {
      const attempt = recorded();
      return (await this.payments.insertIfFewerOpen(attempt, max, since)) ? attempt : null;
    }, { isolation: 'repeatable read' }));
    if (!payment) {
      // Refused in the insert: the account was deleted meanwhile, or another instance's orders filled the limit.
      const user = await this.users.findById(input.userId);
      if (!user || isDeletedUser(user)) throw new UnauthenticatedError();
      throw new TooManyOpenOrdersError(max, windowMinutes);
    }
    if ('rejected' in outcome) throw outcome.rejected;
    if ('unknown' in outcome) throw outcome.unknown;
    return { payment, plan, buyer: facts.buyer, settings: this.settings, customerUid, period: facts.period };
  }
}

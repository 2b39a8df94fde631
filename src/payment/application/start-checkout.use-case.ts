import type { Clock } from '../../shared/application/clock.port';
import { KeyedLock } from '../../shared/application/keyed-lock';
import type { LeaseStore } from '../../shared/application/lease-store.port';
import type { IdGenerator } from '../../shared/application/id-generator.port';
import type { UnitOfWork } from '../../shared/application/unit-of-work.port';
import { DomainError } from '../../shared/domain/domain-error';
import type { User, UserRepository } from '../../identity/identity.api';
import { type Plan, type PlanCatalog, UnknownPlanError } from '../../pricing/pricing.api';
import { Payment } from '../domain/payment.entity';
import { TooManyOpenOrdersError } from '../domain/payment.errors';
import { GatewayRejectedError, GatewayUnavailableError, type PaymentGateway } from './payment-gateway.port';
import type { BoughtPeriod, BoughtPeriods } from './bought-periods.port';
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
  buyer: User;
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
 */
/** How long one buyer's checkout holds its lease: the gateway call is bounded well inside it (15 s). */
const CHECKOUT_LEASE_MS = 30_000;
const LEASE_RETRY_MS = 50;
/** A request answers within 15 s: a buyer's other checkout (on another instance) is waited for that long at most. */
const LEASE_WAIT_MS = 12_000;

/**
 * One checkout per buyer at a time, so a burst cannot pass the open-orders count together: queued in
 * this process, and leased across instances (the count, the gateway call and the insert run under it).
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
    private readonly leases: LeaseStore,
    private readonly periods: BoughtPeriods,
  ) {}

  async execute(input: StartCheckoutInput): Promise<CheckoutStarted> {
    const plan = this.catalog.find(input.planId);
    if (!plan) throw new UnknownPlanError(input.planId);
    return this.perBuyer.run(input.userId, async () => {
      const lease = `checkout:${input.userId}`;
      const holder = this.ids.newId();
      const giveUpAt = Date.now() + LEASE_WAIT_MS;
      while (!(await this.leases.acquire(lease, holder, CHECKOUT_LEASE_MS))) {
        if (Date.now() >= giveUpAt) throw new DomainError('conflict', 'checkout_in_progress', 'another checkout of yours is still running; try again shortly');
        await new Promise((resolve) => setTimeout(resolve, LEASE_RETRY_MS));
      }
      try {
        return await this.checkout(input, plan);
      } finally {
        await this.leases.release(lease, holder);
      }
    });
  }

  private async checkout(input: StartCheckoutInput, plan: Plan): Promise<CheckoutStarted> {
    const buyer = await this.users.findById(input.userId);
    if (!buyer) throw new DomainError('unauthenticated', 'unauthenticated', 'log in first');
    const since = new Date(this.clock.now().getTime() - this.openOrders.windowMinutes * 60_000);
    if (await this.payments.countOpenPurchases(buyer.id, since) >= this.openOrders.max) {
      throw new TooManyOpenOrdersError(this.openOrders.max, this.openOrders.windowMinutes);
    }
    const customerUid = input.autoRenew ? customerUidFor(buyer.id) : null;

    const payment = Payment.create({
      id: this.ids.newId(), merchantUid: this.ids.newMerchantUid(), userId: buyer.id,
      purpose: { kind: 'purchase', planId: plan.id }, amount: plan.amount, payMethod: input.payMethod,
      gateway: this.settings.gateway, pg: this.settings.pg, customerUid, now: this.clock.now(),
    });
    // Registered with the gateway before it is saved, so one transaction records the outcome. A crash in
    // between leaves a prepared merchant_uid nobody was given: harmless.
    let refusal: unknown = null;
    try {
      await this.gateway.prepare({ merchantUid: payment.merchantUid, amount: payment.amount });
      payment.markPrepared(this.clock.now());
    } catch (error) {
      if (!(error instanceof GatewayRejectedError) && !(error instanceof GatewayUnavailableError)) throw error;
      // Refused: the order ends failed. Unknown: it stays await and expires unless the gateway says otherwise.
      if (error instanceof GatewayRejectedError) payment.fail('prepare_rejected', error.message, this.clock.now());
      refusal = error;
    }
    await this.uow.run(() => this.payments.save(payment));
    if (refusal) throw refusal;
    const period = await this.periods.periodBoughtBy(buyer.id, plan, payment.createdAt);
    return { payment, plan, buyer, settings: this.settings, customerUid, period };
  }
}

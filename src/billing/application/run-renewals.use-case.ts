import type { User, UserRepository } from '../../identity/identity.api';
import type { Membership, MembershipRepository, PlanPrices, Pricing } from '../../membership/membership.api';
import { type Plan, type PlanCatalog, UnknownPlanError } from '../../pricing/pricing.api';
import { type GatewayPayment, GatewayRejectedError, GatewayUnavailableError, Payment, type PaymentChannel, type PaymentGateway, type PaymentRepository, type PaymentSettlement, renewalMerchantUid } from '../../payment/payment.api';
import type { Clock } from '../../shared/application/clock.port';
import type { IdGenerator } from '../../shared/application/id-generator.port';
import type { Logger } from '../../shared/application/logger.port';
import type { Notifier } from '../../shared/application/notifier.port';
import { DEFAULT_LANGUAGE } from '../../shared/domain/language';
import type { MemberNotices } from './member-notices';
import type { SeekConsents } from './seek-consents.use-case';
import type { ProgressReporter } from '../../shared/application/progress.port';
import { retryOnConflict } from '../../shared/application/retry-on-conflict';
import type { UnitOfWork } from '../../shared/application/unit-of-work.port';
import type { BusinessCalendar } from '../../shared/domain/business-calendar';
import { ConflictError } from '../../shared/domain/conflict-error';
import { inChunks, NOTICE_HOLD_MS, NOTICES_PER_WRITE, type NotificationKey, type NotificationLog } from './notification-log.port';

export interface RenewalSettings {
  /** The gateway and channel the renewal charges go through, recorded on each renewal payment as checkout records them. */
  channel: PaymentChannel;
  reminderDays: number;
  dunningRetryAfterDays: number[];
  batchSize: number;
  /** How long one worker holds a membership's charge; longer than a gateway call can take. */
  leaseMs: number;
  /** Charges one worker makes at once. */
  concurrency: number;
}

export interface RenewalRun {
  due: number;
  charged: number;
  failed: number;
  skipped: number;
  reminded: number;
  ended: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** The period's money came in (a charge refunded since then still paid for it). */
const periodPaid = (payment: Payment) => payment.status === 'paid' || payment.status === 'cancelled';

/**
 * The membership as read again right before its charge still renews the period the claim saw, on the
 * same card: live, auto-renewing, not renewed, extended or ended since.
 */
const stillRenews = (current: Membership | null, leased: Membership) =>
  current !== null && current.isLive && current.autoRenew && current.billingKey === leased.billingKey && current.periodNo === leased.periodNo;

/**
 * Runs `work` over `items` with at most `limit` at once; answers in the items' order. A failure starts
 * no more items and answers once those under way are done: what they commit is then in the batch's
 * held events when its caller publishes them, and no charge is still running after the run answered.
 */
async function inParallel<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  let failed = false;
  const lane = async () => {
    while (!failed && next < items.length) {
      const index = next++;
      try {
        results[index] = await work(items[index]);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  const lanes = await Promise.allSettled(Array.from({ length: Math.min(limit, items.length) }, lane));
  const failure = lanes.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
  if (failure) throw failure.reason;
  return results;
}
/** The guard of the reminder before the charge of a membership's next period. */
const reminderKey = (membership: Membership): NotificationKey => ({ membershipId: membership.id, periodNo: membership.nextPeriodNo, kind: 'renewal_reminder', attempt: 0 });

/** An empty claim while unleased due memberships remain is retried this often, this long apart. */
const CLAIM_RETRIES = 20;
const CLAIM_RETRY_MS = 50;

/**
 * Renews memberships by billing key. A period is charged at most once, whatever crashes or runs
 * twice: each charge uses the deterministic `renewal-<membershipId>-<periodNo>`, a worker first
 * leases the membership (an optimistic-version save, so two workers cannot both hold it), and a
 * payment left `await` by a crash or a lost answer is looked up at the gateway before any retry.
 */
export class RunRenewals {
  constructor(
    private readonly memberships: MembershipRepository,
    private readonly payments: PaymentRepository,
    private readonly users: UserRepository,
    private readonly catalog: PlanCatalog,
    private readonly prices: PlanPrices,
    private readonly consents: SeekConsents,
    private readonly gateway: PaymentGateway,
    private readonly settlement: PaymentSettlement,
    private readonly notifications: NotificationLog,
    private readonly notifier: Notifier,
    private readonly notices: MemberNotices,
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly calendar: BusinessCalendar,
    private readonly logger: Logger,
    private readonly settings: RenewalSettings,
  ) {}

  /** `progress` (the CLI's line) hears of every membership renewed, out of those due when the run starts. */
  async execute(asOf: Date = this.clock.now(), progress?: ProgressReporter): Promise<RenewalRun> {
    const run: RenewalRun = { due: 0, charged: 0, failed: 0, skipped: 0, reminded: 0, ended: 0 };
    // Consents first: a request lapsing now stops its renewal before the charges below.
    await this.consents.execute(asOf);
    const price = await this.prices.snapshot(this.catalog.list());
    run.reminded = await this.sendReminders(asOf, price);
    if (progress) progress.start(await this.countDue(asOf));
    // A lease outlives the run, so a membership is charged at most once per run: one far behind catches up over later runs.
    const claimed = new Set<string>();
    let publishing: Promise<void> = Promise.resolve();
    try {
      for (let emptyClaims = 0; ;) {
        const now = this.clock.now();
        const leased = await this.memberships.claimDueForRenewal(asOf, now, new Date(now.getTime() + this.settings.leaseMs), this.settings.batchSize);
        if (leased.length === 0) {
          // Another instance's claim may hold rows locked for a moment: look again before stopping while unleased work remains.
          if (++emptyClaims > CLAIM_RETRIES || !(await this.unleasedWorkRemains(asOf))) break;
          await new Promise((resolve) => setTimeout(resolve, CLAIM_RETRY_MS));
          continue;
        }
        emptyClaims = 0;
        for (const membership of leased) claimed.add(membership.id);
        // The buyers' names and emails go with each charge: one read for the batch.
        const buyers = new Map((await this.users.findByIds(leased.map((m) => m.userId))).map((user) => [user.id, user]));
        // Several charges at once: each waits mostly on the gateway and on commits. The batch's events are
        // published together once it is charged, so its receipts share their reads and writes (a few statements
        // per batch, not per charge), and while the next batch charges: a run's leases are on memberships it is charging.
        // Relays leave them to the run as long as its lease on the batch lasts.
        const { value: outcomes, publish } = await this.uow.holdPublication(() => inParallel(leased, this.settings.concurrency, async (membership) => {
          const outcome = await this.renew(membership, buyers.get(membership.userId) ?? null, price);
          progress?.advance();
          return outcome;
        }), this.settings.leaseMs);
        for (const outcome of outcomes) run[outcome] += 1;
        // One batch's publish at a time; a failed one leaves the later batches' events to the relay, and fails the run below.
        publishing = publishing.then(publish);
        publishing.catch(() => undefined);
      }
    } catch (error) {
      // The earlier batches' events go out before the run answers: a caller that closes the database next (the CLI) would cut them off.
      await publishing.catch(() => undefined);
      throw error;
    }
    await publishing;
    const heldElsewhere = (await this.memberships.listDueForRenewal(asOf, this.settings.batchSize))
      .filter((m) => !claimed.has(m.id) && m.autoRenew && !m.isRenewalDue(asOf, this.clock.now()));
    run.skipped += heldElsewhere.length;
    run.due = claimed.size + heldElsewhere.length;
    run.ended = await this.endFinishedPeriods(asOf);
    return run;
  }

  private async renew(leased: Membership, buyer: User | null, price: Pricing): Promise<'charged' | 'failed' | 'skipped'> {
    const plan = this.catalog.find(leased.planId);
    const merchantUid = renewalMerchantUid(leased.id, leased.nextPeriodNo);
    if (!plan || !leased.billingKey) return 'skipped';
    // The period's price where it starts (retries of a past-due period charge the same).
    const amount = price(plan, leased.periodEnd);
    if (!leased.mayCharge(amount, plan)) return this.withhold(leased.id, amount);
    // The claim read it up to a batch of charges ago: one ended (cancelled, its account deleted), no longer
    // renewing or with its period bought since is not charged. A charge that lands after such a change
    // anyway buys nothing and is returned whole (FulfilPaidPayment).
    if (!stillRenews(await this.memberships.findById(leased.id), leased)) {
      this.logger.info({ membershipId: leased.id, merchantUid }, 'renewal not charged: the membership changed since it was claimed');
      return 'skipped';
    }

    // The period's payment is created first; its merchant_uid already existing means an earlier run made it.
    let payment = Payment.create({
      id: this.ids.newId(), merchantUid, userId: leased.userId, amount, payMethod: 'card',
      gateway: this.settings.channel.gateway, pg: this.settings.channel.pg,
      purpose: { kind: 'renewal', planId: plan.id, membershipId: leased.id, periodNo: leased.nextPeriodNo },
      customerUid: leased.billingKey, now: this.clock.now(),
    });
    let earlierAttempt = false;
    try {
      await this.uow.run(() => this.payments.save(payment));
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      const existing = await this.payments.findByMerchantUid(merchantUid);
      if (!existing) return 'skipped';
      payment = existing;
      earlierAttempt = true;
      // Closed (its membership ended, its account was deleted, or the member stopped renewing while its charge was
      // at the gateway): it can buy nothing, and the period has no other order.
      if (existing.isClosed) return this.periodClosed(leased.id, merchantUid);
      // An earlier attempt priced before a consent was withdrawn or a price changed: the ceiling still holds.
      if (existing.status !== 'paid' && !leased.mayCharge(existing.amount, plan)) return this.withhold(leased.id, existing.amount);
    }

    try {
      // An earlier attempt may have charged and lost its answer, or crashed: ask before charging again.
      // A payment this run just created has had no attempt, so nothing to ask.
      let truth: GatewayPayment | null = payment.status === 'paid' || !earlierAttempt ? null : await this.gateway.findByMerchantUid(merchantUid);
      if (payment.status !== 'paid' && !(truth && (truth.status === 'paid' || truth.status === 'cancelled'))) {
        truth = await this.gateway.chargeBillingKey({
          customerUid: leased.billingKey, merchantUid, amount: payment.amount, name: `${plan.names.ko} 갱신`,
          buyerName: buyer?.name, buyerEmail: buyer?.email,
        });
      }
      const settled = truth ? await this.settlement.applyGatewayTruth(payment, truth) : payment;
      if (periodPaid(settled)) return 'charged';
      if (settled.isClosed) return this.returned(leased.id, settled);
      await this.recordFailure(leased.id, merchantUid, truth?.failReason ?? 'the card was declined');
      return 'failed';
    } catch (error) {
      if (error instanceof GatewayUnavailableError) {
        // Unknown outcome: the lease runs out, and the next run asks the gateway before charging again.
        this.logger.warn({ membershipId: leased.id, merchantUid }, 'renewal charge outcome unknown; will ask the gateway before any retry');
        return 'skipped';
      }
      if (!(error instanceof GatewayRejectedError)) throw error;
      const refused = await this.settlement.change(merchantUid, (p) => {
        if (p.status === 'await') p.fail('gateway_failed', error.message, this.clock.now());
      });
      // Confirmed paid meanwhile (an earlier attempt's answer, or this charge's own notice): the refusal took nothing from the period.
      if (periodPaid(refused)) return 'charged';
      if (refused.isClosed) return this.returned(leased.id, refused);
      await this.recordFailure(leased.id, merchantUid, error.message);
      return 'failed';
    }
  }

  /**
   * A membership due for a period whose order is closed for good (its charge returned as `renewal_stopped`, then
   * auto-renew turned on again before the membership ended): that period cannot be charged, so the membership
   * stops renewing and ends with its period, rather than being skipped by every run while it grants access.
   */
  private async periodClosed(membershipId: string, merchantUid: string): Promise<'skipped'> {
    await retryOnConflict(() => this.uow.run(async () => {
      const membership = await this.memberships.findById(membershipId);
      if (!membership?.isLive || !membership.autoRenew || renewalMerchantUid(membership.id, membership.nextPeriodNo) !== merchantUid) return;
      membership.setAutoRenew(false, this.clock.now());
      await this.memberships.save(membership);
    }));
    this.logger.info({ membershipId, merchantUid }, 'renewal not charged: the period\'s order is closed; the membership stops renewing and ends with its period');
    return 'skipped';
  }

  /**
   * The rule, enforced where the money moves: a renewal never charges more than the member last
   * paid or consented to. The membership ends at its period end instead (SeekConsents normally
   * got there first and told the member; this is the guard if it could not).
   */
  private async withhold(membershipId: string, amount: number): Promise<'skipped'> {
    await this.consents.stopWithoutConsent(membershipId, amount);
    this.logger.info({ membershipId, amount }, 'renewal not charged: the amount is above what the member consented to');
    return 'skipped';
  }

  /** The charge landed once the membership could no longer take it: it is returned whole, and no failure is recorded against the member. */
  private returned(membershipId: string, payment: Payment): 'skipped' {
    this.logger.warn(
      { membershipId, merchantUid: payment.merchantUid, reason: payment.failure?.code },
      'renewal charge bought nothing (the membership changed while it was at the gateway); it is returned whole',
    );
    return 'skipped';
  }

  private async recordFailure(membershipId: string, merchantUid: string, reason: string): Promise<void> {
    await retryOnConflict(() =>
      this.uow.run(async () => {
        const membership = await this.memberships.findById(membershipId);
        if (!membership || !membership.isLive) return;
        membership.renewalFailed(this.settings.dunningRetryAfterDays, reason, this.calendar, this.clock.now());
        await this.memberships.save(membership);
      }),
    );
    this.logger.info({ membershipId, merchantUid }, 'renewal declined; dunning schedule applies');
  }

  /** Memberships a run as of `asOf` would charge now, counted page by page (only when someone watches the progress). */
  private async countDue(asOf: Date): Promise<number> {
    const pageSize = this.settings.batchSize * 10;
    const now = this.clock.now();
    let due = 0;
    for (let after: Membership | undefined; ;) {
      const page = await this.memberships.listDueForRenewal(asOf, pageSize, after);
      due += page.filter((m) => m.isRenewalDue(asOf, now)).length;
      if (page.length < pageSize) return due;
      after = page[page.length - 1];
    }
  }

  private async unleasedWorkRemains(asOf: Date): Promise<boolean> {
    return this.memberships.anyClaimableForRenewal(asOf, this.clock.now());
  }

  /**
   * A reminder `reminderDays` before each charge, once per (membership, period): the notification
   * row is the guard. Pages through every membership inside the horizon, so a large window is
   * reminded on time, and claims only the keys not yet taken.
   */
  private async sendReminders(asOf: Date, price: Pricing): Promise<number> {
    const horizon = new Date(asOf.getTime() + this.settings.reminderDays * DAY_MS);
    const pageSize = this.settings.batchSize * 10;
    let sent = 0;
    for (let after: Membership | undefined; ;) {
      const page = await this.memberships.listDueForRenewal(horizon, pageSize, after);
      const upcoming = page.filter((m) => m.status === 'active' && m.nextChargeAt !== null && m.renewalAttempts === 0);
      const reminded = new Set((await this.notifications.taken(upcoming.map(reminderKey), this.clock.now())).map((key) => key.membershipId));
      const due = upcoming.filter((m) => !reminded.has(m.id));
      // The recipients of a page in one read, as renewals read their buyers.
      const users = new Map((await this.users.findByIds(due.map((m) => m.userId))).map((user) => [user.id, user]));
      // A charge still waiting for consent is announced by its consent request, not as a renewal that will happen.
      const toRemind = due.flatMap((membership) => {
        const plan = this.catalog.find(membership.planId) ?? null;
        const amount = plan ? price(plan, membership.periodEnd) : 0;
        return plan && !membership.mayCharge(amount, plan) ? [] : [{ membership, plan, amount }];
      });
      await inChunks(toRemind, NOTICES_PER_WRITE, async (chunk) => {
        const now = this.clock.now();
        const took = new Set((await this.notifications.claimEach(chunk.map((r) => reminderKey(r.membership)), now, new Date(now.getTime() + NOTICE_HOLD_MS)))
          .map((key) => key.membershipId));
        const reminded: NotificationKey[] = [];
        try {
          for (const reminder of chunk) {
            if (took.has(reminder.membership.id) && (await this.remind(reminder, users.get(reminder.membership.userId) ?? null))) reminded.push(reminderKey(reminder.membership));
          }
        } finally {
          // The reminders already out stay sent even when one after them fails the run (a key it could not give back).
          await this.notifications.sentEach(reminded, this.clock.now());
        }
        sent += reminded.length;
      });
      if (page.length < pageSize) return sent;
      after = page[page.length - 1];
    }
  }

  /** Sends the reminder of a key this run took; gives the key back when it cannot. */
  private async remind({ membership, plan, amount }: { membership: Membership; plan: Plan | null; amount: number }, user: User | null): Promise<boolean> {
    try {
      if (!plan) throw new UnknownPlanError(membership.planId);
      const rendered = this.notices.renewalReminder(user?.language ?? DEFAULT_LANGUAGE, { planName: plan.names, chargeAt: membership.nextChargeAt as Date, amount });
      await this.notifier.send({ kind: 'renewal_reminder', to: user?.email ?? '', ...rendered });
    } catch (error) {
      this.logger.warn({ membershipId: membership.id, err: (error as Error).message }, 'reminder not sent; will retry');
      // A key that cannot be given back stays held until NOTICE_HOLD_MS runs out, and a later run takes it
      // over then: the reminder is late, and the run's charges still go ahead.
      await this.notifications.release(reminderKey(membership)).catch((releaseError: Error) => {
        this.logger.warn({ membershipId: membership.id, err: releaseError.message }, 'reminder key not given back; a run after its hold sends the reminder');
      });
      return false;
    }
    return true;
  }

  /** Memberships past their period with nothing to charge: cancelled at period end, or expired. */
  private async endFinishedPeriods(asOf: Date): Promise<number> {
    const over = await this.memberships.listOver(asOf, this.settings.batchSize * 10);
    let ended = 0;
    for (const candidate of over) {
      await retryOnConflict(() =>
        this.uow.run(async () => {
          const membership = await this.memberships.findById(candidate.id);
          if (membership?.endIfOver(asOf)) {
            await this.memberships.save(membership);
            ended += 1;
          }
        }),
      );
    }
    return ended;
  }
}

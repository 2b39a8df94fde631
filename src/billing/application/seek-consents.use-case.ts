import type { User, UserRepository } from '../../identity/identity.api';
import { ConsentRequest, type ConsentRequestRepository, type Membership, type MembershipRepository, mootReasonOf, type PlanPrices, type Pricing } from '../../membership/membership.api';
import type { Plan, PlanCatalog } from '../../pricing/pricing.api';
import type { Clock } from '../../shared/application/clock.port';
import type { IdGenerator } from '../../shared/application/id-generator.port';
import type { Logger } from '../../shared/application/logger.port';
import type { Notifier, NoticeKind } from '../../shared/application/notifier.port';
import { retryOnConflict } from '../../shared/application/retry-on-conflict';
import type { Sms } from '../../shared/application/sms.port';
import type { UnitOfWork } from '../../shared/application/unit-of-work.port';
import { ConflictError } from '../../shared/domain/conflict-error';
import { ConcurrencyConflictError } from '../../shared/domain/domain-error';
import { DEFAULT_LANGUAGE } from '../../shared/domain/language';
import type { MemberNotices, RenderedNotice } from './member-notices';
import { NOTICE_HOLD_MS, type NotificationKey, type NotificationLog } from './notification-log.port';

export interface ConsentSettings {
  /** A consent request opens this many days before the higher charge (CONSENT_WINDOW_DAYS). */
  consentWindowDays: number;
  /** The notice before a trial ends goes out this many days before (TRIAL_NOTICE_DAYS). */
  trialNoticeDays: number;
  batchSize: number;
}

export interface ConsentRun {
  opened: number;
  /** Renewals stopped for want of consent (declined earlier, expired now, or no time left to ask). */
  stopped: number;
  trialNotices: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;
/** Further back than any dunning schedule config/billing.json allows (10 retries of at most 60 days). */
const DUNNING_REACH_DAYS = 600;
/** Consent is taken until the day before the change. */
const ANSWER_LEAD_MS = DAY_MS;

const trialKey = (membership: Membership): NotificationKey => ({ membershipId: membership.id, periodNo: 0, kind: 'trial_ending', attempt: 0 });

/**
 * Before any renewal would charge more than the member last paid or consented to (a trial
 * ending, a price rise), asks for a separate consent inside the window and tells them by e-mail
 * and SMS; stops the renewal (the membership ends at the period end) when the deadline passes
 * unanswered. Also sends the notice before a trial ends. Runs at the start of every renewal run,
 * so the charge step after it only ever sees consented amounts — and refuses any other itself.
 */
export class SeekConsents {
  constructor(
    private readonly memberships: MembershipRepository,
    private readonly consents: ConsentRequestRepository,
    private readonly catalog: PlanCatalog,
    private readonly prices: PlanPrices,
    private readonly users: UserRepository,
    private readonly notifications: NotificationLog,
    private readonly notifier: Notifier,
    private readonly sms: Sms,
    private readonly notices: MemberNotices,
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly logger: Logger,
    private readonly settings: ConsentSettings,
  ) {}

  async execute(asOf: Date): Promise<ConsentRun> {
    const run: ConsentRun = { opened: 0, stopped: 0, trialNotices: 0 };
    const plans = this.catalog.list();
    const price = await this.prices.snapshot(plans);
    run.stopped += await this.expireUnanswered(asOf, price);
    const horizon = new Date(asOf.getTime() + Math.max(this.settings.consentWindowDays, this.settings.trialNoticeDays) * DAY_MS);
    // A past-due period is priced at its (past) start: the bound looks back as far as dunning can reach.
    const since = new Date(asOf.getTime() - DUNNING_REACH_DAYS * DAY_MS);
    // Only memberships that a price in the window could take above their ceiling (and trials) are read.
    const bounds = plans.map((plan) => ({ planId: plan.id, highest: price.highest(plan, since, horizon), configured: plan.amount }));
    const pageSize = this.settings.batchSize * 10;
    for (let after: Membership | undefined; ;) {
      const page = await this.memberships.listMayNeedConsent(horizon, bounds, pageSize, after);
      for (const membership of page) {
        if (!membership.autoRenew || membership.nextChargeAt === null) continue;
        const plan = this.catalog.find(membership.planId);
        if (!plan) continue;
        const outcome = await this.seek(membership, plan, price(plan, membership.periodEnd), asOf);
        if (outcome === 'opened') run.opened += 1;
        if (outcome === 'stopped') run.stopped += 1;
        if (membership.inTrial && membership.periodEnd.getTime() - asOf.getTime() <= this.settings.trialNoticeDays * DAY_MS
          && await this.sendTrialNotice(membership, plan, price(plan, membership.periodEnd))) run.trialNotices += 1;
      }
      if (page.length < pageSize) return run;
      after = page[page.length - 1];
    }
  }

  /** Opens the request for the next charge if it is higher than the ceiling and inside the window. */
  private async seek(membership: Membership, plan: Plan, amount: number, asOf: Date): Promise<'opened' | 'stopped' | 'none'> {
    const changeAt = membership.periodEnd;
    if (changeAt.getTime() - asOf.getTime() > this.settings.consentWindowDays * DAY_MS) return 'none';
    if (membership.mayCharge(amount, plan)) return 'none';
    const existing = await this.consents.findFor(membership.id, membership.nextPeriodNo, amount);
    // A decline stops the renewal when it is given; an acceptance raised the ceiling; a pending request waits for
    // its answer: nothing to do. Only a request closed as moot is asked again, its charge being due once more.
    if (existing && existing.status !== 'moot') return 'none';
    const answerBy = new Date(changeAt.getTime() - ANSWER_LEAD_MS);
    const user = (await this.users.findById(membership.userId)) ?? null;
    if (asOf >= answerBy) {
      // Scheduled too late to ask in time: the higher amount is never charged.
      return (await this.stopWithoutConsent(membership.id, amount, user)) ? 'stopped' : 'none';
    }
    const asked = { oldAmount: membership.chargeCeiling(plan), changeAt, answerBy, openedAt: this.clock.now() };
    let request: ConsentRequest;
    if (existing) {
      existing.reopen(asked);
      request = existing;
    } else {
      request = ConsentRequest.open({
        id: this.ids.newId(), membershipId: membership.id, userId: membership.userId, planId: plan.id, periodNo: membership.nextPeriodNo, newAmount: amount, ...asked,
      });
    }
    try {
      await this.uow.run(() => this.consents.save(request));
    } catch (error) {
      // Another worker opened it (or asked again) first.
      if (error instanceof ConflictError || error instanceof ConcurrencyConflictError) return 'none';
      throw error;
    }
    await this.tell(user, membership.userId, 'consent_request', (language) => this.notices.consentRequest(language, {
      planName: plan.names, changeAt, answerBy, oldAmount: request.oldAmount, newAmount: amount, card: null,
    }));
    return 'opened';
  }

  /**
   * Pending requests past their deadline: silence is no consent, and the renewal stops with the request's
   * expiry (one unit of work, so a purchase in between cannot be stopped). A request that no longer asks
   * about the next charge (its period paid for, the rise withdrawn or already consented to) is closed as
   * moot instead: it stops nothing and tells the member nothing.
   */
  private async expireUnanswered(asOf: Date, price: Pricing): Promise<number> {
    let stopped = 0;
    for (const pending of await this.consents.listExpiring(asOf, this.settings.batchSize * 10)) {
      const membership = await retryOnConflict(() => this.uow.run(() => this.closeUnanswered(pending.id, asOf, price)));
      if (!membership) continue;
      stopped += 1;
      await this.tellConsentMissing(membership, pending.newAmount);
    }
    return stopped;
  }

  /** One request past its deadline: moot, or expired with its renewal stopped; answers the membership stopped, if any. */
  private async closeUnanswered(requestId: string, asOf: Date, price: Pricing): Promise<Membership | null> {
    const request = await this.consents.findById(requestId);
    if (!request || request.status !== 'pending') return null;
    const membership = await this.memberships.findById(request.membershipId);
    const live = membership && membership.isLive ? membership : null;
    const moot = live ? mootReasonOf(request, live, this.catalog, price) : null;
    if (moot) request.closeAsMoot(moot);
    else request.expire(asOf);
    await this.consents.save(request);
    if (moot || !live || !live.autoRenew) return null;
    live.stopRenewalWithoutConsent(this.clock.now());
    await this.memberships.save(live);
    return live;
  }

  /** Ends auto-renew for want of consent and tells the member (e-mail and SMS); false if it was already stopped. */
  async stopWithoutConsent(membershipId: string, newAmount: number, knownUser?: User | null): Promise<boolean> {
    let stopped: Membership | null = null;
    await retryOnConflict(() => this.uow.run(async () => {
      const membership = await this.memberships.findById(membershipId);
      if (!membership || !membership.isLive || !membership.autoRenew) return;
      membership.stopRenewalWithoutConsent(this.clock.now());
      await this.memberships.save(membership);
      stopped = membership;
    }));
    const membership = stopped as Membership | null;
    if (!membership) return false;
    await this.tellConsentMissing(membership, newAmount, knownUser);
    return true;
  }

  /** The "no consent, so your membership ends at the period end" notice (e-mail and SMS). */
  private async tellConsentMissing(membership: Membership, newAmount: number, knownUser?: User | null): Promise<void> {
    const plan = this.catalog.find(membership.planId);
    if (!plan) return;
    const user = knownUser === undefined ? await this.users.findById(membership.userId) : knownUser;
    await this.tell(user, membership.userId, 'consent_missing', (language) => this.notices.consentMissing(language, { planName: plan.names, periodEnd: membership.periodEnd, newAmount }));
  }

  private async sendTrialNotice(membership: Membership, plan: Plan, amount: number): Promise<boolean> {
    const key = trialKey(membership);
    const now = this.clock.now();
    if (!(await this.notifications.claim(key, now, new Date(now.getTime() + NOTICE_HOLD_MS)))) return false;
    try {
      const user = await this.users.findById(membership.userId);
      const language = user?.language ?? DEFAULT_LANGUAGE;
      const rendered = this.notices.trialEnding(language, { planName: plan.names, trialEndsAt: membership.periodEnd, amount });
      await this.notifier.send({ kind: 'trial_ending', to: user?.email ?? '', ...rendered });
      await this.text(user, membership.userId, 'trial_ending', rendered.text);
    } catch (error) {
      await this.notifications.release(key);
      this.logger.warn({ membershipId: membership.id, err: (error as Error).message }, 'trial notice not sent; will retry');
      return false;
    }
    await this.notifications.sent(key, this.clock.now());
    return true;
  }

  /** E-mail and SMS. A failed send is logged: the request stands, and the member sees it on the page. */
  private async tell(user: User | null, userId: string, kind: NoticeKind, render: (language: User['language']) => RenderedNotice): Promise<void> {
    const rendered = render(user?.language ?? DEFAULT_LANGUAGE);
    try {
      await this.notifier.send({ kind, to: user?.email ?? '', ...rendered });
    } catch (error) {
      this.logger.warn({ userId, kind, err: (error as Error).message }, 'consent notice not sent');
    }
    await this.text(user, userId, kind, rendered.text);
  }

  /**
   * The SMS to the member's mobile number. A failure is logged, never retried: the e-mail went (a
   * retry would send it again) and the request stays on the member's page.
   */
  private async text(user: User | null, userId: string, kind: NoticeKind, text: string): Promise<void> {
    try {
      await this.sms.send({ kind, userId, to: user?.phone ?? null, text });
    } catch (error) {
      this.logger.warn({ userId, kind, err: (error as Error).message }, 'sms notice not sent');
    }
  }
}

import { customerUidFor, type PaymentGateway } from '../../payment/payment.api';
import { type Plan, type PlanCatalog, UnknownPlanError } from '../../pricing/pricing.api';
import type { Clock } from '../../shared/application/clock.port';
import type { IdGenerator } from '../../shared/application/id-generator.port';
import type { UnitOfWork } from '../../shared/application/unit-of-work.port';
import type { BusinessCalendar } from '../../shared/domain/business-calendar';
import { ConflictError } from '../../shared/domain/conflict-error';
import { DomainError } from '../../shared/domain/domain-error';
import { Membership } from '../domain/membership.entity';
import { NoTrialError, TrialAlreadyUsedError } from '../domain/membership.errors';
import type { MembershipRepository } from './membership-repository.port';

export interface TrialOffer {
  plan: Plan;
  /** Where the PG stores the card (the buyer's billing-key id, as checkout issues it). */
  customerUid: string;
  trialEndsAt: Date;
}

export class CardNotStoredError extends DomainError {
  constructor() {
    super('conflict', 'card_not_stored', 'the payment gateway holds no card for this trial yet; store the card first');
  }
}

/**
 * A free trial: the card is stored at the PG as a billing key without a charge, and the first
 * charge is the renewal at the trial's end (with the member's consent). One per member per plan,
 * and never beside a live membership.
 */
export class StartTrial {
  constructor(
    private readonly catalog: PlanCatalog,
    private readonly memberships: MembershipRepository,
    private readonly gateway: PaymentGateway,
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly calendar: BusinessCalendar,
  ) {}

  /** What the page needs to have the PG store the card: refused before the PG window opens if the member may not have the trial. */
  async offer(userId: string, planId: string): Promise<TrialOffer> {
    const plan = await this.eligiblePlan(userId, planId);
    return { plan, customerUid: customerUidFor(userId), trialEndsAt: this.calendar.addDays(this.clock.now(), plan.trialDays ?? 0) };
  }

  /**
   * After the PG window: the gateway, not the browser, says whether the card is stored. `proof` is
   * what that window answered, for the PGs that need it to find the card (see PaymentGateway.findBillingKey).
   */
  async confirm(userId: string, planId: string, proof?: string): Promise<Membership> {
    const plan = await this.eligiblePlan(userId, planId);
    const card = await this.gateway.findBillingKey(customerUidFor(userId), proof);
    if (!card) throw new CardNotStoredError();
    const now = this.clock.now();
    // The gateway's handle, not our customer uid: renewals charge with it (a Toss handle, a V2 key).
    const membership = Membership.startTrial({ id: this.ids.newId(), userId, plan, billingKey: card.customerUid, start: now, now }, this.calendar);
    try {
      await this.uow.run(() => this.memberships.save(membership));
    } catch (error) {
      if (error instanceof ConflictError && error.rule === 'memberships_one_live_per_user') throw new DomainError('conflict', 'membership_exists', 'you already have a live membership');
      throw error;
    }
    return membership;
  }

  private async eligiblePlan(userId: string, planId: string): Promise<Plan> {
    const plan = this.catalog.find(planId);
    if (!plan) throw new UnknownPlanError(planId);
    if (!plan.trialDays) throw new NoTrialError(planId);
    if (await this.memberships.findLiveByUserId(userId)) throw new DomainError('conflict', 'membership_exists', 'you already have a live membership');
    if (await this.memberships.hasHadTrial(userId, planId)) throw new TrialAlreadyUsedError(planId);
    return plan;
  }
}

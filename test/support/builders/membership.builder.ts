import { randomBytes } from 'node:crypto';
import { Membership, type MembershipProps } from '../../../src/membership/domain/membership.entity';

const unique = () => randomBytes(6).toString('hex');

/**
 * Membership test data: `aMembership()` is a fresh, unsaved active monthly membership with a
 * unique id, period 1 from 2026-11-25 (Seoul business calendar, so it ends 2026-12-25).
 */
export class MembershipBuilder {
  private props: MembershipProps;

  constructor() {
    const start = new Date('2026-11-25T09:00:00.123Z');
    this.props = {
      id: `ms_${unique()}`, userId: 'user_1', planId: 'monthly', status: 'active', anchorAt: start, monthsPaid: 1, periodNo: 1,
      periodStart: start, periodEnd: new Date('2026-12-25T09:00:00.123Z'), autoRenew: false, billingKey: null,
      nextChargeAt: null, renewalAttempts: 0, cancelAtPeriodEnd: false, cancelledAt: null, endedAt: null, renewalLeaseUntil: null, consentedAmount: null, trialEndsAt: null, trialPlanId: null, version: 0,
      createdAt: start, updatedAt: start,
    };
  }

  with(overrides: Partial<MembershipProps>): this {
    this.props = { ...this.props, ...overrides };
    return this;
  }

  forUser(userId: string): this {
    return this.with({ userId });
  }

  createdAt(at: Date): this {
    return this.with({ createdAt: at, updatedAt: at });
  }

  renewing(billingKey = `cu_${unique()}`): this {
    return this.with({ autoRenew: true, billingKey, nextChargeAt: this.props.periodEnd });
  }

  pastDue(nextChargeAt: Date, attempts = 1): this {
    return this.with({ status: 'past_due', renewalAttempts: attempts, nextChargeAt, autoRenew: true, billingKey: this.props.billingKey ?? `cu_${unique()}` });
  }

  cancelled(at = new Date('2026-12-01T00:00:00.001Z')): this {
    return this.with({ status: 'cancelled', cancelledAt: at, endedAt: at, autoRenew: false, billingKey: null, nextChargeAt: null });
  }

  expired(): this {
    return this.with({ status: 'expired', autoRenew: false, billingKey: null, nextChargeAt: null });
  }

  build(): Membership {
    return Membership.restore({ ...this.props });
  }
}

export function aMembership(): MembershipBuilder {
  return new MembershipBuilder();
}

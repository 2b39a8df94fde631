import { readOptionalTime, readTime } from '../../shared/infrastructure/knex/knex-database';
import { Membership, type MembershipStatus } from '../domain/membership.entity';

export interface MembershipRow {
  id: string;
  user_id: string;
  plan_id: string;
  status: string;
  anchor_at: unknown;
  months_paid: number;
  period_no: number;
  period_start: unknown;
  period_end: unknown;
  auto_renew: boolean | number;
  billing_key: string | null;
  next_charge_at: unknown;
  renewal_attempts: number;
  cancel_at_period_end: boolean | number;
  cancelled_at: unknown;
  ended_at: unknown;
  renewal_lease_until: unknown;
  consented_amount: number | null;
  trial_ends_at: unknown;
  trial_plan_id: string | null;
  version: number;
  created_at: unknown;
  updated_at: unknown;
}

/** Row <-> aggregate for memberships (booleans come back as 0/1 from both engines). */
export const membershipMapper = {
  toRow(membership: Membership, storedVersion: number): MembershipRow {
    const m = membership.toProps();
    return {
      id: m.id,
      user_id: m.userId,
      plan_id: m.planId,
      status: m.status,
      anchor_at: m.anchorAt,
      months_paid: m.monthsPaid,
      period_no: m.periodNo,
      period_start: m.periodStart,
      period_end: m.periodEnd,
      auto_renew: m.autoRenew,
      billing_key: m.billingKey,
      next_charge_at: m.nextChargeAt,
      renewal_attempts: m.renewalAttempts,
      cancel_at_period_end: m.cancelAtPeriodEnd,
      cancelled_at: m.cancelledAt,
      ended_at: m.endedAt,
      renewal_lease_until: m.renewalLeaseUntil,
      consented_amount: m.consentedAmount,
      trial_ends_at: m.trialEndsAt,
      trial_plan_id: m.trialPlanId,
      version: storedVersion,
      created_at: m.createdAt,
      updated_at: m.updatedAt,
    };
  },

  toAggregate(row: MembershipRow): Membership {
    return Membership.restore({
      id: row.id,
      userId: row.user_id,
      planId: row.plan_id,
      status: row.status as MembershipStatus,
      anchorAt: readTime(row.anchor_at),
      monthsPaid: Number(row.months_paid),
      periodNo: Number(row.period_no),
      periodStart: readTime(row.period_start),
      periodEnd: readTime(row.period_end),
      autoRenew: Boolean(Number(row.auto_renew)),
      billingKey: row.billing_key,
      nextChargeAt: readOptionalTime(row.next_charge_at),
      renewalAttempts: Number(row.renewal_attempts),
      cancelAtPeriodEnd: Boolean(Number(row.cancel_at_period_end)),
      cancelledAt: readOptionalTime(row.cancelled_at),
      endedAt: readOptionalTime(row.ended_at),
      renewalLeaseUntil: readOptionalTime(row.renewal_lease_until),
      consentedAmount: row.consented_amount === null || row.consented_amount === undefined ? null : Number(row.consented_amount),
      trialEndsAt: readOptionalTime(row.trial_ends_at),
      trialPlanId: row.trial_plan_id ?? null,
      version: Number(row.version),
      createdAt: readTime(row.created_at),
      updatedAt: readTime(row.updated_at),
    });
  },
};

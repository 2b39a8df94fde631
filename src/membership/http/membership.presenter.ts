import type { Membership } from '../domain/membership.entity';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** A membership as the API shows it (times in ISO UTC). */
export function presentMembership(m: Membership) {
  return {
    id: m.id,
    plan: m.planId,
    status: m.status,
    current_period_start: iso(m.periodStart),
    current_period_end: iso(m.periodEnd),
    auto_renew: m.autoRenew,
    cancel_at_period_end: m.cancelAtPeriodEnd,
    // DESIGN §7: the period end while auto-renew is on, past due included (the dunning retry day is internal).
    next_charge_at: m.autoRenew ? iso(m.periodEnd) : null,
    // When access ended (cancelled now, at the period end, or expired); null while live.
    ended_at: iso(m.endedAt),
    // A free trial's end (the first charge, with consent); null for a membership that began paid.
    trial_ends_at: iso(m.trialEndsAt),
  };
}

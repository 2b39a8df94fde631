import type { ConsentRequest } from '../domain/consent-request.entity';
import { CONSENT_WORDING_VERSION } from '../domain/consent-request.entity';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** A consent request with what the prompt must state: the change date, old and new price, the deadline, and the recorded answer. */
export function presentConsent(request: ConsentRequest, now: Date) {
  const r = request.toProps();
  return {
    id: r.id,
    membership_id: r.membershipId,
    plan: r.planId,
    // The contract's statuses are pending|accepted|declined|expired: a request closed because it no longer
    // applied is no longer answerable, so `expired`, and `moot_reason` says it stopped nothing.
    status: r.status === 'moot' ? 'expired' : r.status,
    moot_reason: r.mootReason,
    // Pending requests past their deadline are answered as expired even before the worker records it.
    answerable: request.isOpen(now),
    old_amount: r.oldAmount,
    new_amount: r.newAmount,
    // When the higher price would first be charged, and the last moment an answer is taken (the day before).
    effective_at: iso(r.changeAt),
    deadline: iso(r.answerBy),
    opened_at: iso(r.openedAt),
    answered_at: iso(r.answeredAt),
    method: r.method,
    // The wording an open request is shown in now; an answered one keeps the version it was answered in.
    wording_version: r.wordingVersion ?? CONSENT_WORDING_VERSION,
  };
}

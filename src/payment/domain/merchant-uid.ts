import { ulid } from '../../shared/domain/ulid';

/** `mp_` + a ULID: time-ordered like the seed's time-based id, but collision-free. */
export function newMerchantUid(now: Date = new Date()): string {
  return `mp_${ulid(now)}`;
}

/** The deterministic uid of a renewal charge: a retry, a second worker or a crash reuses it. */
export function renewalMerchantUid(membershipId: string, periodNo: number): string {
  return `renewal-${membershipId}-${periodNo}`;
}

/** The deterministic uid of a renewal charge: a retry, a second worker or a crash reuses it. */
export function renewalMerchantUid(membershipId: string, periodNo: number): string {
  return `renewal-${membershipId}-${periodNo}`;
}

// The port's `customerUid` for Toss. Iamport keys a stored card by a customer_uid the merchant
// chooses before the window opens; Toss issues the billingKey afterwards and still wants the
// customerKey it was issued for on every charge (NOT_MATCHES_CUSTOMER_KEY otherwise). So the
// handle the app keeps (Membership.billingKey) carries both: `<customerKey>:<billingKey>`.
// Toss's customerKey alphabet has no ':' (`^[a-zA-Z0-9-_=.,@]+$`), so the first ':' splits it.

export interface TossBillingHandle {
  customerKey: string;
  billingKey: string;
}

const CUSTOMER_KEY = /^[a-zA-Z0-9\-_=.,@]{2,300}$/;

export function formatBillingHandle(handle: TossBillingHandle): string {
  return `${handle.customerKey}:${handle.billingKey}`;
}

/** null when `customerUid` is not a handle this adapter made. */
export function parseBillingHandle(customerUid: string): TossBillingHandle | null {
  const at = customerUid.indexOf(':');
  if (at < 0) return null;
  const customerKey = customerUid.slice(0, at);
  const billingKey = customerUid.slice(at + 1);
  if (!CUSTOMER_KEY.test(customerKey) || billingKey === '' || /[/?#\s]/.test(billingKey)) return null;
  return { customerKey, billingKey };
}

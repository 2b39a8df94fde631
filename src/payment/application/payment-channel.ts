import type { GatewayName } from '../domain/payment.entity';

/**
 * The PG this process charges through (PAYMENT_GATEWAY) and the channel it records on each payment
 * (Iamport's IMP_PG, `tosspayments` for Toss). Checkout and renewals record the same pair.
 */
export interface PaymentChannel {
  /** The page picks its SDK by it. */
  gateway: GatewayName;
  pg: string;
}

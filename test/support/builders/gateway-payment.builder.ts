import type { GatewayPayment } from '../../../src/payment/domain/gateway-payment';

/** The gateway's account of a payment; defaults to a paid 9,900 KRW order. */
export function aGatewayPayment(overrides: Partial<GatewayPayment> = {}): GatewayPayment {
  return {
    gatewayPaymentId: 'imp_000000000001',
    merchantUid: 'mp_order',
    amount: 9900,
    status: 'paid',
    cancelledAmount: 0,
    cancellations: [],
    failReason: null,
    paidAt: new Date('2026-11-25T09:00:00.000Z'),
    customerUid: null,
    customerKey: null,
    ...overrides,
  };
}

/**
 * The payment module's public entry (orders, the gateway port, settlement and refunds at the gateway): the only file of src/payment/ another module may import.
 * Which modules may use which: test/unit/architecture/module-borders.test.ts.
 */
export type { BoughtPeriod, Buyer, CheckoutFacts, CheckoutPreflight, CheckoutPreflightQuestion } from './application/checkout-preflight.port';
export type { HandleWebhookNotice } from './application/handle-webhook-notice.use-case';
export type { PaymentChannel } from './application/payment-channel';
export type { PaymentFulfilment } from './application/payment-fulfilment.port';
export { customerUidFor } from './application/start-checkout.use-case';
export { GatewayRejectedError, GatewayUnavailableError } from './application/payment-gateway.port';
export type { PaymentGateway, StoredCard } from './application/payment-gateway.port';
export type { PaymentRepository } from './application/payment-repository.port';
export type { PaymentSettlement } from './application/payment-settlement.service';
export type { ReconcilePayments } from './application/reconcile-payments.use-case';
export type { RefundPayment } from './application/refund-payment.use-case';
export type { WebhookReceipt, WebhookReceiptStore } from './application/webhook-receipt-store.port';
export type { CardApproval, GatewayPayment } from './domain/gateway-payment';
export { renewalMerchantUid } from './domain/merchant-uid';
export { Payment } from './domain/payment.entity';
export type { Cancellation, PaymentStatus, RefundStatus, UnboughtRenewal } from './domain/payment.entity';
export { PaymentNotFoundError } from './domain/payment.errors';
export { PaymentEvents } from './domain/payment.events';
export type { PaymentCancelledEvent, PaymentCardLeftUnusedEvent, PaymentEvent, PaymentPaidEvent, PaymentRefundRejectedEvent } from './domain/payment.events';
export { presentAdminRefund, presentPayment } from './http/payment.presenter';
export { openPurchases } from './infrastructure/open-purchases.query';
export { PAYMENT } from './payment.tokens';

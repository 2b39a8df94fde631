export const PAYMENT = {
  PaymentRepository: Symbol.for('memberpay.payment.PaymentRepository'),
  PaymentGateway: Symbol.for('memberpay.payment.PaymentGateway'),
  PaymentSettlement: Symbol.for('memberpay.payment.PaymentSettlement'),
  /** Bound by the membership module: what a paid payment buys. */
  PaymentFulfilment: Symbol.for('memberpay.payment.PaymentFulfilment'),
  /** Bound by the membership module: the period an order buys, shown at checkout. */
  CheckoutPreflight: Symbol.for('memberpay.payment.CheckoutPreflight'),
  StartCheckout: Symbol.for('memberpay.payment.StartCheckout'),
  ConfirmPayment: Symbol.for('memberpay.payment.ConfirmPayment'),
  ReportPaymentFailure: Symbol.for('memberpay.payment.ReportPaymentFailure'),
  PaymentChannel: Symbol.for('memberpay.payment.PaymentChannel'),
  CheckoutSettings: Symbol.for('memberpay.payment.CheckoutSettings'),
  WebhookReaders: Symbol.for('memberpay.payment.WebhookReaders'),
  WebhookReceiptStore: Symbol.for('memberpay.payment.WebhookReceiptStore'),
  HandleWebhookNotice: Symbol.for('memberpay.payment.HandleWebhookNotice'),
  ReconcilePayments: Symbol.for('memberpay.payment.ReconcilePayments'),
  RefundPayment: Symbol.for('memberpay.payment.RefundPayment'),
} as const;

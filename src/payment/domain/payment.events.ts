import type { TypedEvent } from '../../shared/domain/domain-event';
import type { FailureCode, PaymentPurpose, Requester } from './payment.entity';

export const PaymentEvents = {
  Prepared: 'PaymentPrepared',
  Paid: 'PaymentPaid',
  Failed: 'PaymentFailed',
  Cancelled: 'PaymentCancelled',
  RefundRejected: 'PaymentRefundRejected',
  CardLeftUnused: 'PaymentCardLeftUnused',
} as const;

export interface PaymentPreparedPayload {
  paymentId: string;
  merchantUid: string;
  amount: number;
}

export interface PaymentPaidPayload {
  paymentId: string;
  merchantUid: string;
  userId: string;
  amount: number;
  purpose: PaymentPurpose;
  customerUid: string | null;
  paidAt: string;
}

export interface PaymentFailedPayload {
  paymentId: string;
  merchantUid: string;
  userId: string;
  purpose: PaymentPurpose;
  code: FailureCode;
  message: string;
}

export interface PaymentCancelledPayload {
  paymentId: string;
  merchantUid: string;
  userId: string;
  amount: number;
  cancelledAmount: number;
  fullyCancelled: boolean;
  reason: string;
  /** The money cancelled so far is the member's own cancel, which ends the membership itself (the rule of Payment.refundedInFullByMember). */
  byMember: boolean;
}

export interface PaymentRefundRejectedPayload {
  paymentId: string;
  merchantUid: string;
  userId: string;
  refundId: string;
  amount: number;
  requestedBy: Requester;
  /** The gateway's refusal. */
  message: string;
  /** The first answer was lost: whoever asked was told the refund was pending, and must now hear it was refused. */
  answeredLate: boolean;
}

/**
 * The card an order stored at the gateway (its billing key) will renew nothing: the order's account was
 * deleted, and the charge that stored the card is being returned. The gateway should forget it.
 */
export interface PaymentCardLeftUnusedPayload {
  paymentId: string;
  merchantUid: string;
  userId: string;
  billingKey: string;
  reason: FailureCode;
}

export type PaymentPreparedEvent = TypedEvent<typeof PaymentEvents.Prepared, PaymentPreparedPayload>;
export type PaymentPaidEvent = TypedEvent<typeof PaymentEvents.Paid, PaymentPaidPayload>;
export type PaymentFailedEvent = TypedEvent<typeof PaymentEvents.Failed, PaymentFailedPayload>;
export type PaymentCancelledEvent = TypedEvent<typeof PaymentEvents.Cancelled, PaymentCancelledPayload>;
export type PaymentRefundRejectedEvent = TypedEvent<typeof PaymentEvents.RefundRejected, PaymentRefundRejectedPayload>;
export type PaymentCardLeftUnusedEvent = TypedEvent<typeof PaymentEvents.CardLeftUnused, PaymentCardLeftUnusedPayload>;
/** Every event a payment records. */
export type PaymentEvent = PaymentPreparedEvent | PaymentPaidEvent | PaymentFailedEvent | PaymentCancelledEvent | PaymentRefundRejectedEvent | PaymentCardLeftUnusedEvent;

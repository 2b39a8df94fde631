import type { FailureCode, PaymentPurpose } from './payment.entity';

export const PaymentEvents = {
  Prepared: 'PaymentPrepared',
  Paid: 'PaymentPaid',
  Failed: 'PaymentFailed',
  Cancelled: 'PaymentCancelled',
} as const;

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
}

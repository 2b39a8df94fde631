import type { Payment } from '../domain/payment.entity';

/**
 * Applies a paid payment to what it bought (the membership), inside the unit of work that records
 * it paid: one transaction holds both, so a paid payment is never seen unfulfilled after a commit.
 * Marks the payment fulfilled without saving it (its caller saves it once); leaves it unfulfilled
 * when it cannot apply it, for the after-commit handler and the relay to try again.
 */
export interface PaymentFulfilment {
  /** Answers what the payment bought (for the caller's answer), or null when it applied nothing. */
  fulfilInTransaction(payment: Payment): Promise<unknown>;
}

import type { Plan } from '../../pricing/pricing.api';

export interface BoughtPeriod {
  start: Date;
  end: Date;
}

/** Who buys, as the checkout answer names them (the PG's window shows it). */
export interface Buyer {
  id: string;
  name: string;
  email: string;
}

export interface CheckoutPreflightQuestion {
  userId: string;
  plan: Plan;
  /** When the order is made: the period is the one it buys if paid now. */
  at: Date;
  /** Open purchases created at or after this count (the open-orders window). */
  openSince: Date;
}

export interface CheckoutFacts {
  buyer: Buyer;
  /** As PaymentRepository.countOpenPurchases counts them. */
  openPurchases: number;
  /** What `plan` buys if paid at `at`: from the end of the buyer's live membership, else from `at` (the page shows it). */
  period: BoughtPeriod;
}

/**
 * What a checkout knows before it calls the gateway, in one read (one statement on a database: issue
 * 16's statement budget): the buyer, their open purchases and the period the plan buys. Null when the
 * buyer has no live account (unknown or deleted). The membership module answers: payment knows no
 * memberships.
 */
export interface CheckoutPreflight {
  read(question: CheckoutPreflightQuestion): Promise<CheckoutFacts | null>;
}

import type { Plan } from '../../pricing/pricing.api';

export interface BoughtPeriod {
  start: Date;
  end: Date;
}

/**
 * The period an order for `plan` buys if it is paid at `at` (the page shows it before the window
 * opens). The membership module answers: payment knows no memberships.
 */
export interface BoughtPeriods {
  periodBoughtBy(userId: string, plan: Plan, at: Date): Promise<BoughtPeriod>;
}

import type { BoughtPeriod, BoughtPeriods } from '../../payment/payment.api';
import type { Plan } from '../../pricing/pricing.api';
import type { BusinessCalendar } from '../../shared/domain/business-calendar';
import { periodBoughtBy } from '../domain/membership.entity';
import type { MembershipRepository } from './membership-repository.port';

/** Payment's BoughtPeriods: from the end of the buyer's live membership, else from `at`. */
export class MembershipBoughtPeriods implements BoughtPeriods {
  constructor(
    private readonly memberships: MembershipRepository,
    private readonly calendar: BusinessCalendar,
  ) {}

  async periodBoughtBy(userId: string, plan: Plan, at: Date): Promise<BoughtPeriod> {
    const live = await this.memberships.findLiveByUserId(userId);
    return periodBoughtBy(live, plan, at, this.calendar);
  }
}

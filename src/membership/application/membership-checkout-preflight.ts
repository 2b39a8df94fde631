import { isDeletedUser, type UserRepository } from '../../identity/identity.api';
import type { CheckoutFacts, CheckoutPreflight, CheckoutPreflightQuestion, PaymentRepository } from '../../payment/payment.api';
import type { BusinessCalendar } from '../../shared/domain/business-calendar';
import { periodBoughtBy } from '../domain/membership.entity';
import type { MembershipRepository } from './membership-repository.port';

/** Payment's CheckoutPreflight through the repositories (three reads): the memory persistence's; KnexCheckoutPreflight reads the same in one. */
export class MembershipCheckoutPreflight implements CheckoutPreflight {
  constructor(
    private readonly users: UserRepository,
    private readonly payments: PaymentRepository,
    private readonly memberships: MembershipRepository,
    private readonly calendar: BusinessCalendar,
  ) {}

  async read({ userId, plan, at, openSince }: CheckoutPreflightQuestion): Promise<CheckoutFacts | null> {
    const user = await this.users.findById(userId);
    if (!user || isDeletedUser(user)) return null;
    const live = await this.memberships.findLiveByUserId(userId);
    return {
      buyer: { id: user.id, name: user.name, email: user.email },
      openPurchases: await this.payments.countOpenPurchases(userId, openSince),
      period: periodBoughtBy(live, plan, at, this.calendar),
    };
  }
}

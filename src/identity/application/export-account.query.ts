import type { MembershipRepository } from '../../membership/application/membership-repository.port';
import type { Membership } from '../../membership/domain/membership.entity';
import type { PaymentRepository } from '../../payment/application/payment-repository.port';
import type { Payment } from '../../payment/domain/payment.entity';
import type { User } from '../domain/user.entity';
import { UnauthenticatedError } from './identity.errors';
import type { UserRepository } from './user-repository.port';

export interface AccountExport {
  user: User;
  memberships: Membership[];
  payments: Payment[];
}

/** `GET /api/me/export`: everything memberpay holds about the member (PIPA art. 35), as it holds it. */
export class ExportAccount {
  constructor(
    private readonly users: UserRepository,
    private readonly memberships: MembershipRepository,
    private readonly payments: PaymentRepository,
  ) {}

  async execute(userId: string): Promise<AccountExport> {
    const user = await this.users.findById(userId);
    if (!user) throw new UnauthenticatedError();
    return { user, memberships: await this.memberships.listByUserId(userId), payments: await this.payments.listByUser(userId) };
  }
}

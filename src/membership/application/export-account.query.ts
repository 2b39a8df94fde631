import { UnauthenticatedError, type User, type UserRepository } from '../../identity/identity.api';
import type { Payment, PaymentRepository } from '../../payment/payment.api';
import type { Membership } from '../domain/membership.entity';
import type { MembershipRepository } from './membership-repository.port';

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

import type { Clock } from '../../shared/application/clock.port';
import type { MembershipRepository } from './membership-repository.port';
import type { Membership } from '../domain/membership.entity';
import { UnauthenticatedError, type User, type UserRepository } from '../../identity/identity.api';

export interface Account {
  user: User;
  /** The seed's `payment_status`: on while the membership grants access. */
  paymentStatus: 'on' | 'off';
  /** The live membership, else the latest one, else null. */
  membership: Membership | null;
}

/** What `/api/me` shows: who is logged in and where their membership stands. */
export class GetAccount {
  constructor(
    private readonly users: UserRepository,
    private readonly memberships: MembershipRepository,
    private readonly clock: Clock,
  ) {}

  async execute(userId: string): Promise<Account> {
    const user = await this.users.findById(userId);
    if (!user) throw new UnauthenticatedError();
    const membership = (await this.memberships.findLiveByUserId(userId)) ?? (await this.memberships.findLatestByUserId(userId));
    return { user, paymentStatus: membership?.grantsAccess(this.clock.now()) ? 'on' : 'off', membership };
  }
}

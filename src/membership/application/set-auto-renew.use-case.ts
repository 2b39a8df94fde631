import type { Clock } from '../../shared/application/clock.port';
import { retryOnConflict } from '../../shared/application/retry-on-conflict';
import type { UnitOfWork } from '../../shared/application/unit-of-work.port';
import type { Membership } from '../domain/membership.entity';
import { NoActiveMembershipError } from '../domain/membership.errors';
import type { MembershipRepository } from './membership-repository.port';

/** Turning auto-renew off keeps the stored card until the membership ends; on needs a stored card (409 no_billing_key otherwise). */
export class SetAutoRenew {
  constructor(
    private readonly memberships: MembershipRepository,
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  async execute(userId: string, enabled: boolean): Promise<Membership> {
    return retryOnConflict(() =>
      this.uow.run(async () => {
        const membership = await this.memberships.findLiveByUserId(userId);
        if (!membership) throw new NoActiveMembershipError();
        membership.setAutoRenew(enabled, this.clock.now());
        await this.memberships.save(membership);
        return membership;
      }),
    );
  }
}

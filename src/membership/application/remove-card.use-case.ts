import type { Clock } from '../../shared/application/clock.port';
import { retryOnConflict } from '../../shared/application/retry-on-conflict';
import type { UnitOfWork } from '../../shared/application/unit-of-work.port';
import type { Membership } from '../domain/membership.entity';
import { NoActiveMembershipError } from '../domain/membership.errors';
import type { MembershipRepository } from './membership-repository.port';

/**
 * `DELETE /api/membership/card`: auto-renew off and the stored card forgotten. The gateway deletes
 * it after the commit (ReleaseBillingKey on MembershipCardRemoved, before this answers; the outbox
 * retries when the gateway could not answer), never inside the transaction.
 */
export class RemoveCard {
  constructor(
    private readonly memberships: MembershipRepository,
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  async execute(userId: string): Promise<Membership> {
    return retryOnConflict(() =>
      this.uow.run(async () => {
        const membership = await this.memberships.findLiveByUserId(userId);
        if (!membership) throw new NoActiveMembershipError();
        membership.removeCard(this.clock.now());
        await this.memberships.save(membership);
        return membership;
      }),
    );
  }
}

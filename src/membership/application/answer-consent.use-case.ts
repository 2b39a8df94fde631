import type { PlanCatalog } from '../../pricing/pricing.api';
import type { Clock } from '../../shared/application/clock.port';
import { retryOnConflict } from '../../shared/application/retry-on-conflict';
import type { UnitOfWork } from '../../shared/application/unit-of-work.port';
import { CONSENT_WORDING_VERSION, type ConsentRequest } from '../domain/consent-request.entity';
import type { Membership } from '../domain/membership.entity';
import { ConsentNotFoundError, NoActiveMembershipError } from '../domain/membership.errors';
import { mootReasonOf } from './consent-mootness';
import type { ConsentRequestRepository } from './consent-request-repository.port';
import type { MembershipRepository } from './membership-repository.port';
import type { PlanPrices } from './plan-prices';

export interface ConsentAnswered {
  request: ConsentRequest;
  membership: Membership;
}

/**
 * The member's explicit answer to a consent request, recorded with time, prices, channel and
 * wording version. Accepting raises what renewals may charge to the new price; declining ends
 * auto-renew now, so the membership ends at the period end and nothing higher is ever charged. A request
 * that no longer asks about the next charge (a purchase paid for its period, the rise withdrawn or
 * already consented to) is closed as moot instead and the membership left as it is: declining a charge
 * that will not be made ends nothing, and accepting it must not set the ceiling to an amount meant for
 * another charge. It is asked again should that charge be due once more.
 */
export class AnswerConsent {
  constructor(
    private readonly consents: ConsentRequestRepository,
    private readonly memberships: MembershipRepository,
    private readonly catalog: PlanCatalog,
    private readonly prices: PlanPrices,
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  async execute(userId: string, requestId: string, accept: boolean): Promise<ConsentAnswered> {
    return retryOnConflict(() =>
      this.uow.run(async () => {
        const request = await this.consents.findById(requestId);
        if (!request || request.userId !== userId) throw new ConsentNotFoundError(requestId);
        const membership = await this.memberships.findById(request.membershipId);
        if (!membership || !membership.isLive) throw new NoActiveMembershipError();
        const now = this.clock.now();
        const moot = request.isOpen(now) ? mootReasonOf(request, membership, this.catalog, await this.prices.snapshot(this.catalog.list())) : null;
        if (moot) {
          request.closeAsMoot(moot);
          await this.consents.save(request);
          return { request, membership };
        }
        request.answer(accept, 'web', CONSENT_WORDING_VERSION, now);
        if (accept) membership.consentTo(request.newAmount, now);
        else membership.stopRenewalWithoutConsent(now);
        await this.consents.save(request);
        await this.memberships.save(membership);
        return { request, membership };
      }),
    );
  }
}

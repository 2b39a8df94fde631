import type { Clock } from '../../shared/application/clock.port';
import { retryOnConflict } from '../../shared/application/retry-on-conflict';
import type { UnitOfWork } from '../../shared/application/unit-of-work.port';
import { CONSENT_WORDING_VERSION, type ConsentRequest } from '../domain/consent-request.entity';
import type { Membership } from '../domain/membership.entity';
import { ConsentNotFoundError, NoActiveMembershipError } from '../domain/membership.errors';
import type { ConsentRequestRepository } from './consent-request-repository.port';
import type { MembershipRepository } from './membership-repository.port';

export interface ConsentAnswered {
  request: ConsentRequest;
  membership: Membership;
}

/**
 * The member's explicit answer to a consent request, recorded with time, prices, channel and
 * wording version. Accepting raises what renewals may charge to the new price; declining ends
 * auto-renew now, so the membership ends at the period end and nothing higher is ever charged.
 */
export class AnswerConsent {
  constructor(
    private readonly consents: ConsentRequestRepository,
    private readonly memberships: MembershipRepository,
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

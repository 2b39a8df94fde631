import type { MembershipRepository } from '../application/membership-repository.port';
import { Membership } from '../domain/membership.entity';
import { currentMembership } from './current-membership';
import { presentMembership } from './membership.presenter';

/**
 * The membership a payment answer shows (payment's `membershipAnswer`): the one the payment just
 * bought while it is live, else the buyer's current one, else null.
 */
export function membershipAnswer(memberships: MembershipRepository) {
  return async (userId: string, bought: unknown): Promise<Record<string, unknown> | null> => {
    const membership = bought instanceof Membership && bought.isLive ? bought : await currentMembership(memberships, userId);
    return membership ? presentMembership(membership) : null;
  };
}

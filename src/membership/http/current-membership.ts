import type { MembershipRepository } from '../application/membership-repository.port';
import type { Membership } from '../domain/membership.entity';

/** The membership an answer shows: the live one, else the latest, else none. */
export async function currentMembership(memberships: MembershipRepository, userId: string): Promise<Membership | null> {
  return (await memberships.findLiveByUserId(userId)) ?? (await memberships.findLatestByUserId(userId));
}

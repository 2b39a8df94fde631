import { ConcurrencyConflictError } from '../../../shared/domain/domain-error';
import { ConflictError } from '../../../shared/domain/conflict-error';
import type { TransactionContext } from '../../../shared/infrastructure/transaction-context';
import { MemoryAggregateStore } from '../../../shared/infrastructure/memory/memory-aggregate-store';
import type { MembershipRepository, PlanPriceBound } from '../../application/membership-repository.port';
import { Membership, type MembershipProps } from '../../domain/membership.entity';

const isLive = (row: MembershipProps) => row.status === 'active' || row.status === 'past_due';

export class MemoryMembershipRepository implements MembershipRepository {
  private readonly store: MemoryAggregateStore<Membership, MembershipProps>;

  constructor(context: TransactionContext) {
    this.store = new MemoryAggregateStore('membership', context, (m) => m.toProps(), Membership.restore);
  }

  async findById(id: string): Promise<Membership | null> {
    return this.store.get(id);
  }

  async findLiveByUserId(userId: string): Promise<Membership | null> {
    return this.store.filter((row) => row.userId === userId && isLive(row))[0] ?? null;
  }

  async findLatestByUserId(userId: string): Promise<Membership | null> {
    return this.store.filter((row) => row.userId === userId).at(-1) ?? null;
  }

  async listByUserId(userId: string): Promise<Membership[]> {
    return this.store.filter((row) => row.userId === userId);
  }

  async listDueForRenewal(asOf: Date, limit: number, after?: Membership): Promise<Membership[]> {
    // (nextChargeAt, id) order, as the SQL adapter sorts and pages.
    const compare = (a: { nextChargeAt: Date | null; id: string }, b: { nextChargeAt: Date | null; id: string }) =>
      (a.nextChargeAt as Date).getTime() - (b.nextChargeAt as Date).getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
    return this.store
      .filter((row) => isLive(row) && row.nextChargeAt !== null && row.nextChargeAt <= asOf && (!after?.nextChargeAt || compare(row, after) > 0))
      .sort(compare)
      .slice(0, limit);
  }

  async claimDueForRenewal(asOf: Date, now: Date, leaseUntil: Date, limit: number): Promise<Membership[]> {
    const due = (await this.listDueForRenewal(asOf, Number.MAX_SAFE_INTEGER)).filter((m) => m.isRenewalDue(asOf, now)).slice(0, limit);
    const claimed: Membership[] = [];
    for (const membership of due) {
      membership.leaseRenewal(leaseUntil, now);
      try {
        await this.save(membership);
        claimed.push(membership);
      } catch (error) {
        if (!(error instanceof ConcurrencyConflictError)) throw error; // a concurrent claim took it first: skip it, as SKIP LOCKED does
      }
    }
    return claimed;
  }

  async anyClaimableForRenewal(asOf: Date, now: Date): Promise<boolean> {
    return (await this.listDueForRenewal(asOf, Number.MAX_SAFE_INTEGER)).some((m) => m.isRenewalDue(asOf, now));
  }

  async listOver(asOf: Date, limit: number): Promise<Membership[]> {
    return this.store.filter((row) => isLive(row) && row.nextChargeAt === null && row.periodEnd <= asOf).slice(0, limit);
  }

  async listMayNeedConsent(horizon: Date, prices: PlanPriceBound[], limit: number, after?: Membership): Promise<Membership[]> {
    const bounds = new Map(prices.map((b) => [b.planId, b]));
    return (await this.listDueForRenewal(horizon, Number.MAX_SAFE_INTEGER, after)).filter((m) => {
      if (!m.autoRenew) return false;
      if (m.periodNo === 0 && m.trialEndsAt !== null) return true;
      const bound = bounds.get(m.planId);
      const ceiling = m.toProps().consentedAmount;
      return bound !== undefined && (ceiling === null ? bound.configured < bound.highest : ceiling < bound.highest);
    }).slice(0, limit);
  }

  async hasHadTrial(userId: string, planId: string): Promise<boolean> {
    return this.store.filter((row) => row.userId === userId && row.trialPlanId === planId).length > 0;
  }

  async save(membership: Membership): Promise<void> {
    this.store.save(membership, (others) => {
      if (membership.isLive && others.some((row) => row.userId === membership.userId && isLive(row))) {
        throw new ConflictError('memberships_one_live_per_user', `user ${membership.userId} already has a live membership`);
      }
    });
  }
}

import type { Knex } from 'knex';
import { ConflictError } from '../../shared/domain/conflict-error';
import { ConcurrencyConflictError } from '../../shared/domain/domain-error';
import { isDuplicatePrimaryKey, type UniqueRule, violatedUniqueRule } from '../../shared/infrastructure/knex/database-errors';
import type { KnexDatabase } from '../../shared/infrastructure/knex/knex-database';
import { currentDb, writeAtomically } from '../../shared/infrastructure/knex/knex-scope';
import type { TransactionContext } from '../../shared/infrastructure/transaction-context';
import type { MembershipRepository, PlanPriceBound } from '../application/membership-repository.port';
import type { Membership } from '../domain/membership.entity';
import { membershipMapper, type MembershipRow } from './membership.mapper';

/** The statuses of a live membership (at most one per user: `memberships_one_live_per_user`). */
export const LIVE = ['active', 'past_due'];
const UNIQUE_RULES: UniqueRule[] = [{ name: 'memberships_one_live_per_user', sqliteColumns: 'memberships.user_id' }];

/** Memberships a renewal claim may lease: live, renewing by billing key, due at `asOf`, their lease (if any) over at `now`. */
function claimable(query: Knex.QueryBuilder, asOf: Date, now: Date): Knex.QueryBuilder {
  return query
    .whereIn('status', LIVE).andWhere('auto_renew', true).whereNotNull('billing_key')
    .whereNotNull('next_charge_at').andWhere('next_charge_at', '<=', asOf)
    .andWhere((free) => free.whereNull('renewal_lease_until').orWhere('renewal_lease_until', '<=', now));
}

export class KnexMembershipRepository implements MembershipRepository {
  constructor(
    private readonly database: KnexDatabase,
    private readonly context: TransactionContext,
  ) {}

  async findById(id: string): Promise<Membership | null> {
    return (await this.load((q) => q.where({ id })))[0] ?? null;
  }

  async findLiveByUserId(userId: string): Promise<Membership | null> {
    return (await this.load((q) => q.where({ user_id: userId }).whereIn('status', LIVE).limit(1)))[0] ?? null;
  }

  async findLatestByUserId(userId: string): Promise<Membership | null> {
    return (await this.load((q) => q.where({ user_id: userId }).orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id', order: 'desc' }]).limit(1)))[0] ?? null;
  }

  async listByUserId(userId: string): Promise<Membership[]> {
    return this.load((q) => q.where({ user_id: userId }).orderBy([{ column: 'created_at', order: 'asc' }, { column: 'id', order: 'asc' }]));
  }

  async listDueForRenewal(asOf: Date, limit: number, after?: Membership): Promise<Membership[]> {
    return this.load((q) => {
      q.whereIn('status', LIVE).whereNotNull('next_charge_at').andWhere('next_charge_at', '<=', asOf);
      const from = after?.nextChargeAt;
      if (after && from) q.andWhere((w) => w.where('next_charge_at', '>', from).orWhere((same) => same.where('next_charge_at', from).andWhere('id', '>', after.id)));
      return q.orderBy([{ column: 'next_charge_at', order: 'asc' }, { column: 'id', order: 'asc' }]).limit(limit);
    });
  }

  async claimDueForRenewal(asOf: Date, now: Date, leaseUntil: Date, limit: number): Promise<Membership[]> {
    const claimed = await writeAtomically(this.database, this.context, async (db) => {
      let query = claimable(db('memberships').select('*'), asOf, now)
        .orderBy([{ column: 'next_charge_at', order: 'asc' }, { column: 'id', order: 'asc' }])
        .limit(limit);
      // Another instance's claim in progress is skipped, not waited for.
      if (this.database.locksRows) query = query.forUpdate().skipLocked();
      const rows: MembershipRow[] = await query;
      if (rows.length === 0) return [];
      // One statement for the batch keeps the rows locked for as short a time as possible.
      await db('memberships').whereIn('id', rows.map((row) => row.id))
        .update({ renewal_lease_until: leaseUntil, updated_at: now, version: db.raw('version + 1') });
      return rows.map((row) => membershipMapper.toAggregate({ ...row, renewal_lease_until: leaseUntil, updated_at: now }));
    });
    // Restored at the version read; markSaved moves each to the version just written.
    for (const membership of claimed) {
      this.context.track(membership);
      membership.markSaved();
    }
    return claimed;
  }

  async anyClaimableForRenewal(asOf: Date, now: Date): Promise<boolean> {
    return (await claimable(currentDb(this.database, this.context)('memberships').first('id'), asOf, now)) !== undefined;
  }

  async listOver(asOf: Date, limit: number): Promise<Membership[]> {
    return this.load((q) =>
      q.whereIn('status', LIVE).whereNull('next_charge_at').andWhere('period_end', '<=', asOf)
        .orderBy([{ column: 'period_end', order: 'asc' }, { column: 'id', order: 'asc' }]).limit(limit));
  }

  async listMayNeedConsent(horizon: Date, prices: PlanPriceBound[], limit: number, after?: Membership): Promise<Membership[]> {
    return this.load((q) => {
      q.whereIn('status', LIVE).andWhere('auto_renew', true).whereNotNull('next_charge_at').andWhere('next_charge_at', '<=', horizon);
      q.andWhere((may) => {
        may.where((trial) => trial.where('period_no', 0).whereNotNull('trial_ends_at'));
        for (const bound of prices) {
          may.orWhere((plan) => plan.where('plan_id', bound.planId).andWhere((below) => {
            below.where('consented_amount', '<', bound.highest);
            if (bound.configured < bound.highest) below.orWhereNull('consented_amount');
          }));
        }
      });
      const from = after?.nextChargeAt;
      if (after && from) q.andWhere((w) => w.where('next_charge_at', '>', from).orWhere((same) => same.where('next_charge_at', from).andWhere('id', '>', after.id)));
      return q.orderBy([{ column: 'next_charge_at', order: 'asc' }, { column: 'id', order: 'asc' }]).limit(limit);
    });
  }

  async hasHadTrial(userId: string, planId: string): Promise<boolean> {
    return (await currentDb(this.database, this.context)('memberships').where({ user_id: userId, trial_plan_id: planId }).first('id')) !== undefined;
  }

  async save(membership: Membership): Promise<void> {
    // Outside a unit of work an aggregate with events cannot be saved: check before writing anything.
    if (!this.context.current()) this.context.track(membership);
    await this.write(currentDb(this.database, this.context), membership);
    this.context.track(membership);
    membership.markSaved();
  }

  /** Inserts version 0 or updates the version as loaded; the caller marks the aggregate saved once the write holds. */
  private async write(db: Knex, membership: Membership): Promise<void> {
    const row = membershipMapper.toRow(membership, membership.version + 1);
    try {
      if (membership.version === 0) {
        await db('memberships').insert(row);
      } else {
        const { id, ...changes } = row;
        const updated = await db('memberships').where({ id, version: membership.version }).update(changes);
        if (updated === 0) throw new ConcurrencyConflictError('membership', membership.id);
      }
    } catch (error) {
      throw this.translate(error, membership);
    }
  }

  private translate(error: unknown, membership: Membership): unknown {
    if (error instanceof ConcurrencyConflictError) return error;
    const rule = violatedUniqueRule(error, UNIQUE_RULES);
    if (rule) return new ConflictError(rule, `user ${membership.userId} already has a live membership`);
    if (isDuplicatePrimaryKey(error, 'memberships.id')) return new ConcurrencyConflictError('membership', membership.id);
    return error;
  }

  private async load(query: (q: Knex.QueryBuilder) => Knex.QueryBuilder): Promise<Membership[]> {
    const rows: MembershipRow[] = await query(currentDb(this.database, this.context)('memberships').select('*'));
    return rows.map((row) => membershipMapper.toAggregate(row));
  }
}

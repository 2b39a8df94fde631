import type { Membership } from '../domain/membership.entity';

/** The highest price a plan's renewals may meet in a window, beside its configured amount. */
export interface PlanPriceBound {
  planId: string;
  highest: number;
  configured: number;
}

export interface MembershipRepository {
  findById(id: string): Promise<Membership | null>;
  /** The user's active or past-due membership (at most one exists). */
  findLiveByUserId(userId: string): Promise<Membership | null>;
  /** The user's latest membership, live or not. */
  findLatestByUserId(userId: string): Promise<Membership | null>;
  /** Every membership the user ever had, oldest first (their data export, account deletion). */
  listByUserId(userId: string): Promise<Membership[]>;
  /**
   * Live memberships with a charge due at or before `asOf`, in (nextChargeAt, id) order; with
   * `after`, only those past that point of the order (the last of the previous page).
   */
  listDueForRenewal(asOf: Date, limit: number, after?: Membership): Promise<Membership[]>;
  /**
   * Leases up to `limit` memberships due at `asOf` and not leased at `now` until `leaseUntil`, and
   * returns them as leased (version advanced). Concurrent callers never get the same membership
   * (FOR UPDATE SKIP LOCKED on MySQL, MariaDB and PostgreSQL).
   */
  claimDueForRenewal(asOf: Date, now: Date, leaseUntil: Date, limit: number): Promise<Membership[]>;
  /** Whether a claim at (asOf, now) has anything to lease, rows another claim has locked this moment included. */
  anyClaimableForRenewal(asOf: Date, now: Date): Promise<boolean>;
  /** Live memberships whose period has ended at `asOf` with nothing to charge. */
  listOver(asOf: Date, limit: number): Promise<Membership[]>;
  /**
   * Renewing memberships with a charge due by `horizon` that may need a consent or a trial notice:
   * in their trial, or with a ceiling below the highest price `prices` names for their plan (a
   * ceiling never recorded counts as the plan's configured amount). In (nextChargeAt, id) order,
   * paged with `after` as listDueForRenewal is: a run reads only the few that matter.
   */
  listMayNeedConsent(horizon: Date, prices: PlanPriceBound[], limit: number, after?: Membership): Promise<Membership[]>;
  /** Whether the user ever had a free trial of the plan (one per member per plan). */
  hasHadTrial(userId: string, planId: string): Promise<boolean>;
  /** Inserts or updates, refusing a stale version (ConcurrencyConflictError) and a second live membership per user. */
  save(membership: Membership): Promise<void>;
}

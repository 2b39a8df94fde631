import type { Membership } from '../domain/membership.entity';

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
  /** Inserts or updates, refusing a stale version (ConcurrencyConflictError) and a second live membership per user. */
  save(membership: Membership): Promise<void>;
}

import type { ConsentRequest } from '../domain/consent-request.entity';

export interface ConsentRequestRepository {
  findById(id: string): Promise<ConsentRequest | null>;
  /** The member's requests, newest first. */
  listByUser(userId: string): Promise<ConsentRequest[]>;
  /** The request for this (membership, period, price), whatever its status: at most one exists. */
  findFor(membershipId: string, periodNo: number, newAmount: number): Promise<ConsentRequest | null>;
  /** Pending requests whose deadline is at or before `asOf`. */
  listExpiring(asOf: Date, limit: number): Promise<ConsentRequest[]>;
  /** Inserts or updates, refusing a stale version and a second request for the same (membership, period, price) (ConflictError). */
  save(request: ConsentRequest): Promise<void>;
}

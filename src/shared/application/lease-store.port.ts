/**
 * Named leases shared by every instance on one database: a short, self-expiring exclusive hold,
 * for work that must not run twice at once anywhere (one buyer's checkout across instances).
 * Leases run in real time, whatever the test clock says: they guard processes, not business periods.
 */
export interface LeaseStore {
  /** Takes `name` for `holder` for `ttlMs` when no one holds it or the last hold ran out; true when taken. */
  acquire(name: string, holder: string, ttlMs: number): Promise<boolean>;
  /** Gives `name` back if `holder` still holds it (a hold that ran out and was taken since stays with its new holder). */
  release(name: string, holder: string): Promise<void>;
}

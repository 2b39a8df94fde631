import type { ClaimOutcome, IdempotencyRecord, IdempotencyStore } from '../../application/idempotency-store.port';

const id = (scope: string, key: string) => JSON.stringify([scope, key]);

/** JavaScript runs one callback at a time, so check-then-insert here is as atomic as the unique index. */
export class MemoryIdempotencyStore implements IdempotencyStore {
  private readonly records = new Map<string, IdempotencyRecord>();

  async claim(record: Omit<IdempotencyRecord, 'statusCode' | 'responseBody'>, staleBefore: Date): Promise<ClaimOutcome> {
    const existing = this.records.get(id(record.scope, record.key));
    const released = existing && (existing.expiresAt <= record.createdAt || (existing.statusCode === null && existing.createdAt < staleBefore));
    if (existing && !released) return { claimed: false, existing: { ...existing } };
    this.records.set(id(record.scope, record.key), { ...record, statusCode: null, responseBody: null });
    return { claimed: true };
  }

  async complete(scope: string, key: string, statusCode: number, responseBody: string | null): Promise<void> {
    const record = this.records.get(id(scope, key));
    if (record) Object.assign(record, { statusCode, responseBody });
  }

  async forgetUser(userId: string): Promise<void> {
    for (const [recordId, record] of this.records) {
      if (record.scope.startsWith(`user:${userId} `) || record.responseBody?.includes(`"id":"${userId}"`)) this.records.delete(recordId);
    }
  }

  async release(scope: string, key: string): Promise<void> {
    this.records.delete(id(scope, key));
  }

  async purgeExpired(now: Date): Promise<number> {
    let purged = 0;
    for (const [recordId, record] of this.records) {
      if (record.expiresAt <= now) {
        this.records.delete(recordId);
        purged += 1;
      }
    }
    return purged;
  }
}

/** One `Idempotency-Key` use: the request's fingerprint and, once answered, its answer. */
export interface IdempotencyRecord {
  /** Who and where: `user:<id>` or `ip:<addr>`, plus the method and route. */
  scope: string;
  key: string;
  /** A hash of the normalised request body: the same key with another body is refused. */
  fingerprint: string;
  /** Null while the first request is still running. */
  statusCode: number | null;
  /** The answer's JSON text (null while running, or for an answer without a body). */
  responseBody: string | null;
  createdAt: Date;
  expiresAt: Date;
}

export type ClaimOutcome = { claimed: true } | { claimed: false; existing: IdempotencyRecord };

/**
 * Claims are inserts that fail on the unique (scope, key): two concurrent requests with one key
 * can never both run. An expired record, or an in-flight one older than `staleBefore` (its
 * process died), no longer holds the key.
 */
export interface IdempotencyStore {
  claim(record: Omit<IdempotencyRecord, 'statusCode' | 'responseBody'>, staleBefore: Date): Promise<ClaimOutcome>;
  /** Stores the answer of a claimed key. */
  complete(scope: string, key: string, statusCode: number, responseBody: string | null): Promise<void>;
  /** Frees a claimed key without an answer (a 5xx: the client may try again). */
  release(scope: string, key: string): Promise<void>;
  /**
   * Deletes the records of a deleted account: those in its scope (`user:<id>`) and any other whose
   * answer names it (a signup's or login's `user`), so no kept answer carries its personal data.
   * In the open unit of work, if any.
   */
  forgetUser(userId: string): Promise<void>;
  /** Deletes records expired at `now`; answers how many. */
  purgeExpired(now: Date): Promise<number>;
}

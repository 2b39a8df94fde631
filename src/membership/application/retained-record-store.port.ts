import type { RetainedRecord } from '../domain/retention';

/** Separate, restricted storage for what the law makes us keep after an account is deleted. */
export interface RetainedRecordStore {
  add(records: RetainedRecord[]): Promise<void>;
  listBySubject(subjectId: string): Promise<RetainedRecord[]>;
  /** Deletes the records whose retention ended at or before `now`; answers how many. */
  purgeExpired(now: Date): Promise<number>;
}

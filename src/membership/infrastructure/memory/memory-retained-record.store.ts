import type { RetainedRecordStore } from '../../application/retained-record-store.port';
import type { RetainedRecord } from '../../domain/retention';

export class MemoryRetainedRecordStore implements RetainedRecordStore {
  private records: RetainedRecord[] = [];

  async add(records: RetainedRecord[]): Promise<void> {
    this.records.push(...records.map((r) => structuredClone(r)));
  }

  async listBySubject(subjectId: string): Promise<RetainedRecord[]> {
    return this.records.filter((r) => r.subjectId === subjectId).map((r) => structuredClone(r));
  }

  async purgeExpired(now: Date): Promise<number> {
    const before = this.records.length;
    this.records = this.records.filter((r) => r.purgeAfter > now);
    return before - this.records.length;
  }
}

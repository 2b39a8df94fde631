import { type KnexDatabase, readJson, readTime } from '../../shared/infrastructure/knex/knex-database';
import { currentDb } from '../../shared/infrastructure/knex/knex-scope';
import type { TransactionContext } from '../../shared/infrastructure/transaction-context';
import type { RetainedRecordStore } from '../application/retained-record-store.port';
import type { RetainedRecord, RetentionClass } from '../domain/retention';

interface RetainedRow {
  id: string;
  retention_class: string;
  subject_id: string;
  kind: string;
  record_ref: string;
  payload: unknown;
  retained_at: unknown;
  purge_after: unknown;
}

/** `retained_records`: written in the deletion's transaction, so an account is never half moved. */
export class KnexRetainedRecordStore implements RetainedRecordStore {
  constructor(
    private readonly database: KnexDatabase,
    private readonly context: TransactionContext,
  ) {}

  async add(records: RetainedRecord[]): Promise<void> {
    if (records.length === 0) return;
    await currentDb(this.database, this.context)('retained_records').insert(records.map((r) => ({
      id: r.id, retention_class: r.retentionClass, subject_id: r.subjectId, kind: r.kind, record_ref: r.recordRef,
      payload: JSON.stringify(r.payload), retained_at: r.retainedAt, purge_after: r.purgeAfter,
    })));
  }

  async listBySubject(subjectId: string): Promise<RetainedRecord[]> {
    const rows: RetainedRow[] = await currentDb(this.database, this.context)('retained_records').where({ subject_id: subjectId }).orderBy('id');
    return rows.map((row) => ({
      id: row.id, retentionClass: row.retention_class as RetentionClass, subjectId: row.subject_id, kind: row.kind, recordRef: row.record_ref,
      payload: readJson<Record<string, unknown>>(row.payload), retainedAt: readTime(row.retained_at), purgeAfter: readTime(row.purge_after),
    }));
  }

  async purgeExpired(now: Date): Promise<number> {
    return currentDb(this.database, this.context)('retained_records').where('purge_after', '<=', now).delete();
  }
}

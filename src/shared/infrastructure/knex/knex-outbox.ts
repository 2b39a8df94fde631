import type { Outbox, OutboxEntry } from '../../application/event-bus.port';
import type { DomainEvent } from '../../domain/domain-event';
import type { TransactionContext } from '../transaction-context';
import { type KnexDatabase, readJson, readTime } from './knex-database';
import { currentDb } from './knex-scope';

interface DomainEventRow {
  seq?: number;
  id: string;
  type: string;
  aggregate_id: string;
  occurred_at: unknown;
  payload: string;
  delivered_at: unknown;
  claimed_until: unknown;
}

/** How long a relay owns the events it claimed before another may take them. */
const CLAIM_MS = 30_000;

/** The domain_events table: appended in the unit of work's transaction, delivered after commit. */
export class KnexOutbox implements Outbox {
  constructor(
    private readonly database: KnexDatabase,
    private readonly context: TransactionContext,
  ) {}

  async append(entries: OutboxEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const rows: DomainEventRow[] = entries.map(({ event, delivered, claimedUntil }) => ({
      id: event.id, type: event.type, aggregate_id: event.aggregateId, occurred_at: event.occurredAt,
      payload: JSON.stringify(event.payload), delivered_at: delivered ? event.occurredAt : null, claimed_until: claimedUntil ?? null,
    }));
    await currentDb(this.database, this.context)('domain_events').insert(rows);
  }

  async markDelivered(eventIds: string[]): Promise<void> {
    if (eventIds.length === 0) return;
    await currentDb(this.database, this.context)('domain_events').whereIn('id', eventIds).whereNull('delivered_at').update({ delivered_at: new Date() });
  }

  /** Claims in a transaction of its own; on MySQL, MariaDB and PostgreSQL rows another relay holds are skipped, not waited for. */
  async claimUndelivered(olderThan: Date, limit: number, now: Date, anyAgeTypes: string[] = []): Promise<DomainEvent[]> {
    return this.database.knex.transaction(async (trx) => {
      let query = trx('domain_events').select('*')
        .whereNull('delivered_at')
        .andWhere((w) => w.whereNull('claimed_until').orWhere('claimed_until', '<=', now))
        .andWhere((w) => (anyAgeTypes.length === 0 ? w.where('occurred_at', '<=', olderThan) : w.where('occurred_at', '<=', olderThan).orWhereIn('type', anyAgeTypes)))
        .orderBy('seq')
        .limit(limit);
      if (this.database.locksRows) query = query.forUpdate().skipLocked();
      const rows: DomainEventRow[] = await query;
      if (rows.length === 0) return [];
      await trx('domain_events').whereIn('seq', rows.map((r) => r.seq as number)).update({ claimed_until: new Date(now.getTime() + CLAIM_MS) });
      return rows.map(toEvent);
    });
  }
}

function toEvent(row: DomainEventRow): DomainEvent {
  return { id: row.id, type: row.type, aggregateId: row.aggregate_id, occurredAt: readTime(row.occurred_at), payload: readJson(row.payload) };
}

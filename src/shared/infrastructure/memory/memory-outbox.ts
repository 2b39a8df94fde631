import type { Outbox, OutboxEntry } from '../../application/event-bus.port';
import type { DomainEvent } from '../../domain/domain-event';
import type { TransactionContext } from '../transaction-context';

interface Entry {
  event: DomainEvent;
  deliveredAt: Date | null;
  claimedUntil: number;
}

const CLAIM_MS = 30_000;

export class MemoryOutbox implements Outbox {
  private readonly entries: Entry[] = [];

  constructor(private readonly context: TransactionContext) {}

  async append(entries: OutboxEntry[]): Promise<void> {
    const added = entries.map(({ event, delivered, claimedUntil }) => ({ event, deliveredAt: delivered ? event.occurredAt : null, claimedUntil: claimedUntil?.getTime() ?? 0 }));
    this.entries.push(...added);
    this.context.current()?.undo.push(() => {
      for (const entry of added) this.entries.splice(this.entries.indexOf(entry), 1);
    });
  }

  async markDelivered(eventIds: string[]): Promise<void> {
    const ids = new Set(eventIds);
    for (const entry of this.entries) if (ids.has(entry.event.id) && !entry.deliveredAt) entry.deliveredAt = new Date();
  }

  async claimUndelivered(olderThan: Date, limit: number, at: Date, anyAgeTypes: string[] = []): Promise<DomainEvent[]> {
    const now = at.getTime();
    const claimed = this.entries
      .filter((e) => !e.deliveredAt && e.claimedUntil <= now && (e.event.occurredAt <= olderThan || anyAgeTypes.includes(e.event.type)))
      .slice(0, limit);
    for (const entry of claimed) entry.claimedUntil = now + CLAIM_MS;
    return claimed.map((e) => e.event);
  }

  /** For tests: every event ever appended, delivered or not. */
  all(): Array<{ event: DomainEvent; delivered: boolean }> {
    return this.entries.map((e) => ({ event: e.event, delivered: e.deliveredAt !== null }));
  }
}

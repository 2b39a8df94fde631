import { AsyncLocalStorage } from 'node:async_hooks';
import type { BatchEventHandler, Delivery, EventBus, EventHandler, Outbox, SubscribeOptions } from '../application/event-bus.port';
import type { Logger } from '../application/logger.port';
import type { DomainEvent } from '../domain/domain-event';

/**
 * Delivers committed events to the handlers in this process. An event is marked delivered in the
 * outbox only when every handler succeeded; otherwise the relay delivers it again later.
 */
export class InProcessEventBus implements EventBus {
  private readonly delivered = new AsyncLocalStorage<string[]>();
  private unmarked: string[] = [];
  private nextMarking: Promise<void> | null = null;
  private readonly handlers = new Map<string, Array<{ name: string; handle: EventHandler; delivery: Delivery; many?: BatchEventHandler }>>();

  constructor(
    private readonly outbox: Outbox,
    private readonly logger: Logger,
  ) {}

  subscribe<E extends DomainEvent<unknown>>(eventType: E['type'], name: string, handle: EventHandler<E>, options: SubscribeOptions<E> = {}): void {
    const list = this.handlers.get(eventType) ?? [];
    if (list.some((h) => h.name === name)) return;
    // Only events of `eventType` reach it, and each carries the payload its type names.
    list.push({ name, handle: handle as EventHandler, delivery: options.delivery ?? 'after-commit', many: options.many as BatchEventHandler | undefined });
    this.handlers.set(eventType, list);
  }

  handles(eventType: string): boolean {
    return (this.handlers.get(eventType)?.length ?? 0) > 0;
  }

  awaitsDelivery(event: DomainEvent): boolean {
    return (this.handlers.get(event.type) ?? []).some((h) => !event.handledBy?.includes(h.name));
  }

  relayOnlyTypes(): string[] {
    return [...this.handlers].filter(([, list]) => list.every((h) => h.delivery === 'relay')).map(([type]) => type);
  }

  deliversAfterCommit(event: DomainEvent): boolean {
    return (this.handlers.get(event.type) ?? []).some((h) => h.delivery === 'after-commit' && !event.handledBy?.includes(h.name));
  }

  async publish(events: DomainEvent[]): Promise<void> {
    // A handler's own unit of work publishes its events from inside this call: the outermost
    // publish marks them all delivered in one write.
    const outer = this.delivered.getStore();
    if (outer) return this.deliver(events, outer);
    const delivered: string[] = [];
    await this.delivered.run(delivered, () => this.deliver(events, delivered));
    // A crash before this write only means the relay delivers again, and handlers are idempotent.
    await this.markDelivered(delivered);
  }

  /**
   * Publishes that finish together share one write (a group commit): the first schedules it for
   * the next turn of the event loop and the others join until it starts. Each caller still waits
   * for the write that holds its events.
   */
  private markDelivered(eventIds: string[]): Promise<void> {
    if (eventIds.length === 0) return Promise.resolve();
    this.unmarked.push(...eventIds);
    this.nextMarking ??= new Promise((resolve) => setImmediate(resolve)).then(() => {
      const batch = this.unmarked;
      this.unmarked = [];
      this.nextMarking = null;
      return this.outbox.markDelivered(batch);
    });
    return this.nextMarking;
  }

  private async deliver(events: DomainEvent[], delivered: string[]): Promise<void> {
    const failed = new Set<string>();
    // Events for a handler that takes several at once, gathered by that handler (one call per publish).
    const batches = new Map<BatchEventHandler, { name: string; events: DomainEvent[] }>();
    for (const event of events) {
      for (const { name, handle, many } of this.handlers.get(event.type) ?? []) {
        if (event.handledBy?.includes(name)) continue;
        if (many && events.length > 1) {
          const batch = batches.get(many) ?? { name, events: [] };
          batch.events.push(event);
          batches.set(many, batch);
          continue;
        }
        try {
          await handle(event);
          this.logger.debug({ event: event.type, eventId: event.id, handler: name }, 'event handled');
        } catch (error) {
          failed.add(event.id);
          this.failed(event, name, error);
        }
      }
    }
    for (const [many, { name, events: batch }] of batches) {
      let failures: Array<{ event: DomainEvent<unknown>; error: unknown }>;
      try {
        failures = await many(batch);
      } catch (error) {
        failures = batch.map((event) => ({ event, error }));
      }
      for (const { event, error } of failures) {
        failed.add(event.id);
        this.failed(event, name, error);
      }
      this.logger.debug({ handler: name, events: batch.length, failed: failures.length }, 'events handled together');
    }
    for (const event of events) if (!failed.has(event.id)) delivered.push(event.id);
  }

  private failed(event: DomainEvent<unknown>, handler: string, error: unknown): void {
    this.logger.warn({ event: event.type, eventId: event.id, handler, err: describe(error) }, 'event handler failed; the outbox relay will deliver the event again');
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

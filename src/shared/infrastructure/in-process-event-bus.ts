import type { EventBus, EventHandler, Outbox } from '../application/event-bus.port';
import type { Logger } from '../application/logger.port';
import type { DomainEvent } from '../domain/domain-event';

/**
 * Delivers committed events to the handlers in this process. An event is marked delivered in the
 * outbox only when every handler succeeded; otherwise the relay delivers it again later.
 */
export class InProcessEventBus implements EventBus {
  private readonly handlers = new Map<string, Array<{ name: string; handle: EventHandler }>>();

  constructor(
    private readonly outbox: Outbox,
    private readonly logger: Logger,
  ) {}

  subscribe(eventType: string, name: string, handle: EventHandler): void {
    const list = this.handlers.get(eventType) ?? [];
    if (list.some((h) => h.name === name)) return;
    list.push({ name, handle });
    this.handlers.set(eventType, list);
  }

  handles(eventType: string): boolean {
    return (this.handlers.get(eventType)?.length ?? 0) > 0;
  }

  async publish(events: DomainEvent[]): Promise<void> {
    const delivered: string[] = [];
    for (const event of events) {
      let succeeded = true;
      for (const { name, handle } of this.handlers.get(event.type) ?? []) {
        try {
          await handle(event);
        } catch (error) {
          succeeded = false;
          this.logger.warn({ event: event.type, eventId: event.id, handler: name, err: describe(error) }, 'event handler failed; the outbox relay will deliver the event again');
        }
      }
      if (succeeded) delivered.push(event.id);
    }
    // One write for the batch: a crash before it only means the relay delivers again, and handlers are idempotent.
    await this.outbox.markDelivered(delivered);
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

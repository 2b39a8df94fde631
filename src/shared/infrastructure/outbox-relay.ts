import type { Clock } from '../application/clock.port';
import type { EventBus, Outbox } from '../application/event-bus.port';

export interface OutboxRelayOptions {
  /** Events younger than this are left to the in-process publish after their commit. */
  minAgeMs?: number;
  batchSize?: number;
}

/**
 * Delivers what the in-process publish after commit did not: events whose handler failed, or
 * whose process died between commit and publish. Claims a batch (so relays on other instances
 * take others) and hands it to the event bus, which marks each delivered once its handlers succeed.
 * Run periodically by a PeriodicJob (src/app/workers.ts).
 */
export class OutboxRelay {
  private readonly minAgeMs: number;
  private readonly batchSize: number;

  constructor(
    private readonly outbox: Outbox,
    private readonly eventBus: EventBus,
    private readonly clock: Clock,
    options: OutboxRelayOptions = {},
  ) {
    this.minAgeMs = options.minAgeMs ?? 5000;
    this.batchSize = options.batchSize ?? 100;
  }

  /** One claim-and-deliver pass; answers how many events it handed to the bus. */
  async runOnce(): Promise<number> {
    const now = this.clock.now();
    const events = await this.outbox.claimUndelivered(new Date(now.getTime() - this.minAgeMs), this.batchSize, now);
    if (events.length > 0) await this.eventBus.publish(events);
    return events.length;
  }
}

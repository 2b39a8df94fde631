import type { Clock } from '../application/clock.port';
import type { EventBus, Outbox } from '../application/event-bus.port';

export interface OutboxRelayOptions {
  /** Events younger than this are left to the in-process publish after their commit (those only the relay delivers are taken at once). */
  minAgeMs?: number;
  batchSize?: number;
  /** Full batches one pass takes at most, so a pass ends while events keep coming. */
  maxBatches?: number;
}

/**
 * Delivers what the in-process publish after commit did not: events whose handler failed, or
 * whose process died between commit and publish. Claims a batch (so relays on other instances
 * take others) and hands it to the event bus, which marks each delivered once its handlers succeed.
 * It is also the only delivery of events whose handlers run from the relay (receipts of purchases):
 * a pass takes batch after batch while they come back full, so those keep up with the buyers.
 * Run periodically by a PeriodicJob (src/app/workers.ts).
 */
export class OutboxRelay {
  private readonly minAgeMs: number;
  private readonly batchSize: number;
  private readonly maxBatches: number;

  constructor(
    private readonly outbox: Outbox,
    private readonly eventBus: EventBus,
    private readonly clock: Clock,
    options: OutboxRelayOptions = {},
  ) {
    this.minAgeMs = options.minAgeMs ?? 5000;
    this.batchSize = options.batchSize ?? 100;
    this.maxBatches = options.maxBatches ?? 50;
  }

  /** One pass: claims and delivers batches until one comes back short; answers how many events it handed to the bus. */
  async runOnce(): Promise<number> {
    let handed = 0;
    for (let batch = 0; batch < this.maxBatches; batch += 1) {
      const now = this.clock.now();
      const events = await this.outbox.claimUndelivered(new Date(now.getTime() - this.minAgeMs), this.batchSize, now, this.eventBus.relayOnlyTypes());
      if (events.length > 0) await this.eventBus.publish(events);
      handed += events.length;
      if (events.length < this.batchSize) break;
    }
    return handed;
  }
}

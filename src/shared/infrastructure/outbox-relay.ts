import type { Clock } from '../application/clock.port';
import type { EventBus, Outbox } from '../application/event-bus.port';
import type { Logger } from '../application/logger.port';

export interface OutboxRelayOptions {
  /** Events younger than this are left to the in-process publish after their commit. */
  minAgeMs?: number;
  batchSize?: number;
}

/**
 * Delivers what the in-process publish after commit did not: events whose handler failed, or
 * whose process died between commit and publish. Claims a batch (so relays on other instances
 * take others) and hands it to the event bus, which marks each delivered once its handlers succeed.
 */
export class OutboxRelay {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;
  private readonly minAgeMs: number;
  private readonly batchSize: number;

  constructor(
    private readonly outbox: Outbox,
    private readonly eventBus: EventBus,
    private readonly clock: Clock,
    private readonly logger: Logger,
    options: OutboxRelayOptions = {},
  ) {
    this.minAgeMs = options.minAgeMs ?? 5000;
    this.batchSize = options.batchSize ?? 100;
  }

  /** One claim-and-deliver pass; answers how many events it handed to the bus. */
  async runOnce(): Promise<number> {
    const events = await this.outbox.claimUndelivered(new Date(this.clock.now().getTime() - this.minAgeMs), this.batchSize);
    if (events.length > 0) await this.eventBus.publish(events);
    return events.length;
  }

  start(intervalMs: number): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.tick(), intervalMs);
    this.timer.unref();
  }

  /** Stops the timer and waits for a pass in progress. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running?.catch(() => 0);
  }

  private async tick(): Promise<void> {
    if (this.running) return; // the previous pass is still delivering
    this.running = this.runOnce();
    try {
      const count = await this.running;
      if (count > 0) this.logger.info({ count }, 'outbox relay delivered leftover events');
    } catch (error) {
      this.logger.error({ err: error instanceof Error ? `${error.name}: ${error.message}` : String(error) }, 'outbox relay pass failed');
    } finally {
      this.running = null;
    }
  }
}

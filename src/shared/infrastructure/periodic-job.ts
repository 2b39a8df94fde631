import type { Logger } from '../application/logger.port';

/**
 * Runs `work` every `intervalMs`, never two passes at once (a slow pass delays the next instead of
 * overlapping it). Errors are logged and the job goes on; `stop` waits for a pass in progress.
 */
export class PeriodicJob {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly name: string,
    private readonly work: () => Promise<unknown>,
    private readonly logger: Logger,
  ) {}

  start(intervalMs: number): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.tick(), intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  private async tick(): Promise<void> {
    if (this.running) return;
    this.running = (async () => {
      try {
        const result = await this.work();
        this.logger.debug({ job: this.name, result }, 'periodic job pass');
      } catch (error) {
        this.logger.error({ job: this.name, err: error instanceof Error ? `${error.name}: ${error.message}` : String(error) }, 'periodic job pass failed');
      }
    })();
    await this.running;
    this.running = null;
  }
}

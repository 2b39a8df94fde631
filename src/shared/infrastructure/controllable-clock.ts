import type { Clock } from '../application/clock.port';

/**
 * The one clock. Runs with the system clock, or from a moment an operator (the test clock) or a
 * test set: `runFrom` keeps ticking from there, `freezeAt` stops it until `advance`.
 */
export class ControllableClock implements Clock {
  private offsetMs = 0;
  private frozenAt: number | null = null;

  now(): Date {
    return new Date(this.frozenAt ?? Date.now() + this.offsetMs);
  }

  runFrom(moment: Date | null): void {
    this.frozenAt = null;
    this.offsetMs = moment ? moment.getTime() - Date.now() : 0;
  }

  freezeAt(moment: Date): void {
    this.frozenAt = moment.getTime();
  }

  advance(ms: number): void {
    if (this.frozenAt !== null) this.frozenAt += ms;
    else this.offsetMs += ms;
  }
}

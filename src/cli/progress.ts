// The progress line of a long CLI run (renewals, reconcile, webhook replay): done/total, rate and
// ETA on stderr. On a terminal one line rewritten in place; elsewhere (asked with --progress) a
// plain line now and then, so a log file gets a readable trail instead of carriage returns.
import type { ProgressReporter } from '../shared/application/progress.port';

export interface ProgressLineOptions {
  label: string;
  stream: NodeJS.WritableStream & { isTTY?: boolean };
  now?: () => number;
  /** Least time between two lines (a terminal) or two printed lines (not a terminal). */
  intervalMs?: number;
}

export class ProgressLine implements ProgressReporter {
  private total = 0;
  private done = 0;
  private startedAt = 0;
  private lastDrawnAt = -Infinity;
  private drawn = false;
  private lastLine = '';
  /** `done` as of the last line drawn. */
  private drawnDone = -1;
  private readonly now: () => number;
  private readonly tty: boolean;
  private readonly intervalMs: number;

  constructor(private readonly options: ProgressLineOptions) {
    this.now = options.now ?? (() => performance.now());
    this.tty = options.stream.isTTY === true;
    this.intervalMs = options.intervalMs ?? (this.tty ? 100 : 2000);
  }

  start(total: number): void {
    this.total = total;
    this.startedAt = this.now();
    this.draw(true);
  }

  advance(by = 1): void {
    this.done += by;
    if (this.done > this.total) this.total = this.done;
    this.draw(false);
  }

  /** The last line (unless the last one drawn already said as much); a terminal's line ends there. */
  finish(): void {
    if (this.tty || this.done !== this.drawnDone || !this.drawn) this.draw(true);
    if (this.tty && this.drawn) this.options.stream.write('\n');
  }

  /** `renewals  1,200/5,000  24%  310/s  ETA 12s` */
  line(): string {
    const elapsedS = Math.max(this.now() - this.startedAt, 1) / 1000;
    const rate = this.done / elapsedS;
    const percent = this.total === 0 ? 100 : Math.floor((this.done / this.total) * 100);
    const left = this.total - this.done;
    const eta = left === 0 ? 'done' : rate > 0 ? `ETA ${duration(left / rate)}` : 'ETA -';
    const count = (n: number) => n.toLocaleString('en-US');
    return `${this.options.label}  ${count(this.done)}/${count(this.total)}  ${percent}%  ${formatRate(rate)}/s  ${eta}  (${duration(elapsedS)})`;
  }

  private draw(force: boolean): void {
    const at = this.now();
    if (!force && at - this.lastDrawnAt < this.intervalMs) return;
    const line = this.line();
    // Not on a terminal, the same counts again add nothing to a log (the elapsed time aside).
    if (!this.tty && line.replace(/\(\w+\)$/, '') === this.lastLine.replace(/\(\w+\)$/, '')) return;
    this.lastDrawnAt = at;
    this.lastLine = line;
    this.drawnDone = this.done;
    this.drawn = true;
    this.options.stream.write(this.tty ? `\r\u001b[2K${line}` : `${line}\n`);
  }
}

function formatRate(perSecond: number): string {
  return perSecond >= 100 ? String(Math.round(perSecond)) : perSecond.toFixed(1);
}

/** 75 -> `1m15s`, 3.2 -> `3s`, 4000 -> `1h06m`. */
export function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

// Iamport "notification URL" stand-in: POSTs {imp_uid, merchant_uid, status} after a
// state change, off the request path, with the webhook fault knobs applied.
import type { WebhookFaults } from './sandbox-faults.js';

/** pino-compatible subset, so the main app can pass its own logger. */
export interface SandboxLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export interface Notice {
  imp_uid: string;
  merchant_uid: string;
  status: string;
}

export interface NoticeLogEntry {
  url: string;
  notice: Notice;
  outcome: 'sent' | 'dropped' | 'failed';
  http_status: number | null;
  at: string;
}

export interface SandboxNotifierOptions {
  defaultUrl: string | null;
  /** The sandbox's own base URL: a notice must never be aimed at the sandbox itself (its control routes). */
  selfUrl?: string | null;
  faults: () => WebhookFaults;
  random?: () => number;
  logger?: SandboxLogger;
  /** Iamport gives up after 10 s connect / 30 s read; keep ours short. */
  timeoutMs?: number;
}

const REORDER_WINDOW_MS = 150;

export class SandboxNotifier {
  /** Every delivery attempt, newest last; GET /__sandbox/state shows it. */
  readonly log: NoticeLogEntry[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<AbortController>();
  private held: Array<{ url: string; notice: Notice; copies: number }> = [];
  private heldTimer: NodeJS.Timeout | null = null;
  private closed = false;
  /** Bumped by reset/close, so deliveries aborted by them are not reported as failures. */
  private generation = 0;

  constructor(private readonly opts: SandboxNotifierOptions) {}

  notify(notice: Notice, noticeUrl: string | null): void {
    const url = this.targetOf(noticeUrl);
    if (!url || this.closed) return;
    const f = this.opts.faults();
    const random = this.opts.random ?? Math.random;
    if (f.drop > 0 && random() < f.drop) {
      this.record(url, notice, 'dropped', null);
      this.opts.logger?.info({ ...notice, url }, 'sandbox notice dropped by fault knob');
      return;
    }
    const copies = f.duplicate > 0 && random() < f.duplicate ? 2 : 1;
    if (f.reorder) {
      this.held.push({ url, notice, copies });
      if (this.held.length >= 2) this.flushHeld(f.delayMs);
      else if (!this.heldTimer) this.heldTimer = setTimeout(() => this.flushHeld(0), Math.max(f.delayMs, REORDER_WINDOW_MS));
      return;
    }
    this.later(f.delayMs, () => this.deliver([{ url, notice, copies }]));
  }

  /**
   * A payment's notice_url is honoured on the default target's origin only (the app at PUBLIC_URL),
   * and never at the sandbox's own routes: the sandbox must not become a way to make this server post
   * to any address the caller picks, or to call its own local-only routes from this machine.
   */
  targetOf(noticeUrl: string | null): string | null {
    const fallback = this.opts.defaultUrl;
    if (!noticeUrl) return fallback;
    const self = this.opts.selfUrl;
    if (self && (noticeUrl === self || noticeUrl.startsWith(`${self}/`) || noticeUrl.startsWith(`${self}?`))) {
      this.opts.logger?.warn({ notice_url: noticeUrl }, 'sandbox notice_url aimed at the sandbox itself ignored');
      return fallback;
    }
    const origin = (url: string) => {
      try {
        return new URL(url).origin;
      } catch {
        return null;
      }
    };
    if (fallback && origin(noticeUrl) !== null && origin(noticeUrl) === origin(fallback)) return noticeUrl;
    this.opts.logger?.warn({ notice_url: noticeUrl }, 'sandbox notice_url outside the app origin ignored');
    return fallback;
  }

  /** Forgets the log and every notice not yet delivered. */
  reset(): void {
    this.log.length = 0;
    this.cancelPending();
  }

  close(): void {
    this.closed = true;
    this.cancelPending();
  }

  private cancelPending(): void {
    this.generation += 1;
    this.dropHeld();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const c of this.inFlight) c.abort();
    this.inFlight.clear();
  }

  private dropHeld(): void {
    if (this.heldTimer) clearTimeout(this.heldTimer);
    this.heldTimer = null;
    this.held = [];
  }

  /** Sends the held notices newest first: the receiver sees them out of order. */
  private flushHeld(delayMs: number): void {
    const batch = this.held.reverse();
    this.dropHeld();
    this.later(delayMs, () => this.deliver(batch));
  }

  private later(ms: number, fn: () => Promise<void>): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      void fn();
    }, ms);
    this.timers.add(t);
  }

  /** Sequential, so the order chosen above is the order of arrival. */
  private async deliver(batch: Array<{ url: string; notice: Notice; copies: number }>): Promise<void> {
    for (const { url, notice, copies } of batch) {
      for (let i = 0; i < copies && !this.closed; i += 1) await this.send(url, notice);
    }
  }

  private async send(url: string, notice: Notice): Promise<void> {
    const generation = this.generation;
    const controller = new AbortController();
    this.inFlight.add(controller);
    const timer = setTimeout(() => controller.abort(), this.opts.timeoutMs ?? 10_000);
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(notice),
        signal: controller.signal,
      });
      await res.arrayBuffer().catch(() => undefined);
      if (generation !== this.generation) return;
      this.record(url, notice, res.ok ? 'sent' : 'failed', res.status);
      if (!res.ok) this.opts.logger?.warn({ ...notice, url, http_status: res.status }, 'sandbox notice answered non-2xx');
    } catch (err) {
      // A notice is a hint; a receiver that is down must never break the sandbox.
      if (generation !== this.generation) return;
      this.record(url, notice, 'failed', null);
      this.opts.logger?.warn({ ...notice, url, error: (err as Error).message }, 'sandbox notice failed');
    } finally {
      clearTimeout(timer);
      this.inFlight.delete(controller);
    }
  }

  private record(url: string, notice: Notice, outcome: NoticeLogEntry['outcome'], httpStatus: number | null): void {
    this.log.push({ url, notice, outcome, http_status: httpStatus, at: new Date().toISOString() });
    if (this.log.length > 1000) this.log.shift(); // bounded: a long-running sandbox must not grow forever
  }
}

// PortOne V2's webhooks, signed the Standard Webhooks way: each event gets one `webhook-id` (kept on
// retries), a body sent byte for byte as signed, and per delivery a `webhook-timestamp` (unix
// seconds) with `webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, the key being
// the base64 behind `whsec_`. Sent off the request path with the webhook fault knobs applied.
import { createHmac, randomBytes } from 'node:crypto';
import type { WebhookFaults } from './portone-faults.js';

/** pino-compatible subset, so the main app can pass its own logger. */
export interface SandboxLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

/** A V2 event (version 2024-04-25). */
export interface V2WebhookEvent {
  type: string;
  /** RFC 3339 of the event, the same on every retry. */
  timestamp: string;
  data: Record<string, string>;
}

export interface NoticeLogEntry {
  url: string;
  webhookId: string;
  event: V2WebhookEvent;
  outcome: 'sent' | 'dropped' | 'failed';
  http_status: number | null;
  at: string;
}

export interface PortOneNotifierOptions {
  /** Where notices go unless the payment's noticeUrls say otherwise (on the same origin); null = none. */
  defaultUrl: string | null;
  /** `whsec_<base64>`. */
  secret: string;
  faults: () => WebhookFaults;
  random?: () => number;
  logger?: SandboxLogger;
  /** PortOne waits 30 s; keep ours short. */
  timeoutMs?: number;
}

interface Delivery {
  url: string;
  webhookId: string;
  event: V2WebhookEvent;
  body: string;
  copies: number;
}

const REORDER_WINDOW_MS = 150;

export class PortOneNotifier {
  /** Every delivery attempt, newest last; GET /__sandbox/state shows it. */
  readonly log: NoticeLogEntry[] = [];
  private readonly key: Buffer;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<AbortController>();
  private held: Delivery[] = [];
  private heldTimer: NodeJS.Timeout | null = null;
  private closed = false;
  /** Bumped by reset/close, so deliveries aborted by them are not reported as failures. */
  private generation = 0;

  constructor(private readonly opts: PortOneNotifierOptions) {
    this.key = Buffer.from(opts.secret.replace(/^whsec_/, ''), 'base64');
    if (this.key.length === 0) throw new Error('the PortOne sandbox needs a webhook secret: whsec_ followed by base64');
  }

  notify(event: V2WebhookEvent, noticeUrls: string[]): void {
    if (this.closed) return;
    const webhookId = `msg_${randomBytes(12).toString('hex')}`;
    const body = JSON.stringify(event);
    for (const url of this.targets(noticeUrls)) this.schedule({ url, webhookId, event, body, copies: 1 });
  }

  /** The signature headers of one delivery of `body` (also what tests sign their own bodies with). */
  sign(webhookId: string, body: string, timestampSeconds = Math.floor(Date.now() / 1000)): Record<string, string> {
    const signature = createHmac('sha256', this.key).update(`${webhookId}.${timestampSeconds}.${body}`).digest('base64');
    return { 'webhook-id': webhookId, 'webhook-timestamp': String(timestampSeconds), 'webhook-signature': `v1,${signature}` };
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

  /**
   * A payment's noticeUrls are honoured on the default target's origin only (the app at PUBLIC_URL):
   * the sandbox must not become a way to make this server post to any address the caller picks.
   */
  private targets(noticeUrls: string[]): string[] {
    const fallback = this.opts.defaultUrl;
    if (noticeUrls.length === 0) return fallback ? [fallback] : [];
    const home = fallback ? originOf(fallback) : null;
    const allowed = noticeUrls.filter((url) => home !== null && originOf(url) === home);
    const refused = noticeUrls.filter((url) => !allowed.includes(url));
    if (refused.length > 0) this.opts.logger?.warn({ noticeUrls: refused }, 'sandbox noticeUrls outside the app origin ignored');
    if (allowed.length > 0) return [...new Set(allowed)];
    return fallback ? [fallback] : [];
  }

  private schedule(delivery: Delivery): void {
    const f = this.opts.faults();
    const random = this.opts.random ?? Math.random;
    if (f.drop > 0 && random() < f.drop) {
      this.record(delivery, 'dropped', null);
      this.opts.logger?.info({ type: delivery.event.type, url: delivery.url }, 'sandbox notice dropped by fault knob');
      return;
    }
    delivery.copies = f.duplicate > 0 && random() < f.duplicate ? 2 : 1;
    if (f.reorder) {
      this.held.push(delivery);
      if (this.held.length >= 2) this.flushHeld(f.delayMs);
      else if (!this.heldTimer) this.heldTimer = setTimeout(() => this.flushHeld(0), Math.max(f.delayMs, REORDER_WINDOW_MS));
      return;
    }
    this.later(f.delayMs, () => this.deliver([delivery]));
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
  private async deliver(batch: Delivery[]): Promise<void> {
    for (const delivery of batch) {
      for (let i = 0; i < delivery.copies && !this.closed; i += 1) await this.send(delivery);
    }
  }

  private async send(delivery: Delivery): Promise<void> {
    const generation = this.generation;
    const controller = new AbortController();
    this.inFlight.add(controller);
    const timer = setTimeout(() => controller.abort(), this.opts.timeoutMs ?? 10_000);
    try {
      const res = await fetch(delivery.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...this.sign(delivery.webhookId, delivery.body) },
        body: delivery.body,
        signal: controller.signal,
      });
      await res.arrayBuffer().catch(() => undefined);
      if (generation !== this.generation) return;
      this.record(delivery, res.ok ? 'sent' : 'failed', res.status);
      if (!res.ok) this.opts.logger?.warn({ type: delivery.event.type, url: delivery.url, http_status: res.status }, 'sandbox notice answered non-2xx');
    } catch (err) {
      // A notice is a hint; a receiver that is down must never break the sandbox.
      if (generation !== this.generation) return;
      this.record(delivery, 'failed', null);
      this.opts.logger?.warn({ type: delivery.event.type, url: delivery.url, error: (err as Error).message }, 'sandbox notice failed');
    } finally {
      clearTimeout(timer);
      this.inFlight.delete(controller);
    }
  }

  private record(delivery: Delivery, outcome: NoticeLogEntry['outcome'], httpStatus: number | null): void {
    this.log.push({ url: delivery.url, webhookId: delivery.webhookId, event: delivery.event, outcome, http_status: httpStatus, at: new Date().toISOString() });
    if (this.log.length > 1000) this.log.shift(); // bounded: a long-running sandbox must not grow forever
  }
}

function originOf(url: string): string | null {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

// The fake PortOne's fault knobs: the shared REST ones (../shared/fault-injector.ts) plus the
// webhook knobs, and faulted answers in V2's error shape. Rates are shares in [0, 1].
import { count, defaultRestFaults, mergeRestFaults, rate, type RestFaults } from '../shared/fault-injector.js';

export interface WebhookFaults {
  /** Share of notices never sent (true = 1). */
  drop: number;
  /** Share of notices sent twice, the second a retry with the same webhook-id (true = 1). */
  duplicate: number;
  /** Wait before sending each notice. */
  delayMs: number;
  /** Hold notices and send each pair newest first. */
  reorder: boolean;
}

export interface PortOneFaults extends RestFaults {
  webhook: WebhookFaults;
}

export type PortOneFaultsPatch = Partial<Omit<PortOneFaults, 'webhook'>> & { webhook?: Partial<WebhookFaults> };

export const defaultPortOneFaults = (): PortOneFaults => ({
  ...defaultRestFaults(),
  webhook: { drop: 0, duplicate: 0, delayMs: 0, reorder: false },
});

/** What an injected 500 / 504 answers: V2's `{type, message}` (no documented type exists for these). */
export const PORTONE_FAULT_ANSWERS = {
  error: { type: 'INTERNAL_SERVER_ERROR', message: 'sandbox: injected server error' },
  timeout: { type: 'GATEWAY_TIMEOUT', message: 'sandbox: injected timeout' },
};

/** Merges a (possibly JSON-sourced) patch into `base`, ignoring values of the wrong kind. */
export function mergePortOneFaults(base: PortOneFaults, patch: unknown): PortOneFaults {
  if (!patch || typeof patch !== 'object') return base;
  const webhook = (patch as PortOneFaultsPatch).webhook;
  const w = webhook && typeof webhook === 'object' ? webhook : {};
  return {
    ...mergeRestFaults(base, patch),
    webhook: {
      drop: 'drop' in w ? rate(w.drop, base.webhook.drop) : base.webhook.drop,
      duplicate: 'duplicate' in w ? rate(w.duplicate, base.webhook.duplicate) : base.webhook.duplicate,
      delayMs: 'delayMs' in w ? count(w.delayMs, base.webhook.delayMs) : base.webhook.delayMs,
      reorder: 'reorder' in w ? Boolean(w.reorder) : base.webhook.reorder,
    },
  };
}

// The fake Iamport's fault knobs: the shared REST ones (../shared/fault-injector.ts) plus the
// webhook knobs, and faulted answers in Iamport's envelope. Rates are shares in [0, 1].
import { count, defaultRestFaults, mergeRestFaults, rate, type RestFaults } from '../shared/fault-injector.js';

export interface WebhookFaults {
  /** Share of notices never sent (true = 1). */
  drop: number;
  /** Share of notices sent twice (true = 1). */
  duplicate: number;
  /** Wait before sending each notice. */
  delayMs: number;
  /** Hold notices and send each pair newest first. */
  reorder: boolean;
}

export interface SandboxFaults extends RestFaults {
  webhook: WebhookFaults;
}

export type FaultsPatch = Partial<Omit<SandboxFaults, 'webhook'>> & { webhook?: Partial<WebhookFaults> };

export const defaultFaults = (): SandboxFaults => ({
  ...defaultRestFaults(),
  webhook: { drop: 0, duplicate: 0, delayMs: 0, reorder: false },
});

/** What an injected 500 / 504 answers: Iamport's envelope. */
export const IAMPORT_FAULT_ANSWERS = {
  error: { code: -1, message: 'sandbox: injected server error', response: null },
  timeout: { code: -1, message: 'sandbox: injected timeout', response: null },
};

/** `SANDBOX_LATENCY_MS`, `SANDBOX_ERROR_RATE`, `SANDBOX_TIMEOUT_RATE`. */
export function faultsFromEnv(env: NodeJS.ProcessEnv): FaultsPatch {
  const patch: FaultsPatch = {};
  if (env.SANDBOX_LATENCY_MS) patch.latencyMs = Number(env.SANDBOX_LATENCY_MS);
  if (env.SANDBOX_ERROR_RATE) patch.errorRate = Number(env.SANDBOX_ERROR_RATE);
  if (env.SANDBOX_TIMEOUT_RATE) patch.timeoutRate = Number(env.SANDBOX_TIMEOUT_RATE);
  return patch;
}

/** Merges a (possibly JSON-sourced) patch into `base`, ignoring values of the wrong kind. */
export function mergeFaults(base: SandboxFaults, patch: unknown): SandboxFaults {
  if (!patch || typeof patch !== 'object') return base;
  const webhook = (patch as FaultsPatch).webhook;
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

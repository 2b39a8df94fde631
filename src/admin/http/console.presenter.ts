import { type Payment, presentPayment } from '../../payment/payment.api';

const snake = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** A read model's view as JSON: snake_case keys and ISO UTC times, as every answer of the API has them. */
export function asJson(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(asJson);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [snake(k), asJson(v)]));
  }
  return value;
}

/** The API's word for a refund's state: a confirmed one is `refunded`. */
/** A payment on the console: what the API shows of it, plus its refunds and the channel it used. */
export function presentConsolePayment(payment: Payment) {
  const props = payment.toProps();
  return {
    ...presentPayment(payment),
    pg: props.pg,
    purpose: props.purpose.kind,
    period_no: props.purpose.periodNo ?? null,
    refunds: props.cancellations.map((c) => ({
      kind: c.kind, amount: c.amount, status: c.status, reason: c.reason, requested_by: c.requestedBy,
      requested_at: c.requestedAt.toISOString(), settled_at: c.settledAt?.toISOString() ?? null, gateway_message: c.gatewayMessage,
    })),
  };
}

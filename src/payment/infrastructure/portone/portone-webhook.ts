// PortOne V2's webhooks: verified with the Standard Webhooks signature by the official SDK's
// `Webhook.verify` (HMAC-SHA256 over `<webhook-id>.<webhook-timestamp>.<raw body>`, ±5 minutes),
// then read as a notice. A notice is a hint: whoever receives it fetches the payment again.
// Both body versions are read: 2024-04-25 `{type, timestamp, data}` and 2024-01-01
// `{payment_id, tx_id, status}`; event types and fields PortOne adds later are passed on, not refused.
import { InvalidInputError, WebhookVerificationError, verify } from '@portone/server-sdk/webhook';
import { DomainError } from '../../../shared/domain/domain-error';

export type PortOneWebhookNotice =
  /** `Transaction.*` (and every 2024-01-01 body): fetch `paymentId` again. */
  | {
    kind: 'payment';
    /** Standard Webhooks' `webhook-id`: the same on every retry of one event. */
    webhookId: string;
    /** e.g. `Transaction.Paid`; `Transaction.<Status>` for a 2024-01-01 body. */
    type: string;
    paymentId: string;
    transactionId: string | null;
    cancellationId: string | null;
    /** PortOne's status word the event implies (`PAID`, `PARTIAL_CANCELLED`, `CANCEL_PENDING`, ...): a hint only. */
    status: string;
  }
  /** `BillingKey.*`: a key was issued, deleted, ... */
  | { kind: 'billing_key'; webhookId: string; type: string; billingKey: string }
  /** A type memberpay does not act on (new ones appear without notice): acknowledge it and move on. */
  | { kind: 'other'; webhookId: string; type: string };

/** An unsigned, badly signed or stale notice: the route answers 401 `invalid_signature` and changes nothing. */
export class InvalidWebhookSignatureError extends DomainError {
  constructor(readonly reason: string) {
    super('unauthenticated', 'invalid_signature', 'the notice is not signed with our PortOne webhook secret');
  }
}

/** A correctly signed body we cannot read as a notice. */
export class MalformedWebhookError extends DomainError {
  constructor(problem: string) {
    super('invalid_input', 'invalid_request', `the PortOne notice cannot be read: ${problem}`);
  }
}

export type WebhookHeaders = Record<string, string | string[] | undefined>;

/** `whsec_` followed by standard base64 of at least one byte (the prefix is optional, as the SDK allows). */
const SECRET = /^(?:whsec_)?((?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?)$/;
const ID = /^[\x21-\x7e]{1,200}$/;

export class PortOneWebhookVerifier {
  /** Throws when `secret` is not a webhook secret, so bad configuration stops start-up. */
  constructor(private readonly secret: string) {
    const match = SECRET.exec(secret);
    if (!match || match[1] === '') throw new Error('PORTONE_WEBHOOK_SECRET must be the console\'s webhook secret, whsec_ followed by base64');
  }

  /**
   * Checks the signature on the body exactly as it arrived (never re-serialised JSON), then reads
   * it. Throws InvalidWebhookSignatureError or MalformedWebhookError.
   */
  async verify(rawBody: string, headers: WebhookHeaders): Promise<PortOneWebhookNotice> {
    let body: unknown;
    try {
      body = await verify(this.secret, rawBody, headers);
    } catch (error) {
      if (error instanceof WebhookVerificationError) throw new InvalidWebhookSignatureError(error.reason);
      if (error instanceof InvalidInputError) throw new InvalidWebhookSignatureError('INVALID_INPUT');
      // The signature matched but the body is not JSON (the SDK parses it only after the check).
      if (error instanceof SyntaxError) throw new MalformedWebhookError('the body is not JSON');
      throw error;
    }
    return readNotice(body, headerValue(headers, 'webhook-id'));
  }
}

function readNotice(body: unknown, webhookId: string): PortOneWebhookNotice {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new MalformedWebhookError('the body is not an object');
  const b = body as Record<string, unknown>;
  if (typeof b.type === 'string' && b.type !== '') return readTyped(b.type, b.data, webhookId);
  // Version 2024-01-01: {payment_id, tx_id, status} with status like `Paid`, `PartialCancelled`.
  if (b.payment_id !== undefined || b.status !== undefined) {
    const status = id(b.status, 'status');
    return { kind: 'payment', webhookId, type: `Transaction.${status}`, paymentId: id(b.payment_id, 'payment_id'), transactionId: optionalId(b.tx_id), cancellationId: null, status: screamingSnake(status) };
  }
  throw new MalformedWebhookError('neither a typed event nor a 2024-01-01 body');
}

function readTyped(type: string, data: unknown, webhookId: string): PortOneWebhookNotice {
  const d = data && typeof data === 'object' ? (data as Record<string, unknown>) : {};
  if (type.startsWith('Transaction.')) {
    return {
      kind: 'payment', webhookId, type, paymentId: id(d.paymentId, 'data.paymentId'), transactionId: optionalId(d.transactionId),
      cancellationId: optionalId(d.cancellationId), status: screamingSnake(type.slice('Transaction.'.length)),
    };
  }
  if (type.startsWith('BillingKey.')) return { kind: 'billing_key', webhookId, type, billingKey: id(d.billingKey, 'data.billingKey') };
  return { kind: 'other', webhookId, type };
}

function id(value: unknown, field: string): string {
  if (typeof value !== 'string' || !ID.test(value)) throw new MalformedWebhookError(`${field} is missing or not an id`);
  return value;
}

function optionalId(value: unknown): string | null {
  return typeof value === 'string' && ID.test(value) ? value : null;
}

/** `PartialCancelled` -> `PARTIAL_CANCELLED`, `PayPending` -> `PAY_PENDING`. */
function screamingSnake(word: string): string {
  return word.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
}

/** The SDK has already insisted on exactly one `webhook-id` header by the time this runs. */
function headerValue(headers: WebhookHeaders, name: string): string {
  const found = Object.entries(headers).find(([key]) => key.toLowerCase() === name)?.[1];
  return (Array.isArray(found) ? found[0] : found) ?? '';
}

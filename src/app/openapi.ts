import type { Router } from '@koa/router';
import { createRouter } from '../shared/http/routing';
import type Joi from 'joi';
import { CONSOLE_OPERATIONS } from '../admin/http/console.openapi';
import { clockSchema, paymentsQuerySchema, priceChangeSchema, refundSchema, refundsQuerySchema, renewalsRunSchema, replaySchema } from '../admin/http/admin.schemas';
import { logInSchema, signUpSchema } from '../identity/http/identity.schemas';
import { autoRenewSchema, cancelSchema, deleteAccountSchema } from '../membership/http/membership-account.schemas';
import { consentAnswerSchema, trialConfirmSchema, trialSchema } from '../membership/http/consent.schemas';
import { checkoutSchema, failureSchema, validationSchema } from '../payment/http/payment.schemas';
import { GATEWAY_NAMES, webhookDocs } from '../payment/infrastructure/gateways.registry';
import { type ApiOperation, type JsonSchema, joiToJsonSchema } from '../shared/http/openapi-from-joi';

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const ok = (properties: Record<string, JsonSchema>, required = Object.keys(properties)): JsonSchema => ({
  type: 'object', properties: { works: { const: true }, ...properties }, required: ['works', ...required],
});
const str = { type: 'string' };
const refundRule = {
  ...str,
  description: 'The refund rule applied: an id of config/refund-policy.json (withdrawal_period, pro_rata_less_fee, period_ended), '
    + 'refunded_by_earlier_cancel (a purchase the member\'s earlier cancel already refunded: 0, a retried cancel asks nothing more of it), '
    + 'or none (nothing to refund)',
};
const int = { type: 'integer' };
const time = { type: 'string', format: 'date-time' };
const nullable = (schema: JsonSchema) => ({ anyOf: [schema, { type: 'null' }] });

const SCHEMAS: Record<string, JsonSchema> = {
  Error: {
    type: 'object', required: ['works', 'error'],
    properties: {
      works: { const: false },
      error: { type: 'object', required: ['code', 'message'], properties: { code: str, message: str, details: {} } },
    },
  },
  User: { type: 'object', properties: { id: str, email: { type: 'string', format: 'email' }, name: str, phone: nullable({ type: 'string', pattern: '^\\+821[016789][0-9]{7,8}$' }), created_at: time } },
  Plan: {
    type: 'object',
    properties: {
      id: str, name: str, amount: int, currency: { const: 'KRW' }, interval: { enum: ['month', 'year'] }, interval_count: int,
      refund_policy: {
        type: 'object', description: 'Disclosed before purchase (config/refund-policy.json): each charge is refunded in full within withdrawal_days of it; after that, the unused part less fee_percent',
        properties: { withdrawal_days: nullable(int), fee_percent: nullable(int) },
      },
    },
  },
  Payment: {
    type: 'object',
    properties: {
      merchant_uid: str, imp_uid: nullable(str), plan: str, amount: int, status: { enum: ['await', 'paid', 'failed', 'cancelled'] },
      failure_code: nullable({ enum: ['window_closed', 'user_cancelled', 'card_declined', 'amount_mismatch', 'prepare_rejected', 'expired', 'gateway_failed', 'account_deleted', 'membership_ended', 'period_already_paid', 'renewal_stopped'] }),
      failure_message: nullable(str), cancelled_amount: int, paid_at: nullable(time), created_at: time,
      gateway: { enum: GATEWAY_NAMES, description: 'The PG that charged it' },
      refunds: { type: 'array', items: ref('Refund') },
    },
  },
  Refund: {
    type: 'object',
    properties: { amount: int, status: { enum: ['pending', 'refunded', 'rejected'] }, reason: str, requested_at: time, settled_at: nullable(time) },
  },
  AdminRefund: {
    type: 'object',
    properties: {
      merchant_uid: str, amount: int, status: { enum: ['pending', 'refunded', 'rejected'] }, reason: str, requested_by: { enum: ['user', 'admin', 'system'] },
      requested_at: time, settled_at: nullable(time), gateway_message: nullable(str),
    },
  },
  RefundAnswer: { type: 'object', properties: { amount: int, status: { enum: ['refunded', 'pending'] } } },
  RefundQuote: {
    type: 'object',
    properties: {
      refundable: int, rule: refundRule, rule_name: str, rule_reason: str, used_days: int, total_days: int,
      merchant_uid: str, amount: int, paid_at: time, withdrawal_ends_at: nullable(time), period_start: time, period_end: time,
    },
  },
  Membership: {
    type: 'object',
    properties: {
      id: str, plan: str, status: { enum: ['active', 'past_due', 'cancelled', 'expired'] }, current_period_start: time,
      current_period_end: time, auto_renew: { type: 'boolean' }, cancel_at_period_end: { type: 'boolean' }, next_charge_at: nullable(time),
      ended_at: nullable(time),
      trial_ends_at: { ...nullable(time), description: 'A free trial\'s end (its first charge, with consent); null for a membership that began paid' },
    },
  },
  Consent: {
    type: 'object',
    properties: {
      id: str, membership_id: str, plan: str, status: { enum: ['pending', 'accepted', 'declined', 'expired'] },
      moot_reason: {
        ...nullable({ enum: ['not_next_charge', 'within_consent', 'price_changed'] }),
        description: 'Set when the request closed because it no longer applied (status expired): its period paid for or plan changed, already consented to, or the price withdrawn; it stopped nothing. Null otherwise',
      },
      answerable: { type: 'boolean', description: 'Pending and before its deadline' },
      old_amount: { ...int, description: 'What the member last paid or consented to (KRW)' }, new_amount: { ...int, description: 'The higher price asked for (KRW)' },
      effective_at: { ...time, description: 'When the higher price would first be charged' }, deadline: { ...time, description: 'Answers are taken until then (the day before)' },
      opened_at: time, answered_at: nullable(time), method: nullable({ const: 'web' }),
      wording_version: { type: 'string', description: 'The wording shown (pending) or answered (accepted, declined)' },
    },
  },
  Health: { type: 'object', properties: { works: { type: 'boolean' }, db: { enum: ['ok', 'down', 'unchecked'] }, gateway: { enum: ['ok', 'down', 'unchecked'] } } },
  Pending: { type: 'object', properties: { works: { const: false }, status: { const: 'pending' }, payment: ref('Payment') } },
  ValidationFailed: {
    allOf: [ref('Error'), { type: 'object', properties: { status: { const: 'failed' }, payment: ref('Payment') }, required: ['status'] }],
  },
};

const userAnswer = ok({ user: ref('User') });

export const API_OPERATIONS: ApiOperation[] = [
  { tag: 'health', method: 'get', path: '/healthz', summary: 'Liveness; shows the last readiness seen', auth: 'none', responses: { 200: 'Health' } },
  { tag: 'health', method: 'get', path: '/readyz', summary: 'Readiness: SELECT 1 and a gateway token (cached 5 s)', auth: 'none', responses: { 200: 'Health', 503: 'Health' } },
  { tag: 'operations', method: 'get', path: '/metrics', summary: 'Prometheus metrics (text format)', auth: 'none', responses: { 200: { type: 'string' } } },
  { tag: 'operations', method: 'get', path: '/openapi.json', summary: 'This document', auth: 'none', responses: { 200: { type: 'object' } } },

  { tag: 'accounts', method: 'post', path: '/api/auth/signup', summary: 'Create an account and log in; its notices speak the language of ?lang=ko|en or Accept-Language (Korean by default)', auth: 'none', body: signUpSchema, responses: { 201: userAnswer, 409: 'Error', 429: 'Error' } },
  { tag: 'accounts', method: 'post', path: '/api/auth/login', summary: 'Log in (10 failures per 15 min per IP and email)', auth: 'none', body: logInSchema, responses: { 200: userAnswer, 401: 'Error', 429: 'Error' } },
  { tag: 'accounts', method: 'post', path: '/api/auth/logout', summary: 'End the session', auth: 'none', responses: { 204: 'none' } },
  {
    tag: 'accounts', method: 'get', path: '/api/session', summary: 'Whether this browser is logged in, and whether the PG is a sandbox (what the page asks first)', auth: 'none',
    responses: { 200: ok({ signed_in: { type: 'boolean' }, sandbox: { type: 'boolean' } }) },
  },
  {
    tag: 'accounts', method: 'get', path: '/api/me', summary: 'The account, its payment status and live membership', auth: 'session',
    responses: { 200: ok({ user: ref('User'), payment_status: { enum: ['on', 'off'] }, membership: nullable(ref('Membership')) }), 401: 'Error' },
  },
  {
    tag: 'accounts', method: 'delete', path: '/api/me',
    summary: 'Delete the account (password again): a live membership ends now with the chosen refund, the billing key is deleted at the gateway, personal data leaves the live tables, required records go to retention storage; 403 wrong_password',
    auth: 'session', body: deleteAccountSchema,
    responses: {
      204: 'none',
      // The refund was sent but its outcome could not be recorded: nothing deleted, the refund pending for the reconciler.
      202: { type: 'object', properties: { works: { const: false }, membership: ref('Membership'), refund: ref('RefundAnswer') }, required: ['works', 'membership', 'refund'] },
      400: 'Error', 401: 'Error', 403: 'Error', 409: 'Error', 429: 'Error', 502: 'Error', 503: 'Error',
    },
  },
  {
    tag: 'accounts', method: 'get', path: '/api/me/export', summary: 'The member\'s data as JSON: the account, every membership and payment', auth: 'session',
    responses: { 200: ok({ user: ref('User'), memberships: { type: 'array', items: ref('Membership') }, payments: { type: 'array', items: ref('Payment') } }), 401: 'Error' },
  },

  { tag: 'plans', method: 'get', path: '/api/plans', summary: 'The plan catalog; names in Korean, in English with ?lang=en or an English Accept-Language', auth: 'none', responses: { 200: ok({ plans: { type: 'array', items: ref('Plan') } }) } },

  { tag: 'membership', method: 'get', path: '/api/membership/refund-quote', summary: 'What a cancel with refund would pay back now; rule_name and rule_reason in Korean, in English with ?lang=en or an English Accept-Language', auth: 'session', responses: {
      200: ok({
        refundable: int, rule: refundRule, rule_name: str, rule_reason: str, used_days: int, total_days: int, withdrawal_ends_at: nullable(time),
        purchases: { type: 'array', items: ref('RefundQuote') },
      }),
      401: 'Error', 409: 'Error',
    } },
  {
    tag: 'membership', method: 'post', path: '/api/membership/cancel', summary: 'Cancel the membership, with a refund (ends now) or without (ends at period end)', auth: 'session', body: cancelSchema,
    responses: {
      200: ok({ membership: ref('Membership'), refund: nullable(ref('RefundAnswer')) }),
      202: { type: 'object', properties: { works: { const: false }, membership: ref('Membership'), refund: ref('RefundAnswer') }, required: ['works', 'membership', 'refund'] },
      401: 'Error', 409: 'Error', 502: 'Error', 503: 'Error',
    },
  },
  { tag: 'membership', method: 'post', path: '/api/membership/auto-renew', summary: 'Turn renewal by billing key on or off (off keeps the stored card until the membership ends)', auth: 'session', body: autoRenewSchema, responses: { 200: ok({ membership: ref('Membership') }), 401: 'Error', 409: 'Error' } },
  {
    tag: 'membership', method: 'delete', path: '/api/membership/card', summary: 'Remove the stored card: auto-renew off, the billing key deleted at the gateway (409 no_billing_key when none is stored)', auth: 'session',
    responses: { 200: ok({ membership: ref('Membership') }), 401: 'Error', 409: 'Error' },
  },

  {
    tag: 'membership', method: 'get', path: '/api/membership/consents', summary: 'The member\'s consent requests before higher charges, newest first', auth: 'session',
    responses: { 200: ok({ consents: { type: 'array', items: ref('Consent') } }), 401: 'Error' },
  },
  {
    tag: 'membership', method: 'post', path: '/api/membership/consents/:id', summary: 'Accept or decline a higher charge; a decline ends auto-renew at the period end', auth: 'session', body: consentAnswerSchema,
    responses: { 200: ok({ consent: ref('Consent'), membership: ref('Membership') }), 400: 'Error', 401: 'Error', 404: 'Error', 409: 'Error' },
  },
  {
    tag: 'membership', method: 'post', path: '/api/membership/trial', summary: 'Offer a plan\'s free trial: what the PG window needs to store the card without a charge', auth: 'session', body: trialSchema,
    responses: {
      200: ok({
        plan: str, trial_days: int, trial_ends_at: time, customer_uid: str, amount: { const: 0 }, name: str, gateway: str, pg: str,
        client: { type: 'object', description: 'What the configured PG\'s browser SDK needs to store the card (its keys are the PG\'s own)' },
      }),
      400: 'Error', 401: 'Error', 409: 'Error', 422: 'Error',
    },
  },
  {
    tag: 'membership', method: 'post', path: '/api/membership/trial/confirm', summary: 'Start the trial once the gateway holds the card (409 card_not_stored before), with the PG window\'s proof in the PG\'s own field (auth_key, billing_key) where it needs one', auth: 'session', body: trialConfirmSchema,
    responses: { 201: ok({ membership: ref('Membership') }), 400: 'Error', 401: 'Error', 409: 'Error', 422: 'Error', 502: 'Error', 503: 'Error' },
  },

  {
    tag: 'payments', method: 'post', path: '/api/payment/checkout', summary: 'Create an order priced from the catalog and register its amount with the gateway (Idempotency-Key honoured)', auth: 'session', body: checkoutSchema,
    responses: {
      201: ok({
        gateway: { enum: GATEWAY_NAMES, description: 'PAYMENT_GATEWAY: the page loads this PG\'s browser SDK' }, merchant_uid: str, amount: int, name: str, buyer_name: str, buyer_email: str, pg: str, pay_method: str,
        imp_code: { ...nullable(str), description: 'The V1 window\'s merchant code; null for a PG without one' },
        client: { type: 'object', description: 'What the configured PG\'s browser SDK needs for this order (its keys are the PG\'s own)' },
        period_start: { ...time, description: 'Start of the period this order buys: now, or the live membership\'s current end (the page shows it and asks a member to confirm)' },
        period_end: { ...time, description: 'End (exclusive) of that period, by the business calendar; fulfilment records exactly this end when paid while a membership is live, and paid_at plus the plan otherwise' },
        customer_uid: str,
        client_key: { type: 'string', description: 'PAYMENT_GATEWAY\'s own field (window authorised by the server\'s confirm)' },
        order_name: { type: 'string', description: 'PAYMENT_GATEWAY\'s own field (window authorised by the server\'s confirm)' },
        customer_key: { type: 'string', description: 'PAYMENT_GATEWAY\'s own field, with auto_renew' },
      }, ['gateway', 'merchant_uid', 'amount', 'name', 'buyer_name', 'buyer_email', 'pg', 'pay_method', 'imp_code', 'client', 'period_start', 'period_end']),
      400: 'Error', 401: 'Error', 409: 'Error', 422: 'Error', 502: 'Error', 503: 'Error',
    },
  },
  {
    tag: 'payments', method: 'post', path: '/api/payment/validation', summary: 'Verify a payment with the gateway and activate the membership (body amount/status ignored)', auth: 'session', body: validationSchema,
    responses: { 200: ok({ status: { const: 'paid' }, payment: ref('Payment'), membership: nullable(ref('Membership')) }), 202: 'Pending', 400: 'Error', 401: 'Error', 404: 'Error', 422: 'ValidationFailed' },
  },
  {
    tag: 'payments', method: 'post', path: '/api/payment/failure', summary: "Report the PG window's failure; the gateway is asked when an imp_uid is given", auth: 'session', body: failureSchema,
    responses: { 200: ok({ status: { enum: ['failed', 'paid'] }, payment: ref('Payment') }), 202: 'Pending', 400: 'Error', 401: 'Error', 404: 'Error' },
  },
  ...webhookDocs().map(({ path, summary, schema }) => ({
    tag: 'payments', method: 'post', path, summary, auth: 'none', body: schema,
    responses: { 200: ok({ outcome: str, ignored: { type: 'boolean' } }, []), 400: 'Error', 401: 'Error', 413: 'Error', 503: 'Error' },
  } as const)),
  { tag: 'payments', method: 'get', path: '/api/payments', summary: "The user's payments, newest first", auth: 'session', responses: { 200: ok({ payments: { type: 'array', items: ref('Payment') } }), 401: 'Error' } },

  { tag: 'admin', method: 'post', path: '/api/admin/reconcile', summary: 'Ask the gateway about every unsettled payment', auth: 'admin', responses: { 200: ok({ checked: int, settled: int }), 401: 'Error', 429: 'Error', 404: 'Error' } },
  {
    tag: 'admin', method: 'post', path: '/api/admin/renewals/run', summary: 'Run renewals now (as_of needs TEST_CLOCK=on)', auth: 'admin', body: renewalsRunSchema,
    responses: { 200: ok({ due: int, charged: int, failed: int, skipped: int, reminded: int, ended: int }), 400: 'Error', 401: 'Error', 429: 'Error', 404: 'Error' },
  },
  {
    tag: 'admin', method: 'post', path: '/api/admin/plans/:plan/price', summary: 'Schedule a plan\'s new price; members whose next charge it raises are asked for consent first', auth: 'admin', body: priceChangeSchema,
    responses: { 201: ok({ id: str, plan: str, amount: int, effective_at: time, created_at: time }), 400: 'Error', 401: 'Error', 429: 'Error', 404: 'Error' },
  },
  { tag: 'admin', method: 'get', path: '/api/admin/clock', summary: 'The virtual time the workers read', auth: 'admin', responses: { 200: ok({ now: time, test_clock: { type: 'boolean' } }), 401: 'Error', 429: 'Error', 404: 'Error' } },
  { tag: 'admin', method: 'post', path: '/api/admin/clock', summary: 'Move the test clock (TEST_CLOCK=on)', auth: 'admin', body: clockSchema, responses: { 200: ok({ now: time }), 400: 'Error', 401: 'Error', 429: 'Error', 404: 'Error' } },
  { tag: 'admin', method: 'get', path: '/api/admin/payments', summary: 'Payments, newest first, by status', auth: 'admin', query: paymentsQuerySchema, responses: { 200: ok({ payments: { type: 'array', items: ref('Payment') } }), 401: 'Error', 429: 'Error', 404: 'Error' } },
  {
    tag: 'admin', method: 'post', path: '/api/admin/payments/:merchant_uid/refund', summary: 'Refund (part of) a payment; a full refund ends the membership', auth: 'admin', body: refundSchema,
    responses: {
      200: ok({ payment: ref('Payment'), refund: ref('RefundAnswer') }),
      202: { type: 'object', properties: { works: { const: false }, payment: ref('Payment'), refund: ref('RefundAnswer') }, required: ['works', 'payment', 'refund'] },
      400: 'Error', 401: 'Error', 429: 'Error', 404: 'Error', 409: 'Error', 502: 'Error', 503: 'Error',
    },
  },
  {
    tag: 'admin', method: 'get', path: '/api/admin/refunds', summary: 'Refunds, newest request first, by status (refused ones need attention)', auth: 'admin', query: refundsQuerySchema,
    responses: { 200: ok({ refunds: { type: 'array', items: ref('AdminRefund') } }), 401: 'Error', 429: 'Error', 404: 'Error' },
  },
  { tag: 'admin', method: 'post', path: '/api/admin/webhooks/replay', summary: 'Process stored notices again (default: the last 24 h)', auth: 'admin', body: replaySchema, responses: { 200: ok({ replayed: int }), 400: 'Error', 401: 'Error', 429: 'Error', 404: 'Error' } },
  ...CONSOLE_OPERATIONS,
];

/**
 * What every operation of a kind may answer besides its own statuses: a POST's body is parsed
 * (malformed or failing its schema: 400 `invalid_request`; over 32 kB: 413 `payload_too_large`),
 * and a query failing its schema is a 400 too.
 */
function refusalsOf(op: ApiOperation): Record<string, string> {
  return {
    ...(op.method === 'post' || op.query ? { 400: 'invalid_request: a body or query that cannot be read or fails its schema (details[] says where)' } : {}),
    ...(op.method === 'post' ? { 413: 'payload_too_large: a body over 32 kB' } : {}),
  };
}

/** An operation with no refusal of its own is still refused before it runs when the request cannot be read at all. */
const UNREADABLE_REQUEST = 'The HTTP server refuses a request it cannot read (malformed, or headers over its limit: 400, 431) before any route runs; no JSON body';

/** `/api/admin/payments/:merchant_uid/refund` -> `/api/admin/payments/{merchant_uid}/refund`. */
export function openApiPath(koaPath: string): string {
  return koaPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

function responseObject(status: number, shape: string | JsonSchema): Record<string, unknown> {
  if (shape === 'none') return { description: 'No content' };
  const description = status < 300 ? 'Success' : status === 503 ? 'Gateway or dependency unavailable; retry later' : 'Error envelope';
  const schema = typeof shape === 'string' ? ref(shape) : shape;
  const type = shape === SCHEMA_TEXT ? 'text/plain' : 'application/json';
  return { description, content: { [type]: { schema } } };
}
const SCHEMA_TEXT = API_OPERATIONS.find((o) => o.path === '/metrics')?.responses[200];

function queryParameters(query: Joi.Schema): Array<Record<string, unknown>> {
  const schema = joiToJsonSchema(query) as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(schema.properties ?? {}).map(([name, s]) => ({ name, in: 'query', required: schema.required?.includes(name) ?? false, schema: s }));
}

export interface OpenApiOptions {
  serverUrl?: string;
  /** Whether the admin API is mounted (ADMIN_TOKEN set): where it does not exist, the document does not describe it. */
  adminApi?: boolean;
}

/** The OpenAPI 3.1 document of the API, request bodies derived from the Joi schemas the routes validate with. */
export function buildOpenApiDocument(options: OpenApiOptions = {}): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of API_OPERATIONS) {
    if ((op.auth === 'admin' || op.tag === 'console') && !options.adminApi) continue;
    const pathParams = [...op.path.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string', maxLength: 100 } }));
    const parameters = [...pathParams, ...(op.query ? queryParameters(op.query) : [])];
    if ((op.method === 'post' || op.method === 'delete') && op.tag !== 'admin' && op.auth !== 'none') {
      parameters.push({ name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', maxLength: 255 } });
    }
    const responses: Record<string, unknown> = {};
    for (const [status, shape] of Object.entries(op.responses)) responses[status] = responseObject(Number(status), shape);
    for (const [status, description] of Object.entries(refusalsOf(op))) responses[status] ??= { ...responseObject(Number(status), 'Error'), description };
    if (!Object.keys(responses).some((status) => status.startsWith('4'))) responses['4XX'] = { description: UNREADABLE_REQUEST };
    responses['500'] = responseObject(500, 'Error');
    const body = op.body ? joiToJsonSchema(op.body) : null;
    (paths[openApiPath(op.path)] ??= {})[op.method] = {
      tags: [op.tag],
      summary: op.summary,
      operationId: `${op.method}${op.path.replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
      ...(parameters.length ? { parameters } : {}),
      ...(body ? {
        requestBody: {
          required: !op.bodyOptional && op.path !== '/api/membership/cancel' && op.path !== '/api/admin/renewals/run' && op.path !== '/api/admin/webhooks/replay',
          content: {
            'application/json': { schema: body },
            ...(op.path === '/api/payment/webhook' ? { 'application/x-www-form-urlencoded': { schema: body } } : {}),
          },
        },
      } : {}),
      security: op.auth === 'session' ? [{ session: [] }] : op.auth === 'admin' ? [{ adminToken: [] }] : op.auth === 'console' ? [{ consoleSession: [] }] : [],
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'memberpay',
      version: '0.1.0',
      // Private, unpublished code (package.json "private": true); SPDX's form for a license of one's own.
      license: { name: 'Proprietary: all rights reserved', identifier: 'LicenseRef-Proprietary' },
      description: 'Membership payments in front of a Korean PG (PAYMENT_GATEWAY). Every JSON answer carries `works`; errors are `{works:false, error:{code, message, details?}}` with a matching status. A body failing its schema answers 400 `invalid_request` with `details[]`; over 32 kB, 413 `payload_too_large`. Seed aliases are accepted: `merchant_id`, `imp_id`, `type`.',
    },
    ...(options.serverUrl ? { servers: [{ url: options.serverUrl }] } : {}),
    paths,
    components: {
      schemas: SCHEMAS,
      securitySchemes: {
        session: { type: 'apiKey', in: 'cookie', name: 'memberpay.sid', description: 'Session cookie set by signup or login (httpOnly, SameSite=Lax)' },
        adminToken: { type: 'http', scheme: 'bearer', description: 'ADMIN_TOKEN; the admin API answers 404 when it is unset. Wrong tokens share the console login\'s limit (10 per 15 min per address, then 429 `too_many_attempts`, the right token included)' },
        consoleSession: { type: 'apiKey', in: 'cookie', name: 'memberpay.console', description: 'The operator console session (POST /api/console/session with ADMIN_TOKEN; httpOnly, SameSite=Strict, 8 h); same-origin requests only' },
      },
    },
  };
}

/** `GET /openapi.json`, built once. */
export function openApiRoutes(options: OpenApiOptions = {}): Router {
  const router = createRouter();
  let document: Record<string, unknown> | null = null;
  router.get('/openapi.json', (ctx) => {
    document ??= buildOpenApiDocument(options);
    ctx.body = document;
  });
  return router;
}

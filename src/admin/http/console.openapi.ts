import type { ApiOperation } from '../../shared/http/openapi-from-joi';
import {
  consoleAuditQuerySchema, consoleCancelSchema, consoleLogInSchema, consoleMemberQuerySchema, consolePaymentsQuerySchema, consoleReceiptsQuerySchema,
  consoleRefundSchema, consoleReplaySchema,
} from './console.schemas';

const str = { type: 'string' };
const int = { type: 'integer' };
const time = { type: 'string', format: 'date-time' };
const nullable = (schema: object) => ({ anyOf: [schema, { type: 'null' }] });
const ok = (properties: Record<string, object>) => ({ type: 'object', properties: { works: { const: true }, ...properties }, required: ['works', ...Object.keys(properties)] });
const list = { type: 'array', items: { type: 'object' } };
const money = { type: 'object', properties: { revenue: int, refunds: int, net: int } };
const session = ok({ signed_in: { type: 'boolean' }, operator: nullable(str), expires_at: nullable(time) });
const consolePayment = { type: 'object', description: 'A payment as the API shows it, with pg, purpose, period_no and refunds[]' };
const reads = { 401: 'Error', 404: 'Error', 409: 'Error' };
const writes = { 400: 'Error', 401: 'Error', 403: 'Error', 404: 'Error', 409: 'Error', 502: 'Error', 503: 'Error' };

/** The operator console's API (mounted only with ADMIN_TOKEN; `console` = its own session cookie, same-origin only). */
export const CONSOLE_OPERATIONS: ApiOperation[] = [
  { tag: 'console', method: 'get', path: '/api/console/session', summary: 'Whether this browser holds a console session', auth: 'none', responses: { 200: session, 404: 'Error' } },
  {
    tag: 'console', method: 'post', path: '/api/console/session', summary: 'Log in to the console with ADMIN_TOKEN (sets an httpOnly, SameSite=Strict cookie for 8 h)', auth: 'none',
    body: consoleLogInSchema, responses: { 200: session, 401: 'Error', 403: 'Error', 404: 'Error', 429: 'Error' },
  },
  { tag: 'console', method: 'post', path: '/api/console/logout', summary: 'End the console session', auth: 'none', responses: { 204: 'none', 403: 'Error', 404: 'Error' } },
  {
    tag: 'console', method: 'get', path: '/api/console/overview', summary: "Today's and 30 days' money, active members, renewal success, open problems", auth: 'console',
    responses: { 200: ok({ as_of: time, today: money, last30_days: money, active_members: { type: 'object' }, renewal_success_rate: nullable({ type: 'number' }), problems: { type: 'object' } }), ...reads },
  },
  {
    tag: 'console', method: 'get', path: '/api/console/charts', summary: 'Daily revenue, refunds, active members and renewals (30 days); churn per month (12 months)', auth: 'console',
    responses: { 200: ok({ days: list, revenue: list, refunds: list, active_members: list, renewals_charged: list, renewals_failed: list, months: list, churn_ended: list, churn_rate: list }), ...reads },
  },
  {
    tag: 'console', method: 'get', path: '/api/console/payments', summary: 'Payments newest first: search (merchant_uid, gateway payment id, e-mail), filters, keyset paging', auth: 'console',
    query: consolePaymentsQuerySchema, responses: { 200: ok({ payments: list, next: nullable(str) }), ...reads },
  },
  {
    tag: 'console', method: 'get', path: '/api/console/payments/:merchant_uid', summary: 'One payment: refunds, buyer, live membership, refund quote, webhook receipts, events', auth: 'console',
    responses: { 200: ok({ payment: consolePayment, buyer: nullable({ type: 'object' }), membership: nullable({ type: 'object' }), refundable: int, policy_quote: nullable({ type: 'object' }), receipts: list, events: list }), ...reads },
  },
  {
    tag: 'console', method: 'get', path: '/api/console/payments/:merchant_uid/gateway', summary: "The gateway's own record of the payment, asked now", auth: 'console',
    responses: { 200: ok({ gateway_payment: { type: 'object' } }), ...reads, 502: 'Error', 503: 'Error' },
  },
  {
    tag: 'console', method: 'post', path: '/api/console/payments/:merchant_uid/refund', summary: 'Refund (part of) a payment (the admin refund use case)', auth: 'console',
    body: consoleRefundSchema, responses: { 200: ok({ payment: consolePayment, refund: { type: 'object', properties: { amount: int } } }), ...writes },
  },
  {
    tag: 'console', method: 'post', path: '/api/console/payments/:merchant_uid/reconcile', summary: 'Ask the gateway about this payment now and settle it', auth: 'console',
    responses: { 200: ok({ payment: consolePayment, settled: { type: 'boolean' } }), ...writes },
  },
  {
    tag: 'console', method: 'get', path: '/api/console/members', summary: "A member (by e-mail or user id): memberships, periods, masked card, notices", auth: 'console',
    query: consoleMemberQuerySchema, responses: { 200: ok({ member: { type: 'object' } }), 400: 'Error', ...reads },
  },
  {
    tag: 'console', method: 'post', path: '/api/console/members/:user_id/cancel', summary: "Cancel a member's membership, with a refund (ends now) or without (period end)", auth: 'console',
    body: consoleCancelSchema, bodyOptional: true, responses: { 200: ok({ membership: { type: 'object' }, refund: nullable({ type: 'object' }) }), ...writes },
  },
  {
    tag: 'console', method: 'get', path: '/api/console/renewals', summary: "The next 7 days' due charges and the dunning queue", auth: 'console',
    responses: { 200: ok({ as_of: time, test_clock: { type: 'boolean' }, due_soon: list, due_soon_count: int, dunning: list, dunning_count: int }), ...reads },
  },
  {
    tag: 'console', method: 'post', path: '/api/console/renewals/run', summary: 'Run renewals now (TEST_CLOCK=on only)', auth: 'console',
    responses: { 200: ok({ due: int, charged: int, failed: int, skipped: int, reminded: int, ended: int }), ...writes },
  },
  {
    tag: 'console', method: 'get', path: '/api/console/webhooks', summary: 'Webhook receipts newest first, by outcome (`unapplied`: not applied yet), keyset paging', auth: 'console',
    query: consoleReceiptsQuerySchema, responses: { 200: ok({ receipts: list, next: nullable(str) }), ...reads },
  },
  {
    tag: 'console', method: 'post', path: '/api/console/webhooks/:receipt_id/replay', summary: 'Verify one stored notice again', auth: 'console',
    responses: { 200: ok({ receipt_id: str, outcome: str }), ...writes },
  },
  {
    tag: 'console', method: 'post', path: '/api/console/webhooks/replay', summary: 'Verify the notices received in [since, until) again (until: now)', auth: 'console',
    body: consoleReplaySchema, responses: { 200: ok({ replayed: int, outcomes: { type: 'object' } }), ...writes },
  },
  {
    tag: 'console', method: 'get', path: '/api/console/audit', summary: 'Who did what and when: console and admin API writes, newest first', auth: 'console',
    query: consoleAuditQuerySchema, responses: { 200: ok({ entries: list, next: nullable(str) }), ...reads },
  },
];

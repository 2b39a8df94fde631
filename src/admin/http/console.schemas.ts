import Joi from 'joi';
import { freeText } from '../../shared/http/free-text';

const cursor = Joi.string().max(200).pattern(/^[A-Za-z0-9_-]+$/);
const limit = Joi.number().integer().min(1).max(200).default(50);
/** Times an operator filters by: the same bounds as the admin API's business times. */
const time = Joi.date().iso().min('2000-01-01T00:00:00Z').max('2100-01-01T00:00:00Z');

export const consoleLogInSchema = Joi.object({
  token: Joi.string().min(1).max(500).required(),
  /** Who is at the console, for the audit record (the token itself is shared). */
  operator: Joi.string().trim().min(1).max(60).pattern(/^[\p{L}\p{N} ._@-]+$/u).default('operator'),
});

export const consolePaymentsQuerySchema = Joi.object({
  q: Joi.string().trim().max(254).allow(''),
  status: Joi.string().valid('await', 'paid', 'failed', 'cancelled'),
  pg: Joi.string().max(64),
  from: time,
  to: time,
  cursor,
  limit,
});

export const consoleReceiptsQuerySchema = Joi.object({
  outcome: Joi.string().valid('unapplied', 'applied', 'duplicate', 'ignored'),
  merchant_uid: Joi.string().max(100),
  cursor,
  limit,
});

export const consoleAuditQuerySchema = Joi.object({ cursor, limit });

export const consoleMemberQuerySchema = Joi.object({ q: Joi.string().trim().min(1).max(254).required() });

export const consoleRefundSchema = Joi.object({
  amount: Joi.number().integer().min(1).max(1_000_000_000).allow(null),
  reason: freeText().trim().min(1).max(200).required(),
});

export const consoleCancelSchema = Joi.object({
  refund: Joi.boolean().default(true),
  reason: freeText().trim().min(1).max(200).allow(null),
});

export const consoleReplaySchema = Joi.object({
  since: time.required(),
  until: time.greater(Joi.ref('since')),
});

export const receiptIdSchema = Joi.string().max(64).pattern(/^[A-Za-z0-9_-]+$/).required();
export const userIdSchema = Joi.string().max(64).pattern(/^[A-Za-z0-9_-]+$/).required();

import Joi from 'joi';
import { freeText } from '../../shared/http/free-text';

/** A business time the test clock may take: a year 47,000 `as_of` would expire every membership at once. */
const businessTime = Joi.date().iso().min('2000-01-01T00:00:00Z').max('2100-01-01T00:00:00Z');

export const renewalsRunSchema = Joi.object({ as_of: businessTime.allow(null) });
export const clockSchema = Joi.object({ now: businessTime.allow(null).required() });
export const refundSchema = Joi.object({
  amount: Joi.number().integer().min(1).allow(null),
  reason: freeText().trim().min(1).max(200).required(),
});
export const paymentsQuerySchema = Joi.object({
  status: Joi.string().valid('await', 'paid', 'failed', 'cancelled'),
  limit: Joi.number().integer().min(1).max(1000).default(200),
});
export const refundsQuerySchema = Joi.object({
  status: Joi.string().valid('pending', 'rejected', 'refunded'),
  limit: Joi.number().integer().min(1).max(1000).default(200),
});
export const replaySchema = Joi.object({ since: Joi.date().iso() });
export const merchantUidSchema = Joi.string().max(100).required();
export const planIdSchema = Joi.string().max(64).required();
/** Integer KRW, as plans.json prices are (at least 100). */
export const priceChangeSchema = Joi.object({
  amount: Joi.number().integer().strict().min(100).max(100_000_000).required(),
  effective_at: businessTime.required(),
});

import Joi from 'joi';

export const renewalsRunSchema = Joi.object({ as_of: Joi.date().iso().allow(null) });
export const clockSchema = Joi.object({ now: Joi.date().iso().allow(null).required() });
export const refundSchema = Joi.object({
  amount: Joi.number().integer().min(1).allow(null),
  reason: Joi.string().trim().min(1).max(200).required(),
});
export const paymentsQuerySchema = Joi.object({
  status: Joi.string().valid('await', 'paid', 'failed', 'cancelled'),
  limit: Joi.number().integer().min(1).max(1000).default(200),
});
export const replaySchema = Joi.object({ since: Joi.date().iso() });
export const merchantUidSchema = Joi.string().max(100).required();

import Joi from 'joi';

export const cancelSchema = Joi.object({
  refund: Joi.boolean().default(true),
  reason: Joi.string().trim().max(200).allow(null, ''),
});

export const autoRenewSchema = Joi.object({
  enabled: Joi.boolean().required(),
});

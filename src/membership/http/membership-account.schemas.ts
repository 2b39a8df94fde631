import Joi from 'joi';
import { freeText } from '../../shared/http/free-text';

export const cancelSchema = Joi.object({
  refund: Joi.boolean().default(true),
  reason: freeText().trim().max(200).allow(null, ''),
});

export const autoRenewSchema = Joi.object({
  enabled: Joi.boolean().required(),
});

import Joi from 'joi';

export const consentAnswerSchema = Joi.object({ accept: Joi.boolean().strict().required() });
export const consentIdSchema = Joi.string().max(64).required();
export const trialSchema = Joi.object({ plan: Joi.string().max(64).required() });

import Joi from 'joi';

/** Ids as Iamport sends them: at most 100 characters, visible ASCII. */
const id = Joi.string().trim().max(100).pattern(/^[\x21-\x7e]+$/);

export interface IamportWebhookBody {
  imp_uid: string;
  merchant_uid: string;
  status: 'ready' | 'paid' | 'failed' | 'cancelled';
}

export const iamportWebhookSchema = Joi.object<IamportWebhookBody>({
  imp_uid: id.required(),
  merchant_uid: id.required(),
  status: Joi.string().trim().valid('ready', 'paid', 'failed', 'cancelled').required(),
}).required();

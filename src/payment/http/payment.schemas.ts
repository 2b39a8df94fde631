import Joi from 'joi';

/** Ids as Iamport sends them: at most 100 characters, visible ASCII. */
const id = Joi.string().trim().max(100).pattern(/^[\x21-\x7e]+$/);
const optionalText = (max: number) => Joi.alternatives(Joi.string().max(max).allow(''), Joi.number()).allow(null);

export interface CheckoutBody {
  plan: string;
  pay_method: string;
  auto_renew: boolean;
}

export const checkoutSchema = Joi.object<CheckoutBody>({
  plan: Joi.string().trim().min(1).max(64).required(),
  pay_method: Joi.string().trim().pattern(/^[a-z_]{1,32}$/).default('card'),
  auto_renew: Joi.boolean().default(false),
}).required();

export interface ValidationBody {
  imp_uid: string;
  merchant_uid: string;
}

/** `amount` and `status` from the page are accepted and ignored: only the gateway's word counts. */
export const validationSchema = Joi.object<ValidationBody>({
  imp_uid: id.required(),
  merchant_uid: id.required(),
}).required();

export interface FailureBody {
  merchant_uid: string;
  imp_uid?: string | null;
  error_code?: string | number | null;
  error_msg?: string | number | null;
}

export const failureSchema = Joi.object<FailureBody>({
  merchant_uid: id.required(),
  imp_uid: id.allow(null, ''),
  error_code: optionalText(100),
  error_msg: optionalText(1000),
}).required();

export interface WebhookBody {
  imp_uid: string;
  merchant_uid: string;
  status: 'ready' | 'paid' | 'failed' | 'cancelled';
}

export const webhookSchema = Joi.object<WebhookBody>({
  imp_uid: id.required(),
  merchant_uid: id.required(),
  status: Joi.string().trim().valid('ready', 'paid', 'failed', 'cancelled').required(),
}).required();

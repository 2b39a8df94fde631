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
  merchant_uid: string;
  /** Iamport: the payment the browser made. */
  imp_uid?: string;
  /** Toss: the payment the browser authorised (the success redirect's paymentKey). */
  payment_key?: string;
  /** Toss billing: requestBillingAuth's authKey and customerKey. */
  auth_key?: string;
  customer_key?: string;
}

/**
 * One of imp_uid (Iamport), payment_key (Toss) or auth_key + customer_key (Toss billing).
 * `amount` and `status` from the page are accepted and ignored: only the gateway's word counts.
 */
export const validationSchema = Joi.object<ValidationBody>({
  merchant_uid: id.required(),
  imp_uid: id,
  payment_key: Joi.string().trim().max(200).pattern(/^[\x21-\x7e]+$/),
  auth_key: Joi.string().trim().max(200).pattern(/^[\x21-\x7e]+$/),
  customer_key: Joi.string().trim().max(300).pattern(/^[a-zA-Z0-9\-_=.,@]+$/),
}).xor('imp_uid', 'payment_key', 'auth_key').with('auth_key', 'customer_key').required();

export interface FailureBody {
  merchant_uid: string;
  imp_uid?: string | null;
  payment_key?: string | null;
  error_code?: string | number | null;
  error_msg?: string | number | null;
}

export const failureSchema = Joi.object<FailureBody>({
  merchant_uid: id.required(),
  imp_uid: id.allow(null, ''),
  payment_key: Joi.string().trim().max(200).pattern(/^[\x21-\x7e]+$/).allow(null, ''),
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

export interface TossWebhookBody {
  eventType: 'PAYMENT_STATUS_CHANGED';
  data: { paymentKey: string; orderId: string; status: string };
}

/** Toss's notice: only the ids matter (the payment is fetched again); other events are refused. */
export const tossWebhookSchema = Joi.object<TossWebhookBody>({
  eventType: Joi.string().valid('PAYMENT_STATUS_CHANGED').required(),
  data: Joi.object({
    paymentKey: Joi.string().trim().max(200).pattern(/^[\x21-\x7e]+$/).required(),
    orderId: id.required(),
    status: Joi.string().trim().max(32).pattern(/^[A-Z_]+$/).required(),
  }).unknown(true).required(),
}).required();

import Joi from 'joi';
import { freeNumber, freeText } from '../../shared/http/free-text';

/** Ids as Iamport sends them: at most 100 characters, visible ASCII. */
const id = Joi.string().trim().max(100).pattern(/^[\x21-\x7e]+$/);
const optionalText = (max: number) => Joi.alternatives(freeText().max(max).allow(''), freeNumber()).allow(null);

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
  merchant_uid?: string;
  /** Iamport: the payment the browser made. */
  imp_uid?: string;
  /** Toss: the payment the browser authorised (the success redirect's paymentKey). */
  payment_key?: string;
  /** Toss billing: requestBillingAuth's authKey and customerKey. */
  auth_key?: string;
  customer_key?: string;
  /** PortOne V2: the paymentId the browser paid, which is our merchant_uid (an alias of it). */
  payment_id?: string;
  /** PortOne V2 billing: the billingKey requestIssueBillingKey issued, with customer_key = the customer id it was issued for. */
  billing_key?: string;
}

/**
 * merchant_uid with one of imp_uid (Iamport V1), payment_key (Toss) or auth_key + customer_key (Toss
 * billing); or payment_id (PortOne V2: the merchant_uid itself), with billing_key + customer_key when
 * the browser issued a billing key.
 * `amount` and `status` from the page are accepted and ignored: only the gateway's word counts.
 */
export const validationSchema = Joi.object<ValidationBody>({
  merchant_uid: id,
  imp_uid: id,
  payment_key: Joi.string().trim().max(200).pattern(/^[\x21-\x7e]+$/),
  auth_key: Joi.string().trim().max(200).pattern(/^[\x21-\x7e]+$/),
  customer_key: Joi.string().trim().max(300).pattern(/^[a-zA-Z0-9\-_=.,@]+$/),
  payment_id: id,
  billing_key: Joi.string().trim().max(200).pattern(/^[\x21-\x7e]+$/),
}).or('merchant_uid', 'payment_id').xor('imp_uid', 'payment_key', 'auth_key', 'payment_id').with('auth_key', 'customer_key')
  .with('billing_key', ['payment_id', 'customer_key']).required();

export interface FailureBody {
  merchant_uid: string;
  imp_uid?: string | null;
  payment_key?: string | null;
  /** PortOne V2: the paymentId the window answered (our merchant_uid), so the gateway is asked. */
  payment_id?: string | null;
  error_code?: string | number | null;
  error_msg?: string | number | null;
}

export const failureSchema = Joi.object<FailureBody>({
  merchant_uid: id.required(),
  imp_uid: id.allow(null, ''),
  payment_key: Joi.string().trim().max(200).pattern(/^[\x21-\x7e]+$/).allow(null, ''),
  payment_id: id.allow(null, ''),
  error_code: optionalText(100),
  error_msg: optionalText(1000),
}).required();

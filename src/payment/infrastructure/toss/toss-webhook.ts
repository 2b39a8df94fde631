import Joi from 'joi';

export interface TossWebhookBody {
  eventType: 'PAYMENT_STATUS_CHANGED';
  data: { paymentKey: string; orderId: string; status: string };
}

/** Toss's notice: only the ids matter (the payment is fetched again); other events are refused. */
export const tossWebhookSchema = Joi.object<TossWebhookBody>({
  eventType: Joi.string().valid('PAYMENT_STATUS_CHANGED').required(),
  data: Joi.object({
    paymentKey: Joi.string().trim().max(200).pattern(/^[\x21-\x7e]+$/).required(),
    orderId: Joi.string().trim().max(100).pattern(/^[\x21-\x7e]+$/).required(),
    status: Joi.string().trim().max(32).pattern(/^[A-Z_]+$/).required(),
  }).unknown(true).required(),
}).required();

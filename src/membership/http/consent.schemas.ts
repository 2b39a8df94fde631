import Joi from 'joi';

export const consentAnswerSchema = Joi.object({ accept: Joi.boolean().strict().required() });
export const consentIdSchema = Joi.string().max(64).required();
export const trialSchema = Joi.object({ plan: Joi.string().max(64).required() });

/** The PG's proof that its window stored the card, in the PG's own field names (as /api/payment/validation takes them). */
const proof = Joi.string().trim().max(200).pattern(/^[\x21-\x7e]+$/);

/** `plan`, with Toss's `auth_key` (requestBillingAuth) or PortOne V2's `billing_key` (requestIssueBillingKey); Iamport needs neither. */
export interface TrialConfirmBody {
  plan: string;
  auth_key?: string;
  billing_key?: string;
}

export const trialConfirmSchema = Joi.object<TrialConfirmBody>({
  plan: Joi.string().max(64).required(),
  auth_key: proof,
  billing_key: proof,
}).oxor('auth_key', 'billing_key');

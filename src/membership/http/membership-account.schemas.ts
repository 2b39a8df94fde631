import Joi from 'joi';
import { freeText } from '../../shared/http/free-text';

export const cancelSchema = Joi.object({
  refund: Joi.boolean().default(true),
  reason: freeText().trim().max(200).allow(null, ''),
});

export const autoRenewSchema = Joi.object({
  enabled: Joi.boolean().required(),
});

export interface DeleteAccountBody {
  password: string;
  /** A live membership ends now: with the refund policy's amount (true), or without (false). */
  refund: boolean;
}

export const deleteAccountSchema = Joi.object<DeleteAccountBody>({
  password: Joi.string().min(1).max(200).required(),
  refund: Joi.boolean().default(true),
}).required();

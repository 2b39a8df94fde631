import Joi from 'joi';
import { freeText } from '../../shared/http/free-text';
import { MIN_PASSWORD_LENGTH } from '../application/account-limits';
import { koreanMobileE164 } from '../domain/phone-number';

const email = Joi.string().trim().lowercase().email({ tlds: { allow: false } }).max(254);

export interface SignUpBody {
  email: string;
  password: string;
  name: string;
  /** E.164 after validation; null when the member gave none. */
  phone: string | null;
}

/** Optional; an empty field (a form left blank) is none. */
const phone = Joi.string().trim().max(30).allow(null, '').empty('').default(null)
  .custom((value: string, helpers) => koreanMobileE164(value) ?? helpers.error('phone.korean'))
  .messages({ 'phone.korean': '{{#label}} must be a Korean mobile number such as 010-1234-5678' });

export const signUpSchema = Joi.object<SignUpBody>({
  email: email.required(),
  password: Joi.string().min(MIN_PASSWORD_LENGTH).max(200).required(),
  name: freeText().trim().min(1).max(100).required(),
  phone,
}).required();

export interface LogInBody {
  email: string;
  password: string;
}

export const logInSchema = Joi.object<LogInBody>({
  // Any string up to the column's size: a malformed email is simply not a known account (401, counted).
  email: Joi.string().trim().lowercase().min(1).max(254).required(),
  password: Joi.string().min(1).max(200).required(),
}).required();

import Joi from 'joi';
import { freeText } from '../../shared/http/free-text';
import { MIN_PASSWORD_LENGTH } from '../application/account-limits';

const email = Joi.string().trim().lowercase().email({ tlds: { allow: false } }).max(254);

export interface SignUpBody {
  email: string;
  password: string;
  name: string;
}

export const signUpSchema = Joi.object<SignUpBody>({
  email: email.required(),
  password: Joi.string().min(MIN_PASSWORD_LENGTH).max(200).required(),
  name: freeText().trim().min(1).max(100).required(),
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

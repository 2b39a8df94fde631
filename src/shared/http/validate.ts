import Joi from 'joi';
import { DomainError } from '../domain/domain-error';

export interface FieldProblem {
  field: string;
  message: string;
}

export class InvalidRequestError extends DomainError {
  constructor(details: FieldProblem[], message = 'the request is not valid') {
    super('invalid_input', 'invalid_request', message, details);
  }
}

const OPTIONS: Joi.ValidationOptions = { abortEarly: false, stripUnknown: true, convert: true, errors: { wrap: { label: false } } };

/** Every problem at once, unknown keys dropped, strings converted where the schema says (forms send text). */
export function validate<T>(schema: Joi.Schema<T>, input: unknown): T {
  const { value, error } = schema.validate(input ?? {}, OPTIONS);
  if (error) {
    throw new InvalidRequestError(error.details.map((d) => ({ field: d.path.join('.') || 'body', message: d.message })));
  }
  return value as T;
}

/** Seed field names accepted at the edge: `merchant_id`, `imp_id`, `type`. */
const ALIASES: Record<string, string> = { merchant_id: 'merchant_uid', imp_id: 'imp_uid', type: 'pay_method' };

/** Renames the seed's aliases to our field names (the proper name wins when both are sent). */
export function normaliseAliases(body: unknown): unknown {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return body;
  const out: Record<string, unknown> = { ...(body as Record<string, unknown>) };
  for (const [alias, name] of Object.entries(ALIASES)) {
    if (!(alias in out)) continue;
    if (!(name in out)) out[name] = out[alias];
    delete out[alias];
  }
  return out;
}

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

/**
 * Every problem at once, unknown keys dropped, strings converted where the schema says (forms send
 * text). No string may carry U+0000 anywhere in the input: no field needs one, and PostgreSQL's
 * text cannot store it (it would end as a 500 there, and as stored garbage elsewhere).
 */
export function validate<T>(schema: Joi.Schema<T>, input: unknown): T {
  const nul = nulCharacters(input, []);
  if (nul.length > 0) throw new InvalidRequestError(nul.map((field) => ({ field, message: `${field} must not contain the NUL character` })));
  const { value, error } = schema.validate(input ?? {}, OPTIONS);
  if (error) {
    throw new InvalidRequestError(error.details.map((d) => ({ field: d.path.join('.') || 'body', message: d.message })));
  }
  return value as T;
}

/** Paths of the strings (values or keys) in `input` that contain U+0000. */
function nulCharacters(input: unknown, path: string[]): string[] {
  const here = () => path.join('.') || 'body';
  if (typeof input === 'string') return input.includes('\u0000') ? [here()] : [];
  if (!input || typeof input !== 'object') return [];
  const found: string[] = [];
  for (const [key, value] of Object.entries(input)) {
    if (key.includes('\u0000')) found.push(here());
    else found.push(...nulCharacters(value, [...path, key]));
  }
  return found;
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

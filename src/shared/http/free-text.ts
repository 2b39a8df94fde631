import Joi from 'joi';
import { containsCardNumber } from '../domain/card-number';

const CARD_NUMBER = 'string.cardNumber';

/**
 * A field people type into (a name, a reason, a message): any text, but never a card number —
 * memberpay must not receive or store one (only the PG may). Refused as 400 `invalid_request`.
 */
export function freeText(): Joi.StringSchema {
  return Joi.string()
    .custom((value: string, helpers) => (containsCardNumber(value) ? helpers.error(CARD_NUMBER) : value), 'no card number')
    .messages({ [CARD_NUMBER]: '{#label} must not contain a card number' });
}

/** The same rule for a free-text field a client may send as a number (Iamport's error_msg). */
export function freeNumber(): Joi.NumberSchema {
  return Joi.number()
    .custom((value: number, helpers) => (containsCardNumber(String(value)) ? helpers.error(CARD_NUMBER) : value), 'no card number')
    .messages({ [CARD_NUMBER]: '{#label} must not contain a card number' });
}

/**
 * Card numbers never enter memberpay (only the PG may store them, card-merchant standard terms):
 * a run of 13 to 19 digits, spaces or dashes allowed between them, that passes the Luhn check is
 * taken for one. Shorter runs (phone numbers, ids) and runs that fail Luhn are ordinary text.
 */
const DIGIT_RUN = /\d(?:[ -]?\d){12,}/g;

export function containsCardNumber(text: string): boolean {
  for (const match of text.matchAll(DIGIT_RUN)) {
    // The whole run only: checking every window inside a long run would refuse most long numbers (1 in 10 passes Luhn by chance).
    const digits = match[0].replace(/\D/g, '');
    if (digits.length <= 19 && passesLuhn(digits)) return true;
  }
  return false;
}

export function passesLuhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i += 1) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/**
 * A card number for display: every digit but the first 6 and the last 4 becomes `*`, whatever the
 * gateway sent (an already masked number stays as it was).
 */
export function maskCardNumber(number: string): string {
  // One pass to count the digits and stars, one to mask (this runs once per payment verified).
  let places = 0;
  for (const c of number) if (isDigit(c) || c === '*') places += 1;
  let place = 0;
  let masked = '';
  for (const c of number) {
    if (!isDigit(c) && c !== '*') {
      masked += c;
      continue;
    }
    const shown = place < 6 || place >= places - 4;
    place += 1;
    masked += isDigit(c) && !shown ? '*' : c;
  }
  return masked;
}

function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}

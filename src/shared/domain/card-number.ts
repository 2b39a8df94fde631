/**
 * Card numbers never enter memberpay (only the PG may store them, card-merchant standard terms):
 * a run of 13 to 19 digits, separators allowed between them, that passes the Luhn check is taken
 * for one, wherever it sits in the text. Shorter runs (phone numbers, ids) and runs that fail Luhn
 * are ordinary text. How it is looked for (attacker-findings-7: a number pasted with its expiry or
 * CVC after it, or with two spaces between its groups, was stored as typed):
 *
 * - The text is NFKC-normalised first: full-width digits (０-９), the ideographic space, full-width
 *   dashes and dots, the no-break space become their ASCII forms.
 * - A digit is any decimal digit of any script (\p{Nd}: Arabic-Indic, Devanagari, Thai...), read as
 *   its value. Where the script changes between two digits a new group starts, as if a separator
 *   stood there: a card number in one script is still found with another script's digit glued to it.
 * - Digit groups joined by separators form one run. A separator is any run of whitespace (tabs and
 *   line breaks too), dashes (any Unicode dash, the minus sign), dots or middle dots, and invisible
 *   format characters (zero-width space, soft hyphen), underscores, combining marks and characters shown
 *   as nothing or a blank (Hangul fillers, the braille blank). Commas, slashes and colons are not: they keep
 *   amounts (1,234,567,890,123,456원), expiries (12/27) and times (09:00) apart from a number.
 * - Every span of whole groups in a run holding 13..19 digits is checked: the number is found with
 *   its expiry or CVC after it ("4242 4242 4242 4242 12/27", "... 0327 123") or digits before it.
 * - One group of 20 or more digits cannot be a single card number, so each 13..19-digit window of it
 *   is checked: a number glued to its expiry is found. The chosen cost: most 20+ digit numbers are
 *   refused (a window passes Luhn 1 time in 10; a 20-digit number has 35 windows). Acceptable for
 *   every caller (freeText/freeNumber: names, reasons, failure messages), which refuses with 400 so
 *   the person can write it otherwise; none masks.
 * - A group of 13..19 digits is checked whole, never its windows: a 16-digit order number failing
 *   Luhn stays text (its 10 inner windows would refuse about 2 in 3 such numbers). The gap that
 *   leaves: a card number glued to 1..3 more digits without a separator ("424242424242424212").
 * - Known false positives: numbers joined only by separators form one run whose spans may pass
 *   Luhn: two phone numbers "010-1234-5678 010-9876-5432" (about 4 pairs in 10), a date range
 *   "2026-12-07 - 2027-01-06" (about 2 in 10). Words, commas, '~' or '/' between them keep them
 *   apart; a lone phone number, date, amount (99,000) or order id (mp_01J...) never matches.
 *
 * No library: the maintained ones (card-validator, fast-luhn) check one number already cut out of
 * the text; none looks for one inside text with these separator and window rules, and Luhn is ten
 * lines.
 */
// Underscores, combining marks (accents, variation selectors, keycaps) and characters shown as nothing or a
// blank (Hangul fillers, the braille blank) join groups too (attacker-findings-8).
const SEPARATOR = String.raw`[\s\p{Pd}\u2212.\u00b7\u30fb\p{Cf}_\p{M}\p{Default_Ignorable_Code_Point}\u2800]`;
const DIGIT_RUN = new RegExp(String.raw`\p{Nd}(?:${SEPARATOR}*\p{Nd})*`, 'gu');
const SEPARATORS = new RegExp(`${SEPARATOR}+`, 'u');
const DECIMAL_DIGIT = /^\p{Nd}$/u;
const MIN_DIGITS = 13;
const MAX_DIGITS = 19;

export function containsCardNumber(text: string): boolean {
  for (const [run] of text.normalize('NFKC').matchAll(DIGIT_RUN)) {
    if (runHoldsCardNumber(run.split(SEPARATORS).flatMap(asciiGroupsByScript))) return true;
  }
  return false;
}

/** One separator-free group of decimal digits → its ASCII digits, cut where the script changes. */
function asciiGroupsByScript(group: string): string[] {
  const groups: string[] = [];
  let current = '';
  let currentZero = -1;
  for (const digit of group) {
    const codePoint = digit.codePointAt(0)!;
    const zero = zeroOfDigit(codePoint);
    if (zero !== currentZero && current !== '') {
      groups.push(current);
      current = '';
    }
    currentZero = zero;
    current += String(codePoint - zero);
  }
  groups.push(current);
  return groups;
}

/**
 * The code point of the zero of the script `codePoint` (a decimal digit) belongs to. Unicode encodes
 * every script's decimal digits as ten contiguous code points from 0 to 9 (a stability guarantee), so
 * a contiguous stretch of decimal digits is whole sets of ten starting at a zero.
 */
function zeroOfDigit(codePoint: number): number {
  if (codePoint >= 0x30 && codePoint <= 0x39) return 0x30;
  let start = codePoint;
  while (DECIMAL_DIGIT.test(String.fromCodePoint(start - 1))) start -= 1;
  return codePoint - ((codePoint - start) % 10);
}

/** `groups`: the digit groups of one run, in order. Linear in the run's length (a body is at most 32 kB). */
function runHoldsCardNumber(groups: string[]): boolean {
  for (let first = 0; first < groups.length; first += 1) {
    let span = '';
    for (let last = first; last < groups.length && span.length + groups[last].length <= MAX_DIGITS; last += 1) {
      span += groups[last];
      if (span.length >= MIN_DIGITS && passesLuhn(span)) return true;
    }
    const group = groups[first];
    if (group.length > MAX_DIGITS && someWindowPassesLuhn(group)) return true;
  }
  return false;
}

function someWindowPassesLuhn(digits: string): boolean {
  for (let length = MIN_DIGITS; length <= MAX_DIGITS; length += 1) {
    for (let start = 0; start + length <= digits.length; start += 1) {
      if (passesLuhn(digits.slice(start, start + length))) return true;
    }
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

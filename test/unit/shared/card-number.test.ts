import { expect } from 'chai';
import fc from 'fast-check';
import { containsCardNumber, maskCardNumber, passesLuhn } from '../../../src/shared/domain/card-number';

/** Appends the Luhn check digit to `body`. */
function withCheckDigit(body: string): string {
  for (let d = 0; d <= 9; d += 1) if (passesLuhn(body + d)) return body + d;
  throw new Error('unreachable');
}

describe('card numbers in free text (src/shared/domain/card-number.ts)', () => {
  it('finds test card numbers written plain, with spaces or dashes, inside other text', () => {
    for (const text of ['4111111111111111', '4111 1111 1111 1111', 'card 4111-1111-1111-1111 please', '5555555555554444', '378282246310005', 'x4242424242424242y']) {
      expect(containsCardNumber(text), text).to.equal(true);
    }
  });

  it('leaves ordinary digits alone: short runs, phone numbers, runs failing Luhn, dates', () => {
    for (const text of ['', 'order 1234567812345678', '010-1234-5678', '02-000-0000', '123-45-67890', '2026-11-25 09:00', '4111111111111112', '411111111111']) {
      expect(containsCardNumber(text), text).to.equal(false);
    }
  });

  it('property: any 13..19-digit number with a valid check digit is found, whatever surrounds it', () => {
    fc.assert(fc.property(
      fc.integer({ min: 12, max: 18 }).chain((n) => fc.stringMatching(new RegExp(`^[0-9]{${n}}$`))),
      fc.string({ maxLength: 10 }).filter((s) => !/\d/.test(s)),
      (body, around) => containsCardNumber(`${around}${withCheckDigit(body)}${around}`),
    ));
  });

  // attacker-findings-7: a card number pasted with its expiry or CVC after it, or with other separators.
  it('finds a card number followed by its expiry or CVC, with any run of spaces, tabs, dashes or dots between its groups', () => {
    for (const text of [
      'Kim 4242 4242 4242 4242 12/27',
      'Kim 4242  4242  4242  4242',
      'Kim 4242-4242-4242-4242 0327 123',
      '4242\t4242\t4242\t4242',
      '4242.4242.4242.4242',
      '4242 - 4242 - 4242 - 4242',
      '4242 -. 4242\t \t4242--4242 exp 12/27',
      '12 4242 4242 4242 4242',
      '3782 822463 10005 12/27 1234',
      'card 4242424242424242 1227 123',
      '42424242424242421227',
      'card: 4242\n4242\n4242\n4242',
      '4222 2222 22222 12/27', // 13 digits
      `${withCheckDigit('601100000000000000').replace(/(\d{4})(?=\d)/g, '$1 ')} 12/27`, // 19 digits
    ]) {
      expect(containsCardNumber(text), JSON.stringify(text)).to.equal(true);
    }
  });

  it('finds a card number written with full-width digits or separators, other Unicode dashes, or invisible characters between its digits', () => {
    for (const text of [
      '김 ４２４２ ４２４２ ４２４２ ４２４２',
      '４２４２４２４２４２４２４２４２',
      '４２４２－４２４２－４２４２－４２４２',
      '4242\u30004242\u30004242\u30004242',
      '４２４２．４２４２．４２４２．４２４２',
      '4242\u20134242\u20144242\u22124242',
      '4242\u00a04242\u00a04242\u00a04242',
      '4242\u200b4242\u00ad4242\u200b4242',
    ]) {
      expect(containsCardNumber(text), JSON.stringify(text)).to.equal(true);
    }
  });

  it('leaves ordinary text with digits alone: phone numbers, dates, amounts, order ids, Luhn-failing numbers however spaced', () => {
    for (const text of [
      'call 010-1234-5678 or 010-9876-5432',
      '010 1234 5678',
      '+82 10-1234-5678',
      '2026-12-07',
      '2026.12.07 ~ 2027.01.06',
      'from 2026-12-07 to 2027-01-06, 09:00',
      '99,000원',
      '1,234,567,890,123,456원',
      'mp_01JDX3K5Q9Z8Y7W6V5T4S3R2Q1',
      'imp_123456789012',
      '1234  5678  1234  5678',
      '1234.5678.1234.5678',
      '１２３４５６７８１２３４５６７８',
      '4111 1111 1111 1112 12/27',
      '12/27 123',
    ]) {
      expect(containsCardNumber(text), JSON.stringify(text)).to.equal(false);
    }
  });

  it('refuses a number of 20 or more digits when a 13..19-digit window of it passes Luhn (a card glued to more digits); a 13..19-digit number is judged whole', () => {
    // The chosen cost: most 20+ digit numbers are refused (see containsCardNumber).
    expect(containsCardNumber('order 12345678901234567890')).to.equal(true);
    expect(containsCardNumber('11111111111111111111'), 'no window of it passes Luhn').to.equal(false);
    // Its last 13 digits (1111111111112) pass Luhn, but inside a 16-digit number that fails it they are not looked at.
    expect(containsCardNumber('4111111111111112')).to.equal(false);
  });

  it('property: a Luhn-valid 16-digit number, in ASCII or full-width digits, cut into groups by random separators, is found inside any text', () => {
    const separator = fc.array(fc.constantFrom(' ', '  ', '\t', '-', '.', '\u3000', '\uff0d', '\uff0e', '\u2013', '\n'), { minLength: 1, maxLength: 3 }).map((s) => s.join(''));
    const notDigitAt = (text: string, at: 'start' | 'end') => !(at === 'start' ? /^\d/ : /\d$/).test(text.normalize('NFKC'));
    fc.assert(fc.property(
      fc.stringMatching(/^[0-9]{15}$/).map(withCheckDigit),
      fc.array(fc.tuple(fc.boolean(), fc.option(separator, { nil: undefined })), { minLength: 16, maxLength: 16 }),
      fc.string({ unit: 'grapheme', maxLength: 20 }).filter((s) => notDigitAt(s, 'end')),
      fc.string({ unit: 'grapheme', maxLength: 20 }).filter((s) => notDigitAt(s, 'start')),
      (number, look, before, after) => {
        const card = [...number].map((d, i) => {
          const [fullWidth, sep] = look[i];
          const digit = fullWidth ? String.fromCharCode(0xff10 + Number(d)) : d;
          return i < 15 && sep !== undefined ? digit + sep : digit;
        }).join('');
        return containsCardNumber(`${before}${card}${after}`);
      },
    ));
  });

  it('finds a card number with another script\'s digits glued to it or its digits in scripts mixed (a script change starts a new group)', () => {
    for (const text of [
      '\u{118e0}4242424242424242', // a Warang Citi zero glued before the card
      '4242424242424242\u0661', // an Arabic-Indic one glued after it
      '\u0664\u0662\u0664\u06624242\u0664\u0662\u0664\u06624242',
    ]) {
      expect(containsCardNumber(text), JSON.stringify(text)).to.equal(true);
    }
  });

  it('property: a Luhn-valid 16-digit number, each digit in any script\'s decimal digits, is found', () => {
    // The zeros of ASCII, Arabic-Indic, Extended Arabic-Indic, Devanagari, Bengali, Thai, Myanmar, Warang Citi.
    const zeros = [0x30, 0x660, 0x6f0, 0x966, 0x9e6, 0xe50, 0x1040, 0x118e0];
    fc.assert(fc.property(
      fc.stringMatching(/^[0-9]{15}$/).map(withCheckDigit),
      fc.array(fc.constantFrom(...zeros), { minLength: 16, maxLength: 16 }),
      (number, scripts) => containsCardNumber(`card ${[...number].map((d, i) => String.fromCodePoint(scripts[i] + Number(d))).join('')}`),
    ));
  });

  it('property: a number of 13..19 digits failing Luhn, alone between words, is ordinary text', () => {
    fc.assert(fc.property(
      fc.integer({ min: 13, max: 19 }).chain((n) => fc.stringMatching(new RegExp(`^[0-9]{${n}}$`))).filter((digits) => !passesLuhn(digits)),
      (digits) => !containsCardNumber(`order ${digits} please`),
    ));
  });
});

describe('masking a card number for a receipt', () => {
  it('never shows more than the first 6 and the last 4 positions, whatever the gateway sent', () => {
    expect(maskCardNumber('5361481234561234')).to.equal('536148******1234');
    expect(maskCardNumber('5361-4812-3456-1234')).to.equal('5361-48**-****-1234');
    expect(maskCardNumber('536148******1234')).to.equal('536148******1234');
    // Toss shows 8 leading digits: masked down to 6 here.
    expect(maskCardNumber('43301234****123*')).to.equal('433012******123*');
  });

  it('property: masks exactly the digits outside the first 6 and last 4 digit-or-star positions, in any text', () => {
    const reference = (number: string) => {
      const places = [...number].flatMap((c, i) => (/\d|\*/.test(c) ? [i] : []));
      const shown = new Set([...places.slice(0, 6), ...places.slice(-4)]);
      return [...number].map((c, i) => (/\d/.test(c) && !shown.has(i) ? '*' : c)).join('');
    };
    const cardLike = fc.array(fc.constantFrom('0', '5', '9', '*', '-', ' ', 'x', '٣', '😀'), { maxLength: 24 }).map((cs) => cs.join(''));
    fc.assert(fc.property(fc.oneof(cardLike, fc.string()), (number) => maskCardNumber(number) === reference(number)));
  });
});

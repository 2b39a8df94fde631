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

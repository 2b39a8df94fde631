import { expect } from 'chai';
import { containsCardNumber } from '../../../src/shared/domain/card-number';

const toScript = (digits: string, zero: number) => digits.replace(/\d/g, (d) => String.fromCodePoint(zero + Number(d)));

/**
 * attacker-findings-8, LOW (card data): card numbers the detector missed, each stored as typed by
 * the running app in a failure report's error_msg (POST /api/payment/failure answered 200).
 */
describe('card numbers in free text: forms attack-8 found missed (src/shared/domain/card-number.ts)', () => {
  it('finds a card number whose groups are joined by underscores', () => {
    expect(containsCardNumber('card 4242_4242_4242_4242')).to.equal(true);
  });

  it('finds a card number with invisible fillers or combining marks between its digits (Hangul filler, braille blank, variation selectors, keycaps, accents)', () => {
    for (const text of [
      '4242\u31644242\u31644242\u31644242',
      '4242\uffa04242\uffa04242\uffa04242',
      '4242\u28004242\u28004242\u28004242',
      '4242424242424242'.split('').join('\ufe0f'),
      '4242424242424242'.split('').map((d) => `${d}\ufe0f\u20e3`).join(''),
      '4242424242424242'.split('').join('\u0301'),
      '4242\u034f4242\u034f4242\u034f4242',
    ]) {
      expect(containsCardNumber(text), JSON.stringify(text)).to.equal(true);
    }
  });

  it('finds a card number written in other scripts\' decimal digits, or with scripts mixed', () => {
    for (const text of [
      `카드 ${toScript('4242 4242 4242 4242', 0x660)}`, // Arabic-Indic
      toScript('4242424242424242', 0x6f0), // Extended Arabic-Indic (Persian)
      toScript('4242-4242-4242-4242', 0x966), // Devanagari
      toScript('4242424242424242', 0xe50), // Thai
      `4242 ${toScript('4242', 0x660)} 4242 ${toScript('4242', 0x966)}`,
    ]) {
      expect(containsCardNumber(text), JSON.stringify(text)).to.equal(true);
    }
  });

  it('still leaves other scripts\' ordinary numbers alone (a phone number, a Luhn-failing run)', () => {
    expect(containsCardNumber(toScript('010-1234-5678', 0x660))).to.equal(false);
    expect(containsCardNumber(toScript('4111 1111 1111 1112', 0x966))).to.equal(false);
    expect(containsCardNumber('file_2026_12_07 010_1234_5678')).to.equal(false);
  });
});

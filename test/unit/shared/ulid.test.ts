import { expect } from 'chai';
import fc from 'fast-check';
import { encodeUlid, ulid } from '../../../src/shared/domain/ulid';
import { UlidIdGenerator } from '../../../src/shared/infrastructure/ulid-id-generator';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** The ULID spec's encoding, with BigInt: 48-bit time, then the 80 random bits as one number. */
function reference(timeMs: number, random: Uint8Array): string {
  const encode = (value: bigint, length: number) => {
    let out = '';
    for (let i = 0; i < length; i++) {
      out = CROCKFORD[Number(value % 32n)] + out;
      value /= 32n;
    }
    return out;
  };
  return encode(BigInt(timeMs), 10) + encode(BigInt(`0x${Buffer.from(random).toString('hex')}`), 16);
}

const decodeTime = (id: string) => [...id.slice(0, 10)].reduce((ms, c) => ms * 32 + CROCKFORD.indexOf(c), 0);

describe('ULIDs (src/shared/domain/ulid.ts)', () => {
  it('property: encodes a time and 10 random bytes as the spec does (48-bit time, then 80 bits in 16 digits)', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 2 ** 48 - 1 }), fc.uint8Array({ minLength: 10, maxLength: 10 }), (time, random) =>
      encodeUlid(time, random) === reference(time, random)));
  });

  it('encodes the extremes of both parts', () => {
    expect(encodeUlid(0, new Uint8Array(10))).to.equal('0'.repeat(26));
    expect(encodeUlid(2 ** 48 - 1, new Uint8Array(10).fill(255))).to.equal(`7${'Z'.repeat(25)}`);
  });

  it('starts with the creation time, sorts by it across milliseconds, and is 26 Crockford characters', () => {
    const earlier = ulid(new Date('2026-11-25T09:00:00.000Z'));
    const later = ulid(new Date('2026-11-25T09:00:00.001Z'));
    expect(earlier).to.match(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(decodeTime(earlier)).to.equal(Date.parse('2026-11-25T09:00:00.000Z'));
    expect(earlier < later).to.equal(true);
  });

  it('never repeats, within one millisecond and past the random pool\'s refills', () => {
    const at = new Date();
    const ids = Array.from({ length: 5000 }, () => ulid(at));
    expect(new Set(ids).size).to.equal(ids.length);
    expect(new Set(ids.map((id) => id.slice(10))).size).to.equal(ids.length);
  });

  it('gives ids in lower case and merchant_uids as mp_ + an upper-case ULID', () => {
    const ids = new UlidIdGenerator();
    expect(ids.newId()).to.match(/^[0-9a-hjkmnp-tv-z]{26}$/);
    expect(ids.newMerchantUid()).to.match(/^mp_[0-9A-HJKMNP-TV-Z]{26}$/);
  });
});

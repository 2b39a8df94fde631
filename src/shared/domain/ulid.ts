import { randomBytes } from 'node:crypto';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

function encode(value: bigint, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) {
    out = CROCKFORD[Number(value % 32n)] + out;
    value /= 32n;
  }
  return out;
}

/**
 * A ULID: 48 bits of milliseconds then 80 random bits, 26 characters. Time-ordered, and two ids
 * made in the same millisecond (or on two servers) cannot collide. Short enough that
 * `renewal-<id>-<n>` stays inside Iamport's 40-character merchant_uid.
 */
export function ulid(now: Date = new Date()): string {
  const time = encode(BigInt(now.getTime()), 10);
  const random = encode(BigInt('0x' + randomBytes(10).toString('hex')), 16);
  return time + random;
}

import { randomFillSync } from 'node:crypto';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const RANDOM_BYTES = 10;

/** Random bytes are drawn from the OS for this many ids at once: one system call instead of one per id (issue 16). */
const POOL_IDS = 256;
const pool = Buffer.alloc(RANDOM_BYTES * POOL_IDS);
let poolOffset = pool.length;

/** `length` base-32 digits of a non-negative integer below 2^53, most significant first. */
function encodeNumber(value: number, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) {
    out = CROCKFORD[value % 32] + out;
    value = Math.floor(value / 32);
  }
  return out;
}

/** Five bytes, big-endian, as one number (below 2^40). */
function fortyBits(bytes: Uint8Array, at: number): number {
  const low32 = ((bytes[at + 1] << 24) | (bytes[at + 2] << 16) | (bytes[at + 3] << 8) | bytes[at + 4]) >>> 0;
  return bytes[at] * 2 ** 32 + low32;
}

/**
 * The ULID of an instant (epoch ms) and 10 random bytes: the time in 10 base-32 digits, then the
 * 80 bits in 16. Each half of the bytes is 40 bits, exactly 8 digits, so the halves are encoded
 * apart with plain numbers (no BigInt).
 */
export function encodeUlid(timeMs: number, random: Uint8Array, offset = 0): string {
  return encodeNumber(timeMs, 10) + encodeNumber(fortyBits(random, offset), 8) + encodeNumber(fortyBits(random, offset + 5), 8);
}

/**
 * A ULID: 48 bits of milliseconds then 80 random bits, 26 characters. Time-ordered, and two ids
 * made in the same millisecond (or on two servers) cannot collide. Short enough that
 * `renewal-<id>-<n>` stays inside Iamport's 40-character merchant_uid.
 */
export function ulid(now: Date = new Date()): string {
  if (poolOffset === pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const id = encodeUlid(now.getTime(), pool, poolOffset);
  poolOffset += RANDOM_BYTES;
  return id;
}

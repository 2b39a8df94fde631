import { timingSafeEqual } from 'node:crypto';

/** A configured secret (ADMIN_TOKEN, METRICS_TOKEN) that presented tokens are compared with in constant time. */
export class SecretToken {
  private readonly expected: Buffer;

  constructor(secret: string) {
    this.expected = Buffer.from(secret);
  }

  matches(presented: string): boolean {
    const given = Buffer.from(presented);
    return given.length === this.expected.length && timingSafeEqual(given, this.expected);
  }
}

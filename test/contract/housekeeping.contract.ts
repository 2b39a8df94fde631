import { expect } from 'chai';
import type { IdempotencyStore } from '../../src/shared/application/idempotency-store.port';
import type { RateLimiter } from '../../src/shared/application/rate-limiter.port';
import type { SessionStore } from '../../src/shared/application/session-store.port';
import { ControllableClock } from '../../src/shared/infrastructure/controllable-clock';
import { Housekeeping } from '../../src/shared/infrastructure/housekeeping';

export interface HousekeepingKit {
  sessions: SessionStore;
  idempotency: IdempotencyStore;
  rateLimiter: RateLimiter;
  close(): Promise<void>;
}

const HOUR = 60 * 60 * 1000;
const NOW = new Date('2026-11-25T09:00:00.000Z');
const at = (hours: number) => new Date(NOW.getTime() + hours * HOUR);

/** The purges of the three stores every request touches, as the memory adapters define them. */
export function housekeepingContract(name: string, open: () => Promise<HousekeepingKit>): void {
  describe(`housekeeping: ${name}`, () => {
    let kit: HousekeepingKit;
    beforeEach(async () => {
      kit = await open();
    });
    afterEach(async () => {
      await kit.close();
    });

    it('deletes expired sessions only', async () => {
      await kit.sessions.set('gone', { data: { a: 1 }, userId: null, expiresAt: at(-1) });
      await kit.sessions.set('kept', { data: { b: 2 }, userId: null, expiresAt: at(1) });
      expect(await kit.sessions.purgeExpired(NOW)).to.equal(1);
      expect(await kit.sessions.get('kept', NOW)).to.deep.include({ data: { b: 2 } });
      expect(await kit.sessions.purgeExpired(NOW)).to.equal(0);
    });

    it('deletes expired idempotency keys only; an unexpired one still holds its key', async () => {
      const record = { scope: 'user:u1 POST /api/payment/checkout', fingerprint: 'f', createdAt: at(-25) };
      expect(await kit.idempotency.claim({ ...record, key: 'old', expiresAt: at(-1) }, at(-26))).to.deep.equal({ claimed: true });
      expect(await kit.idempotency.claim({ ...record, key: 'new', expiresAt: at(23) }, at(-26))).to.deep.equal({ claimed: true });
      await kit.idempotency.complete(record.scope, 'new', 201, '{"works":true}');
      expect(await kit.idempotency.purgeExpired(NOW)).to.equal(1);
      const again = await kit.idempotency.claim({ ...record, key: 'new', createdAt: NOW, expiresAt: at(24) }, at(-1));
      expect(again).to.deep.include({ claimed: false });
    });

    it('forgets rate-limit events older than the cut, keeping the windows that still count', async () => {
      await kit.rateLimiter.hit('login:1.2.3.4:a@b.c', at(-30));
      await kit.rateLimiter.hit('login:1.2.3.4:a@b.c', at(-0.1));
      await kit.rateLimiter.hit('signup:1.2.3.4', at(-30));
      expect(await kit.rateLimiter.purgeBefore(at(-24))).to.be.at.least(1);
      expect(await kit.rateLimiter.count('login:1.2.3.4:a@b.c', 48 * HOUR, NOW)).to.equal(1);
      expect(await kit.rateLimiter.count('signup:1.2.3.4', 48 * HOUR, NOW)).to.equal(0);
    });

    it('runs all three in one pass', async () => {
      const clock = new ControllableClock();
      clock.freezeAt(NOW);
      await kit.sessions.set('gone', { data: {}, userId: null, expiresAt: new Date(Date.now() - HOUR) });
      const result = await new Housekeeping(kit.sessions, kit.idempotency, kit.rateLimiter, clock).run();
      expect(result.sessions).to.equal(1);
      expect(result).to.have.all.keys('sessions', 'idempotencyKeys', 'rateLimitCounters');
    });
  });
}

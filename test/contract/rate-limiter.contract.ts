import { expect } from 'chai';
import type { RateLimiter } from '../../src/shared/application/rate-limiter.port';

export interface RateLimiterKit {
  rateLimiter: RateLimiter;
  close(): Promise<void>;
}

const MINUTE = 60 * 1000;
const NOW = new Date('2026-11-25T09:00:00.000Z');
const at = (minutes: number) => new Date(NOW.getTime() + minutes * MINUTE);
const KEY = 'login:10.7.7.7:a@b.c';

/** The counting a limit relies on, as the memory adapter defines it: every adapter answers alike. */
export function rateLimiterContract(name: string, open: () => Promise<RateLimiterKit>): void {
  describe(`rate limiter: ${name}`, () => {
    let kit: RateLimiterKit;
    beforeEach(async () => {
      kit = await open();
    });
    afterEach(async () => {
      await kit.close();
    });

    it('hitAndCount records the event and answers the window with it included, as count does', async () => {
      await kit.rateLimiter.hit(KEY, at(-20));
      await kit.rateLimiter.hit(KEY, at(-10));
      await kit.rateLimiter.hit('login:10.7.7.8:a@b.c', at(-1));
      expect(await kit.rateLimiter.hitAndCount(KEY, NOW, 15 * MINUTE)).to.equal(2);
      expect(await kit.rateLimiter.hitAndCount(KEY, at(0.5), 15 * MINUTE)).to.equal(3);
      expect(await kit.rateLimiter.count(KEY, 15 * MINUTE, at(0.5))).to.equal(3);
      expect(await kit.rateLimiter.count(KEY, 60 * MINUTE, at(0.5))).to.equal(4);
    });

    it('hitAndCount counts an event timed after its own (a clock read a moment earlier, recorded later)', async () => {
      await kit.rateLimiter.hit(KEY, at(0.05));
      await kit.rateLimiter.hit(KEY, at(-16));
      expect(await kit.rateLimiter.hitAndCount(KEY, NOW, 15 * MINUTE)).to.equal(2);
    });

    it('attempts sent at once: the n-th recorded answers at least n, so at most `limit` of them see the limit not passed', async () => {
      // Spread over several seconds (several counters on the database adapters), all inside the window.
      const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => kit.rateLimiter.hitAndCount(KEY, new Date(NOW.getTime() + (i % 4) * 1000), 15 * MINUTE)));
      const sorted = [...answers].sort((a, b) => a - b);
      sorted.forEach((answer, i) => expect(answer, `answers ${sorted.join(',')}`).to.be.at.least(i + 1));
      expect(sorted.filter((a) => a <= 10)).to.have.length.at.most(10);
      expect(await kit.rateLimiter.count(KEY, 15 * MINUTE, at(1))).to.equal(30);
    });

    it('takeBack forgets one event of that time, leaves the others, and takes nothing back twice', async () => {
      await kit.rateLimiter.hitAndCount(KEY, NOW, 15 * MINUTE);
      await kit.rateLimiter.hitAndCount(KEY, NOW, 15 * MINUTE);
      await kit.rateLimiter.hit(KEY, at(-5));
      await kit.rateLimiter.takeBack(KEY, NOW);
      expect(await kit.rateLimiter.count(KEY, 15 * MINUTE, NOW)).to.equal(2);
      await kit.rateLimiter.takeBack(KEY, NOW);
      await kit.rateLimiter.takeBack(KEY, NOW);
      expect(await kit.rateLimiter.count(KEY, 15 * MINUTE, NOW)).to.equal(1);
      // A time with nothing recorded, and a key never seen.
      await kit.rateLimiter.takeBack(KEY, at(-1));
      await kit.rateLimiter.takeBack('signup:10.7.7.7', NOW);
      expect(await kit.rateLimiter.count(KEY, 15 * MINUTE, NOW)).to.equal(1);
      expect(await kit.rateLimiter.hitAndCount(KEY, NOW, 15 * MINUTE)).to.equal(2);
    });

    it('attempts taken back at once while others are recorded: the count ends exact', async () => {
      for (let i = 0; i < 10; i += 1) await kit.rateLimiter.hit(KEY, NOW);
      await Promise.all([
        ...Array.from({ length: 10 }, () => kit.rateLimiter.takeBack(KEY, NOW)),
        ...Array.from({ length: 5 }, () => kit.rateLimiter.hitAndCount(KEY, NOW, 15 * MINUTE)),
      ]);
      expect(await kit.rateLimiter.count(KEY, 15 * MINUTE, NOW)).to.equal(5);
    });
  });
}

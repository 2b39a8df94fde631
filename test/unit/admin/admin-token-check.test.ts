import { expect } from 'chai';
import { AdminTokenCheck } from '../../../src/admin/application/admin-token-check';
import type { RateLimiter } from '../../../src/shared/application/rate-limiter.port';
import { ControllableClock } from '../../../src/shared/infrastructure/controllable-clock';
import { MemoryRateLimiter } from '../../../src/shared/infrastructure/memory/memory-rate-limiter';

const TOKEN = 'admin-token-for-tests-0123456789';
const IP = '203.0.113.7';

/** A limiter whose every call takes a moment, as a database across the network does. */
function overTheNetwork(limiter: RateLimiter, ms = 2): RateLimiter {
  const later = <T>(answer: () => Promise<T>) => new Promise<void>((resolve) => setTimeout(resolve, ms)).then(answer);
  return {
    hit: (key, at) => later(() => limiter.hit(key, at)),
    hitAndCount: (key, at, windowMs) => later(() => limiter.hitAndCount(key, at, windowMs)),
    takeBack: (key, at) => later(() => limiter.takeBack(key, at)),
    count: (key, windowMs, now) => later(() => limiter.count(key, windowMs, now)),
    purgeBefore: (before) => later(() => limiter.purgeBefore(before)),
  };
}

// attacker-findings-8b (LOW, the operator locked out by their own traffic): each admin API call holds one of
// its address's 10 places from before the comparison until after it, the right token too. An operator's
// script making 20 calls at once, with the right token and no wrong one ever sent, got 429 for some of them.
describe('AdminTokenCheck: the right token under the wrong-token limit', () => {
  it('the right token presented 20 times at once from one address is never refused, with no wrong token sent', async () => {
    const clock = new ControllableClock();
    clock.freezeAt(new Date('2026-12-07T09:00:00.000Z'));
    const check = new AdminTokenCheck(TOKEN, overTheNetwork(new MemoryRateLimiter()), clock);

    const answers = await Promise.all(Array.from({ length: 20 }, () => check.verify(TOKEN, IP).then(() => 'ok', (e: Error) => e.constructor.name)));
    expect(answers.filter((a) => a !== 'ok'), answers.join(',')).to.deep.equal([]);
  });
});

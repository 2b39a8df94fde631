import { expect } from 'chai';
import { type HttpHarness, startHttpHarness } from '../../support/http-app';

/**
 * What an outside attacker (attack-8) found by driving the running product over HTTP, one test per
 * hole. Each test fails on the build it was written against.
 */

const ADMIN_TOKEN = 'admin-token-for-tests-0123456789';

describe('attacker findings 8 (SQLite)', function () {
  this.timeout(30_000);
  let h: HttpHarness;

  beforeEach(async () => {
    h = await startHttpHarness({ persistence: 'sqlite', env: { ADMIN_TOKEN } });
  });
  afterEach(async () => {
    await h?.close();
  });

  /**
   * MEDIUM (operator takeover). The console's token login allows 10 wrong tries per 15 minutes per
   * address (§4 Rate limits), but the admin API checks the same ADMIN_TOKEN as a bearer token with no
   * limit at all: 60 guesses at once against the running app were all answered 401 (none 429), and
   * the right token was then taken at once while the console itself answered 429 to it. A guesser
   * simply guesses through `Authorization: Bearer`; the console's limit protects nothing.
   */
  it('wrong admin tokens sent as bearer tokens count against the token limit: at most 10 of a burst are checked, the rest answer 429', async () => {
    const guesser = '10.8.8.8';
    const guesses = await Promise.all(Array.from({ length: 30 }, (_, i) =>
      h.client(guesser).get('/api/admin/clock', { Authorization: `Bearer wrong-admin-token-guess-${i}` })));
    const statuses = guesses.map((g) => g.status);
    expect(statuses.filter((s) => s === 401).length, `tokens checked in one burst (the limit is 10): ${statuses.join(',')}`).to.be.at.most(10);
  });
});

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

  it('wrong bearer tokens and wrong console tokens share one limit per address; at it the right token answers 429 through both doors, other addresses are untouched', async () => {
    const guesser = h.client('10.8.8.9');
    for (let i = 0; i < 5; i += 1) expect((await guesser.get('/api/admin/clock', { Authorization: `Bearer wrong-${i}` })).status).to.equal(401);
    for (let i = 5; i < 10; i += 1) expect((await guesser.post('/api/console/session', { token: `wrong-${i}`, operator: 'mallory' })).status).to.equal(401);
    const bearerAtLimit = await guesser.get('/api/admin/clock', { Authorization: `Bearer ${ADMIN_TOKEN}` });
    expect(bearerAtLimit.status).to.equal(429);
    expect(bearerAtLimit.body).to.deep.include({ works: false });
    expect(bearerAtLimit.body.error).to.include({ code: 'too_many_attempts' });
    expect((await guesser.post('/api/console/session', { token: ADMIN_TOKEN, operator: 'mallory' })).status).to.equal(429);
    expect((await h.client('10.8.8.10').get('/api/admin/clock', { Authorization: `Bearer ${ADMIN_TOKEN}` })).status, 'another address').to.equal(200);
  });

  it('the right bearer token never uses up the limit: 50 calls in a row pass, and the 10th wrong token after them is still answered 401', async () => {
    const operator = h.client('10.8.8.11');
    for (let i = 0; i < 9; i += 1) expect((await operator.get('/api/admin/clock', { Authorization: `Bearer wrong-${i}` })).status).to.equal(401);
    for (let i = 0; i < 50; i += 1) expect((await operator.get('/api/admin/clock', { Authorization: `Bearer ${ADMIN_TOKEN}` })).status, `call ${i}`).to.equal(200);
    expect((await operator.get('/api/admin/clock', { Authorization: 'Bearer wrong-last' })).status).to.equal(401);
    expect((await operator.get('/api/admin/clock', { Authorization: `Bearer ${ADMIN_TOKEN}` })).status).to.equal(429);
  });

  it('a request without a bearer token guesses nothing: 401, never counted', async () => {
    const scanner = h.client('10.8.8.12');
    for (let i = 0; i < 15; i += 1) expect((await scanner.get('/api/admin/clock')).status).to.equal(401);
    expect((await scanner.get('/api/admin/clock', { Authorization: `Bearer ${ADMIN_TOKEN}` })).status).to.equal(200);
  });
});

import { expect } from 'chai';
import sinon from 'sinon';
import type { PasswordHasher } from '../../../src/identity/application/password-hasher.port';
import { IDENTITY } from '../../../src/identity/identity.tokens';
import { type HttpHarness, startHttpHarness } from '../../support/http-app';

/**
 * What an outside attacker (attack-7) found by driving the running product over HTTP, one test per
 * hole. Each test fails on the build it was written against.
 */

const ADMIN_TOKEN = 'admin-token-for-tests-0123456789';
const ADMIN = { Authorization: `Bearer ${ADMIN_TOKEN}` };

describe('attacker findings 7 (SQLite)', function () {
  this.timeout(30_000);
  let h: HttpHarness;

  beforeEach(async () => {
    h = await startHttpHarness({ persistence: 'sqlite', env: { ADMIN_TOKEN } });
  });
  afterEach(async () => {
    sinon.restore();
    await h?.close();
  });

  /**
   * HIGH (money). DELETE /api/me ends a live membership, but leaves the member's open (`await`)
   * orders alone. The PG window of such an order is still open in the browser (or the buyer paid and
   * the page never validated): when the payment arrives after the deletion, by Iamport's notice or
   * the reconciler, it is recorded `paid` and activates a brand-new membership for the anonymised
   * account. Nobody can log in to it, cancel it or get the money back (an annual plan: 99,000 KRW),
   * and no retained record names the buyer. A deleted account keeps no live membership (§9): a
   * payment that settles for a deleted account must be refunded in full, and buy nothing.
   */
  it('an order paid at the gateway after its account was deleted is refunded in full and activates no membership', async () => {
    const member = h.client();
    const account = await member.signUp();
    const checkout = await member.post('/api/payment/checkout', { plan: 'annual' });
    expect(checkout.status, checkout.text).to.equal(201);

    const deleted = await member.request('DELETE', '/api/me', { json: { password: account.password } });
    expect(deleted.status, deleted.text).to.equal(204);

    // The PG window was still open: the buyer pays, and Iamport notifies us (no login on the webhook).
    const impUid = h.parts.gateway.buyerPays({ merchantUid: checkout.body.merchant_uid, amount: checkout.body.amount });
    const notice = await h.client().post('/api/payment/webhook', { imp_uid: impUid, merchant_uid: checkout.body.merchant_uid, status: 'paid' });
    expect(notice.status, notice.text).to.equal(200);
    const reconciled = await h.client().post('/api/admin/reconcile', {}, ADMIN);
    expect(reconciled.status, reconciled.text).to.equal(200);

    const live = await h.parts.memberships.findLiveByUserId(account.id);
    expect(live ? `${live.status} ${live.planId} until ${live.periodEnd.toISOString()}` : null, 'a live membership of a deleted account').to.equal(null);
    const atGateway = h.parts.gateway.peek(impUid);
    expect(atGateway?.cancelledAmount, `the gateway still holds ${atGateway?.amount} KRW of a deleted account as ${atGateway?.status}`).to.equal(checkout.body.amount);
  });

  /**
   * MEDIUM (account takeover). The failed-login limit (10 per 15 min per IP and email, then 429 for
   * every attempt, the right password included) counts the failures, then checks the password, then
   * records the failure: a check-then-act race. Guesses sent at once all read the count before any
   * of them is recorded, so each is checked: 60 concurrent guesses against the running app were all
   * answered 401 but the right one, which logged in (200). A password guesser only has to send its
   * guesses in bursts. The limit must hold however the attempts arrive: at most 10 are checked.
   */
  it('30 wrong passwords sent at once from one address: at most 10 are checked (401), the rest answer 429', async () => {
    const account = await h.client().signUp();
    // The harness hashes cheaply; a production scrypt check takes ~100 ms, the window the guesses race in.
    const hasher = h.container.get<PasswordHasher>(IDENTITY.PasswordHasher);
    const verify = hasher.verify.bind(hasher);
    sinon.stub(hasher, 'verify').callsFake(async (password, hash) => {
      await new Promise((resolve) => setTimeout(resolve, 100));
      return verify(password, hash);
    });
    const guesser = '10.7.7.7';
    const answers = await Promise.all(Array.from({ length: 30 }, (_, i) =>
      h.client(guesser).post('/api/auth/login', { email: account.email, password: `wrong guess ${i}` })));
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s !== 401 && s !== 429), statuses.join(',')).to.deep.equal([]);
    expect(statuses.filter((s) => s === 401).length, 'passwords checked in one burst (the limit is 10)').to.be.at.most(10);
    const right = await h.client(guesser).post('/api/auth/login', { email: account.email, password: account.password });
    expect(right.status, right.text).to.equal(429);
  });

  /**
   * LOW (card data). Free-text fields refuse a card number (§4 "Card numbers": a run of 13-19
   * digits, spaces or dashes between them, passing Luhn), but only when the whole digit run is the
   * number. A card number pasted the way people copy it, with its expiry after it, or with two spaces
   * between groups, is stored as typed (users.name here; the cancel reason and failure message alike).
   */
  for (const name of ['Kim 4242 4242 4242 4242 12/27', 'Kim 4242  4242  4242  4242', 'Kim 4242-4242-4242-4242 0327 123']) {
    it(`a signup whose name holds a card number (${JSON.stringify(name)}) answers 400 and stores nothing`, async () => {
      const res = await h.client().post('/api/auth/signup', { email: `card-${Date.now()}-${Math.random().toString(36).slice(2)}@example.com`, password: 'correct horse', name });
      expect(res.status, `stored: ${res.text}`).to.equal(400);
      expect(res.body.error.code).to.equal('invalid_request');
    });
  }
});

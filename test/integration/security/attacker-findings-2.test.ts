import { expect } from 'chai';
import { SERVER_ENGINES } from '../../support/database';
import { type HttpHarness, startHttpHarness } from '../../support/http-app';
import { checkoutAndPay, expectError, expectNoStack } from '../http/suites/harness';

/**
 * What an outside attacker found after the refund outcomes, the stored card and the operator
 * console were built (issues 15 and 20), one test per hole; each fails without its fix.
 */

const ADMIN_TOKEN = 'attacker-two-admin-token-0123456789';
const DAY_MS = 24 * 60 * 60 * 1000;
const cursorOf = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * LOW. The console's keyset cursors are base64 JSON `[time ms, id]` and only their types were
 * checked: a time outside what a Date holds (1e300, 8.64e15 + 1) became an Invalid Date, and an audit
 * cursor's id of "abc" or 1.5 became NaN or a fraction. SQLite answered an empty page, PostgreSQL
 * (every list) and MariaDB (the audit record) answered 500. A cursor this list did not give is 400.
 */
for (const { engine, label, skip } of [{ engine: 'sqlite' as const, label: 'SQLite', skip: false }, ...SERVER_ENGINES]) {
  (skip ? describe.skip : describe)(`attacker findings 2: tampered console cursors on ${label}`, function () {
    this.timeout(60_000);
    let h: HttpHarness;
    before(async () => { h = await startHttpHarness({ persistence: engine, env: { ADMIN_TOKEN } }); });
    after(async () => { await h.close(); });

    it('a cursor whose time no Date holds, or whose id is not of the list\'s kind, answers 400 invalid_request on every list, never 500', async () => {
      const console = h.client();
      // Two logins: two audit entries, so the audit record has a second page to reach.
      for (let i = 0; i < 2; i += 1) expect((await console.post('/api/console/session', { token: ADMIN_TOKEN, operator: 'mallory' })).status).to.equal(200);
      const bogus = [[1e300, 'x'], [8.64e15 + 1, 'x'], [-8.64e15 - 1, 'x'], [1.5, 'x'], [1, '']];
      const bogusAuditIds = [[1, 'abc'], [1, 1.5], [1, 1e300], [1, '1 OR 1=1'], [1, -5], [1, 0]];
      for (const [path, cursors] of [
        ['/api/console/payments', bogus], ['/api/console/webhooks', bogus], ['/api/console/audit', [...bogus, ...bogusAuditIds]],
      ] as const) {
        for (const cursor of cursors) {
          const res = await console.get(`${path}?cursor=${cursorOf(cursor)}`);
          expectError(res, 400, 'invalid_request');
          expectNoStack(res);
        }
      }
      // The cursors the lists give still page.
      const audit = await console.get('/api/console/audit?limit=1');
      expect(audit.status, audit.text).to.equal(200);
      const next = await console.get(`/api/console/audit?limit=1&cursor=${audit.body.next as string}`);
      expect(next.status, next.text).to.equal(200);
      expect(next.body.entries).to.have.length(1);
    });
  });
}

/**
 * MEDIUM. A full refund ended "the member's live membership", whichever payment it was: an
 * operator's goodwill refund of last month (a payment of a membership that already ended), or the
 * same refund made at the PG's console and learnt by notice, cancelled the membership the member
 * had bought since and paid for, and kept that payment (no refund), so the member paid for access
 * they no longer had.
 */
for (const persistence of ['memory', 'sqlite'] as const) {
  describe(`attacker findings 2: a refund of an earlier membership's payment (${persistence})`, function () {
    this.timeout(60_000);
    let h: HttpHarness;
    before(async () => { h = await startHttpHarness({ persistence, env: { ADMIN_TOKEN } }); });
    after(async () => { await h.close(); });

    it('leaves the current membership, paid on its own, active', async () => {
      const admin = { Authorization: `Bearer ${ADMIN_TOKEN}` };
      const member = h.client();
      await member.signUp();
      const first = await checkoutAndPay(h, member);
      expect((await member.post('/api/payment/validation', { imp_uid: first.gatewayPaymentId, merchant_uid: first.merchantUid })).status).to.equal(200);
      expect((await member.post('/api/membership/cancel', { refund: false })).status).to.equal(200);
      h.parts.clock.advance(40 * DAY_MS);
      const run = await member.post('/api/admin/renewals/run', {}, admin);
      expect(run.status, run.text).to.equal(200);
      expect((await member.get('/api/me')).body.membership).to.include({ status: 'cancelled' });

      const second = await checkoutAndPay(h, member);
      expect((await member.post('/api/payment/validation', { imp_uid: second.gatewayPaymentId, merchant_uid: second.merchantUid })).status).to.equal(200);
      const current = (await member.get('/api/me')).body.membership;
      expect(current).to.include({ status: 'active' });

      const refund = await member.post(`/api/admin/payments/${first.merchantUid}/refund`, { reason: 'goodwill: last month' }, admin);
      expect(refund.status, refund.text).to.equal(200);

      const me = (await member.get('/api/me')).body;
      expect(me.payment_status).to.equal('on');
      expect(me.membership).to.include({ id: current.id, status: 'active', current_period_end: current.current_period_end });
      const payments = (await member.get('/api/payments')).body.payments as Array<{ merchant_uid: string; status: string }>;
      expect(payments.find((p) => p.merchant_uid === second.merchantUid)).to.include({ status: 'paid' });
    });
  });
}

/**
 * LOW. Anyone without the token wrote to the operators' audit record: every console login attempt
 * was recorded, the ones the rate limit refused (429) too, and every logout without a session, each
 * with up to 2,000 characters of whatever body was sent; a loop buried the operators' real entries
 * and grew the table without bound. Now a client gets at most its 10 wrong tokens per window recorded.
 */
describe('attacker findings 2: the console audit record and clients without the token (sqlite)', function () {
  this.timeout(60_000);
  let h: HttpHarness;
  before(async () => { h = await startHttpHarness({ persistence: 'sqlite', env: { ADMIN_TOKEN } }); });
  after(async () => { await h.close(); });

  it('records wrong tokens up to the rate limit, not the refused attempts after it nor logouts without a session; a real logout is recorded', async () => {
    const junk = 'Z'.repeat(1900);
    for (let i = 0; i < 30; i += 1) {
      const res = await h.client('203.0.113.90').post('/api/console/session', { token: 'wrong-token', note: junk });
      expect(res.status).to.be.oneOf([401, 429]);
    }
    for (let i = 0; i < 10; i += 1) expect((await h.client('203.0.113.90').post('/api/console/logout', { note: junk })).status).to.equal(204);

    const console = h.client('203.0.113.91');
    expect((await console.post('/api/console/session', { token: ADMIN_TOKEN, operator: 'alice' })).status).to.equal(200);
    const entries = (await console.get('/api/console/audit?limit=200')).body.entries as Array<{ action: string; status_code: number; actor: string }>;
    const fromAttacker = entries.filter((e) => e.actor === 'console:unknown');
    expect(fromAttacker.map((e) => `${e.action} ${e.status_code}`)).to.deep.equal(Array(10).fill('POST /api/console/session 401'));

    expect((await console.post('/api/console/logout')).status).to.equal(204);
    const relogin = h.client('203.0.113.91');
    expect((await relogin.post('/api/console/session', { token: ADMIN_TOKEN, operator: 'bob' })).status).to.equal(200);
    const after = (await relogin.get('/api/console/audit?limit=5')).body.entries as Array<{ action: string; actor: string }>;
    expect(after.map((e) => `${e.actor} ${e.action}`)).to.include('console:alice POST /api/console/logout');
  });
});

/**
 * LOW. GET /api/plans answers Korean or English plan names by Accept-Language, without
 * `Vary: Accept-Language`: a shared cache in front of the app could serve one language's catalog to
 * every visitor. (`?lang=` is part of the URL, so it needs no Vary.)
 */
describe('attacker findings 2: plan names chosen by Accept-Language (memory)', function () {
  let h: HttpHarness;
  before(async () => { h = await startHttpHarness(); });
  after(async () => { await h.close(); });

  it('answers Vary: Accept-Language when the header chose the language', async () => {
    for (const language of ['en', 'ko', '']) {
      const res = await h.client().get('/api/plans', language ? { 'Accept-Language': language } : {});
      expect(res.status).to.equal(200);
      expect(res.headers.get('vary') ?? '', `Accept-Language: ${language}`).to.match(/accept-language/i);
    }
  });
});

import { expect } from 'chai';
import type { Knex } from 'knex';
import sinon from 'sinon';
import type { ReconcilePayments } from '../../../src/payment/application/reconcile-payments.use-case';
import type { RunRenewals } from '../../../src/billing/application/run-renewals.use-case';
import { BILLING } from '../../../src/billing/billing.tokens';
import { PAYMENT } from '../../../src/payment/payment.tokens';
import { DatabaseUnavailableError } from '../../../src/shared/application/database.errors';
import type { SessionStore } from '../../../src/shared/application/session-store.port';
import { SHARED } from '../../../src/shared/shared.tokens';
import { SERVER_ENGINES } from '../../support/database';
import { type ApiResponse, type HttpHarness, startHttpHarness } from '../../support/http-app';
import { HeldConnection, POOL_OF_ONE } from '../../support/pool-of-one';
import { checkoutAndPay } from '../http/suites/harness';

/**
 * What an outside attacker found after sessions became kept per instance and checkout five
 * statements (ADR 0016) and overload became 503 `database_unavailable`, one test per hole.
 */

const ENGINES = [{ engine: 'sqlite' as const, label: 'SQLite', skip: false }, ...SERVER_ENGINES];
const ADMIN_TOKEN = 'admin-token-for-tests-0123456789';
const ADMIN = { Authorization: `Bearer ${ADMIN_TOKEN}` };

for (const { engine, label, skip } of ENGINES) {
  (skip ? describe.skip : describe)(`attacker findings 3: a 503 database_unavailable that did the work anyway (${label}, pool of 1)`, function () {
    this.timeout(60_000);
    let h: HttpHarness;
    const connection = new HeldConnection(() => h);

    beforeEach(async () => {
      h = await startHttpHarness({ persistence: engine, env: { ADMIN_TOKEN }, pool: POOL_OF_ONE });
    });
    afterEach(async () => {
      sinon.restore();
      await connection.release().catch(() => undefined);
      await h?.close();
    });

    /**
     * HIGH. DELETE /api/me anonymised the account in its unit of work and only then revoked the
     * account's sessions, with a statement of its own. When that statement met the pool full it
     * answered 503 database_unavailable ("nothing stored, send it again") although the account was
     * deleted, and every session of the account stayed unrevoked in the store: not for 2 s but until
     * it expired (7 days), on every instance, so a cookie on another device kept reading the routes
     * that read by user id (GET /api/payments, /api/membership/consents) of a deleted account.
     * The deletion and the revocation are one unit: both done (204) or neither (503, the retry works).
     */
    it('an account deletion answered 503 deleted nothing, and one answered 204 left no session of the account alive', async () => {
      const member = h.client();
      const account = await member.signUp();
      const otherDevice = h.client();
      expect((await otherDevice.post('/api/auth/login', { email: account.email, password: account.password })).status).to.equal(200);

      const sessions = h.container.get<SessionStore>(SHARED.SessionStore);
      const destroyForUser = sessions.destroyForUser.bind(sessions);
      sinon.stub(sessions, 'destroyForUser').callsFake(async (userId) => {
        // Another request takes the connection just as the account's sessions are revoked.
        await connection.hold().catch(() => undefined);
        return destroyForUser(userId);
      });
      const deleted = await member.request('DELETE', '/api/me', { json: { password: account.password } });
      await connection.release();
      sinon.restore();

      expect([204, 503], deleted.text).to.include(deleted.status);
      if (deleted.status === 503) {
        const login = await h.client().post('/api/auth/login', { email: account.email, password: account.password });
        expect(login.status, `the account logs in after a 503: ${login.text}`).to.equal(200);
        const again = await member.request('DELETE', '/api/me', { json: { password: account.password } });
        expect(again.status, again.text).to.equal(204);
      }
      // What every other instance learns from: the store must hold each of the account's sessions revoked.
      const alive = await connection.knex()('sessions').where({ user_id: account.id }).whereNull('revoked_at').count({ n: '*' }).first();
      expect(Number(alive?.n), 'sessions of the deleted account not revoked').to.equal(0);
      expect((await otherDevice.get('/api/payments')).status, 'the other device').to.equal(401);
    });

    it('an account deletion whose session revocation fails answers 503 with the account whole, and the retry deletes it', async () => {
      const member = h.client();
      const account = await member.signUp();
      const sessions = h.container.get<SessionStore>(SHARED.SessionStore);
      sinon.stub(sessions, 'destroyForUser').rejects(new DatabaseUnavailableError('no database connection came free within 300 ms'));
      const failed = await member.request('DELETE', '/api/me', { json: { password: account.password } });
      sinon.restore();
      expect(failed.status, failed.text).to.equal(503);
      const login = await h.client().post('/api/auth/login', { email: account.email, password: account.password });
      expect(login.status, `the account logs in after a 503: ${login.text}`).to.equal(200);
      const again = await member.request('DELETE', '/api/me', { json: { password: account.password } });
      expect(again.status, again.text).to.equal(204);
      expect((await member.get('/api/payments')).status).to.equal(401);
    });

    /**
     * MEDIUM. Signup created the account, then koa-session wrote the new session after the route's
     * answer: a write meeting the pool full turned the 201 into 503 database_unavailable ("nothing
     * stored, send it again") with the account created, so the retry answered 409 email_taken.
     */
    it('a signup answered 503 created no account (the retry signs up), or it answers 201 logged in', async () => {
      const visitor = h.client();
      const account = { email: `late-session-${Date.now()}@example.com`, password: 'correct horse', name: 'Kim Late' };
      const sessions = h.container.get<SessionStore>(SHARED.SessionStore);
      const set = sessions.set.bind(sessions);
      sinon.stub(sessions, 'set').callsFake(async (id, session) => {
        await connection.hold().catch(() => undefined);
        return set(id, session);
      });
      const first = await visitor.post('/api/auth/signup', account);
      await connection.release();
      sinon.restore();
      expect([201, 503], first.text).to.include(first.status);
      if (first.status === 201) {
        expect((await visitor.get('/api/me')).status, 'logged in after the 201').to.equal(200);
      } else {
        const again = await visitor.post('/api/auth/signup', account);
        expect(again.status, `the retry of a signup answered 503: ${again.text}`).to.equal(201);
      }
    });

    it('a signup whose session cannot be stored answers 503 and creates nothing: the retry signs up', async () => {
      const visitor = h.client();
      const account = { email: `no-session-${Date.now()}@example.com`, password: 'correct horse', name: 'Kim Retry' };
      const sessions = h.container.get<SessionStore>(SHARED.SessionStore);
      sinon.stub(sessions, 'set').rejects(new DatabaseUnavailableError('no database connection came free within 300 ms'));
      const first = await visitor.post('/api/auth/signup', account);
      sinon.restore();
      expect(first.status, first.text).to.equal(503);
      const again = await visitor.post('/api/auth/signup', account);
      expect(again.status, again.text).to.equal(201);
      expect((await visitor.get('/api/me')).status).to.equal(200);
    });

    /**
     * MEDIUM. A cancel with refund asks the gateway first, then records the outcome and ends the
     * membership. When that recording met the pool full after the gateway refunded, the answer was
     * 503 database_unavailable ("nothing stored, send it again") although the money went back. Our
     * records hold the refund pending and the membership live: the answer says so (202 works:false,
     * pending, the membership as it stands), the retry is 409 refund_in_progress until the reconciler
     * settles it from the gateway's record, once, and no refund is ever sent twice.
     */
    const refundedAtGateway = () => h.parts.gateway.calls.filter((c) => c.operation === 'cancel').length;
    const paidMember = async (body: object = { plan: 'monthly' }) => {
      const buyer = h.client();
      const account = await buyer.signUp();
      const { merchantUid, gatewayPaymentId } = await checkoutAndPay(h, buyer, 'paid', body);
      expect((await buyer.post('/api/payment/validation', { merchant_uid: merchantUid, imp_uid: gatewayPaymentId })).status).to.equal(200);
      const membership = (await buyer.get('/api/me')).body.membership;
      return { buyer, account, merchantUid, membership };
    };
    /** The answer to `send` when the gateway refunds, then another request takes the pool's one connection before the refund is recorded; free again after. */
    const answerWithThePoolFullAfterTheGatewayRefunds = async (send: () => Promise<ApiResponse>): Promise<ApiResponse> => {
      const cancel = h.parts.gateway.cancel.bind(h.parts.gateway);
      sinon.stub(h.parts.gateway, 'cancel').callsFake(async (request) => {
        const refunded = await cancel(request);
        await connection.hold();
        return refunded;
      });
      const answer = await send();
      await connection.release();
      sinon.restore();
      return answer;
    };
    /** The gateway refunded once and the answer says the refund is pending, not done. */
    const expectRefundAnsweredPending = (answer: ApiResponse) => {
      expect(refundedAtGateway(), 'refunds the gateway made').to.equal(1);
      expect(answer.status, answer.text).to.equal(202);
      expect(answer.body.works).to.equal(false);
      expect(answer.body.refund).to.deep.equal({ amount: 9900, status: 'pending' });
    };
    const refundsOf = async (merchantUid: string) => (await h.parts.payments.findByMerchantUid(merchantUid))?.cancellations.map((c) => c.status);
    const reconcile = () => h.container.get<ReconcilePayments>(PAYMENT.ReconcilePayments).execute();

    it('a cancel with refund whose recording meets the pool full after the gateway refunded answers 202 pending with the membership live; the reconciler settles it once and the membership ends', async () => {
      const { buyer, merchantUid, membership } = await paidMember({ plan: 'monthly', auto_renew: true });
      expect(membership.auto_renew, 'a renewing membership').to.equal(true);
      const answer = await answerWithThePoolFullAfterTheGatewayRefunds(() => buyer.post('/api/membership/cancel', { refund: true }));
      expect(refundedAtGateway(), 'refunds the gateway made').to.equal(1);
      expect(answer.status, `the answer after the gateway refunded: ${answer.text}`).to.equal(202);
      expect(answer.body.works).to.equal(false);
      expect(answer.body.refund).to.deep.equal({ amount: 9900, status: 'pending' });
      expect(answer.body.membership, 'the membership as it stands').to.deep.equal(membership);
      expect(await refundsOf(merchantUid)).to.deep.equal(['pending']);
      expect((await buyer.get('/api/me')).body.membership.status).to.equal('active');

      const retry = await buyer.post('/api/membership/cancel', { refund: true });
      expect(retry.status, retry.text).to.equal(409);
      expect(retry.body.error.code).to.equal('refund_in_progress');
      expect(refundedAtGateway(), 'no second refund on the retry').to.equal(1);

      await reconcile();
      expect(await refundsOf(merchantUid)).to.deep.equal(['refunded']);
      expect((await h.parts.payments.findByMerchantUid(merchantUid))?.cancelledAmount).to.equal(9900);
      await reconcile();
      expect(refundedAtGateway(), 'the reconciler settles it from the gateway\'s record, sending nothing').to.equal(1);

      // The refund the member asked for is settled: their cancel takes effect without them sending it again.
      const ended = (await buyer.get('/api/me')).body.membership;
      expect(ended, 'ended as the cancel would have').to.include({ status: 'cancelled', auto_renew: false });
      h.parts.clock.freezeAt(new Date(membership.current_period_end));
      await h.container.get<RunRenewals>(BILLING.RunRenewals).execute();
      expect(h.parts.gateway.calls.filter((c) => c.operation === 'chargeBillingKey'), 'nothing charged at the renewal').to.deep.equal([]);

      const after = await buyer.post('/api/membership/cancel', { refund: true });
      expect(after.status, after.text).to.equal(409);
      expect(after.body.error.code).to.equal('no_active_membership');
      expect(refundedAtGateway(), 'the cancel after the reconciler refunds nothing again').to.equal(1);
      expect(await refundsOf(merchantUid)).to.deep.equal(['refunded']);
    });

    it('an operator refund whose recording meets the pool full after the gateway refunded answers 202 pending; the reconciler settles it once', async () => {
      const { merchantUid } = await paidMember();
      const answer = await answerWithThePoolFullAfterTheGatewayRefunds(() => h.client().post(`/api/admin/payments/${merchantUid}/refund`, { reason: 'operator refund' }, ADMIN));
      expectRefundAnsweredPending(answer);
      expect(answer.body.payment).to.include({ status: 'paid', cancelled_amount: 0 });
      expect(answer.body.payment.refunds.map((r: { status: string }) => r.status)).to.deep.equal(['pending']);

      const retry = await h.client().post(`/api/admin/payments/${merchantUid}/refund`, { reason: 'operator refund' }, ADMIN);
      expect(retry.status, retry.text).to.equal(409);
      expect(retry.body.error.code).to.equal('refund_in_progress');
      await reconcile();
      await reconcile();
      expect(refundedAtGateway(), 'no second refund').to.equal(1);
      expect(await refundsOf(merchantUid)).to.deep.equal(['refunded']);
      expect((await h.parts.payments.findByMerchantUid(merchantUid))?.status).to.equal('cancelled');
    });

    it('an account deletion whose refund recording meets the pool full after the gateway refunded answers 202 pending and deletes nothing; after the reconciler the retry deletes it', async () => {
      const { buyer, account, merchantUid, membership } = await paidMember();
      const answer = await answerWithThePoolFullAfterTheGatewayRefunds(() => buyer.request('DELETE', '/api/me', { json: { password: account.password, refund: true } }));
      expectRefundAnsweredPending(answer);
      expect(answer.body.membership, 'the membership as it stands').to.deep.equal(membership);
      expect((await buyer.get('/api/me')).body.membership.status, 'nothing deleted, still logged in').to.equal('active');

      const retry = await buyer.request('DELETE', '/api/me', { json: { password: account.password, refund: true } });
      expect(retry.status, retry.text).to.equal(409);
      expect(retry.body.error.code).to.equal('refund_in_progress');
      await reconcile();
      expect(await refundsOf(merchantUid)).to.deep.equal(['refunded']);
      const deleted = await buyer.request('DELETE', '/api/me', { json: { password: account.password, refund: true } });
      expect(deleted.status, deleted.text).to.equal(204);
      expect(refundedAtGateway(), 'no second refund').to.equal(1);
      expect((await buyer.get('/api/me')).status).to.equal(401);
    });

    /**
     * HIGH. A session past half its life is written again at the end of any request (koa-session's
     * `renew`), after the route's work. That write meeting the pool full turned a done checkout's 201
     * into 503 database_unavailable ("nothing stored, send it again"): the order was stored and prepared
     * at the gateway, and a retry made a second one (a cancel with refund: refunded, then 503, then 409).
     */
    it('a checkout done while its session is renewed answers 201 even when the renewal meets the pool full, or stores nothing', async () => {
      const buyer = h.client();
      const { id: userId } = await buyer.signUp();
      const realNow = Date.now.bind(Date);
      // Four of the seven days later by the cookie's clock: koa-session renews the session at the end of the request.
      sinon.stub(Date, 'now').callsFake(() => realNow() + 4 * 24 * 60 * 60 * 1000);
      const sessions = h.container.get<SessionStore>(SHARED.SessionStore);
      const set = sessions.set.bind(sessions);
      sinon.stub(sessions, 'set').callsFake(async (id, session) => {
        await connection.hold().catch(() => undefined);
        return set(id, session);
      });
      const checkout = await buyer.post('/api/payment/checkout', { plan: 'monthly' });
      await connection.release();
      sinon.restore();
      const stored = await h.parts.payments.listByUser(userId);
      if (checkout.status === 201) expect(stored.map((p) => p.merchantUid)).to.deep.equal([checkout.body.merchant_uid]);
      else expect([checkout.status, stored.length], checkout.text).to.deep.equal([503, 0]);
    });
  });
}

for (const { engine, label, skip } of ENGINES) {
  (skip ? describe.skip : describe)(`attacker findings 3: what a deleted account leaves behind (${label})`, function () {
    this.timeout(60_000);
    let h: HttpHarness;
    before(async () => { h = await startHttpHarness({ persistence: engine }); });
    after(async () => { await h?.close(); });

    /**
     * LOW (privacy). Answers kept for Idempotency-Key replays carry the buyer's name and e-mail
     * (checkout's buyer_name/buyer_email; signup's and login's user). DELETE /api/me removes the
     * personal data, but those answers stayed in idempotency_keys for their 24 h.
     */
    it('no answer kept for Idempotency-Key replays names the deleted account', async () => {
      const member = h.client();
      const email = `forget-me-${Date.now()}@example.com`;
      const signup = await member.request('POST', '/api/auth/signup', { json: { email, password: 'correct horse', name: 'Hong Forget' }, headers: { 'Idempotency-Key': 'signup-1' } });
      expect(signup.status, signup.text).to.equal(201);
      const checkout = await member.post('/api/payment/checkout', { plan: 'monthly' }, { 'Idempotency-Key': 'checkout-1' });
      expect(checkout.body).to.include({ buyer_email: email });
      expect((await member.request('DELETE', '/api/me', { json: { password: 'correct horse' } })).status).to.equal(204);

      const knex = h.container.get<{ knex: Knex }>(SHARED.Database).knex;
      const kept: Array<{ scope: string; response_body: string | null }> = await knex('idempotency_keys').select('scope', 'response_body');
      expect(kept.filter((row) => row.response_body?.includes(email) || row.response_body?.includes('Hong Forget')).map((row) => row.scope)).to.deep.equal([]);
    });
  });
}

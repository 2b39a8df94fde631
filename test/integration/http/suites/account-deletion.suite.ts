import { expect } from 'chai';
import type { RetainedRecordStore } from '../../../../src/membership/application/retained-record-store.port';
import type { UserRepository } from '../../../../src/identity/application/user-repository.port';
import { IDENTITY } from '../../../../src/identity/identity.tokens';
import { MEMBERSHIP } from '../../../../src/membership/membership.tokens';
import type { ReconcilePayments } from '../../../../src/payment/application/reconcile-payments.use-case';
import { PAYMENT } from '../../../../src/payment/payment.tokens';
import type { ApiClient, HttpHarness } from '../../../support/http-app';
import { checkoutAndPay, expectError, type HarnessFactory } from './harness';

const DAY = 24 * 60 * 60 * 1000;

/** Issue 21 item 4: leaving (PIPA art. 21, E-Commerce Act art. 6), the data export, and no card numbers in free text. */
export function accountDeletionSuite(start: HarnessFactory): void {
  describe('account deletion (DELETE /api/me), export (GET /api/me/export), card numbers refused', () => {
    let h: HttpHarness;
    let buyer: ApiClient;
    let account: { email: string; password: string; id: string };
    beforeEach(async () => {
      h = await start();
      buyer = h.client();
      account = await buyer.signUp({ name: '김회원' });
    });
    afterEach(async () => {
      await h.close();
    });

    async function renewingMember() {
      const { merchantUid, gatewayPaymentId, checkout } = await checkoutAndPay(h, buyer, 'paid', { plan: 'monthly', auto_renew: true });
      const res = await buyer.post('/api/payment/validation', { merchant_uid: merchantUid, imp_uid: gatewayPaymentId });
      expect(res.status, res.text).to.equal(200);
      return { merchantUid, card: checkout.body.customer_uid as string };
    }
    const deleteMe = (body: unknown, headers: Record<string, string> = {}) => buyer.request('DELETE', '/api/me', { json: body, headers });
    const retained = () => h.container.get<RetainedRecordStore>(MEMBERSHIP.RetainedRecordStore).listBySubject(account.id);
    const userRow = () => h.container.get<UserRepository>(IDENTITY.UserRepository).findById(account.id);

    it('with refund:true: 204, refunded in full inside the withdrawal window, card deleted at the gateway, logged out, personal data gone from the user row', async () => {
      const { merchantUid, card } = await renewingMember();
      h.parts.clock.freezeAt(new Date(h.parts.clock.now().getTime() + 2 * DAY));
      const res = await deleteMe({ password: account.password, refund: true });
      expect(res.status, res.text).to.equal(204);
      expect(res.text).to.equal('');

      const payment = await h.parts.payments.findByMerchantUid(merchantUid);
      expect(payment?.status, 'refunded whole').to.equal('cancelled');
      expect(payment?.cancelledAmount).to.equal(9900);
      expect((await h.parts.memberships.findLatestByUserId(account.id))?.status).to.equal('cancelled');
      expect(h.parts.gateway.hasBillingKey(card), 'billing key deleted at the gateway').to.equal(false);

      expectError(await buyer.get('/api/me'), 401, 'unauthenticated');
      expectError(await h.client().post('/api/auth/login', { email: account.email, password: account.password }), 401, 'invalid_credentials');
      const row = await userRow();
      expect(row?.id).to.equal(account.id);
      expect(JSON.stringify(row)).not.to.include(account.email.split('@')[0]);
      expect(row).to.include({ name: '', passwordHash: '' });
    });

    it('moves the contract and payment records into retained storage by class, with the member only there; housekeeping purges them after 5 years', async () => {
      const { merchantUid } = await renewingMember();
      const paidAt = h.parts.clock.now();
      expect((await deleteMe({ password: account.password, refund: false })).status).to.equal(204);

      const records = await retained();
      expect(records.map((r) => [r.retentionClass, r.kind, r.recordRef]).sort()).to.deep.equal([
        ['contract', 'membership', (await h.parts.memberships.findLatestByUserId(account.id))?.id],
        ['payment', 'payment', merchantUid],
      ].sort());
      const contract = records.find((r) => r.retentionClass === 'contract');
      expect(contract?.payload.member).to.deep.include({ name: '김회원', email: account.email });
      const payment = records.find((r) => r.retentionClass === 'payment');
      expect(payment?.payload).to.include({ merchant_uid: merchantUid, amount: 9900, cancelled_amount: 0 });
      for (const r of records) {
        const years = (r.purgeAfter.getTime() - paidAt.getTime()) / (365.25 * DAY);
        expect(years, r.retentionClass).to.be.closeTo(5, 0.01);
      }

      const store = h.container.get<RetainedRecordStore>(MEMBERSHIP.RetainedRecordStore);
      const latest = Math.max(...records.map((r) => r.purgeAfter.getTime()));
      expect(await store.purgeExpired(new Date(latest - DAY)), 'a day before: kept').to.equal(0);
      expect(await store.purgeExpired(new Date(latest))).to.equal(2);
      expect(await retained()).to.deep.equal([]);
    });

    it('with refund:false: the membership ends now without a refund, and the card is deleted at the gateway', async () => {
      const { merchantUid, card } = await renewingMember();
      expect((await deleteMe({ password: account.password, refund: false })).status).to.equal(204);
      const membership = await h.parts.memberships.findLatestByUserId(account.id);
      expect(membership?.status).to.equal('cancelled');
      expect(membership?.endedAt).to.be.instanceOf(Date);
      expect((await h.parts.payments.findByMerchantUid(merchantUid))?.cancelledAmount).to.equal(0);
      expect(h.parts.gateway.hasBillingKey(card)).to.equal(false);
    });

    it('an account without a membership is deleted too; the email can sign up again', async () => {
      expect((await deleteMe({ password: account.password })).status).to.equal(204);
      expect(await retained()).to.deep.equal([]);
      await h.client().signUp({ email: account.email });
    });

    it('a refund the gateway cannot answer: still 204, the refund left pending for the reconciler; a later refusal mails no one', async () => {
      const { merchantUid } = await renewingMember();
      h.parts.gateway.scriptNext('cancel', 'unknown');
      expect((await deleteMe({ password: account.password, refund: true })).status).to.equal(204);
      expect((await h.parts.payments.findByMerchantUid(merchantUid))?.cancellations.map((c) => c.status)).to.deep.equal(['pending']);
      h.parts.gateway.scriptNext('cancel', 'rejected', '이미 정산된 거래입니다.');
      await h.container.get<ReconcilePayments>(PAYMENT.ReconcilePayments).execute();
      expect((await h.parts.payments.findByMerchantUid(merchantUid))?.cancellations.map((c) => c.status)).to.deep.equal(['rejected']);
      expect(h.parts.notifier.sent.filter((n) => n.kind === 'refund_rejected')).to.deep.equal([]);
    });

    it('a wrong password: 403 wrong_password, still logged in, nothing ended or moved', async () => {
      const { card } = await renewingMember();
      expectError(await deleteMe({ password: 'not the password', refund: true }), 403, 'wrong_password');
      const me = await buyer.get('/api/me');
      expect(me.status).to.equal(200);
      expect(me.body.membership.status).to.equal('active');
      expect(h.parts.gateway.hasBillingKey(card)).to.equal(true);
      expect(await retained()).to.deep.equal([]);
    });

    it('a refused refund stops the deletion: 502 gateway_rejected, the account and membership stay', async () => {
      await renewingMember();
      h.parts.gateway.scriptNext('cancel', 'rejected', '취소 불가');
      expectError(await deleteMe({ password: account.password, refund: true }), 502, 'gateway_rejected');
      expect((await buyer.get('/api/me')).body.membership.status).to.equal('active');
      expect(await retained()).to.deep.equal([]);
    });

    it('keeps the guards of the other session writes: 401, 403 forbidden_origin, 415, 400 without a password', async () => {
      expectError(await h.client().request('DELETE', '/api/me', { json: { password: 'x' } }), 401, 'unauthenticated');
      expectError(await deleteMe({ password: account.password }, { Origin: 'https://evil.example' }), 403, 'forbidden_origin');
      expectError(await buyer.request('DELETE', '/api/me', { form: { password: account.password } }), 415, 'unsupported_media_type');
      const missing = await deleteMe({ refund: true });
      expectError(missing, 400, 'invalid_request');
      expect(missing.body.error.details.map((d: { field: string }) => d.field)).to.deep.equal(['password']);
      expect((await buyer.get('/api/me')).status, 'still there').to.equal(200);
    });

    it('GET /api/me/export: the member, every membership and payment, never the password hash; 401 logged out', async () => {
      const { merchantUid } = await renewingMember();
      const res = await buyer.get('/api/me/export');
      expect(res.status, res.text).to.equal(200);
      expect(res.body.works).to.equal(true);
      expect(res.body.user).to.deep.include({ id: account.id, email: account.email, name: '김회원', language: 'ko' });
      expect(res.body.user.created_at).to.be.a('string');
      expect(res.body.memberships).to.have.length(1);
      expect(res.body.memberships[0]).to.include({ plan: 'monthly', status: 'active' });
      expect(res.body.payments.map((p: { merchant_uid: string }) => p.merchant_uid)).to.deep.equal([merchantUid]);
      expect(res.text).not.to.match(/scrypt|password/i);
      expectError(await h.client().get('/api/me/export'), 401, 'unauthenticated');
    });

    it('a member\'s mobile number is in their export and gone from the user row when they delete the account', async () => {
      const member = h.client();
      const withPhone = await member.signUp({ name: '박회원', phone: '010-2345-6789' });
      const exported = await member.get('/api/me/export');
      expect(exported.status, exported.text).to.equal(200);
      expect(exported.body.user).to.include({ id: withPhone.id, phone: '+821023456789' });

      expect((await member.request('DELETE', '/api/me', { json: { password: withPhone.password, refund: false } })).status).to.equal(204);
      const row = await h.container.get<UserRepository>(IDENTITY.UserRepository).findById(withPhone.id);
      expect(row?.id).to.equal(withPhone.id);
      expect(row).not.to.have.property('phone');
      expect(JSON.stringify(row)).not.to.include('23456789');
    });

    it('refuses a card number in any free-text field (400 invalid_request) and stores nothing of it; other digit runs pass', async () => {
      const signUp = await h.client().post('/api/auth/signup', { email: 'pan@example.com', password: 'correct horse', name: 'Kim 4111-1111-1111-1111' });
      expectError(signUp, 400, 'invalid_request');
      expect(signUp.body.error.details).to.deep.equal([{ field: 'name', message: 'name must not contain a card number' }]);
      await renewingMember();
      const cancel = await buyer.post('/api/membership/cancel', { refund: false, reason: 'my card 5555555555554444 expired' });
      expectError(cancel, 400, 'invalid_request');
      expect((await buyer.get('/api/me')).body.membership.cancel_at_period_end, 'nothing changed').to.equal(false);
      const checkout = await buyer.post('/api/payment/checkout', { plan: 'monthly' });
      const failure = await buyer.post('/api/payment/failure', { merchant_uid: checkout.body.merchant_uid, error_msg: 4111111111111111 });
      expectError(failure, 400, 'invalid_request');
      // 16 digits failing Luhn, and a phone number, are ordinary text.
      const ok = await buyer.post('/api/membership/cancel', { refund: false, reason: 'order 1234567812345678, call 010-1234-5678' });
      expect(ok.status, ok.text).to.equal(200);
    });
  });
}

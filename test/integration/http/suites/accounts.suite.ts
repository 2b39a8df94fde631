import { expect } from 'chai';
import type { HttpHarness } from '../../../support/http-app';
import { uniqueEmail } from '../../../support/http-app';
import { expectError, type HarnessFactory } from './harness';

export function accountsSuite(start: HarnessFactory): void {
  describe('accounts', () => {
    let h: HttpHarness;
    beforeEach(async () => { h = await start(); });
    afterEach(async () => { await h.close(); });

    it('signs up with 201, logs the new user in, and shows them at /api/me', async () => {
      const client = h.client();
      const res = await client.post('/api/auth/signup', { email: '  Kim@Example.COM ', password: 'correct horse', name: 'Kim' });
      expect(res.status).to.equal(201);
      expect(res.body).to.deep.include({ works: true });
      expect(res.body.user).to.include({ email: 'kim@example.com', name: 'Kim', phone: null });
      expect(res.body.user).to.have.all.keys('id', 'email', 'name', 'phone');
      const me = await client.get('/api/me');
      expect(me.status).to.equal(200);
      expect(me.body).to.deep.equal({ works: true, user: res.body.user, payment_status: 'off', membership: null });
    });

    it('sets an httpOnly, SameSite=Lax, signed session cookie (not Secure over http)', async () => {
      const { response } = await h.client().signUp();
      const cookies = response.headers.getSetCookie();
      const session = cookies.find((c) => c.startsWith('memberpay.sid='));
      expect(session).to.match(/httponly/i).and.to.match(/samesite=lax/i);
      expect(session).not.to.match(/;\s*secure/i);
      expect(cookies.some((c) => c.startsWith('memberpay.sid.sig='))).to.equal(true);
    });

    it('refuses a second account with the same email, whatever its case (409 email_taken)', async () => {
      const email = uniqueEmail();
      await h.client().signUp({ email });
      expectError(await h.client().post('/api/auth/signup', { email: email.toUpperCase(), password: 'another one', name: 'B' }), 409, 'email_taken');
    });

    it('refuses a short password, a bad email and a missing name with every problem listed', async () => {
      const res = await h.client().post('/api/auth/signup', { email: 'not-an-email', password: 'short' });
      expectError(res, 400, 'invalid_request');
      expect(res.body.error.details.map((d: { field: string }) => d.field).sort()).to.deep.equal(['email', 'name', 'password']);
      for (const detail of res.body.error.details) expect(detail).to.have.all.keys('field', 'message');
    });

    it('takes an optional Korean mobile number at signup, written any usual way, and keeps it in E.164 (shown at /api/me)', async () => {
      for (const [typed, stored] of [['010-1234-5678', '+821012345678'], ['01012345678', '+821012345678'], [' 010 9876 5432 ', '+821098765432'], ['+82 10-1234-5678', '+821012345678'], ['011-123-4567', '+82111234567']]) {
        const client = h.client();
        const res = await client.post('/api/auth/signup', { email: uniqueEmail(), password: 'correct horse', name: 'Kim', phone: typed });
        expect(res.status, `${typed}: ${res.text}`).to.equal(201);
        expect(res.body.user.phone, typed).to.equal(stored);
        expect((await client.get('/api/me')).body.user.phone, typed).to.equal(stored);
      }
      const blank = await h.client().post('/api/auth/signup', { email: uniqueEmail(), password: 'correct horse', name: 'Kim', phone: '' });
      expect(blank.status, blank.text).to.equal(201);
      expect(blank.body.user.phone, 'a field left blank is no number').to.equal(null);
    });

    it('refuses anything but a Korean mobile number as phone (400 invalid_request on the phone field), and creates no account', async () => {
      for (const phone of ['02-123-4567', '010-123-4567', '1234', '+1 415 555 0100', '010-1234-5678-9', 'zero one zero', 1012345678, '010'.repeat(11)]) {
        const email = uniqueEmail();
        const res = await h.client().post('/api/auth/signup', { email, password: 'correct horse', name: 'Kim', phone });
        expectError(res, 400, 'invalid_request');
        expect([...new Set(res.body.error.details.map((d: { field: string }) => d.field))], String(phone)).to.deep.equal(['phone']);
        expectError(await h.client().post('/api/auth/login', { email, password: 'correct horse' }), 401, 'invalid_credentials');
      }
    });

    it('logs in with the right password (any email case) and refuses a wrong one with 401 invalid_credentials', async () => {
      const account = await h.client().signUp();
      const client = h.client();
      expectError(await client.post('/api/auth/login', { email: account.email, password: 'wrong password' }), 401, 'invalid_credentials');
      expectError(await client.post('/api/auth/login', { email: 'nobody@example.com', password: 'whatever1' }), 401, 'invalid_credentials');
      const ok = await client.post('/api/auth/login', { email: account.email.toUpperCase(), password: account.password });
      expect(ok.status).to.equal(200);
      expect(ok.body).to.deep.equal({ works: true, user: { id: account.id, email: account.email, name: account.name, phone: null } });
      expect((await client.get('/api/me')).status).to.equal(200);
    });

    it('gives a new session id at login (no session fixation)', async () => {
      const account = await h.client().signUp();
      const client = h.client();
      await client.get('/api/me');
      client.cookies.set('memberpay.sid', 'planted-by-an-attacker');
      await client.post('/api/auth/login', { email: account.email, password: account.password });
      expect(client.cookies.get('memberpay.sid')).to.be.a('string').and.not.equal('planted-by-an-attacker');
    });

    it('logs out with 204 and no body; the old cookie no longer works anywhere', async () => {
      const client = h.client();
      await client.signUp();
      const stolen = new Map(client.cookies);
      const out = await client.post('/api/auth/logout');
      expect(out.status).to.equal(204);
      expect(out.text).to.equal('');
      expectError(await client.get('/api/me'), 401, 'unauthenticated');
      const thief = h.client();
      for (const [k, v] of stolen) thief.cookies.set(k, v);
      expectError(await thief.get('/api/me'), 401, 'unauthenticated');
    });

    it('answers /api/me and every logged-in route with 401 unauthenticated when logged out', async () => {
      const client = h.client();
      expectError(await client.get('/api/me'), 401, 'unauthenticated');
      expectError(await client.get('/api/payments'), 401, 'unauthenticated');
      expectError(await client.post('/api/payment/checkout', { plan: 'monthly' }), 401, 'unauthenticated');
      expectError(await client.post('/api/payment/validation', { imp_uid: 'x', merchant_uid: 'y' }), 401, 'unauthenticated');
      expectError(await client.post('/api/payment/failure', { merchant_uid: 'y' }), 401, 'unauthenticated');
    });

    it('ignores a cookie whose signature does not match', async () => {
      const client = h.client();
      await client.signUp();
      client.cookies.set('memberpay.sid.sig', 'forged');
      expectError(await client.get('/api/me'), 401, 'unauthenticated');
    });

    describe('login rate limit', () => {
      it('after 10 failed logins in 15 minutes for (IP, email), every login gets 429 until the window passes', async () => {
        const account = await h.client('10.0.0.1').signUp();
        const attacker = h.client('10.0.0.2');
        for (let i = 0; i < 10; i++) {
          expectError(await attacker.post('/api/auth/login', { email: account.email, password: `wrong ${i}` }), 401, 'invalid_credentials');
        }
        expectError(await attacker.post('/api/auth/login', { email: account.email, password: account.password }), 429, 'too_many_attempts');
        // Another address is not blocked for this email.
        expect((await h.client('10.0.0.3').post('/api/auth/login', { email: account.email, password: account.password })).status).to.equal(200);
        h.parts.clock.advance(14 * 60 * 1000);
        expectError(await attacker.post('/api/auth/login', { email: account.email, password: account.password }), 429, 'too_many_attempts');
        h.parts.clock.advance(60 * 1000 + 1000);
        expect((await attacker.post('/api/auth/login', { email: account.email, password: account.password })).status).to.equal(200);
      });

      it('does not reset the count on a success', async () => {
        const account = await h.client('10.0.1.1').signUp();
        const client = h.client('10.0.1.2');
        for (let i = 0; i < 9; i++) await client.post('/api/auth/login', { email: account.email, password: 'wrong password' });
        expect((await client.post('/api/auth/login', { email: account.email, password: account.password })).status).to.equal(200);
        await client.post('/api/auth/login', { email: account.email, password: 'wrong password' });
        expectError(await client.post('/api/auth/login', { email: account.email, password: account.password }), 429, 'too_many_attempts');
      });
    });

    it('allows 100 signups per hour from one address, counting successful ones', async () => {
      const client = h.client('10.0.2.1');
      // Refused signups do not count.
      for (let i = 0; i < 5; i++) await client.post('/api/auth/signup', { email: 'bad', password: 'x', name: '' });
      for (let i = 0; i < 100; i++) await h.client('10.0.2.1').signUp();
      expectError(await h.client('10.0.2.1').post('/api/auth/signup', { email: uniqueEmail(), password: 'long enough', name: 'X' }), 429, 'too_many_attempts');
      expect((await h.client('10.0.2.2').post('/api/auth/signup', { email: uniqueEmail(), password: 'long enough', name: 'X' })).status).to.equal(201);
      h.parts.clock.advance(60 * 60 * 1000 + 1000);
      expect((await h.client('10.0.2.1').post('/api/auth/signup', { email: uniqueEmail(), password: 'long enough', name: 'X' })).status).to.equal(201);
    });
  });
}

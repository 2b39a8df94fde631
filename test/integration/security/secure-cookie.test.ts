import { expect } from 'chai';
import { type HttpHarness, startHttpHarness, uniqueEmail } from '../../support/http-app';
import { rawRequest } from '../../support/raw-http';

const LIVE_BEHIND_TLS = {
  IAMPORT_MODE: 'live', IMP_KEY: 'live_key', IMP_SECRET: 'live_secret', IMP_CODE: 'imp12345678',
  PUBLIC_URL: 'https://pay.example.com', SESSION_SECRET: 'a-live-session-secret-0123456789', TRUST_PROXY_HOPS: '0',
};

/**
 * DESIGN §6 "Security rules": nothing answers 500 for a configuration the operator can reach. With
 * PUBLIC_URL=https://... TLS ends at a proxy, so the hop to us may be plain http: the Secure cookie
 * is still set, and the signup is never half done.
 */
describe('security: live mode behind an https PUBLIC_URL, reached over plain http', () => {
  let h: HttpHarness;
  afterEach(async () => { await h?.close(); });

  it('signs up with 201 and a Secure, httpOnly session cookie, and the session works', async () => {
    h = await startHttpHarness({ persistence: 'sqlite', env: LIVE_BEHIND_TLS });
    const email = uniqueEmail('tls');
    const res = await rawRequest(h.url, {
      method: 'POST', path: '/api/auth/signup', headers: { 'Content-Type': 'application/json', Origin: 'https://pay.example.com' },
      body: JSON.stringify({ email, password: 'correct horse', name: 'Kim' }),
    });
    expect(res.status, res.text).to.equal(201);
    const cookies = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
    const session = cookies.filter((c) => c.startsWith('memberpay.sid'));
    expect(session.length).to.be.greaterThan(0);
    for (const cookie of session) expect(cookie.toLowerCase()).to.include('; secure').and.include('; httponly');
    const me = await rawRequest(h.url, { method: 'GET', path: '/api/me', headers: { Cookie: session.map((c) => c.split(';')[0]).join('; ') } });
    expect(me.status, me.text).to.equal(200);
    expect(me.body.user.email).to.equal(email);
  });

  it('logs in with 200 (no 500), and a repeated signup is 409, not a second half-made account', async () => {
    h = await startHttpHarness({ persistence: 'sqlite', env: LIVE_BEHIND_TLS });
    const email = uniqueEmail('tls');
    const body = JSON.stringify({ email, password: 'correct horse', name: 'Kim' });
    const headers = { 'Content-Type': 'application/json' };
    expect((await rawRequest(h.url, { method: 'POST', path: '/api/auth/signup', headers, body })).status).to.equal(201);
    const again = await rawRequest(h.url, { method: 'POST', path: '/api/auth/signup', headers, body });
    expect(again.status, again.text).to.equal(409);
    const login = await rawRequest(h.url, { method: 'POST', path: '/api/auth/login', headers, body: JSON.stringify({ email, password: 'correct horse' }) });
    expect(login.status, login.text).to.equal(200);
  });
});

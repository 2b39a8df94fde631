import { gzipSync, deflateSync } from 'node:zlib';
import { expect } from 'chai';
import { type HttpHarness, startHttpHarness } from '../../support/http-app';
import { rawRequest } from '../../support/raw-http';
import { expectNoStack, snapshot } from '../http/suites/harness';

/**
 * DESIGN §6 "Security rules": a Content-Encoding other than identity answers 415, a gzip/deflate body
 * that does not decode 400, never 500; a body nested past any shape we take answers 400.
 */
describe('security: encoded, broken and deep bodies', () => {
  let h: HttpHarness;
  before(async () => { h = await startHttpHarness({ persistence: 'sqlite' }); });
  after(async () => { await h.close(); });

  const notice = JSON.stringify({ imp_uid: 'imp_x', merchant_uid: 'mp_x', status: 'paid' });
  const login = JSON.stringify({ email: 'nobody@example.com', password: 'whatever1' });

  for (const [path, body] of [['/api/payment/webhook', notice], ['/api/auth/login', login]] as const) {
    for (const encoding of ['gzip', 'deflate', 'GZIP', ' gzip ']) {
      it(`${path}: Content-Encoding ${JSON.stringify(encoding)} with a body that is not compressed -> 400 invalid_request`, async () => {
        const before = await snapshot(h);
        const res = await rawRequest(h.url, { method: 'POST', path, headers: { 'Content-Type': 'application/json', 'Content-Encoding': encoding }, body });
        expect(res.status, res.text).to.equal(400);
        expect(res.body.error.code).to.equal('invalid_request');
        expectNoStack({ ...res, headers: new Headers() });
        expect(await snapshot(h)).to.equal(before);
      });
    }

    for (const encoding of ['br', 'compress', 'x-unknown', 'gzip, gzip', 'zstd']) {
      it(`${path}: Content-Encoding ${JSON.stringify(encoding)} -> 415 unsupported_media_type`, async () => {
        const res = await rawRequest(h.url, { method: 'POST', path, headers: { 'Content-Type': 'application/json', 'Content-Encoding': encoding }, body });
        expect(res.status, res.text).to.equal(415);
        expect(res.body.error.code).to.equal('unsupported_media_type');
      });
    }
  }

  // A body labelled in another charset would be read as UTF-8 anyway: what a proxy or WAF decoded and
  // what we act on would differ. Refused before a byte is read, nothing stored.
  // attacker-findings-8: a second charset, or an empty one, is refused too (a proxy may read the other one).
  for (const type of [
    'application/json; charset=utf-16', 'application/json; charset=ISO-8859-1', 'application/x-www-form-urlencoded; charset=euc-kr', 'application/json; charset="utf-32"',
    'application/json; charset=utf-8; charset=latin1', 'application/json; charset=;charset=latin1', 'application/json; charset=utf-8; CHARSET=utf-8',
    'application/json; charset=latin1; charset=utf-8', 'application/json; charset=', 'application/json; charset=""', 'application/json; charset=utf-8 latin1',
    'application/x-www-form-urlencoded; charset=utf-8; charset=euc-kr',
  ]) {
    it(`/api/auth/signup: Content-Type ${JSON.stringify(type)} -> 415 unsupported_media_type, no account`, async () => {
      const before = await snapshot(h);
      const body = type.includes('json') ? JSON.stringify({ email: 'charset@example.com', password: 'correct horse battery', name: 'x' }) : 'email=charset%40example.com&password=correct+horse+battery&name=x';
      const res = await rawRequest(h.url, { method: 'POST', path: '/api/auth/signup', headers: { 'Content-Type': type }, body });
      expect(res.status, res.text).to.equal(415);
      expect(res.body.error.code).to.equal('unsupported_media_type');
      expect(await snapshot(h)).to.equal(before);
    });
  }

  for (const type of ['application/json; charset=utf-8', 'application/json; charset=UTF-8', 'application/json;charset="utf-8"', 'application/json']) {
    it(`/api/auth/login: Content-Type ${JSON.stringify(type)} is read (401, not 415)`, async () => {
      const res = await rawRequest(h.url, { method: 'POST', path: '/api/auth/login', headers: { 'Content-Type': type }, body: login });
      expect(res.status, res.text).to.equal(401);
    });
  }

  it('a well-formed gzip or deflate JSON body is read (login answers 401, not 400)', async () => {
    for (const [encoding, compress] of [['gzip', gzipSync], ['deflate', deflateSync]] as const) {
      const res = await rawRequest(h.url, {
        method: 'POST', path: '/api/auth/login', headers: { 'Content-Type': 'application/json', 'Content-Encoding': encoding }, body: compress(Buffer.from(login)),
      });
      expect(res.status, `${encoding}: ${res.text}`).to.equal(401);
    }
  });

  it('a gzip bomb is cut at the body limit: 413, not a process full of zeros', async () => {
    const bomb = gzipSync(Buffer.from(`{"email":"${'a'.repeat(5_000_000)}"}`));
    expect(bomb.length).to.be.lessThan(32 * 1024);
    const res = await rawRequest(h.url, { method: 'POST', path: '/api/auth/login', headers: { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' }, body: bomb });
    expect(res.status, res.text).to.equal(413);
  });

  for (const [name, depth] of [['array', 5000], ['object', 5000], ['array', 17]] as const) {
    it(`a JSON body of ${depth} nested ${name}s -> 400 invalid_request on every route that reads a body`, async () => {
      const deep = name === 'array' ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
      for (const path of ['/api/auth/login', '/api/payment/checkout', '/api/payment/webhook']) {
        const res = await rawRequest(h.url, { method: 'POST', path, headers: { 'Content-Type': 'application/json', 'Idempotency-Key': `deep-${name}-${depth}` }, body: `{"plan":${deep}}` });
        expect(res.status, `${path}: ${res.text.slice(0, 200)}`).to.be.oneOf([400, 401]);
        if (res.status === 400) expect(res.body.error.code).to.equal('invalid_request');
      }
    });
  }

  it('bodies of the depth our routes take are still read (the limit is not in the way)', async () => {
    const res = await rawRequest(h.url, {
      method: 'POST', path: '/api/payment/webhook/toss', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ eventType: 'PAYMENT_STATUS_CHANGED', createdAt: '2026-11-25T18:00:00.000', data: { paymentKey: 'pk_unknown', orderId: 'mp_unknown', status: 'DONE' } }),
    });
    expect(res.status, res.text).to.equal(200);
  });
});

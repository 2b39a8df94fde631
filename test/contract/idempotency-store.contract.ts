import { expect } from 'chai';
import type { IdempotencyStore } from '../../src/shared/application/idempotency-store.port';

const NOW = new Date('2026-11-25T09:00:00.000Z');
const MINUTE = 60_000;
const at = (minutes: number) => new Date(NOW.getTime() + minutes * MINUTE);
const SCOPE = 'user:u1 POST /api/payment/checkout';
const request = (key: string) => ({ scope: SCOPE, key, fingerprint: 'sha256:body', createdAt: NOW, expiresAt: at(24 * 60) });

/** The unique (scope, key) decides which of several requests with one Idempotency-Key runs. */
export function idempotencyStoreContract(name: string, open: () => Promise<{ idempotency: IdempotencyStore; close(): Promise<void> }>): void {
  describe(`IdempotencyStore: ${name}`, () => {
    let store: IdempotencyStore;
    let close: () => Promise<void>;
    beforeEach(async () => {
      ({ idempotency: store, close } = await open());
    });
    afterEach(async () => {
      await close();
    });

    it('lets exactly one of 20 concurrent claims of one key run; the others see the record in flight', async () => {
      const outcomes = await Promise.all(Array.from({ length: 20 }, () => store.claim(request('double-click'), at(-5))));
      expect(outcomes.filter((o) => o.claimed)).to.have.length(1);
      for (const o of outcomes.filter((o) => !o.claimed)) {
        expect(o).to.deep.include({ claimed: false });
        if (!o.claimed) expect(o.existing).to.deep.include({ scope: SCOPE, key: 'double-click', fingerprint: 'sha256:body', statusCode: null, responseBody: null });
      }
    });

    it('answers the stored answer once complete, to the millisecond of its times', async () => {
      expect(await store.claim(request('k1'), at(-5))).to.deep.equal({ claimed: true });
      await store.complete(SCOPE, 'k1', 201, '{"works":true}');
      const again = await store.claim({ ...request('k1'), createdAt: at(1) }, at(-4));
      expect(again).to.deep.equal({
        claimed: false,
        existing: { scope: SCOPE, key: 'k1', fingerprint: 'sha256:body', statusCode: 201, responseBody: '{"works":true}', createdAt: NOW, expiresAt: at(24 * 60) },
      });
    });

    it('forgets a deleted user\'s records: its scope\'s, and any other whose answer names it; another user\'s stay', async () => {
      const mine = { ...request('k1'), scope: 'user:u1 POST /api/payment/checkout' };
      const signup = { ...request('k2'), scope: 'ip:10.0.0.1 POST /api/auth/signup' };
      const theirs = { ...request('k3'), scope: 'user:u10 POST /api/payment/checkout' };
      const theirSignup = { ...request('k4'), scope: 'ip:10.0.0.1 POST /api/auth/signup' };
      for (const record of [mine, signup, theirs, theirSignup]) expect(await store.claim(record, at(-5))).to.deep.equal({ claimed: true });
      await store.complete(mine.scope, 'k1', 201, '{"works":true,"buyer_email":"kim@example.com"}');
      await store.complete(signup.scope, 'k2', 201, '{"works":true,"user":{"id":"u1","email":"kim@example.com"}}');
      await store.complete(theirs.scope, 'k3', 201, '{"works":true}');
      await store.complete(theirSignup.scope, 'k4', 201, '{"works":true,"user":{"id":"u10"}}');
      await store.forgetUser('u1');
      for (const record of [mine, signup]) expect(await store.claim({ ...record, createdAt: at(1) }, at(-4)), record.key).to.deep.equal({ claimed: true });
      for (const record of [theirs, theirSignup]) expect((await store.claim({ ...record, createdAt: at(1) }, at(-4))).claimed, record.key).to.equal(false);
    });

    it('keeps one key per scope: the same key in another scope is another claim', async () => {
      expect(await store.claim(request('shared'), at(-5))).to.deep.equal({ claimed: true });
      expect(await store.claim({ ...request('shared'), scope: 'user:u2 POST /api/payment/checkout' }, at(-5))).to.deep.equal({ claimed: true });
    });

    it('frees a released key, an expired one and one left in flight past the stale cut', async () => {
      await store.claim(request('released'), at(-5));
      await store.release(SCOPE, 'released');
      expect(await store.claim(request('released'), at(-5))).to.deep.equal({ claimed: true });

      await store.claim({ ...request('expired'), createdAt: at(-120), expiresAt: at(-1) }, at(-125));
      await store.complete(SCOPE, 'expired', 201, '{}');
      expect(await store.claim(request('expired'), at(-5))).to.deep.equal({ claimed: true });

      await store.claim({ ...request('crashed'), createdAt: at(-10) }, at(-15));
      expect(await store.claim(request('crashed'), at(-5))).to.deep.equal({ claimed: true });
    });
  });
}

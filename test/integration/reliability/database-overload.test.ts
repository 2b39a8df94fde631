import { Writable } from 'node:stream';
import { expect } from 'chai';
import sinon from 'sinon';
import type { IdempotencyStore } from '../../../src/shared/application/idempotency-store.port';
import { SHARED } from '../../../src/shared/shared.tokens';
import { createLogger } from '../../../src/shared/infrastructure/logger';
import { SERVER_ENGINES } from '../../support/database';
import { type ApiClient, type ApiResponse, type HttpHarness, startHttpHarness } from '../../support/http-app';
import { ACQUIRE_TIMEOUT_MS, HeldConnection, POOL_OF_ONE } from '../../support/pool-of-one';

const ENGINES = [{ engine: 'sqlite' as const, label: 'SQLite', skip: false }, ...SERVER_ENGINES];

/**
 * Overload: a pool of one connection, held by the test, so a request finds none free within the wait.
 * It must answer 503 `database_unavailable` with Retry-After (never 500), say nothing of hosts or the
 * library, log no stack, store nothing of itself, and /readyz must report the database not ready.
 */
for (const { engine, label, skip } of ENGINES) {
  (skip ? describe.skip : describe)(`a database with no connection free in time (${label}, pool of 1, ${ACQUIRE_TIMEOUT_MS} ms wait)`, function () {
    this.timeout(60_000);
    let h: HttpHarness;
    let lines: string[];
    let buyer: ApiClient;
    let userId: string;
    const connection = new HeldConnection(() => h);

    beforeEach(async () => {
      lines = [];
      const sink = new Writable({
        write(chunk, _encoding, done) {
          lines.push(...String(chunk).split('\n').filter(Boolean));
          done();
        },
      });
      h = await startHttpHarness({ persistence: engine, pool: POOL_OF_ONE, logger: createLogger('info', sink) });
      buyer = h.client();
      userId = (await buyer.signUp()).id;
    });
    afterEach(async () => {
      sinon.restore();
      await connection.release();
      await h?.close();
    });

    function expectOverloadAnswer(answer: ApiResponse): void {
      expect(answer.status, answer.text).to.equal(503);
      expect(answer.headers.get('retry-after')).to.equal('5');
      expect(answer.body).to.deep.equal({
        works: false,
        error: { code: 'database_unavailable', message: 'the service is busy and could not handle this request; try again in a few seconds', details: { retry_after_s: 5 } },
      });
    }

    /** What reached the log or the console: the overload named once per request, no stack, no library words, no database address. */
    function expectQuietLogs(consoleLines: string[]): void {
      const overloaded = lines.map((line) => JSON.parse(line)).filter((entry) => entry.code === 'database_unavailable');
      expect(overloaded.length, 'log lines of the overload').to.be.greaterThan(0);
      for (const entry of overloaded) expect(entry).to.include({ level: 40, msg: 'request answered as overloaded', status: 503 });
      for (const text of [...lines, ...consoleLines]) {
        expect(text).to.not.match(/stack|\n\s+at |Knex|pool is probably full|:3306|:5432|Acquire connection error/);
      }
    }

    async function consoleDuring<T>(work: () => Promise<T>): Promise<{ result: T; consoleLines: string[] }> {
      const consoleLines: string[] = [];
      for (const method of ['log', 'warn', 'error'] as const) sinon.stub(console, method).callsFake((...args: unknown[]) => { consoleLines.push(args.map(String).join(' ')); });
      try {
        return { result: await work(), consoleLines };
      } finally {
        sinon.restore();
      }
    }

    it('a checkout answers 503 database_unavailable with Retry-After, stores nothing, logs no stack; /readyz answers the database down; once free it works', async () => {
      await connection.hold();
      const { result: [checkout, ready], consoleLines } = await consoleDuring(async () => [
        await buyer.post('/api/payment/checkout', { plan: 'monthly' }),
        await h.client().get('/readyz'),
      ]);
      expectOverloadAnswer(checkout);
      expect(ready.status).to.equal(503);
      expect(ready.body).to.deep.equal({ works: false, db: 'down', gateway: 'ok' });
      expectQuietLogs(consoleLines);

      await connection.release();
      expect(await h.parts.payments.listByUser(userId), 'payments stored').to.deep.equal([]);
      expect(h.parts.gateway.calls.filter((c) => c.operation === 'prepare'), 'orders prepared at the gateway').to.deep.equal([]);
      const again = await buyer.post('/api/payment/checkout', { plan: 'monthly' });
      expect(again.status, again.text).to.equal(201);
    });

    it('a checkout done whose answer cannot be kept for its Idempotency-Key still answers 201: the work is done and the answer says so', async () => {
      const store = h.container.get<IdempotencyStore>(SHARED.IdempotencyStore);
      const complete = store.complete.bind(store);
      sinon.stub(store, 'complete').callsFake(async (...args) => {
        await connection.hold();
        return complete(...args);
      });
      const checkout = await buyer.post('/api/payment/checkout', { plan: 'monthly' }, { 'Idempotency-Key': 'overload-1' });
      expect(checkout.status, checkout.text).to.equal(201);
      await connection.release();
      expect((await h.parts.payments.listByUser(userId)).map((p) => p.merchantUid)).to.deep.equal([checkout.body.merchant_uid]);
      const kept = lines.map((line) => JSON.parse(line)).filter((entry) => entry.code === 'database_unavailable');
      expect(kept.map((entry) => [entry.level, entry.msg, entry.status])).to.deep.equal([[40, 'answer sent without keeping it for Idempotency-Key replays', 201]]);
    });

    it('a validation that meets the pool full after the gateway answered paid answers 503, records nothing of the answer, and a retry records it once', async () => {
      const checkout = await buyer.post('/api/payment/checkout', { plan: 'monthly' });
      const order = { merchant_uid: checkout.body.merchant_uid as string, imp_uid: '' };
      order.imp_uid = h.parts.gateway.buyerPays({ merchantUid: order.merchant_uid, amount: checkout.body.amount, action: 'paid', customerUid: null });
      const settle = h.parts.gateway.settle.bind(h.parts.gateway);
      const { result: answer, consoleLines } = await consoleDuring(async () => {
        // The gateway answers while another request takes the connection the validation needs next.
        sinon.stub(h.parts.gateway, 'settle').callsFake(async (input) => {
          await connection.hold();
          return settle(input);
        });
        return buyer.post('/api/payment/validation', order);
      });
      expectOverloadAnswer(answer);
      expectQuietLogs(consoleLines);

      await connection.release();
      const stored = await h.parts.payments.findByMerchantUid(order.merchant_uid);
      expect([stored?.status, stored?.isFulfilled, stored?.reportedGatewayPaymentId]).to.deep.equal(['await', false, order.imp_uid]);
      expect(await h.parts.memberships.findLiveByUserId(userId)).to.equal(null);
      expect(await connection.knex()('domain_events').whereIn('type', ['PaymentPaid', 'MembershipActivated']).count({ n: '*' }).first().then((r) => Number(r?.n))).to.equal(0);

      const retried = await buyer.post('/api/payment/validation', order);
      expect(retried.status, retried.text).to.equal(200);
      expect(retried.body).to.include({ status: 'paid' });
      expect((await h.parts.memberships.findLiveByUserId(userId))?.monthsPaid).to.equal(1);
      const events = await connection.knex()('domain_events').select('type').whereIn('type', ['PaymentPaid', 'MembershipActivated']);
      expect(events.map((e) => e.type).sort()).to.deep.equal(['MembershipActivated', 'PaymentPaid']);
    });
  });
}

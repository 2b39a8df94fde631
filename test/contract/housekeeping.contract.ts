import { expect } from 'chai';
import type { RetainedRecordStore } from '../../src/membership/application/retained-record-store.port';
import type { RetainedRecord } from '../../src/membership/domain/retention';
import type { IdempotencyStore } from '../../src/shared/application/idempotency-store.port';
import type { RateLimiter } from '../../src/shared/application/rate-limiter.port';
import type { SessionStore } from '../../src/shared/application/session-store.port';
import { ControllableClock } from '../../src/shared/infrastructure/controllable-clock';
import { Housekeeping } from '../../src/shared/infrastructure/housekeeping';

export interface HousekeepingKit {
  sessions: SessionStore;
  idempotency: IdempotencyStore;
  rateLimiter: RateLimiter;
  retainedRecords: RetainedRecordStore;
  close(): Promise<void>;
}

const HOUR = 60 * 60 * 1000;
const NOW = new Date('2026-11-25T09:00:00.000Z');
const at = (hours: number) => new Date(NOW.getTime() + hours * HOUR);

/** The purges of the three stores every request touches, as the memory adapters define them. */
export function housekeepingContract(name: string, open: () => Promise<HousekeepingKit>): void {
  describe(`housekeeping: ${name}`, () => {
    let kit: HousekeepingKit;
    beforeEach(async () => {
      kit = await open();
    });
    afterEach(async () => {
      await kit.close();
    });

    it('deletes expired sessions only', async () => {
      await kit.sessions.set('gone', { data: { a: 1 }, userId: null, expiresAt: at(-1) });
      await kit.sessions.set('kept', { data: { b: 2 }, userId: null, expiresAt: at(1) });
      expect(await kit.sessions.purgeExpired(NOW)).to.equal(1);
      expect(await kit.sessions.get('kept', NOW)).to.deep.include({ data: { b: 2 } });
      expect(await kit.sessions.purgeExpired(NOW)).to.equal(0);
    });

    it('deletes expired idempotency keys only; an unexpired one still holds its key', async () => {
      const record = { scope: 'user:u1 POST /api/payment/checkout', fingerprint: 'f', createdAt: at(-25) };
      expect(await kit.idempotency.claim({ ...record, key: 'old', expiresAt: at(-1) }, at(-26))).to.deep.equal({ claimed: true });
      expect(await kit.idempotency.claim({ ...record, key: 'new', expiresAt: at(23) }, at(-26))).to.deep.equal({ claimed: true });
      await kit.idempotency.complete(record.scope, 'new', 201, '{"works":true}');
      expect(await kit.idempotency.purgeExpired(NOW)).to.equal(1);
      const again = await kit.idempotency.claim({ ...record, key: 'new', createdAt: NOW, expiresAt: at(24) }, at(-1));
      expect(again).to.deep.include({ claimed: false });
    });

    it('forgets rate-limit events older than the cut, keeping the windows that still count', async () => {
      await kit.rateLimiter.hit('login:1.2.3.4:a@b.c', at(-30));
      await kit.rateLimiter.hit('login:1.2.3.4:a@b.c', at(-0.1));
      await kit.rateLimiter.hit('signup:1.2.3.4', at(-30));
      expect(await kit.rateLimiter.purgeBefore(at(-24))).to.be.at.least(1);
      expect(await kit.rateLimiter.count('login:1.2.3.4:a@b.c', 48 * HOUR, NOW)).to.equal(1);
      expect(await kit.rateLimiter.count('signup:1.2.3.4', 48 * HOUR, NOW)).to.equal(0);
    });

    const retained = (id: string, purgeAfter: Date): RetainedRecord => ({
      id, retentionClass: 'advertising', subjectId: 'u1', kind: 'payment', recordRef: `ref-${id}`,
      payload: { amount: 9900, member: { name: '김회원' } }, retainedAt: at(-48), purgeAfter,
    });

    it('keeps retained records as written until their purge time, then deletes exactly those', async () => {
      await kit.retainedRecords.add([retained('r1', at(-1)), retained('r2', NOW), retained('r3', at(1))]);
      expect(await kit.retainedRecords.listBySubject('u1')).to.deep.equal([retained('r1', at(-1)), retained('r2', NOW), retained('r3', at(1))]);
      expect(await kit.retainedRecords.purgeExpired(NOW)).to.equal(2);
      expect((await kit.retainedRecords.listBySubject('u1')).map((r) => r.id)).to.deep.equal(['r3']);
      expect(await kit.retainedRecords.listBySubject('someone else')).to.deep.equal([]);
    });

    it('runs all four in one pass', async () => {
      const clock = new ControllableClock();
      clock.freezeAt(NOW);
      await kit.sessions.set('gone', { data: {}, userId: null, expiresAt: new Date(Date.now() - HOUR) });
      await kit.retainedRecords.add([retained('r1', at(-1))]);
      const result = await new Housekeeping(kit.sessions, kit.idempotency, kit.rateLimiter, kit.retainedRecords, clock).run();
      expect(result.sessions).to.equal(1);
      expect(result.retainedRecords, 'by the business clock').to.equal(1);
      expect(result).to.have.all.keys('sessions', 'idempotencyKeys', 'rateLimitCounters', 'retainedRecords');
    });
  });
}

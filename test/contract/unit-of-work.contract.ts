import { expect } from 'chai';
import type { Payment } from '../../src/payment/domain/payment.entity';
import { PaymentEvents } from '../../src/payment/domain/payment.events';
import type { DomainEvent } from '../../src/shared/domain/domain-event';
import { ControllableClock } from '../../src/shared/infrastructure/controllable-clock';
import { silentLogger } from '../../src/shared/infrastructure/logger';
import { OutboxRelay } from '../../src/shared/infrastructure/outbox-relay';
import { PeriodicJob } from '../../src/shared/infrastructure/periodic-job';
import { aPayment } from '../support/builders/payment.builder';
import type { PersistenceKit } from '../support/persistence-adapters';

const NOW = new Date('2026-11-25T09:00:00.000Z');

/** UnitOfWork + Outbox + relay: the transactional outbox as every adapter must keep it. */
export function unitOfWorkContract(open: () => Promise<PersistenceKit>): void {
  describe('UnitOfWork and outbox', () => {
    let kit: PersistenceKit;
    beforeEach(async () => {
      kit = await open();
    });

    /** A fresh payment that records PaymentPrepared when saved. */
    const preparedPayment = (): Payment => {
      const payment = aPayment().build();
      payment.markPrepared(NOW);
      return payment;
    };

    it('writes the recorded events to the outbox with the aggregate, then publishes them', async () => {
      const published: DomainEvent<unknown>[] = [];
      kit.eventBus.subscribe(PaymentEvents.Prepared, 'test', async (event) => {
        published.push(event);
      });
      const payment = preparedPayment();
      await kit.uow.run(() => kit.payments.save(payment));
      const stored = await kit.storedEvents();
      expect(stored.map((e) => [e.type, e.aggregateId, e.delivered])).to.deep.equal([[PaymentEvents.Prepared, payment.id, true]]);
      expect(published.map((e) => e.id)).to.deep.equal([stored[0].id]);
      expect(published[0].payload).to.deep.include({ paymentId: payment.id, merchantUid: payment.merchantUid, amount: 9900 });
      expect(published[0].occurredAt).to.deep.equal(NOW);
    });

    it('publishes only after the commit: a handler reads the committed aggregate', async () => {
      let seenByHandler: Payment | null = null;
      kit.eventBus.subscribe(PaymentEvents.Prepared, 'test', async (event) => {
        seenByHandler = await kit.payments.findById(event.aggregateId);
      });
      const payment = preparedPayment();
      let publishedBeforeReturn = false;
      await kit.uow.run(async () => {
        await kit.payments.save(payment);
        publishedBeforeReturn = seenByHandler !== null;
      });
      expect(publishedBeforeReturn).to.equal(false);
      expect((seenByHandler as Payment | null)?.version).to.equal(1);
    });

    it('rolls back: a failed unit of work leaves neither the aggregate nor its events, and publishes nothing', async () => {
      let published = 0;
      kit.eventBus.subscribe(PaymentEvents.Prepared, 'test', async () => {
        published += 1;
      });
      const payment = preparedPayment();
      const other = aPayment().build();
      let error: unknown = null;
      try {
        await kit.uow.run(async () => {
          await kit.payments.save(other);
          await kit.payments.save(payment);
          throw new Error('boom');
        });
      } catch (e) {
        error = e;
      }
      expect((error as Error).message).to.equal('boom');
      expect(await kit.payments.findById(payment.id)).to.equal(null);
      expect(await kit.payments.findById(other.id)).to.equal(null);
      expect(await kit.storedEvents()).to.deep.equal([]);
      expect(published).to.equal(0);
    });

    it('joins a run inside a run: one transaction, events published once after the outer commit', async () => {
      let published = 0;
      kit.eventBus.subscribe(PaymentEvents.Prepared, 'test', async () => {
        published += 1;
      });
      const outer = preparedPayment();
      const inner = preparedPayment();
      await kit.uow.run(async () => {
        await kit.payments.save(outer);
        await kit.uow.run(() => kit.payments.save(inner));
        expect(published).to.equal(0);
      });
      expect(published).to.equal(2);
      expect((await kit.storedEvents()).map((e) => e.aggregateId)).to.deep.equal([outer.id, inner.id]);

      const failingOuter = preparedPayment();
      const failingInner = preparedPayment();
      try {
        await kit.uow.run(async () => {
          await kit.uow.run(() => kit.payments.save(failingInner));
          await kit.payments.save(failingOuter);
          throw new Error('after the inner run');
        });
      } catch {
        // expected
      }
      expect(await kit.payments.findById(failingInner.id)).to.equal(null);
      expect(await kit.storedEvents()).to.have.length(2);
    });

    it('keeps a failed delivery for the relay, which delivers it again', async () => {
      let attempts = 0;
      kit.eventBus.subscribe(PaymentEvents.Prepared, 'flaky', async () => {
        attempts += 1;
        if (attempts === 1) throw new Error('handler down');
      });
      const payment = preparedPayment();
      await kit.uow.run(() => kit.payments.save(payment));
      expect((await kit.storedEvents()).map((e) => e.delivered)).to.deep.equal([false]);

      const clock = new ControllableClock();
      clock.freezeAt(NOW);
      const relay = new OutboxRelay(kit.outbox, kit.eventBus, clock, { minAgeMs: 5000 });
      expect(await relay.runOnce()).to.equal(0); // too young: the in-process publish may still be running
      clock.advance(5000);
      expect(await relay.runOnce()).to.equal(1);
      expect(attempts).to.equal(2);
      expect((await kit.storedEvents()).map((e) => e.delivered)).to.deep.equal([true]);
      expect(await relay.runOnce()).to.equal(0);
    });

    it('leaves an event only relay handlers wait for to the relay: stored undelivered, not handled after the commit', async () => {
      let handled = 0;
      kit.eventBus.subscribe(PaymentEvents.Prepared, 'mailer', async () => { handled += 1; }, { delivery: 'relay' });
      await kit.uow.run(() => kit.payments.save(preparedPayment()));
      expect(handled, 'not run after the commit').to.equal(0);
      expect((await kit.storedEvents()).map((e) => e.delivered)).to.deep.equal([false]);

      const clock = new ControllableClock();
      clock.freezeAt(NOW);
      // Nothing else delivers it: the relay takes it however young.
      const relay = new OutboxRelay(kit.outbox, kit.eventBus, clock, { minAgeMs: 5000 });
      expect(await relay.runOnce()).to.equal(1);
      expect(handled).to.equal(1);
      expect((await kit.storedEvents()).map((e) => e.delivered)).to.deep.equal([true]);
      expect(await relay.runOnce()).to.equal(0);
    });

    it('a relay pass takes batch after batch while they come back full', async () => {
      let handled = 0;
      kit.eventBus.subscribe(PaymentEvents.Prepared, 'mailer', async () => { handled += 1; }, { delivery: 'relay' });
      for (let i = 0; i < 5; i += 1) await kit.uow.run(() => kit.payments.save(preparedPayment()));
      const clock = new ControllableClock();
      clock.freezeAt(new Date(NOW.getTime() + 60_000));
      expect(await new OutboxRelay(kit.outbox, kit.eventBus, clock, { batchSize: 2 }).runOnce()).to.equal(5);
      expect(handled).to.equal(5);
      expect((await kit.storedEvents()).map((e) => e.delivered)).to.deep.equal([true, true, true, true, true]);
    });

    it('holds the events of units inside holdPublication, claimed for the holder: no relay takes them until the hold runs out', async () => {
      let handled = 0;
      kit.eventBus.subscribe(PaymentEvents.Prepared, 'test', async () => { handled += 1; });
      const holdMs = 60_000;
      const { publish } = await kit.uow.holdPublication(() => kit.uow.run(() => kit.payments.save(preparedPayment())), holdMs);
      expect(handled, 'not published at its commit').to.equal(0);
      expect((await kit.storedEvents()).map((e) => e.delivered)).to.deep.equal([false]);
      const late = new Date(NOW.getTime() + holdMs - 1);
      expect(await kit.outbox.claimUndelivered(late, 10, late), 'claimed for the holder').to.deep.equal([]);
      await publish();
      expect(handled).to.equal(1);
      expect((await kit.storedEvents()).map((e) => e.delivered)).to.deep.equal([true]);
    });

    it('a dead holder\'s held events are the relay\'s once the hold runs out', async () => {
      kit.eventBus.subscribe(PaymentEvents.Prepared, 'test', async () => {});
      const payment = preparedPayment();
      await kit.uow.holdPublication(() => kit.uow.run(() => kit.payments.save(payment)), 60_000);
      const after = new Date(NOW.getTime() + 60_000);
      expect((await kit.outbox.claimUndelivered(after, 10, after)).map((e) => e.aggregateId)).to.deep.equal([payment.id]);
    });

    it('claims undelivered events once, oldest first: a second claim does not get them again', async () => {
      kit.eventBus.subscribe(PaymentEvents.Prepared, 'down', async () => {
        throw new Error('handler down');
      });
      const first = preparedPayment();
      const second = preparedPayment();
      await kit.uow.run(() => kit.payments.save(first));
      await kit.uow.run(() => kit.payments.save(second));
      const claims = await Promise.all([kit.outbox.claimUndelivered(NOW, 1, NOW), kit.outbox.claimUndelivered(NOW, 1, NOW)]);
      const third = await kit.outbox.claimUndelivered(NOW, 10, NOW);
      const claimed = [...claims.flat(), ...third].map((e) => e.aggregateId);
      expect(claimed).to.have.members([first.id, second.id]);
      expect(claimed).to.have.length(2);
      expect(claims.flat().map((e) => e.aggregateId)).to.have.members([first.id, second.id]);
      expect(await kit.outbox.claimUndelivered(new Date(NOW.getTime() - 1), 10, NOW)).to.deep.equal([]);
      // Nobody delivered them: the claims run out after 30 s of the clock that claimed them.
      expect(await kit.outbox.claimUndelivered(NOW, 10, new Date(NOW.getTime() + 29_999)), 'inside the claim').to.deep.equal([]);
      expect((await kit.outbox.claimUndelivered(NOW, 10, new Date(NOW.getTime() + 30_000))).map((e) => e.aggregateId)).to.have.members([first.id, second.id]);
    });

    it('runs the relay on a timer until stopped', async () => {
      let attempts = 0;
      kit.eventBus.subscribe(PaymentEvents.Prepared, 'flaky', async () => {
        attempts += 1;
        if (attempts === 1) throw new Error('handler down');
      });
      await kit.uow.run(() => kit.payments.save(preparedPayment()));
      const clock = new ControllableClock();
      clock.freezeAt(new Date(NOW.getTime() + 60_000));
      const relay = new OutboxRelay(kit.outbox, kit.eventBus, clock);
      const job = new PeriodicJob('outbox-relay', () => relay.runOnce(), silentLogger());
      job.start(10);
      const deadline = Date.now() + 3000;
      while (attempts < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
      await job.stop();
      expect(attempts).to.equal(2);
    });
  });
}

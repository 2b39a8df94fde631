import { expect } from 'chai';
import sinon from 'sinon';
import type { DomainEvent } from '../../../src/shared/domain/domain-event';
import { InProcessEventBus } from '../../../src/shared/infrastructure/in-process-event-bus';
import { silentLogger } from '../../../src/shared/infrastructure/logger';
import { MemoryOutbox } from '../../../src/shared/infrastructure/memory/memory-outbox';
import { TransactionContext } from '../../../src/shared/infrastructure/transaction-context';

const AT = new Date('2026-11-25T09:00:00.000Z');
const anEvent = (id: string, type: string): DomainEvent => ({ id, type, aggregateId: `agg_${id}`, occurredAt: AT, payload: {} });

describe('InProcessEventBus', () => {
  let outbox: MemoryOutbox;
  let bus: InProcessEventBus;

  beforeEach(async () => {
    outbox = new MemoryOutbox(new TransactionContext());
    bus = new InProcessEventBus(outbox, silentLogger());
  });

  it("marks an event and the events its handlers published delivered in one outbox write", async () => {
    const paid = anEvent('e1', 'PaymentPaid');
    const activated = anEvent('e2', 'MembershipActivated');
    await outbox.append([{ event: paid, delivered: false }, { event: activated, delivered: false }]);
    const noticed: string[] = [];
    bus.subscribe('PaymentPaid', 'Fulfil', async () => bus.publish([activated]));
    bus.subscribe('MembershipActivated', 'Notice', async (event) => { noticed.push(event.id); });
    const writes = sinon.spy(outbox, 'markDelivered');

    await bus.publish([paid]);

    expect(noticed).to.deep.equal(['e2']);
    expect(writes.callCount).to.equal(1);
    expect(writes.firstCall.args[0]).to.have.members(['e1', 'e2']);
    expect(outbox.all().map((e) => e.delivered)).to.deep.equal([true, true]);
  });

  it('leaves an event whose handler failed undelivered, and still marks the ones that succeeded', async () => {
    const paid = anEvent('e1', 'PaymentPaid');
    const activated = anEvent('e2', 'MembershipActivated');
    await outbox.append([{ event: paid, delivered: false }, { event: activated, delivered: false }]);
    bus.subscribe('PaymentPaid', 'Fulfil', async () => {
      await bus.publish([activated]);
      throw new Error('lost the database mid-way');
    });
    bus.subscribe('MembershipActivated', 'Notice', async () => {});

    await bus.publish([paid]);

    expect(outbox.all().map((e) => [e.event.id, e.delivered])).to.deep.equal([['e1', false], ['e2', true]]);
  });

  it('publishes that finish together share one delivered write, and each returns only once its events are marked', async () => {
    const events = ['e1', 'e2', 'e3'].map((id) => anEvent(id, 'PaymentPaid'));
    await outbox.append(events.map((event) => ({ event, delivered: false })));
    bus.subscribe('PaymentPaid', 'Fulfil', async () => {});
    const writes = sinon.spy(outbox, 'markDelivered');

    await Promise.all(events.map(async (event) => {
      await bus.publish([event]);
      expect(outbox.all().find((e) => e.event.id === event.id)?.delivered).to.equal(true);
    }));

    expect(writes.callCount).to.equal(1);
    expect(writes.firstCall.args[0]).to.have.members(['e1', 'e2', 'e3']);
  });

  describe('a handler that takes several events at once', () => {
    it("gets a publish's events of its types together, one by one only when the publish holds one; other handlers as before", async () => {
      const events = [anEvent('a1', 'Activated'), anEvent('x1', 'Other'), anEvent('e1', 'Extended'), anEvent('a2', 'Activated')];
      await outbox.append(events.map((event) => ({ event, delivered: false })));
      const together: string[][] = [];
      const alone: string[] = [];
      const other: string[] = [];
      const many = async (batch: DomainEvent[]) => { together.push(batch.map((e) => e.id)); return []; };
      for (const type of ['Activated', 'Extended']) bus.subscribe(type, 'Notices', async (event) => { alone.push(event.id); }, { delivery: 'relay', many });
      bus.subscribe('Other', 'OtherHandler', async (event) => { other.push(event.id); });

      await bus.publish(events);
      await bus.publish([anEvent('a3', 'Activated')]);

      expect(together).to.deep.equal([['a1', 'e1', 'a2']]);
      expect(alone).to.deep.equal(['a3']);
      expect(other).to.deep.equal(['x1']);
      expect(outbox.all().filter((e) => e.delivered).map((e) => e.event.id)).to.have.members(['a1', 'x1', 'e1', 'a2']);
    });

    it('leaves undelivered the events it reports as failed, and every event of a batch that threw', async () => {
      const events = ['a1', 'a2', 'a3'].map((id) => anEvent(id, 'Activated'));
      await outbox.append(events.map((event) => ({ event, delivered: false })));
      let throws = false;
      bus.subscribe('Activated', 'Notices', async () => {}, {
        many: async (batch) => {
          if (throws) throw new Error('database down');
          return batch.filter((e) => e.id === 'a2').map((event) => ({ event, error: new Error('smtp refused') }));
        },
      });

      await bus.publish(events);
      expect(outbox.all().filter((e) => e.delivered).map((e) => e.event.id)).to.have.members(['a1', 'a3']);

      const more = ['b1', 'b2'].map((id) => anEvent(id, 'Activated'));
      await outbox.append(more.map((event) => ({ event, delivered: false })));
      throws = true;
      await bus.publish(more);
      expect(outbox.all().filter((e) => e.delivered).map((e) => e.event.id)).to.have.members(['a1', 'a3']);
    });
  });
});

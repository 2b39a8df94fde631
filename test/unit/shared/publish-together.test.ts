import { expect } from 'chai';
import sinon from 'sinon';
import { AggregateRoot } from '../../../src/shared/domain/aggregate-root';
import { InProcessEventBus } from '../../../src/shared/infrastructure/in-process-event-bus';
import { silentLogger } from '../../../src/shared/infrastructure/logger';
import { MemoryOutbox } from '../../../src/shared/infrastructure/memory/memory-outbox';
import { MemoryUnitOfWork } from '../../../src/shared/infrastructure/memory/memory-unit-of-work';
import { TransactionContext } from '../../../src/shared/infrastructure/transaction-context';
import { rejection } from '../../support/rejection';

const AT = new Date('2026-12-07T09:00:00.000Z');

class Counter extends AggregateRoot {
  constructor(readonly id: string) { super(); }
  get version() { return 1; }
  markSaved() {}
  bump() { this.record('CounterBumped', AT, { id: this.id }); }
}

/** UnitOfWork.publishTogether: a batch job's units publish their events at once when it ends (a renewal run's receipts). */
describe('UnitOfWork.publishTogether', () => {
  let context: TransactionContext;
  let outbox: MemoryOutbox;
  let bus: InProcessEventBus;
  let uow: MemoryUnitOfWork;
  let handled: string[];
  let publishes: sinon.SinonSpy;

  beforeEach(() => {
    context = new TransactionContext();
    outbox = new MemoryOutbox(context);
    bus = new InProcessEventBus(outbox, silentLogger());
    uow = new MemoryUnitOfWork(context, outbox, bus);
    handled = [];
    bus.subscribe('CounterBumped', 'Count', async (event) => { handled.push(`one:${event.aggregateId}`); }, {
      many: async (events) => { handled.push(`many:${events.map((e) => e.aggregateId).join(',')}`); return []; },
    });
    publishes = sinon.spy(bus, 'publish');
  });

  /** One unit of work that saves a counter with one event. */
  const bumpIn = (id: string) => uow.run(async () => {
    const counter = new Counter(id);
    counter.bump();
    context.track(counter);
  });

  it('holds the events of the units inside until the work ends, then publishes them in one call to the batch handler', async () => {
    const answer = await uow.publishTogether(async () => {
      await Promise.all(['a', 'b', 'c'].map(bumpIn));
      expect(handled, 'nothing is handled while the work runs').to.deep.equal([]);
      expect(outbox.all().map((e) => e.delivered), 'each is in the outbox from its commit on').to.deep.equal([false, false, false]);
      return 'done';
    });

    expect(answer).to.equal('done');
    expect(publishes.callCount).to.equal(1);
    expect(handled).to.deep.equal(['many:a,b,c']);
    expect(outbox.all().map((e) => e.delivered)).to.deep.equal([true, true, true]);
  });

  it('publishes what was committed when the work fails, and the failure still reaches the caller', async () => {
    const failing = uow.publishTogether(async () => {
      await bumpIn('a');
      await bumpIn('b');
      throw new Error('the gateway went away');
    });

    expect((await rejection(failing)) as Error).to.have.property('message', 'the gateway went away');
    expect(handled).to.deep.equal(['many:a,b']);
  });

  it('a publishTogether inside another joins it; outside any, each unit publishes after its own commit', async () => {
    await uow.publishTogether(async () => {
      await bumpIn('a');
      await uow.publishTogether(() => bumpIn('b'));
      expect(handled).to.deep.equal([]);
    });
    expect(handled).to.deep.equal(['many:a,b']);

    await bumpIn('c');
    expect(handled).to.deep.equal(['many:a,b', 'one:c']);
  });

  it('publishes nothing when the units inside recorded no event awaiting a handler', async () => {
    await uow.publishTogether(async () => uow.run(async () => 'nothing recorded'));
    expect(publishes.callCount).to.equal(0);
  });
});

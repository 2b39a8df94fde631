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
const HOLD_MS = 5 * 60_000;

class Counter extends AggregateRoot {
  constructor(readonly id: string) { super(); }
  get version() { return 1; }
  markSaved() {}
  bump() { this.record('CounterBumped', AT, { id: this.id }); }
  mail() { this.record('Mailed', AT, { id: this.id }); }
}

/** UnitOfWork.holdPublication: a batch job's units publish their events at once when it says so (a renewal run's receipts). */
describe('UnitOfWork.holdPublication', () => {
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

  it('holds the events of the units inside until publish, then publishes them in one call to the batch handler, once', async () => {
    const { value, publish } = await uow.holdPublication(async () => {
      await Promise.all(['a', 'b', 'c'].map(bumpIn));
      return 'done';
    }, HOLD_MS);
    expect(value).to.equal('done');
    expect(handled, 'nothing is handled before publish').to.deep.equal([]);
    expect(outbox.all().map((e) => e.delivered), 'each is in the outbox from its commit on').to.deep.equal([false, false, false]);

    await bumpIn('d');
    expect(handled, 'a unit after the work publishes after its own commit').to.deep.equal(['one:d']);

    await publish();
    await publish();
    expect(handled).to.deep.equal(['one:d', 'many:a,b,c']);
    expect(outbox.all().map((e) => e.delivered)).to.deep.equal([true, true, true, true]);
  });

  it('claims the held events for the holder until holdMs after they occurred: no relay takes them meanwhile, a dead holder\'s are the relays\' then', async () => {
    const { publish } = await uow.holdPublication(() => bumpIn('a'), HOLD_MS);
    const claimable = (at: Date) => outbox.claimUndelivered(at, 10, at);
    expect(await claimable(new Date(AT.getTime() + HOLD_MS - 1)), 'held').to.deep.equal([]);
    // As if the holder died: once the hold runs out, a relay takes the event.
    expect((await claimable(new Date(AT.getTime() + HOLD_MS))).map((e) => e.aggregateId)).to.deep.equal(['a']);
    await publish();
    expect(handled).to.deep.equal(['one:a']);
  });

  it('claims nothing outside a hold, nor an event only relay handlers take inside one', async () => {
    bus.subscribe('Mailed', 'Mail', async () => {}, { delivery: 'relay' });
    await bumpIn('a');
    await uow.holdPublication(() => uow.run(async () => {
      const counter = new Counter('b');
      counter.mail();
      context.track(counter);
    }), HOLD_MS);
    expect(outbox.all().map((e) => [e.event.aggregateId, e.delivered]), 'a was delivered at its commit').to.deep.equal([['a', true], ['b', false]]);
    expect((await outbox.claimUndelivered(AT, 10, AT)).map((e) => e.aggregateId), 'the relay takes b at once').to.deep.equal(['b']);
  });

  it('publishes what was committed when the work fails, and the failure still reaches the caller', async () => {
    const failing = uow.holdPublication(async () => {
      await bumpIn('a');
      await bumpIn('b');
      throw new Error('the gateway went away');
    }, HOLD_MS);

    expect((await rejection(failing)) as Error).to.have.property('message', 'the gateway went away');
    expect(handled).to.deep.equal(['many:a,b']);
  });

  it('when the work fails and so does the publish of what it committed, the work\'s failure is the answer', async () => {
    publishes.restore();
    sinon.stub(bus, 'publish').rejects(new Error('database gone while marking'));
    const failing = uow.holdPublication(async () => {
      await bumpIn('a');
      throw new Error('the gateway went away');
    }, HOLD_MS);
    expect((await rejection(failing)) as Error).to.have.property('message', 'the gateway went away');
  });

  it('inside another, the outer one holds the events', async () => {
    const outer = await uow.holdPublication(async () => {
      await bumpIn('a');
      const inner = await uow.holdPublication(() => bumpIn('b'), HOLD_MS);
      await inner.publish();
      expect(handled).to.deep.equal([]);
    }, HOLD_MS);
    await outer.publish();
    expect(handled).to.deep.equal(['many:a,b']);
  });

  it('publishes nothing when the units inside recorded no event awaiting a handler', async () => {
    const { publish } = await uow.holdPublication(async () => uow.run(async () => 'nothing recorded'), HOLD_MS);
    await publish();
    expect(publishes.callCount).to.equal(0);
  });
});

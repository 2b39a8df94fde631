import { expect } from 'chai';
import sinon from 'sinon';
import { retryOnConflict } from '../../../src/shared/application/retry-on-conflict';
import { ConcurrencyConflictError } from '../../../src/shared/domain/domain-error';

describe('retryOnConflict', () => {
  afterEach(() => sinon.restore());

  it('gives up after the 8th lost race, each wait random below a ceiling that doubles from 5 ms up to 200 ms', async () => {
    const clock = sinon.useFakeTimers();
    sinon.stub(Math, 'random').returns(0.999);
    const attemptsAt: number[] = [];
    const outcome = retryOnConflict(async () => {
      attemptsAt.push(clock.now);
      throw new ConcurrencyConflictError('membership', 'm1');
    }).catch((error: unknown) => error);
    await clock.runAllAsync();
    expect(await outcome).to.be.instanceOf(ConcurrencyConflictError);
    // Math.random at the top of its range: each wait is its ceiling (less the timer's rounding down).
    const waits = attemptsAt.slice(1).map((at, i) => at - attemptsAt[i]);
    expect(waits).to.deep.equal([4, 9, 19, 39, 79, 159, 199]);
  });

  it('answers the first attempt that wins, and lets any other error out at once', async () => {
    let attempts = 0;
    expect(await retryOnConflict(async () => {
      attempts += 1;
      if (attempts < 3) throw new ConcurrencyConflictError('payment', 'p1');
      return 'saved';
    })).to.equal('saved');
    expect(attempts).to.equal(3);
    const bug = new TypeError('a bug');
    expect(await retryOnConflict(async () => { throw bug; }).catch((error: unknown) => error)).to.equal(bug);
  });
});

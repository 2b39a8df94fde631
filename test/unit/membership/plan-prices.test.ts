import { expect } from 'chai';
import { PlanPrices } from '../../../src/membership/application/plan-prices';
import type { PriceChange } from '../../../src/membership/domain/plan-price';
import { MemoryPriceChangeRepository } from '../../../src/membership/infrastructure/memory/memory-price-change.repository';
import type { Plan } from '../../../src/pricing/domain/plan';

const monthly: Plan = { id: 'monthly', names: { ko: '월간', en: 'Monthly' }, amount: 9900, currency: 'KRW', interval: 'month', intervalCount: 1 };
const annual: Plan = { id: 'annual', names: { ko: '연간', en: 'Annual' }, amount: 99000, currency: 'KRW', interval: 'year', intervalCount: 1 };
const at = (iso: string) => new Date(`${iso}T00:00:00Z`);

async function pricesWith(...changes: Array<[Plan, number, string]>) {
  const repository = new MemoryPriceChangeRepository();
  for (const [n, [plan, amount, effective]] of changes.entries()) {
    const change: PriceChange = { id: `pc${n}`, planId: plan.id, amount, effectiveAt: at(effective), createdAt: at('2027-01-01') };
    await repository.add(change);
  }
  return new PlanPrices(repository).snapshot([monthly, annual]);
}

describe('plan prices over time (PlanPrices.snapshot)', () => {
  it('prices each plan from its own scheduled changes only', async () => {
    const price = await pricesWith([monthly, 12900, '2027-02-01'], [annual, 129000, '2027-03-01']);
    expect(price(monthly, at('2027-01-31'))).to.equal(9900);
    expect(price(monthly, at('2027-02-01'))).to.equal(12900);
    expect(price(annual, at('2027-02-15'))).to.equal(99000);
    expect(price(annual, at('2027-03-01'))).to.equal(129000);
  });

  it('the highest price of a range is the price at its start when nothing changes inside it', async () => {
    const price = await pricesWith([monthly, 12900, '2027-01-15']);
    expect(price.highest(monthly, at('2027-02-01'), at('2027-03-01'))).to.equal(12900);
    expect(price.highest(annual, at('2027-02-01'), at('2027-03-01'))).to.equal(99000);
  });

  it('the highest price of a range counts a rise taking effect inside it, up to and including its end', async () => {
    const price = await pricesWith([monthly, 12900, '2027-03-01'], [monthly, 8900, '2027-03-10']);
    expect(price.highest(monthly, at('2027-02-01'), at('2027-03-01'))).to.equal(12900);
    expect(price.highest(monthly, at('2027-02-01'), at('2027-02-28'))).to.equal(9900);
  });

  it('the highest price of a range ignores a rise already replaced before the range starts and one after its end', async () => {
    const price = await pricesWith([monthly, 15900, '2027-01-05'], [monthly, 10900, '2027-01-20'], [monthly, 19900, '2027-04-01']);
    expect(price.highest(monthly, at('2027-02-01'), at('2027-03-01'))).to.equal(10900);
  });

  it('the highest price of a range is the highest of several changes inside it, not the last', async () => {
    const price = await pricesWith([monthly, 14900, '2027-02-10'], [monthly, 10900, '2027-02-20']);
    expect(price.highest(monthly, at('2027-02-01'), at('2027-03-01'))).to.equal(14900);
  });
});

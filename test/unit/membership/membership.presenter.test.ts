import { expect } from 'chai';
import { presentMembership } from '../../../src/membership/http/membership.presenter';
import { aMembership } from '../../support/builders/membership.builder';

// DESIGN §7: `next_charge_at` = `current_period_end` while `auto_renew`, else null.
describe('membership JSON', () => {
  it('shows the period end as the next charge while auto-renew is on', () => {
    const json = presentMembership(aMembership().renewing().build());
    expect(json.next_charge_at).to.equal(json.current_period_end).and.not.equal(null);
  });

  it('keeps showing the period end while past due, whatever day the dunning retry is on', () => {
    const json = presentMembership(aMembership().renewing().pastDue(new Date('2026-12-28T09:00:00.123Z')).build());
    expect(json.status).to.equal('past_due');
    expect(json.next_charge_at).to.equal(json.current_period_end);
  });

  it('shows no next charge without auto-renew', () => {
    expect(presentMembership(aMembership().build()).next_charge_at).to.equal(null);
    expect(presentMembership(aMembership().renewing().cancelled().build()).next_charge_at).to.equal(null);
  });
});

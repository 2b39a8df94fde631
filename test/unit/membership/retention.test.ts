import { expect } from 'chai';
import { RETENTION_MONTHS, retentionEnds } from '../../../src/membership/domain/retention';
import { BusinessCalendar } from '../../../src/shared/domain/business-calendar';

const calendar = new BusinessCalendar('Asia/Seoul');

describe('retention classes (E-Commerce Act art. 6)', () => {
  it('keeps contracts and payments 5 years, complaints 3 years, advertising 6 months', () => {
    expect(RETENTION_MONTHS).to.deep.equal({ contract: 60, payment: 60, complaint: 36, advertising: 6 });
  });

  it('ends a record\'s retention its class\'s months after the event, on the same Seoul wall-clock time', () => {
    const paid = new Date('2026-11-25T09:00:00.000Z');
    expect(retentionEnds('payment', paid, calendar).toISOString()).to.equal('2031-11-25T09:00:00.000Z');
    expect(retentionEnds('complaint', paid, calendar).toISOString()).to.equal('2029-11-25T09:00:00.000Z');
    expect(retentionEnds('advertising', paid, calendar).toISOString()).to.equal('2027-05-25T09:00:00.000Z');
    // A month-end anchor lands on the last day of a shorter month.
    expect(retentionEnds('advertising', new Date('2026-08-31T03:00:00.000Z'), calendar).toISOString()).to.equal('2027-02-28T03:00:00.000Z');
  });
});

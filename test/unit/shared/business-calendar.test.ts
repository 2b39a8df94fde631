import { expect } from 'chai';
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { BusinessCalendar } from '../../../src/shared/domain/business-calendar';

const seoul = new BusinessCalendar('Asia/Seoul');
const kst = (iso: string) => DateTime.fromISO(iso, { zone: 'Asia/Seoul' }).toJSDate();
const localDate = (d: Date) => seoul.localDate(d);
const anyInstant = fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2035-12-31T00:00:00Z'), noInvalidDate: true });

describe('BusinessCalendar (Asia/Seoul)', () => {
  it('clamps to the month end and returns to the anchor day: Jan 31 -> Feb 28 -> Mar 31', () => {
    const anchor = kst('2026-01-31T10:00');
    expect(localDate(seoul.addMonths(anchor, 1))).to.equal('2026-02-28');
    expect(localDate(seoul.addMonths(anchor, 2))).to.equal('2026-03-31');
    expect(localDate(seoul.addMonths(anchor, 3))).to.equal('2026-04-30');
  });

  it('knows leap years: Jan 31 2028 -> Feb 29', () => {
    expect(localDate(seoul.addMonths(kst('2028-01-31T00:30'), 1))).to.equal('2028-02-29');
    expect(localDate(seoul.addMonths(kst('2028-02-29T12:00'), 12))).to.equal('2029-02-28');
    expect(localDate(seoul.addMonths(kst('2028-02-29T12:00'), 48))).to.equal('2032-02-29');
  });

  it('computes the day in Seoul, not in UTC (23:30 UTC on Jan 30 is Jan 31 in Seoul)', () => {
    const anchor = new Date('2026-01-30T23:30:00Z');
    expect(localDate(anchor)).to.equal('2026-01-31');
    expect(localDate(seoul.addMonths(anchor, 1))).to.equal('2026-02-28');
  });

  it('property: the wall-clock time of day is kept', () => {
    fc.assert(fc.property(anyInstant, fc.integer({ min: 1, max: 120 }), (anchor, months) => {
      const a = DateTime.fromJSDate(anchor, { zone: 'Asia/Seoul' });
      const b = DateTime.fromJSDate(seoul.addMonths(anchor, months), { zone: 'Asia/Seoul' });
      return a.toFormat('HH:mm:ss.SSS') === b.toFormat('HH:mm:ss.SSS');
    }));
  });

  it('property: the day is the anchor day, or the month end when the month is shorter', () => {
    fc.assert(fc.property(anyInstant, fc.integer({ min: 0, max: 120 }), (anchor, months) => {
      const a = DateTime.fromJSDate(anchor, { zone: 'Asia/Seoul' });
      const b = DateTime.fromJSDate(seoul.addMonths(anchor, months), { zone: 'Asia/Seoul' });
      const expectedMonth = a.startOf('month').plus({ months });
      return b.year === expectedMonth.year && b.month === expectedMonth.month && b.day === Math.min(a.day, expectedMonth.daysInMonth as number);
    }));
  });

  it('property: period ends are strictly increasing and each period lasts 28 to 31 days', () => {
    fc.assert(fc.property(anyInstant, fc.integer({ min: 1, max: 60 }), (anchor, n) => {
      const start = seoul.addMonths(anchor, n - 1);
      const end = seoul.addMonths(anchor, n);
      const days = seoul.daysIn(start, end);
      return end > start && days >= 28 && days <= 31;
    }));
  });

  it('property: twelve months from the anchor is the same as one year', () => {
    fc.assert(fc.property(anyInstant, (anchor) => {
      const viaMonths = seoul.addMonths(anchor, 12).getTime();
      const viaYear = DateTime.fromJSDate(anchor, { zone: 'Asia/Seoul' }).plus({ years: 1 }).toMillis();
      return viaMonths === viaYear;
    }));
  });

  it('counts a begun day as used and the days of a period', () => {
    const start = new Date('2026-11-25T09:00:00Z');
    expect(seoul.daysStarted(start, start)).to.equal(0);
    expect(seoul.daysStarted(start, new Date('2026-11-25T09:00:00.001Z'))).to.equal(1);
    expect(seoul.daysStarted(start, new Date('2026-11-28T09:00:00Z'))).to.equal(3);
    expect(seoul.daysIn(start, seoul.addMonths(start, 1))).to.equal(30);
  });

  it('refuses an unknown time zone', () => {
    expect(() => new BusinessCalendar('Mars/Olympus')).to.throw('unknown time zone');
  });
  it('adds days on the business zone\'s wall clock, whatever zone the process runs in (a zone with DST shows it)', () => {
    // Seoul has no DST, so only a zone with one tells a day in the zone from 24 hours.
    const newYork = new BusinessCalendar('America/New_York');
    const beforeSpringForward = new Date('2027-03-13T17:00:00.000Z'); // 12:00 in New York, EST
    expect(newYork.addDays(beforeSpringForward, 1).toISOString()).to.equal('2027-03-14T16:00:00.000Z'); // 12:00 EDT
    expect(newYork.localDateTime(newYork.addDays(beforeSpringForward, 1))).to.equal('2027-03-14 12:00');
  });
});

import { expect } from 'chai';
import fc from 'fast-check';
import { DateTime, Info, Settings, type Zone } from 'luxon';
import sinon from 'sinon';
import { BusinessCalendar } from '../../../src/shared/domain/business-calendar';

const seoul = new BusinessCalendar('Asia/Seoul');
const kst = (iso: string) => DateTime.fromISO(iso, { zone: 'Asia/Seoul' }).toJSDate();
const localDate = (d: Date) => seoul.localDate(d);
const DAY_MS = 24 * 60 * 60 * 1000;
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

describe('BusinessCalendar agrees with luxon exactly (its own arithmetic on remembered zone offsets, issue 16)', () => {
  // Zones with DST (whole and half hours), a zone whose DST ended decades ago, and one south of the equator.
  const zones = ['Asia/Seoul', 'America/New_York', 'Europe/London', 'Australia/Lord_Howe', 'America/Sao_Paulo', 'Pacific/Chatham', 'UTC'];
  const wideInstant = fc.date({ min: new Date('1950-01-01T00:00:00Z'), max: new Date('2100-12-31T00:00:00Z'), noInvalidDate: true });
  // Instants within a day of a DST change in New York, where a wall-clock time can be missing or doubled.
  const nearTransition = fc.constantFrom('2027-03-14T07:00:00Z', '2027-11-07T06:00:00Z', '1987-04-05T07:00:00Z', '2030-03-10T07:00:00Z')
    .chain((at) => fc.integer({ min: -DAY_MS, max: DAY_MS }).map((ms) => new Date(Date.parse(at) + ms)));
  const anyMoment = fc.oneof(wideInstant, nearTransition);

  for (const zone of zones) {
    it(`property: addMonths, addDays, localDate and localDateTime in ${zone} are luxon's`, () => {
      const calendar = new BusinessCalendar(zone);
      fc.assert(fc.property(anyMoment, fc.integer({ min: -24, max: 240 }), fc.integer({ min: -400, max: 400 }), (at, months, days) => {
        const inZone = DateTime.fromJSDate(at, { zone });
        expect(calendar.addMonths(at, months).getTime(), `${at.toISOString()} + ${months} months`).to.equal(inZone.plus({ months }).toMillis());
        expect(calendar.addDays(at, days).getTime(), `${at.toISOString()} + ${days} days`).to.equal(inZone.plus({ days }).toMillis());
        expect(calendar.localDate(at)).to.equal(inZone.toISODate());
        expect(calendar.localDateTime(at)).to.equal(inZone.toFormat('yyyy-MM-dd HH:mm'));
      }), { numRuns: 300 });
    });
  }

  it('resolves a wall-clock time in a DST gap or overlap as luxon does (New York, spring forward and fall back)', () => {
    const newYork = new BusinessCalendar('America/New_York');
    const cases: Array<[string, number, number]> = [
      ['2027-03-13T07:30:00Z', 1, 0], // 02:30 the day before spring forward: 02:30 does not exist next day
      ['2027-02-14T07:30:00Z', 0, 1], // 02:30 a month before it
      ['2027-11-06T05:30:00Z', 1, 0], // 01:30 EDT the day before fall back: 01:30 happens twice next day
      ['2027-11-06T06:30:00Z', 1, 0],
      ['2027-10-07T05:30:00Z', 0, 1],
    ];
    for (const [iso, days, months] of cases) {
      const at = new Date(iso);
      const inZone = DateTime.fromJSDate(at, { zone: 'America/New_York' });
      expect(newYork.addDays(at, days).getTime(), `${iso} + ${days} days`).to.equal(inZone.plus({ days }).toMillis());
      expect(newYork.addMonths(at, months).getTime(), `${iso} + ${months} months`).to.equal(inZone.plus({ months }).toMillis());
    }
  });

  it('gives each instant of an hour with a transition inside it its own offset (Lord Howe moves by half an hour at 15:30 UTC)', () => {
    const lordHowe = new BusinessCalendar('Australia/Lord_Howe');
    for (const iso of ['2027-10-02T15:00:00Z', '2027-10-02T15:10:00Z', '2027-10-02T15:50:00Z', '2027-10-02T15:29:59.999Z', '2027-10-02T15:30:00Z']) {
      const at = new Date(iso);
      expect(lordHowe.localDateTime(at), iso).to.equal(DateTime.fromJSDate(at, { zone: 'Australia/Lord_Howe' }).toFormat('yyyy-MM-dd HH:mm'));
    }
    expect(lordHowe.localDateTime(new Date('2027-10-02T15:50:00Z'))).to.equal('2027-10-03 02:50');
  });

  it('gives dates outside the years 1000..9999 and fractions of a month to luxon, with luxon\'s answer', () => {
    const far = new Date('+010000-06-15T00:00:00Z');
    expect(seoul.localDate(far)).to.equal(DateTime.fromJSDate(far, { zone: 'Asia/Seoul' }).toISODate());
    const old = new Date('0999-12-31T20:00:00Z');
    expect(seoul.localDateTime(old)).to.equal(DateTime.fromJSDate(old, { zone: 'Asia/Seoul' }).toFormat('yyyy-MM-dd HH:mm'));
    const at = new Date('2026-01-31T01:00:00Z');
    expect(seoul.addMonths(at, 1.5).getTime()).to.equal(DateTime.fromJSDate(at, { zone: 'Asia/Seoul' }).plus({ months: 1.5 }).toMillis());
  });
});

describe('BusinessCalendar remembers each hour\'s zone offset (issue 16)', () => {
  // luxon keeps one zone object per name, the one the calendar asks: a spy on it counts what the calendar asks the zone.
  const askedOf = (zone: string) => sinon.spy(Info.normalizeZone(zone) as Zone, 'offset');
  afterEach(() => sinon.restore());

  it('computes the offset once per hour: another instant of a remembered hour asks the zone nothing (New York in summer)', () => {
    const newYork = new BusinessCalendar('America/New_York');
    const asked = askedOf('America/New_York');
    expect(newYork.localDateTime(new Date('2027-07-01T14:00:00.000Z'))).to.equal('2027-07-01 10:00');
    expect(asked.called).to.equal(true);
    asked.resetHistory();
    expect(newYork.localDateTime(new Date('2027-07-01T14:59:59.999Z'))).to.equal('2027-07-01 10:59');
    expect(newYork.localDate(new Date('2027-07-01T14:30:00.000Z'))).to.equal('2027-07-01');
    expect(asked.callCount).to.equal(0);
  });

  it('adds months and days in remembered hours without asking the zone again (its own arithmetic, not a luxon DateTime)', () => {
    const newYork = new BusinessCalendar('America/New_York');
    const at = new Date('2027-07-01T14:00:00.000Z');
    const expected = [newYork.addMonths(at, 1).toISOString(), newYork.addDays(at, 3).toISOString()];
    const asked = askedOf('America/New_York');
    expect([newYork.addMonths(at, 1).toISOString(), newYork.addDays(at, 3).toISOString()]).to.deep.equal(expected);
    expect(expected).to.deep.equal(['2027-08-01T14:00:00.000Z', '2027-07-04T14:00:00.000Z']);
    expect(asked.callCount).to.equal(0);
  });

  it('remembers the last hour before a transition that falls on the hour (New York springs forward at 07:00 UTC)', () => {
    const newYork = new BusinessCalendar('America/New_York');
    const asked = askedOf('America/New_York');
    expect(newYork.localDateTime(new Date('2027-03-14T06:00:00.000Z'))).to.equal('2027-03-14 01:00');
    asked.resetHistory();
    expect(newYork.localDateTime(new Date('2027-03-14T06:59:59.999Z'))).to.equal('2027-03-14 01:59');
    expect(asked.callCount).to.equal(0);
    expect(newYork.localDateTime(new Date('2027-03-14T07:00:00.000Z'))).to.equal('2027-03-14 03:00');
  });

  it('never remembers an hour with a transition inside it by one of its offsets (Newfoundland moves at 05:30 and 04:30 UTC)', () => {
    // St. John's had -03:30 in 1970 too, the offset on one side of each of these transitions.
    const stJohns = new BusinessCalendar('America/St_Johns');
    const cases: Array<[string, string]> = [
      ['2027-03-14T05:10:00Z', '2027-03-14 01:40'], // -03:30
      ['2027-03-14T05:50:00Z', '2027-03-14 03:20'], // -02:30 from 05:30
      ['2027-11-07T04:50:00Z', '2027-11-07 01:20'], // -03:30 from 04:30
      ['2027-11-07T04:10:00Z', '2027-11-07 01:40'], // -02:30
    ];
    for (const [iso, local] of cases) expect(stJohns.localDateTime(new Date(iso)), iso).to.equal(local);
  });

  it('remembers the latest 4096 hours and forgets the oldest first', () => {
    const seoul = new BusinessCalendar('Asia/Seoul');
    const hours = Array.from({ length: 4097 }, (_, i) => new Date(Date.UTC(2027, 0, 1) + i * 60 * 60 * 1000));
    for (const at of hours) seoul.localDate(at);
    const asked = askedOf('Asia/Seoul');
    for (const at of hours.slice(1)) seoul.localDate(at);
    expect(asked.callCount, 'the latest 4096 hours').to.equal(0);
    seoul.localDate(hours[0]);
    expect(asked.called, 'the first hour, forgotten').to.equal(true);
  });

  it('answers the years 1000 and 9999 from remembered offsets, and 999 and 10000 as luxon formats them', () => {
    const seoul = new BusinessCalendar('Asia/Seoul');
    const asked = askedOf('Asia/Seoul');
    for (const iso of ['1000-06-15T00:00:00Z', '9999-06-15T00:00:00Z']) {
      const at = new Date(iso);
      const inSeoul = DateTime.fromJSDate(at, { zone: 'Asia/Seoul' });
      const expected = [inSeoul.toISODate(), inSeoul.toFormat('yyyy-MM-dd HH:mm')];
      seoul.localDate(at);
      asked.resetHistory();
      expect([seoul.localDate(at), seoul.localDateTime(at)], iso).to.deep.equal(expected);
      expect(asked.callCount, iso).to.equal(0);
    }
    const old = new Date('0999-12-31T10:00:00Z'); // 18:27 in Seoul (its local mean time, +08:27:52)
    expect(seoul.localDate(old)).to.equal('0999-12-31');
    expect(seoul.localDateTime(old)).to.equal('0999-12-31 18:27');
    expect(seoul.localDate(new Date('+010000-06-15T00:00:00Z'))).to.equal('+010000-06-15');
  });
});

describe('BusinessCalendar outside its own arithmetic gives luxon\'s answer in the business zone, whatever zone the process runs in', () => {
  afterEach(() => { Settings.defaultZone = 'system'; });

  // Periods that end outside the years 1000..9999, start outside them, or add a fraction of a month or day.
  const cases: Array<[string, string, 'months' | 'days', number]> = [
    ['Asia/Seoul', '9999-12-30T20:00:00Z', 'months', 2], // 9999-12-31 05:00 in Seoul: Feb 29 in the year 10000
    ['America/New_York', '9999-12-31T17:00:00Z', 'days', 100], // across the spring-forward of the year 10000
    ['Asia/Seoul', '1000-01-01T00:00:00Z', 'days', -3],
    ['America/New_York', '1000-03-01T17:00:00Z', 'months', -3],
    ['Asia/Seoul', '2026-01-30T20:00:00Z', 'months', 1.5], // Jan 31 05:00 in Seoul, Jan 30 in UTC
    ['America/New_York', '2027-03-13T17:00:00Z', 'days', 1.5], // across the spring-forward
    ['Asia/Seoul', '0999-12-31T10:00:00Z', 'months', 1],
    ['America/New_York', '+010000-03-01T17:00:00Z', 'days', 30],
  ];
  for (const processZone of ['UTC', 'Asia/Seoul', 'America/New_York']) {
    it(`addMonths, addDays and the local date and time there are luxon's (process in ${processZone})`, () => {
      Settings.defaultZone = processZone;
      for (const [zone, iso, unit, amount] of cases) {
        const calendar = new BusinessCalendar(zone);
        const at = new Date(iso);
        const result = unit === 'months' ? calendar.addMonths(at, amount) : calendar.addDays(at, amount);
        const expected = DateTime.fromJSDate(at, { zone }).plus({ [unit]: amount });
        expect(result.getTime(), `${zone} ${iso} + ${amount} ${unit}`).to.equal(expected.toMillis());
        expect(result.getTime(), `${zone} ${iso} + ${amount} ${unit} moves`).not.to.equal(at.getTime());
        expect(calendar.localDateTime(at), `${zone} ${iso}`).to.equal(DateTime.fromJSDate(at, { zone }).toFormat('yyyy-MM-dd HH:mm'));
        expect(calendar.localDate(result), `${zone} ${iso} + ${amount} ${unit}`).to.equal(expected.toISODate());
      }
    });
  }
});

import { DateTime, Info, type Zone } from 'luxon';

const DAY_MS = 24 * 60 * 60 * 1000;
const HOUR_MS = 60 * 60 * 1000;
const MINUTE_MS = 60 * 1000;

/** Hours whose offset is remembered; past it the oldest are forgotten. */
const REMEMBERED_HOURS = 4096;

/**
 * The zone's offset (minutes ahead of UTC) at an instant, as luxon computes it, remembered by hour:
 * asking Intl is most of what luxon's date maths costs (issue 16). An hour is remembered only when
 * its first and last second have the same offset, i.e. no transition falls inside it (no zone
 * changes its offset twice within one hour and back); an hour with a transition is asked each time.
 */
class ZoneOffsets {
  private readonly byHour = new Map<number, number>();

  constructor(private readonly zone: Zone) {}

  at(ts: number): number {
    const hour = Math.floor(ts / HOUR_MS);
    const known = this.byHour.get(hour);
    if (known !== undefined) return known;
    const first = this.zone.offset(hour * HOUR_MS);
    if (first !== this.zone.offset(hour * HOUR_MS + HOUR_MS - 1)) return this.zone.offset(ts);
    if (this.byHour.size >= REMEMBERED_HOURS) this.byHour.delete(this.byHour.keys().next().value as number);
    this.byHour.set(hour, first);
    return first;
  }
}

/** Local years written with four digits and no sign, as luxon formats them; the rest go to luxon. */
const PLAIN_YEARS = { min: 1000, max: 9999 };

const pad2 = (n: number) => (n < 10 ? `0${n}` : `${n}`);

/**
 * Period arithmetic in the business time zone. Periods are always computed from an anchor
 * (the first period's start), never chained from the previous end, so a membership that
 * starts on Jan 31 ends Feb 28 (29), then Mar 31: the month-end clamp never drifts.
 *
 * The arithmetic is luxon's (`plus({ months })`, `plus({ days })`: the wall-clock time kept, the
 * day clamped, a time that falls in a DST gap moved as luxon moves it), done here on the zone's
 * remembered offsets instead of through a DateTime per call. A year outside 1000..9999, or a
 * fraction of a month or day, goes to luxon itself.
 */
export class BusinessCalendar {
  private readonly offsets: ZoneOffsets;

  constructor(readonly zone: string) {
    if (!DateTime.now().setZone(zone).isValid) throw new Error(`unknown time zone ${zone}`);
    this.offsets = new ZoneOffsets(Info.normalizeZone(zone) as Zone);
  }

  /** The instant `months` calendar months after `anchor`, same wall-clock time in the zone, day clamped to the month's end. */
  addMonths(anchor: Date, months: number): Date {
    const local = Number.isInteger(months) ? this.local(anchor) : null;
    if (!local) return DateTime.fromJSDate(anchor, { zone: this.zone }).plus({ months }).toJSDate();
    const { wall, offset } = local;
    const month = wall.getUTCMonth() + months;
    const day = Math.min(wall.getUTCDate(), daysInMonth(wall.getUTCFullYear(), month));
    const target = Date.UTC(wall.getUTCFullYear(), month, day, wall.getUTCHours(), wall.getUTCMinutes(), wall.getUTCSeconds(), wall.getUTCMilliseconds());
    if (!plainYear(new Date(target).getUTCFullYear())) return DateTime.fromJSDate(anchor, { zone: this.zone }).plus({ months }).toJSDate();
    return new Date(this.instantOf(target, offset));
  }

  /** The instant `days` calendar days after `from`, same wall-clock time in the zone. */
  addDays(from: Date, days: number): Date {
    const local = Number.isInteger(days) ? this.local(from) : null;
    const target = local ? local.wall.getTime() + days * DAY_MS : Number.NaN;
    if (!local || !plainYear(new Date(target).getUTCFullYear())) return DateTime.fromJSDate(from, { zone: this.zone }).plus({ days }).toJSDate();
    return new Date(this.instantOf(target, local.offset));
  }

  /** Whole days started between two instants (a day begun counts as used). */
  daysStarted(from: Date, to: Date): number {
    return Math.max(0, Math.ceil((to.getTime() - from.getTime()) / DAY_MS));
  }

  /** Length of a period in days, as the calendar counts them. */
  daysIn(start: Date, end: Date): number {
    return Math.round((end.getTime() - start.getTime()) / DAY_MS);
  }

  /** The local date and time (YYYY-MM-DD HH:mm) of an instant in the business zone. */
  localDateTime(at: Date): string {
    const local = this.local(at);
    if (!local) return DateTime.fromJSDate(at, { zone: this.zone }).toFormat('yyyy-MM-dd HH:mm');
    return `${isoDate(local.wall)} ${pad2(local.wall.getUTCHours())}:${pad2(local.wall.getUTCMinutes())}`;
  }

  /** The local date (YYYY-MM-DD) of an instant in the business zone. */
  localDate(at: Date): string {
    const local = this.local(at);
    if (!local) return DateTime.fromJSDate(at, { zone: this.zone }).toISODate() as string;
    return isoDate(local.wall);
  }

  /** The zone's wall clock at an instant, as a Date whose UTC fields are the local ones; null outside the plain years. */
  private local(at: Date): { wall: Date; offset: number } | null {
    const ts = at.getTime();
    if (!Number.isFinite(ts)) return null;
    const offset = this.offsets.at(ts);
    const wall = new Date(ts + offset * MINUTE_MS);
    return plainYear(wall.getUTCFullYear()) ? { wall, offset } : null;
  }

  /**
   * The instant a wall-clock time (as UTC fields) names, starting from the offset it had before the
   * arithmetic: luxon's fixOffset, so a DST gap or overlap resolves exactly as luxon resolves it.
   */
  private instantOf(wallTs: number, offsetBefore: number): number {
    let guess = wallTs - offsetBefore * MINUTE_MS;
    const o2 = this.offsets.at(guess);
    if (o2 === offsetBefore) return guess;
    guess -= (o2 - offsetBefore) * MINUTE_MS;
    const o3 = this.offsets.at(guess);
    if (o2 === o3) return guess;
    return wallTs - Math.min(o2, o3) * MINUTE_MS;
  }
}

function plainYear(year: number): boolean {
  return year >= PLAIN_YEARS.min && year <= PLAIN_YEARS.max;
}

/** Days of a month given as a zero-based month that may run past December (Date.UTC's overflow). */
function daysInMonth(year: number, zeroBasedMonth: number): number {
  return new Date(Date.UTC(year, zeroBasedMonth + 1, 0)).getUTCDate();
}

function isoDate(wall: Date): string {
  return `${wall.getUTCFullYear()}-${pad2(wall.getUTCMonth() + 1)}-${pad2(wall.getUTCDate())}`;
}

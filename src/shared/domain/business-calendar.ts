import { DateTime } from 'luxon';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Period arithmetic in the business time zone. Periods are always computed from an anchor
 * (the first period's start), never chained from the previous end, so a membership that
 * starts on Jan 31 ends Feb 28 (29), then Mar 31: the month-end clamp never drifts.
 */
export class BusinessCalendar {
  constructor(readonly zone: string) {
    if (!DateTime.now().setZone(zone).isValid) throw new Error(`unknown time zone ${zone}`);
  }

  /** The instant `months` calendar months after `anchor`, same wall-clock time in the zone, day clamped to the month's end. */
  addMonths(anchor: Date, months: number): Date {
    return DateTime.fromJSDate(anchor, { zone: this.zone }).plus({ months }).toJSDate();
  }

  /** The instant `days` calendar days after `from`, same wall-clock time in the zone. */
  addDays(from: Date, days: number): Date {
    return DateTime.fromJSDate(from, { zone: this.zone }).plus({ days }).toJSDate();
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
    return DateTime.fromJSDate(at, { zone: this.zone }).toFormat('yyyy-MM-dd HH:mm');
  }

  /** The local date (YYYY-MM-DD) of an instant in the business zone. */
  localDate(at: Date): string {
    return DateTime.fromJSDate(at, { zone: this.zone }).toISODate() as string;
  }
}

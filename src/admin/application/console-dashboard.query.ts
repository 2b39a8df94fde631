import { DateTime } from 'luxon';
import type { Clock } from '../../shared/application/clock.port';
import type { ConsoleReadModel, OpenProblems } from './console-read-model.port';

export interface DashboardSettings {
  /** BUSINESS_TZ: days and months start at midnight there. */
  zone: string;
  /** PAYMENT_TTL_MIN: an `await` payment older than this is a problem. */
  paymentTtlMinutes: number;
}

/** A notice not applied this long after it arrived is a problem (the gateway was silent, or it is still running). */
const UNAPPLIED_AFTER_MS = 5 * 60 * 1000;
const DAYS = 30;
const MONTHS = 12;

export interface Overview {
  asOf: Date;
  today: { revenue: number; refunds: number; net: number };
  last30Days: { revenue: number; refunds: number; net: number };
  activeMembers: { now: number; change30Days: number };
  /** Renewal charges that succeeded among those attempted in the last 30 days; null when none were. */
  renewalSuccessRate: number | null;
  problems: OpenProblems;
}

export interface Charts {
  /** Local dates (YYYY-MM-DD in BUSINESS_TZ), oldest first, with one value per day in each series. */
  days: string[];
  revenue: number[];
  refunds: number[];
  /** Live members at each day's end (now, for today). */
  activeMembers: number[];
  renewalsCharged: number[];
  renewalsFailed: number[];
  /** Months (YYYY-MM), oldest first: memberships ended in the month over those live at its start. */
  months: string[];
  churnEnded: number[];
  churnRate: Array<number | null>;
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
/** Counts after bucket i: the members who joined or left later, to walk the live count back in time. */
const suffixSums = (values: number[]) => values.map((_, i) => sum(values.slice(i)));

/**
 * The console's overview and charts, from SQL aggregates over indexed ranges. Past live counts are
 * walked back from today's: live(t) = live(now) - joined after t + ended after t.
 */
export class ConsoleDashboard {
  constructor(
    private readonly readModel: ConsoleReadModel,
    private readonly clock: Clock,
    private readonly settings: DashboardSettings,
  ) {}

  /** Midnights of the last `DAYS` days in BUSINESS_TZ plus tomorrow's: `DAYS` day buckets ending with today. */
  private dayBoundaries(now: Date): Date[] {
    const today = DateTime.fromJSDate(now, { zone: this.settings.zone }).startOf('day');
    return Array.from({ length: DAYS + 1 }, (_, i) => today.minus({ days: DAYS - 1 - i }).toJSDate());
  }

  private monthBoundaries(now: Date): Date[] {
    const month = DateTime.fromJSDate(now, { zone: this.settings.zone }).startOf('month');
    return Array.from({ length: MONTHS + 1 }, (_, i) => month.minus({ months: MONTHS - 1 - i }).toJSDate());
  }

  async overview(): Promise<Overview> {
    const now = this.clock.now();
    const days = this.dayBoundaries(now);
    const [money, live, started, ended, renewals, problems] = await Promise.all([
      this.readModel.moneyByBucket(days),
      this.readModel.countLiveMembers(),
      this.readModel.membershipsStartedByBucket(days),
      this.readModel.membershipsEndedByBucket(days),
      this.readModel.renewalsByBucket(days),
      this.readModel.openProblems({
        awaitCreatedBefore: new Date(now.getTime() - this.settings.paymentTtlMinutes * 60_000),
        unappliedReceivedBefore: new Date(now.getTime() - UNAPPLIED_AFTER_MS),
      }),
    ]);
    const todayRevenue = money.revenue[DAYS - 1];
    const todayRefunds = money.refunds[DAYS - 1];
    const charged = sum(renewals.charged);
    const attempted = charged + sum(renewals.failed);
    return {
      asOf: now,
      today: { revenue: todayRevenue, refunds: todayRefunds, net: todayRevenue - todayRefunds },
      last30Days: { revenue: sum(money.revenue), refunds: sum(money.refunds), net: sum(money.revenue) - sum(money.refunds) },
      activeMembers: { now: live, change30Days: sum(started) - sum(ended) },
      renewalSuccessRate: attempted === 0 ? null : charged / attempted,
      problems,
    };
  }

  async charts(): Promise<Charts> {
    const now = this.clock.now();
    const days = this.dayBoundaries(now);
    const months = this.monthBoundaries(now);
    const [money, live, started, ended, renewals, monthStarted, monthEnded] = await Promise.all([
      this.readModel.moneyByBucket(days),
      this.readModel.countLiveMembers(),
      this.readModel.membershipsStartedByBucket(days),
      this.readModel.membershipsEndedByBucket(days),
      this.readModel.renewalsByBucket(days),
      this.readModel.membershipsStartedByBucket(months),
      this.readModel.membershipsEndedByBucket(months),
    ]);
    const startedLater = [...suffixSums(started).slice(1), 0];
    const endedLater = [...suffixSums(ended).slice(1), 0];
    const monthStartedFrom = suffixSums(monthStarted);
    const monthEndedFrom = suffixSums(monthEnded);
    const liveAtMonthStart = monthStarted.map((_, i) => live - monthStartedFrom[i] + monthEndedFrom[i]);
    const zone = this.settings.zone;
    return {
      days: days.slice(0, -1).map((d) => DateTime.fromJSDate(d, { zone }).toISODate() as string),
      revenue: money.revenue,
      refunds: money.refunds,
      activeMembers: started.map((_, i) => live - startedLater[i] + endedLater[i]),
      renewalsCharged: renewals.charged,
      renewalsFailed: renewals.failed,
      months: months.slice(0, -1).map((m) => DateTime.fromJSDate(m, { zone }).toFormat('yyyy-MM')),
      churnEnded: monthEnded,
      churnRate: monthEnded.map((n, i) => (liveAtMonthStart[i] > 0 ? n / liveAtMonthStart[i] : null)),
    };
  }
}

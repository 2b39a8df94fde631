import type { BusinessCalendar } from '../../shared/domain/business-calendar';

/**
 * What the E-Commerce Act (art. 6, decree art. 6) makes a seller keep after the member has left,
 * and for how long: contracts and withdrawals 5 years, payments and supply 5 years, complaints and
 * disputes 3 years, advertising 6 months. Everything else is destroyed at once (PIPA art. 21).
 */
export type RetentionClass = 'contract' | 'payment' | 'complaint' | 'advertising';

export const RETENTION_MONTHS: Record<RetentionClass, number> = { contract: 60, payment: 60, complaint: 36, advertising: 6 };

/** A record kept apart from the live tables after an account was deleted, until its class expires. */
export interface RetainedRecord {
  id: string;
  retentionClass: RetentionClass;
  /** The deleted account's id: enough to answer an authority's request, nothing to log in with. */
  subjectId: string;
  /** What it is (`membership`, `payment`) and which one (membership id, merchant_uid). */
  kind: string;
  recordRef: string;
  payload: Record<string, unknown>;
  retainedAt: Date;
  purgeAfter: Date;
}

/** The end of a record's retention: its class's months after the event it records (in the business calendar). */
export function retentionEnds(retentionClass: RetentionClass, recordedAt: Date, calendar: BusinessCalendar): Date {
  return calendar.addMonths(recordedAt, RETENTION_MONTHS[retentionClass]);
}

export interface IdGenerator {
  /** An opaque, unique id for aggregates and records. */
  newId(): string;
  /** A merchant_uid: unique, time-ordered, at most 40 characters (Iamport's limit). */
  newMerchantUid(): string;
}

export const SHARED = {
  Config: Symbol.for('memberpay.Config'),
  Clock: Symbol.for('memberpay.Clock'),
  IdGenerator: Symbol.for('memberpay.IdGenerator'),
  UnitOfWork: Symbol.for('memberpay.UnitOfWork'),
  TransactionTracker: Symbol.for('memberpay.TransactionTracker'),
  EventBus: Symbol.for('memberpay.EventBus'),
  Outbox: Symbol.for('memberpay.Outbox'),
  Notifier: Symbol.for('memberpay.Notifier'),
  Sms: Symbol.for('memberpay.Sms'),
  BusinessCalendar: Symbol.for('memberpay.BusinessCalendar'),
  Logger: Symbol.for('memberpay.Logger'),
  /** The KnexDatabase (knex persistence only). */
  Database: Symbol.for('memberpay.Database'),
  SessionStore: Symbol.for('memberpay.SessionStore'),
  RateLimiter: Symbol.for('memberpay.RateLimiter'),
  IdempotencyStore: Symbol.for('memberpay.IdempotencyStore'),
  LeaseStore: Symbol.for('memberpay.LeaseStore'),
  /** `{ ping(): Promise<void> }` for /readyz: SELECT 1 on knex, always fine in memory. */
  DatabaseHealth: Symbol.for('memberpay.DatabaseHealth'),
} as const;

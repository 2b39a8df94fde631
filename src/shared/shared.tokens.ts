export const SHARED = {
  Config: Symbol.for('memberpay.Config'),
  Clock: Symbol.for('memberpay.Clock'),
  IdGenerator: Symbol.for('memberpay.IdGenerator'),
  UnitOfWork: Symbol.for('memberpay.UnitOfWork'),
  TransactionTracker: Symbol.for('memberpay.TransactionTracker'),
  EventBus: Symbol.for('memberpay.EventBus'),
  Outbox: Symbol.for('memberpay.Outbox'),
  Notifier: Symbol.for('memberpay.Notifier'),
  BusinessCalendar: Symbol.for('memberpay.BusinessCalendar'),
  Logger: Symbol.for('memberpay.Logger'),
} as const;

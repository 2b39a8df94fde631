import { ContainerModule } from 'inversify';
import type { AppConfig } from '../config';
import type { EventBus, Outbox } from './application/event-bus.port';
import type { Logger } from './application/logger.port';
import { BusinessCalendar } from './domain/business-calendar';
import { ControllableClock } from './infrastructure/controllable-clock';
import { InProcessEventBus } from './infrastructure/in-process-event-bus';
import { LogNotifier } from './infrastructure/log-notifier';
import { HttpSms } from './infrastructure/http-sms';
import { LogSms } from './infrastructure/log-sms';
import { SmtpNotifier } from './infrastructure/smtp-notifier';
import { MemoryIdempotencyStore } from './infrastructure/memory/memory-idempotency.store';
import { MemoryOutbox } from './infrastructure/memory/memory-outbox';
import { MemoryRateLimiter } from './infrastructure/memory/memory-rate-limiter';
import { MemorySessionStore } from './infrastructure/memory/memory-session.store';
import { MemoryUnitOfWork } from './infrastructure/memory/memory-unit-of-work';
import { TransactionContext } from './infrastructure/transaction-context';
import { UlidIdGenerator } from './infrastructure/ulid-id-generator';
import { KnexDatabase } from './infrastructure/knex/knex-database';
import { KnexIdempotencyStore } from './infrastructure/knex/knex-idempotency.store';
import { KnexOutbox } from './infrastructure/knex/knex-outbox';
import { KnexRateLimiter } from './infrastructure/knex/knex-rate-limiter';
import { KnexSessionStore } from './infrastructure/knex/knex-session.store';
import { CachedSessionStore } from './infrastructure/cached-session.store';
import { KnexUnitOfWork } from './infrastructure/knex/knex-unit-of-work';
import { SHARED } from './shared.tokens';

export type Persistence = 'memory' | 'knex';

/** Far inside the hold a notice's key has while it is sent (NOTICE_HOLD_MS), like the SMTP notifier's bounds. */
const SMS_TIMEOUT_MS = 10_000;

export function sharedModule(config: AppConfig, logger: Logger, persistence: Persistence, database: KnexDatabase | null): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(SHARED.Config).toConstantValue(config);
    bind(SHARED.Logger).toConstantValue(logger);
    bind(SHARED.Clock).toConstantValue(new ControllableClock());
    bind(SHARED.IdGenerator).toConstantValue(new UlidIdGenerator());
    bind(SHARED.BusinessCalendar).toConstantValue(new BusinessCalendar(config.businessTz));
    bind(SHARED.TransactionTracker).toConstantValue(new TransactionContext());
    if (config.smtpUrl) bind(SHARED.Notifier).toConstantValue(new SmtpNotifier(config.smtpUrl, config.mailFrom));
    else bind(SHARED.Notifier).toResolvedValue((log: Logger) => new LogNotifier(log), [SHARED.Logger]);
    const sms = config.sms;
    if (sms) bind(SHARED.Sms).toResolvedValue((log: Logger) => new HttpSms({ url: sms.url, apiKey: sms.apiKey, timeoutMs: SMS_TIMEOUT_MS }, log), [SHARED.Logger]);
    else bind(SHARED.Sms).toResolvedValue((log: Logger) => new LogSms(log), [SHARED.Logger]);
    bind(SHARED.EventBus).toResolvedValue((outbox: Outbox, log: Logger) => new InProcessEventBus(outbox, log), [SHARED.Outbox, SHARED.Logger]);
    if (persistence === 'memory') {
      bind(SHARED.Outbox).toResolvedValue((context: TransactionContext) => new MemoryOutbox(context), [SHARED.TransactionTracker]);
      bind(SHARED.UnitOfWork).toResolvedValue(
        (context: TransactionContext, outbox: Outbox, bus: EventBus) => new MemoryUnitOfWork(context, outbox, bus),
        [SHARED.TransactionTracker, SHARED.Outbox, SHARED.EventBus],
      );
      bind(SHARED.SessionStore).toConstantValue(new MemorySessionStore());
      bind(SHARED.RateLimiter).toConstantValue(new MemoryRateLimiter());
      bind(SHARED.IdempotencyStore).toConstantValue(new MemoryIdempotencyStore());
      bind(SHARED.DatabaseHealth).toConstantValue({ ping: async () => undefined });
    } else {
      if (!database) throw new Error('knex persistence needs a database');
      bind(SHARED.Database).toConstantValue(database);
      bind(SHARED.DatabaseHealth).toConstantValue(database);
      bind(SHARED.Outbox).toResolvedValue((context: TransactionContext) => new KnexOutbox(database, context), [SHARED.TransactionTracker]);
      bind(SHARED.UnitOfWork).toResolvedValue(
        (context: TransactionContext, outbox: Outbox, bus: EventBus) => new KnexUnitOfWork(database, context, outbox, bus),
        [SHARED.TransactionTracker, SHARED.Outbox, SHARED.EventBus],
      );
      // Kept in memory per instance, revocations looked up at most every 2 s (ADR 0016): most requests read no session.
      bind(SHARED.SessionStore).toResolvedValue(
        (context: TransactionContext) => new CachedSessionStore(new KnexSessionStore(database, context)),
        [SHARED.TransactionTracker],
      );
      bind(SHARED.RateLimiter).toResolvedValue((context: TransactionContext) => new KnexRateLimiter(database, context), [SHARED.TransactionTracker]);
      bind(SHARED.IdempotencyStore).toResolvedValue((context: TransactionContext) => new KnexIdempotencyStore(database, context), [SHARED.TransactionTracker]);
    }
  });
}

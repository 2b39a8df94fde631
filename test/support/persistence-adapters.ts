import { MemoryUserRepository } from '../../src/identity/infrastructure/memory/memory-user.repository';
import { KnexUserRepository } from '../../src/identity/infrastructure/knex-user.repository';
import type { UserRepository } from '../../src/identity/application/user-repository.port';
import type { NotificationLog } from '../../src/billing/application/notification-log.port';
import { KnexNotificationLog } from '../../src/billing/infrastructure/knex-notification-log';
import { MemoryNotificationLog } from '../../src/billing/infrastructure/memory/memory-notification-log';
import type { MembershipRepository } from '../../src/membership/application/membership-repository.port';
import { KnexMembershipRepository } from '../../src/membership/infrastructure/knex-membership.repository';
import { MemoryMembershipRepository } from '../../src/membership/infrastructure/memory/memory-membership.repository';
import type { PaymentRepository } from '../../src/payment/application/payment-repository.port';
import { KnexPaymentRepository } from '../../src/payment/infrastructure/knex-payment.repository';
import { MemoryPaymentRepository } from '../../src/payment/infrastructure/memory/memory-payment.repository';
import type { Outbox } from '../../src/shared/application/event-bus.port';
import type { UnitOfWork } from '../../src/shared/application/unit-of-work.port';
import { InProcessEventBus } from '../../src/shared/infrastructure/in-process-event-bus';
import { KnexOutbox } from '../../src/shared/infrastructure/knex/knex-outbox';
import { readOptionalTime } from '../../src/shared/infrastructure/knex/knex-database';
import { KnexUnitOfWork } from '../../src/shared/infrastructure/knex/knex-unit-of-work';
import { silentLogger } from '../../src/shared/infrastructure/logger';
import { MemoryOutbox } from '../../src/shared/infrastructure/memory/memory-outbox';
import { MemoryUnitOfWork } from '../../src/shared/infrastructure/memory/memory-unit-of-work';
import { TransactionContext } from '../../src/shared/infrastructure/transaction-context';
import { createMariaDbTestDatabase, createPostgresTestDatabase, createSqliteTestDatabase, type TestDatabase } from './database';

export interface StoredEvent {
  id: string;
  type: string;
  aggregateId: string;
  delivered: boolean;
}

/** One adapter family's repositories, outbox, bus and unit of work, sharing one transaction context. */
export interface PersistenceKit {
  /** The adapter's name: memory, sqlite, mariadb, postgres. */
  name: string;
  context: TransactionContext;
  users: UserRepository;
  payments: PaymentRepository;
  memberships: MembershipRepository;
  notifications: NotificationLog;
  outbox: Outbox;
  eventBus: InProcessEventBus;
  uow: UnitOfWork;
  /** Every event the outbox holds, delivered or not, in append order. */
  storedEvents(): Promise<StoredEvent[]>;
}

/** What a contract suite is given: set up once, a clean kit per test, torn down once. */
export interface PersistenceAdapter {
  name: string;
  setUp(): Promise<void>;
  open(): Promise<PersistenceKit>;
  tearDown(): Promise<void>;
}

export function memoryAdapter(): PersistenceAdapter {
  return {
    name: 'memory',
    async setUp() {},
    async tearDown() {},
    async open() {
      const context = new TransactionContext();
      const outbox = new MemoryOutbox(context);
      const eventBus = new InProcessEventBus(outbox, silentLogger());
      const users = new MemoryUserRepository();
      return {
        name: 'memory', context, outbox, eventBus, users,
        payments: new MemoryPaymentRepository(context, users),
        memberships: new MemoryMembershipRepository(context),
        notifications: new MemoryNotificationLog(),
        uow: new MemoryUnitOfWork(context, outbox, eventBus),
        async storedEvents() {
          return outbox.all().map(({ event, delivered }) => ({ id: event.id, type: event.type, aggregateId: event.aggregateId, delivered }));
        },
      };
    },
  };
}

function knexAdapter(name: string, create: () => Promise<TestDatabase>): PersistenceAdapter {
  let test: TestDatabase | null = null;
  return {
    name,
    async setUp() {
      test = await create();
    },
    async tearDown() {
      await test?.drop();
      test = null;
    },
    async open() {
      if (!test) throw new Error(`${name}: setUp did not run or failed`);
      await test.empty();
      const { database } = test;
      const context = new TransactionContext();
      const outbox = new KnexOutbox(database, context);
      const eventBus = new InProcessEventBus(outbox, silentLogger());
      return {
        name, context, outbox, eventBus,
        users: new KnexUserRepository(database, context),
        payments: new KnexPaymentRepository(database, context),
        memberships: new KnexMembershipRepository(database, context),
        notifications: new KnexNotificationLog(database),
        uow: new KnexUnitOfWork(database, context, outbox, eventBus),
        async storedEvents() {
          const rows: Array<{ id: string; type: string; aggregate_id: string; delivered_at: unknown }> = await database.knex('domain_events').orderBy('seq');
          return rows.map((r) => ({ id: r.id, type: r.type, aggregateId: r.aggregate_id, delivered: readOptionalTime(r.delivered_at) !== null }));
        },
      };
    },
  };
}

export function sqliteAdapter(): PersistenceAdapter {
  return knexAdapter('sqlite', createSqliteTestDatabase);
}

export function mariaDbAdapter(): PersistenceAdapter {
  return knexAdapter('mariadb', () => createMariaDbTestDatabase());
}

export function postgresAdapter(): PersistenceAdapter {
  return knexAdapter('postgres', () => createPostgresTestDatabase());
}

// The stores every request touches (sessions, idempotency keys, rate-limit counters) and the retained records housekeeping purges: their contracts on every adapter.
import { KnexRetainedRecordStore } from '../../src/membership/infrastructure/knex-retained-record.store';
import { MemoryRetainedRecordStore } from '../../src/membership/infrastructure/memory/memory-retained-record.store';
import { TransactionContext } from '../../src/shared/infrastructure/transaction-context';
import { KnexIdempotencyStore } from '../../src/shared/infrastructure/knex/knex-idempotency.store';
import { KnexRateLimiter } from '../../src/shared/infrastructure/knex/knex-rate-limiter';
import { KnexSessionStore } from '../../src/shared/infrastructure/knex/knex-session.store';
import { MemoryIdempotencyStore } from '../../src/shared/infrastructure/memory/memory-idempotency.store';
import { MemoryRateLimiter } from '../../src/shared/infrastructure/memory/memory-rate-limiter';
import { MemorySessionStore } from '../../src/shared/infrastructure/memory/memory-session.store';
import { KNEX_ENGINES, type TestDatabase } from '../support/database';
import { housekeepingContract } from './housekeeping.contract';
import { idempotencyStoreContract } from './idempotency-store.contract';
import { rateLimiterContract } from './rate-limiter.contract';
import { sessionStoreContract } from './session-store.contract';

const memoryKit = async () => ({
  sessions: new MemorySessionStore(), idempotency: new MemoryIdempotencyStore(), rateLimiter: new MemoryRateLimiter(), retainedRecords: new MemoryRetainedRecordStore(), close: async () => undefined,
});
housekeepingContract('memory', memoryKit);
sessionStoreContract('memory', async (revokedAt) => ({ sessions: new MemorySessionStore(revokedAt), close: async () => undefined }));
idempotencyStoreContract('memory', memoryKit);
rateLimiterContract('memory', memoryKit);

function knexKit(create: () => Promise<TestDatabase>) {
  return async () => {
    const test = await create();
    const { database } = test;
    return {
      sessions: new KnexSessionStore(database, new TransactionContext()), idempotency: new KnexIdempotencyStore(database, new TransactionContext()), rateLimiter: new KnexRateLimiter(database, new TransactionContext()),
      retainedRecords: new KnexRetainedRecordStore(database, new TransactionContext()),
      close: () => test.drop(),
    };
  };
}

// An unreachable MariaDB or PostgreSQL fails these suites; only SKIP_MARIADB=1 / SKIP_POSTGRES=1 skip them, on purpose.
for (const engine of KNEX_ENGINES.filter((e) => !e.skip)) {
  housekeepingContract(engine.name, knexKit(() => engine.create(5)));
  idempotencyStoreContract(engine.name, knexKit(() => engine.create(10)));
  rateLimiterContract(engine.name, knexKit(() => engine.create(10)));
  sessionStoreContract(engine.name, async (revokedAt) => {
    const test = await engine.create(2);
    // sessions.user_id names a user.
    await test.database.knex('users').insert(['u1', 'u2', 'u3'].map((id) => ({ id, email: `${id}@example.com`, name: id, password_hash: 'x', created_at: new Date() })));
    return { sessions: new KnexSessionStore(test.database, new TransactionContext(), revokedAt), close: () => test.drop() };
  });
}

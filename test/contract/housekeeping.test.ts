import { KnexIdempotencyStore } from '../../src/shared/infrastructure/knex/knex-idempotency.store';
import { KnexRateLimiter } from '../../src/shared/infrastructure/knex/knex-rate-limiter';
import { KnexSessionStore } from '../../src/shared/infrastructure/knex/knex-session.store';
import { MemoryIdempotencyStore } from '../../src/shared/infrastructure/memory/memory-idempotency.store';
import { MemoryRateLimiter } from '../../src/shared/infrastructure/memory/memory-rate-limiter';
import { MemorySessionStore } from '../../src/shared/infrastructure/memory/memory-session.store';
import { createMariaDbTestDatabase, createSqliteTestDatabase, skipMariaDb, type TestDatabase } from '../support/database';
import { housekeepingContract } from './housekeeping.contract';

housekeepingContract('memory', async () => ({
  sessions: new MemorySessionStore(), idempotency: new MemoryIdempotencyStore(), rateLimiter: new MemoryRateLimiter(), close: async () => undefined,
}));

function knexKit(create: () => Promise<TestDatabase>) {
  return async () => {
    const test = await create();
    const { database } = test;
    return {
      sessions: new KnexSessionStore(database), idempotency: new KnexIdempotencyStore(database), rateLimiter: new KnexRateLimiter(database),
      close: () => test.drop(),
    };
  };
}

housekeepingContract('sqlite', knexKit(createSqliteTestDatabase));
// An unreachable MariaDB fails this suite; only SKIP_MARIADB=1 skips it, on purpose.
if (!skipMariaDb) housekeepingContract('mariadb', knexKit(() => createMariaDbTestDatabase(5)));

// The CLI beside `npm start` opens the same SQLite file: two connections. In WAL mode a transaction
// that read before the other connection committed cannot write any more (SQLITE_BUSY_SNAPSHOT,
// answered at once, no busy wait): that is a conflict to retry, like a deadlock on MySQL.
import { expect } from 'chai';
import { loadConfig } from '../../../src/config';
import { buildContainer } from '../../../src/app/container';
import type { PaymentRepository } from '../../../src/payment/application/payment-repository.port';
import { Payment } from '../../../src/payment/domain/payment.entity';
import { PAYMENT } from '../../../src/payment/payment.tokens';
import type { UnitOfWork } from '../../../src/shared/application/unit-of-work.port';
import { ConcurrencyConflictError } from '../../../src/shared/domain/domain-error';
import { KnexDatabase } from '../../../src/shared/infrastructure/knex/knex-database';
import { silentLogger } from '../../../src/shared/infrastructure/logger';
import { SHARED } from '../../../src/shared/shared.tokens';
import { createSqliteTestDatabase, type TestDatabase } from '../../support/database';

const order = (n: number) => Payment.create({
  id: `pay_${n}`, merchantUid: `mp_second_${n}`, userId: 'user_1', amount: 9900, payMethod: 'card', gateway: 'iamport', pg: 'html5_inicis',
  purpose: { kind: 'purchase', planId: 'monthly' }, now: new Date('2026-12-01T00:00:00Z'),
});

describe('two processes on one SQLite file (the app and its CLI)', () => {
  let first: TestDatabase;
  let second: KnexDatabase;

  beforeEach(async () => {
    first = await createSqliteTestDatabase();
    second = KnexDatabase.fromUrl(`sqlite:${(first.database.knex.client.config.connection as { filename: string }).filename}`);
  });
  afterEach(async () => {
    await second.destroy();
    await first.drop();
  });

  const wiring = (database: KnexDatabase) => {
    const container = buildContainer(loadConfig({}), { logger: silentLogger(), persistence: 'knex', gateway: 'memory', database });
    return { uow: container.get<UnitOfWork>(SHARED.UnitOfWork), payments: container.get<PaymentRepository>(PAYMENT.PaymentRepository) };
  };

  it('a unit of work whose snapshot the other connection overtook ends in a ConcurrencyConflictError (retried by the use cases), not a raw "database is locked"', async () => {
    const app = wiring(first.database);
    const cli = wiring(second);
    const attempt = app.uow.run(async () => {
      await app.payments.findByMerchantUid('mp_second_0'); // the read that starts the snapshot
      await cli.uow.run(() => cli.payments.save(order(1))); // the other process commits meanwhile
      await app.payments.save(order(2));
    });
    const error = await attempt.catch((e: unknown) => e);
    expect(error).to.be.instanceOf(ConcurrencyConflictError);
    // Run again, the unit of work goes through.
    await app.uow.run(() => app.payments.save(order(2)));
    expect(await app.payments.findByMerchantUid('mp_second_2')).not.to.equal(null);
  });
});

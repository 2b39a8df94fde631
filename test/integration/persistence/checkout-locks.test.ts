import { expect } from 'chai';
import { KnexUserRepository } from '../../../src/identity/infrastructure/knex-user.repository';
import { Payment } from '../../../src/payment/domain/payment.entity';
import { KnexPaymentRepository } from '../../../src/payment/infrastructure/knex-payment.repository';
import { paymentMapper, type PaymentRow } from '../../../src/payment/infrastructure/payment.mapper';
import { InProcessEventBus } from '../../../src/shared/infrastructure/in-process-event-bus';
import { KnexDatabase } from '../../../src/shared/infrastructure/knex/knex-database';
import { KnexOutbox } from '../../../src/shared/infrastructure/knex/knex-outbox';
import { currentDb } from '../../../src/shared/infrastructure/knex/knex-scope';
import { KnexUnitOfWork } from '../../../src/shared/infrastructure/knex/knex-unit-of-work';
import { silentLogger } from '../../../src/shared/infrastructure/logger';
import { TransactionContext } from '../../../src/shared/infrastructure/transaction-context';
import { aPayment } from '../../support/builders/payment.builder';
import { createServerTestDatabase, SERVER_ENGINES, type TestDatabase } from '../../support/database';

const BUYERS = 60;
const MAX_OPEN = 5;
const WINDOW_START = new Date('2026-11-25T09:00:00.000Z');
const at = (seconds: number) => new Date(WINDOW_START.getTime() + seconds * 1000);
/** Ids that sort as their numbers do: buyer 21 is buyer 20's neighbour in every index on user_id. */
const buyerId = (n: number) => `buyer_${String(n).padStart(2, '0')}`;
const HOLDER = 20;
const NEIGHBOUR = 21;
const FAR = 40;

/** One instance's view of the database: its own transaction context, repositories and unit of work. */
function instance(database: KnexDatabase) {
  const context = new TransactionContext();
  const outbox = new KnexOutbox(database, context);
  return {
    database,
    context,
    users: new KnexUserRepository(database, context),
    payments: new KnexPaymentRepository(database, context),
    uow: new KnexUnitOfWork(database, context, outbox, new InProcessEventBus(outbox, silentLogger())),
  };
}
type Instance = ReturnType<typeof instance>;

/**
 * A checkout's insert (insertIfFewerOpen) locks only its own buyer's open orders: while buyer 20's
 * checkout holds its unit of work open, buyer 21's checkout and validations of buyer 21's and buyer 40's
 * open orders go through at once, and only another checkout of buyer 20 waits. The probes run on a second pool whose
 * transactions wait at most 1 s for a lock, so one that would wait fails instead (ConcurrencyConflictError).
 *
 * The orders: 60 buyers, each with an order left open before the window and 4 paid in it; in the window
 * 2 open orders of buyer 20 and one each of buyers 21 and 40. Few open orders among many: without a hint
 * MariaDB counted buyer 20's through payments_status_created_index, locking every buyer's open orders in
 * the window and the gap after them. SQLite runs one writer at a time: not asked there.
 */
for (const { engine, label, skip } of SERVER_ENGINES) {
  (skip ? describe.skip : describe)(`a checkout locks only its own buyer's orders (${label})`, function () {
    this.timeout(60_000);
    let db: TestDatabase;
    let first: Instance;
    let second: Instance;

    before(async () => {
      db = await createServerTestDatabase(engine);
      first = instance(db.database);
      second = instance(KnexDatabase.fromUrl(db.url, { poolMax: 2 }));
      for (let n = 0; n < BUYERS; n++) {
        await first.users.add({ id: buyerId(n), email: `${buyerId(n)}@example.com`, name: buyerId(n), passwordHash: 'x', language: 'ko', createdAt: at(-3600) });
      }
      const row = (n: number, seconds: number, paid: boolean): PaymentRow => {
        const builder = aPayment().forUser(buyerId(n)).createdAt(at(seconds));
        return paymentMapper.toRow((paid ? builder.paid() : builder).build(), 1);
      };
      const rows: PaymentRow[] = [];
      for (let n = 0; n < BUYERS; n++) rows.push(row(n, -600 - n, false));
      for (let order = 0; order < 4; order++) for (let n = 0; n < BUYERS; n++) rows.push(row(n, 60 + order * BUYERS + n, true));
      rows.push(row(HOLDER, 900, false), row(HOLDER, 901, false), row(NEIGHBOUR, 902, false), row(FAR, 903, false));
      await db.database.knex.batchInsert('payments', rows, 100);
    });
    after(async () => {
      await second?.database.destroy();
      await db?.drop();
    });

    /** `work` in a unit of work of the second pool, waiting at most 1 s for any lock. */
    function withoutWaiting<T>(work: () => Promise<T>, isolation?: 'repeatable read'): Promise<T> {
      return second.uow.run(async () => {
        await currentDb(second.database, second.context).raw(engine === 'mariadb' ? 'SET SESSION innodb_lock_wait_timeout = 1' : "SET LOCAL lock_timeout = '1s'");
        return work();
      }, isolation ? { isolation } : {});
    }

    const checkoutOf = (n: number, seconds: number) => withoutWaiting(
      () => second.payments.insertIfFewerOpen(aPayment().forUser(buyerId(n)).createdAt(at(seconds)).build(), MAX_OPEN, WINDOW_START),
      'repeatable read',
    );

    /** What a validation writes: the buyer's newest open order, now paid. */
    async function validationOf(n: number): Promise<Payment> {
      const [open] = (await second.payments.listByUser(buyerId(n))).filter((p) => p.status === 'await');
      const paid = Payment.restore({ ...open.toProps(), status: 'paid', gatewayPaymentId: `imp_${open.id}`, paidAt: at(1200), updatedAt: at(1200) });
      await withoutWaiting(() => second.payments.save(paid));
      return paid;
    }

    const outcome = <T>(promise: Promise<T>) => promise.then((value) => value, (error: Error) => error.constructor.name);

    it('while one buyer\'s checkout is open, other buyers\' checkouts and validations go through at once; the same buyer\'s next checkout waits', async () => {
      let release!: () => void;
      const released = new Promise<void>((resolve) => { release = resolve; });
      let counted!: (inserted: boolean | string) => void;
      const insertDone = new Promise<boolean | string>((resolve) => { counted = resolve; });
      const held = first.uow.run(async () => {
        counted(await first.payments.insertIfFewerOpen(aPayment().forUser(buyerId(HOLDER)).createdAt(at(1000)).build(), MAX_OPEN, WINDOW_START));
        await released;
      }, { isolation: 'repeatable read' });
      const heldOutcome = outcome(held).then((value) => { counted(String(value)); return value; });

      const probes: Record<string, unknown> = {};
      try {
        expect(await insertDone, 'buyer 20\'s checkout inserted, its unit open').to.equal(true);
        probes.neighbourCheckout = await outcome(checkoutOf(NEIGHBOUR, 1001));
        probes.neighbourValidation = await outcome(validationOf(NEIGHBOUR).then((paid) => paid.status));
        probes.farValidation = await outcome(validationOf(FAR).then((paid) => paid.status));
        probes.sameBuyerCheckout = await outcome(checkoutOf(HOLDER, 1002));
      } finally {
        release();
      }
      expect(await heldOutcome, 'buyer 20\'s checkout committed').to.equal(undefined);
      expect(probes).to.deep.equal({ neighbourCheckout: true, neighbourValidation: 'paid', farValidation: 'paid', sameBuyerCheckout: 'ConcurrencyConflictError' });
      expect(await first.payments.countOpenPurchases(buyerId(HOLDER), WINDOW_START)).to.equal(3);
      expect(await first.payments.countOpenPurchases(buyerId(NEIGHBOUR), WINDOW_START)).to.equal(1);
      expect(await first.payments.countOpenPurchases(buyerId(FAR), WINDOW_START)).to.equal(0);
    });
  });
}

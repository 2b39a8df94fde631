import { expect } from 'chai';
import { Payment } from '../../src/payment/domain/payment.entity';
import { ConflictError } from '../../src/shared/domain/conflict-error';
import { retryOnConflict } from '../../src/shared/application/retry-on-conflict';
import { ConcurrencyConflictError } from '../../src/shared/domain/domain-error';
import { aPayment } from '../support/builders/payment.builder';
import type { PersistenceKit } from '../support/persistence-adapters';
import { rejection } from '../support/rejection';

const minutes = (n: number) => new Date(Date.UTC(2026, 10, 25, 9, n, 0, 7 * n));

/** The PaymentRepository port as the memory adapter defines it; every adapter must pass. */
export function paymentRepositoryContract(open: () => Promise<PersistenceKit>): void {
  describe('PaymentRepository', () => {
    let kit: PersistenceKit;
    beforeEach(async () => {
      kit = await open();
    });

    it('round-trips a fresh payment with its empty fields as nulls', async () => {
      const payment = aPayment().build();
      const expected = payment.toProps();
      await kit.payments.save(payment);
      const loaded = await kit.payments.findById(payment.id);
      expect(loaded?.toProps()).to.deep.equal({ ...expected, version: 1 });
      expect(loaded?.toProps().purpose).to.deep.equal({ kind: 'purchase', planId: 'monthly' });
    });

    it('round-trips every field, times to the millisecond and cancellations in order', async () => {
      const payment = aPayment().everyFieldSet().build();
      const expected = payment.toProps();
      await kit.payments.save(payment);
      const loaded = await kit.payments.findByMerchantUid(payment.merchantUid);
      expect(loaded?.toProps()).to.deep.equal({ ...expected, version: 1 });
      expect(loaded?.toProps().cancellations.map((c) => c.status)).to.deep.equal(['refunded', 'rejected', 'pending']);
    });

    it('finds the payments of a batch of ids in one call, with their refunds; unknown ids are left out', async () => {
      const plain = aPayment().build();
      const refunded = aPayment().everyFieldSet().build();
      await kit.payments.save(plain);
      await kit.payments.save(refunded);
      const found = await kit.payments.findByIds([refunded.id, 'nope', plain.id, plain.id]);
      expect(found.map((p) => p.id).sort()).to.deep.equal([plain.id, refunded.id].sort());
      expect(found.find((p) => p.id === refunded.id)?.toProps()).to.deep.equal({ ...refunded.toProps(), version: 1 });
      expect(await kit.payments.findByIds([])).to.deep.equal([]);
    });

    it('answers null for an unknown id or merchant_uid', async () => {
      expect(await kit.payments.findById('nope')).to.equal(null);
      expect(await kit.payments.findByMerchantUid('nope')).to.equal(null);
    });

    it('counts versions: each save stores the next, and the aggregate follows', async () => {
      const payment = aPayment().build();
      await kit.payments.save(payment);
      expect(payment.version).to.equal(1);
      payment.noteReportedGatewayPaymentId('imp_reported', minutes(5));
      await kit.payments.save(payment);
      expect(payment.version).to.equal(2);
      const loaded = await kit.payments.findById(payment.id);
      expect(loaded?.version).to.equal(2);
      expect(loaded?.reportedGatewayPaymentId).to.equal('imp_reported');
      expect(loaded?.toProps().updatedAt).to.deep.equal(minutes(5));
    });

    it('saves cancellations added and settled after the first save', async () => {
      const payment = aPayment().paid().build();
      await kit.payments.save(payment);
      const first = payment.requestRefund({ id: 'cn_first', amount: 1000, reason: 'partial', requestedBy: 'user', now: minutes(10) });
      await kit.payments.save(payment);
      let loaded = (await kit.payments.findById(payment.id)) as Payment;
      expect(loaded.pendingCancellations.map((c) => c.id)).to.deep.equal([first.id]);
      loaded.rejectPendingRefunds('the gateway said no', minutes(11));
      // A refusal is an event (the member may need a notice): it is saved inside a unit of work.
      await kit.uow.run(() => kit.payments.save(loaded));
      loaded = (await kit.payments.findById(payment.id)) as Payment;
      expect(loaded.toProps().cancellations).to.deep.equal([{ ...first, status: 'rejected', settledAt: minutes(11), gatewayMessage: 'the gateway said no' }]);
    });

    it('lists refunds of every payment by status, newest request first, with their order', async () => {
      const a = aPayment().paid().withCancellation({ id: 'cn_a_done', status: 'refunded', requestedAt: minutes(1) })
        .withCancellation({ id: 'cn_a_refused', status: 'rejected', requestedAt: minutes(3), gatewayMessage: 'no', amount: 500 }).build();
      const b = aPayment().paid().withCancellation({ id: 'cn_b_refused', status: 'rejected', requestedAt: minutes(2), requestedBy: 'admin', gatewayMessage: 'checksum' }).build();
      await kit.payments.save(a);
      await kit.payments.save(b);
      const rejected = (await kit.payments.listRefunds('rejected', 10)).filter((r) => r.refund.id.startsWith('cn_a') || r.refund.id.startsWith('cn_b'));
      expect(rejected.map((r) => [r.merchantUid, r.refund.id])).to.deep.equal([[a.merchantUid, 'cn_a_refused'], [b.merchantUid, 'cn_b_refused']]);
      expect(rejected[1].refund).to.deep.equal(b.toProps().cancellations[0]);
      const all = (await kit.payments.listRefunds(null, 1000)).map((r) => r.refund.id);
      expect(all).to.include.members(['cn_a_done', 'cn_a_refused', 'cn_b_refused']);
      expect(await kit.payments.listRefunds('pending', 10)).to.satisfy((list: Array<{ refund: { status: string } }>) => list.every((r) => r.refund.status === 'pending'));
    });

    it('refuses a save from a stale version', async () => {
      const payment = aPayment().build();
      await kit.payments.save(payment);
      const a = (await kit.payments.findById(payment.id)) as Payment;
      const b = (await kit.payments.findById(payment.id)) as Payment;
      a.noteReportedGatewayPaymentId('imp_a', minutes(1));
      b.noteReportedGatewayPaymentId('imp_b', minutes(2));
      await kit.payments.save(a);
      expect(await rejection(kit.payments.save(b))).to.be.instanceOf(ConcurrencyConflictError);
      expect((await kit.payments.findById(payment.id))?.reportedGatewayPaymentId).to.equal('imp_a');
    });

    it('lets exactly one of two concurrent saves from the same version win', async () => {
      const payment = aPayment().build();
      await kit.payments.save(payment);
      const copies = await Promise.all([kit.payments.findById(payment.id), kit.payments.findById(payment.id)]);
      const results = await Promise.allSettled(copies.map((copy, i) =>
        kit.uow.run(async () => {
          copy!.noteReportedGatewayPaymentId(`imp_${i}`, minutes(i));
          await kit.payments.save(copy!);
        })));
      expect(results.filter((r) => r.status === 'fulfilled')).to.have.length(1);
      const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(failures).to.have.length(1);
      expect(failures[0].reason).to.be.instanceOf(ConcurrencyConflictError);
      expect((await kit.payments.findById(payment.id))?.version).to.equal(2);
    });

    it('treats inserting an id that exists as a stale save', async () => {
      const payment = aPayment().build();
      await kit.payments.save(payment);
      const again = aPayment().with({ id: payment.id }).build();
      expect(await rejection(kit.payments.save(again))).to.be.instanceOf(ConcurrencyConflictError);
    });

    it('refuses a second payment with the same merchant_uid', async () => {
      const first = aPayment().build();
      await kit.payments.save(first);
      const error = await rejection(kit.payments.save(aPayment().with({ merchantUid: first.merchantUid }).build()));
      expect(error).to.be.instanceOf(ConflictError);
      expect((error as ConflictError).rule).to.equal('payments_merchant_uid_unique');
    });

    it('refuses a second payment with the same imp_uid, but any number without one', async () => {
      const first = aPayment().paid(undefined, 'imp_shared').build();
      await kit.payments.save(first);
      await kit.payments.save(aPayment().build());
      await kit.payments.save(aPayment().build());
      const error = await rejection(kit.payments.save(aPayment().paid(undefined, 'imp_shared').build()));
      expect(error).to.be.instanceOf(ConflictError);
      expect((error as ConflictError).rule).to.equal('payments_gateway_payment_id_unique');
    });

    it('refuses an update that would give a payment another payment\'s imp_uid', async () => {
      await kit.payments.save(aPayment().paid(undefined, 'imp_taken').build());
      const payment = aPayment().build();
      await kit.payments.save(payment);
      const loaded = (await kit.payments.findById(payment.id)) as Payment;
      const taking = Payment.restore({ ...loaded.toProps(), status: 'paid', gatewayPaymentId: 'imp_taken', paidAt: minutes(3) });
      const error = await rejection(kit.payments.save(taking));
      expect(error).to.be.instanceOf(ConflictError);
      expect((error as ConflictError).rule).to.equal('payments_gateway_payment_id_unique');
      expect((await kit.payments.findById(payment.id))?.gatewayPaymentId).to.equal(null);
    });

    it('refuses to save a payment with events outside a unit of work, and writes nothing', async () => {
      const payment = aPayment().build();
      payment.markPrepared(minutes(1));
      await rejection(kit.payments.save(payment));
      expect(await kit.payments.findById(payment.id)).to.equal(null);
    });

    it('lists a user\'s payments newest first, and only theirs', async () => {
      const old = aPayment().forUser('u1').createdAt(minutes(1)).build();
      const recent = aPayment().forUser('u1').createdAt(minutes(3)).build();
      const other = aPayment().forUser('u2').createdAt(minutes(2)).build();
      for (const p of [old, recent, other]) await kit.payments.save(p);
      expect((await kit.payments.listByUser('u1')).map((p) => p.id)).to.deep.equal([recent.id, old.id]);
      expect(await kit.payments.listByUser('nobody')).to.deep.equal([]);
    });

    it('counts a user\'s open purchases since a time: await only, purchases only, theirs only', async () => {
      const open = [aPayment().forUser('u1').createdAt(minutes(10)).build(), aPayment().forUser('u1').createdAt(minutes(20)).build()];
      const others = [
        aPayment().forUser('u1').createdAt(minutes(2)).build(),
        aPayment().forUser('u1').paid().createdAt(minutes(11)).build(),
        aPayment().forUser('u1').failed().createdAt(minutes(12)).build(),
        aPayment().forUser('u1').with({ purpose: { kind: 'renewal', planId: 'monthly', membershipId: 'm1', periodNo: 2 } }).createdAt(minutes(13)).build(),
        aPayment().forUser('u2').createdAt(minutes(14)).build(),
      ];
      for (const p of [...open, ...others]) await kit.payments.save(p);
      expect(await kit.payments.countOpenPurchases('u1', minutes(10))).to.equal(2);
      expect(await kit.payments.countOpenPurchases('u1', minutes(1))).to.equal(3);
      expect(await kit.payments.countOpenPurchases('u1', minutes(21))).to.equal(0);
      expect(await kit.payments.countOpenPurchases('nobody', minutes(1))).to.equal(0);
    });

    /** A buyer with a live account: insertIfFewerOpen writes orders for no one else. */
    const buyer = async (id: string) => {
      await kit.users.add({ id, email: `${id}@example.com`, name: id, passwordHash: 'x', language: 'ko', createdAt: minutes(0) });
      return id;
    };
    /** How a checkout inserts: in a repeatable-read unit, run again after a ConcurrencyConflictError. */
    const insert = (payment: Payment, max: number, since: Date, hold = 0) => retryOnConflict(() => kit.uow.run(async () => {
      const inserted = await kit.payments.insertIfFewerOpen(Payment.restore({ ...payment.toProps() }), max, since);
      // Kept open a while: a unit inserting now for the same buyer must not count without this one's order.
      if (hold) await new Promise((resolve) => setTimeout(resolve, hold));
      return inserted;
    }, { isolation: 'repeatable read' }));

    it('inserts a new payment only while its user has fewer open purchases than the limit, counted as countOpenPurchases counts', async () => {
      await buyer('u1');
      for (const p of [aPayment().forUser('u1').createdAt(minutes(10)).build(), aPayment().forUser('u1').paid().createdAt(minutes(11)).build()]) await kit.payments.save(p);
      const second = aPayment().forUser('u1').createdAt(minutes(12)).build();
      expect(await insert(second, 2, minutes(1))).to.equal(true);
      const third = aPayment().forUser('u1').createdAt(minutes(13)).build();
      expect(await insert(third, 2, minutes(1))).to.equal(false);
      expect(await kit.payments.findById(third.id), 'refused: not written').to.equal(null);
      expect((await kit.payments.findById(second.id))?.merchantUid).to.equal(second.merchantUid);
      // Orders opened before the window do not count.
      expect(await insert(third, 2, minutes(11))).to.equal(true);
      expect(await kit.payments.countOpenPurchases('u1', minutes(1))).to.equal(3);
    });

    it('inserts no order for a buyer without a live account: unknown, or deleted', async () => {
      expect(await insert(aPayment().forUser('u_nobody').createdAt(minutes(5)).build(), 5, minutes(1))).to.equal(false);
      await kit.users.anonymise(await buyer('u_deleted'));
      expect(await insert(aPayment().forUser('u_deleted').createdAt(minutes(5)).build(), 5, minutes(1))).to.equal(false);
      expect(await kit.payments.listByUser('u_nobody')).to.deep.equal([]);
      expect(await kit.payments.listByUser('u_deleted')).to.deep.equal([]);
    });

    it('inserts only in a unit of work opened with isolation "repeatable read", where the count holds against other units', async () => {
      await buyer('u_plain');
      const payment = aPayment().forUser('u_plain').createdAt(minutes(5)).build();
      expect(await rejection(kit.uow.run(() => kit.payments.insertIfFewerOpen(payment, 5, minutes(1))))).to.have.property('message').that.matches(/repeatable read/);
      expect(await rejection(kit.payments.insertIfFewerOpen(payment, 5, minutes(1)))).to.have.property('message').that.matches(/repeatable read/);
      expect(await kit.payments.findById(payment.id)).to.equal(null);
    });

    it('two units inserting for one buyer at once, one holding its unit open: the other counts its order (after waiting, or running again)', async () => {
      await buyer('u_turns');
      const outcomes = await Promise.all([
        insert(aPayment().forUser('u_turns').createdAt(minutes(5)).build(), 1, minutes(1), 100),
        insert(aPayment().forUser('u_turns').createdAt(minutes(6)).build(), 1, minutes(1)),
      ]);
      expect(outcomes.sort()).to.deep.equal([false, true]);
      expect(await kit.payments.countOpenPurchases('u_turns', minutes(1))).to.equal(1);
    });

    it('eight units inserting for one buyer at once, none open before: exactly the limit of them insert', async () => {
      await buyer('u_burst');
      const outcomes = await Promise.all(Array.from({ length: 8 }, (_, i) => insert(aPayment().forUser('u_burst').createdAt(minutes(5 + i)).build(), 3, minutes(1), 10)));
      expect(outcomes.filter(Boolean)).to.have.length(3);
      expect(await kit.payments.countOpenPurchases('u_burst', minutes(1))).to.equal(3);
    });

    it('units inserting for different buyers at once all insert; on PostgreSQL none waits or runs again', async () => {
      const buyers = await Promise.all(['u_a', 'u_b', 'u_c', 'u_d'].map(buyer));
      let runs = 0;
      const started = Date.now();
      const outcomes = await Promise.all(buyers.map((id, i) => retryOnConflict(() => kit.uow.run(async () => {
        runs += 1;
        const inserted = await kit.payments.insertIfFewerOpen(aPayment().forUser(id).createdAt(minutes(5 + i)).build(), 1, minutes(1));
        await new Promise((resolve) => setTimeout(resolve, 100));
        return inserted;
      }, { isolation: 'repeatable read' }))));
      expect(outcomes).to.deep.equal([true, true, true, true]);
      // Each buyer's turn is a row of its own. (MySQL/MariaDB: buyers without orders, next to each other in
      // payments_open_purchases_index, share the gap their counts lock, and may deadlock and run again;
      // SQLite runs one writer at a time.)
      if (kit.name === 'postgres' || kit.name === 'memory') {
        expect(runs, 'no unit failed and ran again').to.equal(4);
        expect(Date.now() - started, 'held at once, not one after another').to.be.below(350);
      }
    });

    it('lists by status newest first, all statuses for null, up to the limit', async () => {
      const a = aPayment().createdAt(minutes(1)).build();
      const b = aPayment().paid().createdAt(minutes(2)).build();
      const c = aPayment().createdAt(minutes(3)).build();
      for (const p of [a, b, c]) await kit.payments.save(p);
      expect((await kit.payments.listByStatus('await', 10)).map((p) => p.id)).to.deep.equal([c.id, a.id]);
      expect((await kit.payments.listByStatus(null, 10)).map((p) => p.id)).to.deep.equal([c.id, b.id, a.id]);
      expect((await kit.payments.listByStatus(null, 2)).map((p) => p.id)).to.deep.equal([c.id, b.id]);
      expect(await kit.payments.listByStatus('cancelled', 10)).to.deep.equal([]);
    });

    it('lists as unsettled, oldest first: await and stale or reported, a recheck that has come, and any with a pending refund', async () => {
      const asOf = minutes(45);
      const staleBefore = minutes(30);
      const reported = aPayment().createdAt(minutes(42)).with({ reportedGatewayPaymentId: 'imp_r', recheckAt: minutes(55) }).build();
      const recheckDue = aPayment().failed().createdAt(minutes(40)).with({ recheckAt: minutes(44) }).build();
      const recheckLater = aPayment().failed().createdAt(minutes(41)).with({ recheckAt: minutes(50) }).build();
      const stale = aPayment().createdAt(minutes(10)).build();
      const fresh = aPayment().createdAt(minutes(40)).build();
      const refunding = aPayment().paid().createdAt(minutes(1)).withCancellation({ status: 'pending' }).build();
      const refunded = aPayment().paid().createdAt(minutes(1)).withCancellation({ status: 'refunded' }).build();
      const failed = aPayment().failed().createdAt(minutes(1)).build();
      for (const p of [recheckDue, recheckLater, stale, fresh, refunding, refunded, failed, reported]) await kit.payments.save(p);
      const ids = (await kit.payments.listUnsettled(asOf, staleBefore, 10)).map((p) => p.id);
      expect(ids).to.deep.equal([refunding.id, stale.id, recheckDue.id, reported.id]);
      expect(await kit.payments.listUnsettled(asOf, staleBefore, 2)).to.have.length(2);
    });
  });
}

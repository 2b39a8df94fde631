import { expect } from 'chai';
import { MembershipEvents } from '../../src/membership/domain/membership.events';
import { Payment } from '../../src/payment/domain/payment.entity';
import { PaymentEvents } from '../../src/payment/domain/payment.events';
import type { PersistenceKit } from '../support/persistence-adapters';
import { MONTHLY, wireSettlement } from '../support/settlement-wiring';

/** The use cases on top of an adapter: concurrent confirmations of one payment leave one effect. */
export function paymentConfirmationContract(open: () => Promise<PersistenceKit>, concurrency = 50): void {
  describe('Confirming a payment concurrently', () => {
    it(`settles ${concurrency} concurrent confirmations of one payment into one PaymentPaid and one membership`, async () => {
      const kit = await open();
      const { clock, ids, gateway, confirmPayment } = wireSettlement(kit);
      await kit.users.add({ id: 'user_c', email: 'c@example.com', name: 'Concurrent', passwordHash: 'x', language: 'ko', createdAt: clock.now() });
      const payment = Payment.create({
        id: ids.newId(), merchantUid: ids.newMerchantUid(), userId: 'user_c', purpose: { kind: 'purchase', planId: MONTHLY.id },
        amount: MONTHLY.amount, payMethod: 'card', gateway: 'iamport', pg: 'html5_inicis', now: clock.now(),
      });
      payment.markPrepared(clock.now());
      await kit.uow.run(() => kit.payments.save(payment));
      await gateway.prepare({ merchantUid: payment.merchantUid, amount: payment.amount });
      const gatewayPaymentId = gateway.buyerPays({ merchantUid: payment.merchantUid, amount: payment.amount });

      const results = await Promise.allSettled(
        Array.from({ length: concurrency }, () => confirmPayment.execute({ userId: 'user_c', merchantUid: payment.merchantUid, transactionId: gatewayPaymentId })));

      const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => String(r.reason));
      expect(failures).to.deep.equal([]);
      expect(results.map((r) => (r as PromiseFulfilledResult<{ verdict: string }>).value.verdict)).to.satisfy((v: string[]) => v.every((x) => x === 'paid'));
      const events = await kit.storedEvents();
      expect(events.filter((e) => e.type === PaymentEvents.Paid)).to.have.length(1);
      expect(events.filter((e) => e.type === MembershipEvents.Activated)).to.have.length(1);
      expect(events.filter((e) => e.type === MembershipEvents.Extended)).to.have.length(0);
      const membership = await kit.memberships.findLiveByUserId('user_c');
      expect(membership?.periodNo).to.equal(1);
      expect((await kit.memberships.findLatestByUserId('user_c'))?.id).to.equal(membership?.id);
      const settled = await kit.payments.findById(payment.id);
      expect(settled?.status).to.equal('paid');
      expect(settled?.isFulfilled).to.equal(true);
    });
  });
}

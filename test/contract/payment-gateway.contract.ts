// What every PaymentGateway must do, whatever PG is behind it. Run by one spec per adapter.
import { expect } from 'chai';
import {
  GatewayRejectedError, GatewayUnavailableError, type PaymentGateway,
} from '../../src/payment/application/payment-gateway.port';
import type { GatewayPayment } from '../../src/payment/domain/gateway-payment';
import type { GatewayDriver } from '../support/gateway-drivers';
import { rejection } from '../support/rejection';

export interface GatewayUnderTest {
  gateway: PaymentGateway;
  driver: GatewayDriver;
  teardown(): Promise<void>;
}

let sequence = 0;
const uid = (kind: string) => `${kind}-${Date.now().toString(36)}-${++sequence}`;

export function paymentGatewayContract(name: string, setup: () => Promise<GatewayUnderTest>): void {
  describe(`PaymentGateway contract: ${name}`, function () {
    this.timeout(5000);
    let gateway: PaymentGateway;
    let driver: GatewayDriver;
    let teardown: () => Promise<void>;

    beforeEach(async () => {
      ({ gateway, driver, teardown } = await setup());
    });
    afterEach(async () => {
      await teardown();
    });

    /** A prepared merchant_uid the buyer paid in full. */
    async function paidPayment(amount = 10_000, customerUid?: string): Promise<GatewayPayment> {
      const merchantUid = uid('order');
      await gateway.prepare({ merchantUid, amount });
      const gatewayPaymentId = await driver.buyerPays({ merchantUid, amount, customerUid });
      const payment = await gateway.getPayment(gatewayPaymentId);
      expect(payment).to.not.equal(null);
      return payment as GatewayPayment;
    }

    describe('payments from the PG window', () => {
      it('reports a payment of the prepared amount as paid, by settle and by getPayment', async () => {
        const merchantUid = uid('order');
        await gateway.prepare({ merchantUid, amount: 9_900 });
        const gatewayPaymentId = await driver.buyerPays({ merchantUid, amount: 9_900 });

        const settled = await gateway.settle({ merchantUid, transactionId: gatewayPaymentId, amount: 9_900 });
        const looked = await gateway.getPayment(gatewayPaymentId);
        for (const payment of [settled, looked]) {
          expect(payment).to.include({ gatewayPaymentId, merchantUid, amount: 9_900, status: 'paid', cancelledAmount: 0, failReason: null });
          expect(payment?.paidAt).to.be.instanceOf(Date);
          expect(payment?.cancellations).to.deep.equal([]);
        }
      });

      it('refuses a payment of another amount than the prepared one', async () => {
        const merchantUid = uid('order');
        await gateway.prepare({ merchantUid, amount: 9_900 });
        const error = await rejection(driver.buyerPays({ merchantUid, amount: 100 }));
        expect(error).to.be.instanceOf(GatewayRejectedError);
        expect(await gateway.findByMerchantUid(merchantUid)).to.equal(null);
      });

      it('refuses to prepare the same merchant_uid twice', async () => {
        const merchantUid = uid('order');
        await gateway.prepare({ merchantUid, amount: 9_900 });
        expect(await rejection(gateway.prepare({ merchantUid, amount: 9_900 }))).to.be.instanceOf(GatewayRejectedError);
      });

      it('refuses a second payment of a merchant_uid already paid', async () => {
        const paid = await paidPayment();
        const error = await rejection(driver.buyerPays({ merchantUid: paid.merchantUid, amount: paid.amount }));
        expect(error).to.be.instanceOf(GatewayRejectedError);
      });

      it('answers null for an id or a merchant_uid it does not know', async () => {
        expect(await gateway.getPayment('imp_000000000000')).to.equal(null);
        expect(await gateway.settle({ merchantUid: uid('order'), transactionId: 'imp_000000000000', amount: 1000 })).to.equal(null);
        expect(await gateway.findByMerchantUid(uid('never-seen'))).to.equal(null);
      });

      it('finds the paid attempt of a merchant_uid after a failed one', async () => {
        const merchantUid = uid('order');
        await gateway.prepare({ merchantUid, amount: 5_000 });
        await driver.buyerPays({ merchantUid, amount: 5_000, action: 'user_cancelled' });
        const gatewayPaymentId = await driver.buyerPays({ merchantUid, amount: 5_000 });

        expect(await gateway.findByMerchantUid(merchantUid)).to.include({ gatewayPaymentId, merchantUid, status: 'paid', amount: 5_000 });
      });

      for (const action of ['declined', 'user_cancelled'] as const) {
        it(`reports a ${action} payment as failed with the PG's reason`, async () => {
          const merchantUid = uid('order');
          await gateway.prepare({ merchantUid, amount: 5_000 });
          const gatewayPaymentId = await driver.buyerPays({ merchantUid, amount: 5_000, action });

          const payment = await gateway.getPayment(gatewayPaymentId);
          expect(payment).to.include({ gatewayPaymentId, merchantUid, status: 'failed', paidAt: null });
          expect(payment?.failReason).to.be.a('string').and.not.equal('');
          expect(await gateway.findByMerchantUid(merchantUid)).to.include({ gatewayPaymentId, status: 'failed' });
        });
      }
    });

    describe('cancels', () => {
      it('cancels part of a payment when the checksum is the balance: cancelled amount grows, one history entry', async () => {
        const paid = await paidPayment(10_000);
        const after = await gateway.cancel({ gatewayPaymentId: paid.gatewayPaymentId, merchantUid: paid.merchantUid, amount: 3_000, checksum: 10_000, reason: 'partial refund' });

        // Iamport V1 flips to cancelled on the first partial cancel; the balance is amount - cancelledAmount.
        expect(after).to.include({ gatewayPaymentId: paid.gatewayPaymentId, amount: 10_000, cancelledAmount: 3_000, status: 'cancelled' });
        expect(after.cancellations).to.have.length(1);
        expect(after.cancellations[0]).to.include({ amount: 3_000, reason: 'partial refund' });
        expect(after.cancellations[0].cancelledAt).to.be.instanceOf(Date);
        expect(await gateway.getPayment(paid.gatewayPaymentId)).to.include({ cancelledAmount: 3_000 });

        const again = await gateway.cancel({ gatewayPaymentId: paid.gatewayPaymentId, merchantUid: paid.merchantUid, amount: 2_000, checksum: 7_000, reason: 'second part' });
        expect(again).to.include({ cancelledAmount: 5_000, status: 'cancelled' });
        expect(again.cancellations.map((c) => c.amount)).to.deep.equal([3_000, 2_000]);
      });

      it('refuses a cancel whose checksum is not the balance, and cancels nothing', async () => {
        const paid = await paidPayment(10_000);
        const error = await rejection(gateway.cancel({ gatewayPaymentId: paid.gatewayPaymentId, merchantUid: paid.merchantUid, amount: 3_000, checksum: 9_000, reason: 'stale' }));

        expect(error).to.be.instanceOf(GatewayRejectedError);
        expect(await gateway.getPayment(paid.gatewayPaymentId)).to.include({ status: 'paid', cancelledAmount: 0 });
      });

      it('refuses a refund above what remains', async () => {
        const paid = await paidPayment(10_000);
        await gateway.cancel({ gatewayPaymentId: paid.gatewayPaymentId, merchantUid: paid.merchantUid, amount: 4_000, checksum: 10_000, reason: 'part' });
        const error = await rejection(gateway.cancel({ gatewayPaymentId: paid.gatewayPaymentId, merchantUid: paid.merchantUid, amount: 6_001, checksum: 6_000, reason: 'too much' }));

        expect(error).to.be.instanceOf(GatewayRejectedError);
        expect(await gateway.getPayment(paid.gatewayPaymentId)).to.include({ cancelledAmount: 4_000 });
      });

      it('cancels the whole payment, then refuses to cancel it again', async () => {
        const paid = await paidPayment(10_000);
        const after = await gateway.cancel({ gatewayPaymentId: paid.gatewayPaymentId, merchantUid: paid.merchantUid, amount: 10_000, checksum: 10_000, reason: 'full refund' });
        expect(after).to.include({ status: 'cancelled', cancelledAmount: 10_000 });

        const error = await rejection(gateway.cancel({ gatewayPaymentId: paid.gatewayPaymentId, merchantUid: paid.merchantUid, amount: 1, checksum: 0, reason: 'again' }));
        expect(error).to.be.instanceOf(GatewayRejectedError);
        expect(await gateway.getPayment(paid.gatewayPaymentId)).to.include({ cancelledAmount: 10_000 });
      });

      it('still finds a partly cancelled payment as the charged attempt of its merchant_uid', async () => {
        const paid = await paidPayment(10_000);
        await gateway.cancel({ gatewayPaymentId: paid.gatewayPaymentId, merchantUid: paid.merchantUid, amount: 1_000, checksum: 10_000, reason: 'part' });
        expect(await gateway.findByMerchantUid(paid.merchantUid)).to.include({ gatewayPaymentId: paid.gatewayPaymentId, cancelledAmount: 1_000 });
      });
    });

    describe('billing keys', () => {
      it('charges the card stored by a payment made with a customer_uid', async () => {
        const customerUid = uid('customer');
        await paidPayment(9_900, customerUid);
        const merchantUid = uid('renewal');
        const charged = await gateway.chargeBillingKey({ customerUid, merchantUid, amount: 9_900, name: 'Monthly', buyerName: 'Test Buyer', buyerEmail: 'buyer@example.test' });

        expect(charged).to.include({ merchantUid, amount: 9_900, status: 'paid', customerUid, failReason: null });
        expect(charged.paidAt).to.be.instanceOf(Date);
        expect(await gateway.getPayment(charged.gatewayPaymentId)).to.include({ status: 'paid', merchantUid });
      });

      it('answers a declined charge with status failed and a reason, without throwing', async () => {
        const customerUid = uid('customer');
        await paidPayment(9_900, customerUid);
        await driver.setCardDeclines(customerUid, true);

        const charged = await gateway.chargeBillingKey({ customerUid, merchantUid: uid('renewal'), amount: 9_900, name: 'Monthly' });
        expect(charged).to.include({ status: 'failed', paidAt: null, customerUid });
        expect(charged.failReason).to.be.a('string').and.not.equal('');
      });

      it('refuses to charge a customer it does not know', async () => {
        const error = await rejection(gateway.chargeBillingKey({ customerUid: uid('nobody'), merchantUid: uid('renewal'), amount: 9_900, name: 'Monthly' }));
        expect(error).to.be.instanceOf(GatewayRejectedError);
      });

      it('refuses a second charge of a merchant_uid already paid', async () => {
        const customerUid = uid('customer');
        await paidPayment(9_900, customerUid);
        const merchantUid = uid('renewal');
        await gateway.chargeBillingKey({ customerUid, merchantUid, amount: 9_900, name: 'Monthly' });

        const error = await rejection(gateway.chargeBillingKey({ customerUid, merchantUid, amount: 9_900, name: 'Monthly' }));
        expect(error).to.be.instanceOf(GatewayRejectedError);
      });

      it('charges again a merchant_uid whose earlier charge was declined (dunning reuses it)', async () => {
        const customerUid = uid('customer');
        await paidPayment(9_900, customerUid);
        const merchantUid = uid('renewal');
        await driver.setCardDeclines(customerUid, true);
        expect(await gateway.chargeBillingKey({ customerUid, merchantUid, amount: 9_900, name: 'Monthly' })).to.include({ status: 'failed' });
        await driver.setCardDeclines(customerUid, false);

        const retried = await gateway.chargeBillingKey({ customerUid, merchantUid, amount: 9_900, name: 'Monthly' });
        expect(retried).to.include({ status: 'paid', merchantUid });
        expect(await gateway.findByMerchantUid(merchantUid)).to.include({ gatewayPaymentId: retried.gatewayPaymentId, status: 'paid' });
      });

      it('refuses to charge a deleted billing key', async () => {
        const customerUid = uid('customer');
        await paidPayment(9_900, customerUid);
        await gateway.deleteBillingKey(customerUid);

        const error = await rejection(gateway.chargeBillingKey({ customerUid, merchantUid: uid('renewal'), amount: 9_900, name: 'Monthly' }));
        expect(error).to.be.instanceOf(GatewayRejectedError);
      });
    });

    describe('unknown outcomes', () => {
      it('reports a server error as unavailable, never as an answer or a refusal', async () => {
        const paid = await paidPayment();
        await driver.failNextCall();
        expect(await rejection(gateway.getPayment(paid.gatewayPaymentId))).to.be.instanceOf(GatewayUnavailableError);
        await driver.clearFaults();
        expect(await gateway.getPayment(paid.gatewayPaymentId)).to.include({ status: 'paid' });
      });

      it('reports a cancel that got no answer as unavailable, and nothing was refunded', async () => {
        const paid = await paidPayment(10_000);
        await driver.hangNextCall();
        const error = await rejection(gateway.cancel({ gatewayPaymentId: paid.gatewayPaymentId, merchantUid: paid.merchantUid, amount: 1_000, checksum: 10_000, reason: 'refund' }));
        expect(error).to.be.instanceOf(GatewayUnavailableError);
        await driver.clearFaults();
        expect(await gateway.getPayment(paid.gatewayPaymentId)).to.include({ cancelledAmount: 0 });
      });

      it('reports a prepare that failed on the server as unavailable', async () => {
        await driver.failNextCall();
        expect(await rejection(gateway.prepare({ merchantUid: uid('order'), amount: 1_000 }))).to.be.instanceOf(GatewayUnavailableError);
        await driver.clearFaults();
      });

      it('answers ping while it can reach the gateway', async () => {
        await gateway.ping();
      });
    });
  });
}

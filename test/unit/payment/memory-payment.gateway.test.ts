import { expect } from 'chai';
import { GatewayUnavailableError } from '../../../src/payment/application/payment-gateway.port';
import { MemoryPaymentGateway } from '../../../src/payment/infrastructure/memory/memory-payment.gateway';
import { rejection } from '../../support/rejection';

describe('MemoryPaymentGateway scripts', () => {
  it("a read whose answer is lost reaches the caller as unknown, and the next read answers", async () => {
    const gateway = new MemoryPaymentGateway();
    const gatewayPaymentId = gateway.buyerPays({ merchantUid: 'mp_lost_read', amount: 9900 });
    for (const read of [
      () => gateway.getPayment(gatewayPaymentId),
      () => gateway.findByMerchantUid('mp_lost_read'),
      () => gateway.settle({ merchantUid: 'mp_lost_read', transactionId: gatewayPaymentId, amount: 9900 }),
      () => gateway.ping(),
    ]) {
      gateway.scriptNext('*', 'lost');
      expect(await rejection(read())).to.be.instanceOf(GatewayUnavailableError);
    }
    expect((await gateway.getPayment(gatewayPaymentId))?.status).to.equal('paid');
  });
});

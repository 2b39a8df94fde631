import { MemoryPaymentGateway } from '../../src/payment/infrastructure/memory/memory-payment.gateway';
import { MemoryGatewayDriver } from '../support/gateway-drivers';
import { paymentGatewayContract } from './payment-gateway.contract';

paymentGatewayContract('MemoryPaymentGateway', async () => {
  const gateway = new MemoryPaymentGateway();
  return { gateway, driver: new MemoryGatewayDriver(gateway), teardown: async () => undefined };
});

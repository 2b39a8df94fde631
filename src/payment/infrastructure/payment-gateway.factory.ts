import type { AppConfig } from '../../config';
import type { Logger } from '../../shared/application/logger.port';
import type { PaymentGateway } from '../application/payment-gateway.port';
import { IamportGateway } from './iamport/iamport.gateway';
import { TossGateway } from './toss/toss.gateway';

/**
 * The one place a PG adapter is chosen (PAYMENT_GATEWAY). Nothing outside src/ ** /infrastructure
 * imports an adapter; the rest of the application sees the PaymentGateway port only.
 */
export function createPaymentGateway(config: AppConfig, logger: Logger): PaymentGateway {
  if (config.paymentGateway === 'toss') {
    return new TossGateway({ apiUrl: config.toss.apiUrl, secretKey: config.toss.secretKey, timeoutMs: config.gatewayTimeoutMs, logger });
  }
  return new IamportGateway({
    apiUrl: config.iamport.apiUrl, impKey: config.iamport.impKey, impSecret: config.iamport.impSecret,
    timeoutMs: config.gatewayTimeoutMs, logger, includeSandbox: config.iamport.mode === 'sandbox',
  });
}

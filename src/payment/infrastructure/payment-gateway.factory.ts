import type { AppConfig } from '../../config';
import type { Logger } from '../../shared/application/logger.port';
import type { PaymentGateway } from '../application/payment-gateway.port';
import { IamportGateway } from './iamport/iamport.gateway';
import { TossGateway } from './toss/toss.gateway';
import { withCallDeadline } from './gateway-http';

/** A port call, token and retries included, answers within this many gateway timeouts (10 s -> 15 s). */
const CALL_BUDGET_FACTOR = 1.5;

/**
 * The one place a PG adapter is chosen (PAYMENT_GATEWAY). Nothing outside src/ ** /infrastructure
 * imports an adapter; the rest of the application sees the PaymentGateway port only.
 */
export function createPaymentGateway(config: AppConfig, logger: Logger): PaymentGateway {
  const timeoutMs = config.gatewayTimeoutMs;
  const adapter: PaymentGateway = config.paymentGateway === 'toss'
    ? new TossGateway({ apiUrl: config.toss.apiUrl, secretKey: config.toss.secretKey, timeoutMs, logger })
    : new IamportGateway({
      apiUrl: config.iamport.apiUrl, impKey: config.iamport.impKey, impSecret: config.iamport.impSecret,
      timeoutMs, logger, includeSandbox: config.iamport.mode === 'sandbox',
    });
  return withCallDeadline(adapter, timeoutMs * CALL_BUDGET_FACTOR);
}

import type { AppConfig } from '../../config';
import type { Logger } from '../../shared/application/logger.port';
import type { PaymentGateway } from '../application/payment-gateway.port';
import { activeGateway } from './gateways.registry';
import { withCallDeadline } from './gateway-http';

/** A port call, token and retries included, answers within this many gateway timeouts (10 s -> 15 s). */
const CALL_BUDGET_FACTOR = 1.5;

/**
 * The one place a PG adapter is made (PAYMENT_GATEWAY, through the registry). Nothing outside
 * src/ ** /infrastructure imports an adapter; the rest of the application sees the PaymentGateway port only.
 */
export function createPaymentGateway(config: AppConfig, logger: Logger): PaymentGateway {
  const timeoutMs = config.gatewayTimeoutMs;
  return withCallDeadline(activeGateway(config).createGateway({ timeoutMs, logger }), timeoutMs * CALL_BUDGET_FACTOR);
}

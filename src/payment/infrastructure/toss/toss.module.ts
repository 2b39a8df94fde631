// Toss Payments as one PG module: its environment, adapter, page parameters, notice route, sandbox
// and CSP sources.
import { fileURLToPath } from 'node:url';
import Joi from 'joi';
import { ConfigError, readEnv, requireEnv } from '../../../config-error';
import { sandboxStateFileBesideDatabase } from '../../../sandbox/shared/sandbox-journal';
import { createTossSandbox } from '../../../sandbox/toss/toss-sandbox';
import { validate } from '../../../shared/http/validate';
import type { GatewayModule } from '../gateway-module';
import { TossGateway } from './toss.gateway';
import { TossSandboxClient } from './toss-sandbox.client';
import { tossWebhookSchema } from './toss-webhook';

export interface TossConfig {
  mode: 'sandbox' | 'live';
  apiUrl: string;
  secretKey: string;
  clientKey: string;
}

const SANDBOX_KEYS = { secretKey: 'test_sk_sandbox', clientKey: 'test_ck_sandbox' };
const SANDBOX_PREFIX = '/sandbox/toss';
const WEBHOOK_PATH = '/api/payment/webhook/toss';

const envSchema = Joi.object({
  TOSS_MODE: Joi.string().valid('sandbox', 'live').default('sandbox'),
  TOSS_API_URL: Joi.string().uri({ scheme: ['http', 'https'] }),
  TOSS_SECRET_KEY: Joi.string().pattern(/^(test|live)_sk_\w+$/).messages({ 'string.pattern.base': 'must look like test_sk_... or live_sk_...' }),
  TOSS_CLIENT_KEY: Joi.string().pattern(/^(test|live)_ck_\w+$/).messages({ 'string.pattern.base': 'must look like test_ck_... or live_ck_...' }),
});

export const tossModule: GatewayModule<TossConfig> = {
  name: 'toss',
  label: 'Toss Payments',
  readConfig(env, { publicUrl, selected }) {
    const e = readEnv(envSchema, env);
    const mode: 'sandbox' | 'live' = e.TOSS_MODE;
    if (selected && mode === 'live') {
      requireEnv(e, ['TOSS_SECRET_KEY', 'TOSS_CLIENT_KEY', 'PUBLIC_URL', 'SESSION_SECRET'], 'PAYMENT_GATEWAY=toss and TOSS_MODE=live');
      if (e.TOSS_SECRET_KEY.startsWith('live_') !== e.TOSS_CLIENT_KEY.startsWith('live_')) {
        throw new ConfigError('config error: TOSS_SECRET_KEY and TOSS_CLIENT_KEY must both be test keys or both live keys');
      }
    }
    return {
      mode,
      apiUrl: (e.TOSS_API_URL ?? (mode === 'live' ? 'https://api.tosspayments.com' : `${publicUrl}${SANDBOX_PREFIX}`)).replace(/\/$/, ''),
      secretKey: e.TOSS_SECRET_KEY ?? SANDBOX_KEYS.secretKey,
      clientKey: e.TOSS_CLIENT_KEY ?? SANDBOX_KEYS.clientKey,
    };
  },
  isSandbox: (config) => config.mode === 'sandbox',
  apiUrl: (config) => config.apiUrl,
  pgCode: () => 'tosspayments',
  createGateway: (config, { timeoutMs, logger }) => new TossGateway({ apiUrl: config.apiUrl, secretKey: config.secretKey, timeoutMs, logger }),
  // The page calls TossPayments(client_key).requestPayment (or requestBillingAuth with customer_key).
  checkoutParameters(config, order) {
    const customer = order.customerUid ? { customer_key: order.customerUid } : {};
    return {
      fields: { client_key: config.clientKey, order_name: order.orderName, ...customer },
      client: { client_key: config.clientKey, order_name: order.orderName, ...customer },
    };
  },
  webhook: {
    path: WEBHOOK_PATH,
    summary: "Toss's PAYMENT_STATUS_CHANGED event: the same hint, re-fetched by paymentKey",
    schema: tossWebhookSchema,
    read(_config, request) {
      const body = validate(tossWebhookSchema, request.body);
      const notice = { gatewayPaymentId: body.data.paymentKey, merchantUid: body.data.orderId, status: body.data.status };
      const read = { eventType: body.eventType, data: { paymentKey: notice.gatewayPaymentId, orderId: notice.merchantUid, status: notice.status } };
      return { notice, raw: JSON.stringify(read) };
    },
  },
  async startSandbox(config, context) {
    if (config.mode !== 'sandbox' || config.apiUrl !== `${context.publicUrl}${SANDBOX_PREFIX}`) return null;
    const sandbox = createTossSandbox({
      prefix: SANDBOX_PREFIX, secretKey: config.secretKey, clientKey: config.clientKey,
      webhookUrl: `${context.publicUrl}${WEBHOOK_PATH}`, now: context.now, logger: context.logger.child({ component: 'toss-sandbox' }),
      stateFile: sandboxStateFileBesideDatabase(context.databaseUrl, 'toss'),
    });
    return { routers: [sandbox.router], prefixes: [SANDBOX_PREFIX], close: async () => sandbox.close() };
  },
  csp: { scriptSrc: ['https://js.tosspayments.com'], connectSrc: [] },
  browserScript: fileURLToPath(new URL('./toss.browser.js', import.meta.url)),
  sandboxCli: {
    modeHint: 'TOSS_MODE=sandbox with PAYMENT_GATEWAY=toss',
    noticeStatus: { refusal: 'a Toss event carries the payment itself' },
    noticeFaults: false,
    client: (config, { publicUrl }) => (config.mode === 'sandbox'
      ? new TossSandboxClient(config.apiUrl, config.apiUrl === `${publicUrl}${SANDBOX_PREFIX}`, config.clientKey, `${publicUrl}/`)
      : null),
  },
};

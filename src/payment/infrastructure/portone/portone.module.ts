// PortOne V2 as one PG module: its environment (DESIGN §6), adapter, page parameters, signed notice
// route, sandbox (its REST API on PORTONE_SANDBOX_PORT, the browser stand-in on the app's port) and
// CSP sources.
import { fileURLToPath } from 'node:url';
import Joi from 'joi';
import { ConfigError, readEnv, requireEnv } from '../../../config-error';
import { PORTONE_SANDBOX_DEFAULTS, createPortOneBrowserRouter } from '../../../sandbox/portone/portone-sandbox';
import { PORTONE_SANDBOX_DEFAULT_PORT, startPortOneSandboxServer } from '../../../sandbox/portone/portone-sandbox-server';
import type { GatewayModule } from '../gateway-module';
import { PortOneGateway } from './portone.gateway';
import { PortOneWebhookVerifier } from './portone-webhook';

export interface PortOneConfig {
  mode: 'sandbox' | 'live';
  apiUrl: string;
  sandboxPort: number;
  apiSecret: string;
  storeId: string;
  channelKey: string;
  webhookSecret: string;
}

const LIVE_API_URL = 'https://api.portone.io';
const LIVE_BROWSER_SDK = 'https://cdn.portone.io/v2/browser-sdk.js';
/** The browser stand-in on the app's own port (the REST API needs a port of its own). */
const BROWSER_PREFIX = '/sandbox/portone';
const WEBHOOK_PATH = '/api/payment/webhook/portone';

const envSchema = Joi.object({
  PORTONE_MODE: Joi.string().valid('sandbox', 'live').default('sandbox'),
  PORTONE_API_URL: Joi.string().uri({ scheme: ['http', 'https'] }),
  PORTONE_SANDBOX_PORT: Joi.number().integer().min(1).max(65535).default(PORTONE_SANDBOX_DEFAULT_PORT),
  PORTONE_API_SECRET: Joi.string().pattern(/^[\x21-\x7e]+$/).messages({ 'string.pattern.base': 'must be the V2 API secret from the PortOne console' }),
  PORTONE_STORE_ID: Joi.string().pattern(/^store-[\w-]+$/).messages({ 'string.pattern.base': 'must look like store-<uuid>' }),
  PORTONE_CHANNEL_KEY: Joi.string().pattern(/^channel-key-[\w-]+$/).messages({ 'string.pattern.base': 'must look like channel-key-<uuid>' }),
  PORTONE_WEBHOOK_SECRET: Joi.string().pattern(/^whsec_[A-Za-z0-9+/=]+$/).messages({ 'string.pattern.base': 'must look like whsec_<base64>' }),
});

/** The V2 status word a notice implies, in the words our receipts use (`cancelled` makes a notice always re-checked). */
function noticeStatus(status: string): string {
  return status.includes('CANCEL') ? 'cancelled' : status.toLowerCase();
}

export const portoneModule: GatewayModule<PortOneConfig> = {
  name: 'portone',
  label: 'PortOne V2',
  readConfig(env, { selected }) {
    const e = readEnv(envSchema, env);
    const mode: 'sandbox' | 'live' = e.PORTONE_MODE;
    if (selected && mode === 'live') {
      requireEnv(e, ['PORTONE_API_SECRET', 'PORTONE_STORE_ID', 'PORTONE_CHANNEL_KEY', 'PORTONE_WEBHOOK_SECRET', 'PUBLIC_URL', 'SESSION_SECRET'],
        'PAYMENT_GATEWAY=portone and PORTONE_MODE=live');
    }
    const webhookSecret: string = e.PORTONE_WEBHOOK_SECRET ?? PORTONE_SANDBOX_DEFAULTS.webhookSecret;
    try {
      new PortOneWebhookVerifier(webhookSecret);
    } catch {
      throw new ConfigError('config error: PORTONE_WEBHOOK_SECRET must be the console\'s webhook secret, whsec_ followed by base64');
    }
    const sandboxPort: number = e.PORTONE_SANDBOX_PORT;
    return {
      mode,
      apiUrl: (e.PORTONE_API_URL ?? (mode === 'live' ? LIVE_API_URL : `http://127.0.0.1:${sandboxPort}`)).replace(/\/$/, ''),
      sandboxPort,
      apiSecret: e.PORTONE_API_SECRET ?? PORTONE_SANDBOX_DEFAULTS.apiSecret,
      storeId: e.PORTONE_STORE_ID ?? PORTONE_SANDBOX_DEFAULTS.storeId,
      channelKey: e.PORTONE_CHANNEL_KEY ?? PORTONE_SANDBOX_DEFAULTS.channelKey,
      webhookSecret,
    };
  },
  isSandbox: (config) => config.mode === 'sandbox',
  apiUrl: (config) => config.apiUrl,
  // The channel key names the PG contract at PortOne; the PG behind it is PortOne's to know.
  pgCode: () => 'portone',
  createGateway: (config, { timeoutMs, logger }) => new PortOneGateway({ apiUrl: config.apiUrl, apiSecret: config.apiSecret, storeId: config.storeId, timeoutMs, logger }),
  // The page calls PortOne.requestPayment({storeId, channelKey, paymentId, orderName, totalAmount, currency, payMethod})
  // (requestIssueBillingKey with customer_id for auto-renew) and sends the paymentId back.
  checkoutParameters(config, order) {
    return {
      fields: {},
      client: {
        sdk_url: config.mode === 'sandbox' ? `${BROWSER_PREFIX}/sdk.js` : LIVE_BROWSER_SDK,
        store_id: config.storeId,
        channel_key: config.channelKey,
        payment_id: order.merchantUid,
        order_name: order.orderName,
        total_amount: order.amount,
        currency: 'KRW',
        pay_method: 'CARD',
        ...(order.customerUid ? { customer_id: order.customerUid } : {}),
      },
    };
  },
  webhook: {
    path: WEBHOOK_PATH,
    summary: 'PortOne V2 notice (Standard Webhooks signature checked on the raw body; unsigned or badly signed: 401 invalid_signature, nothing changes), re-fetched by paymentId',
    schema: Joi.object({ type: Joi.string(), timestamp: Joi.string(), data: Joi.object().unknown(true) }).unknown(true),
    async read(config, request) {
      const notice = await new PortOneWebhookVerifier(config.webhookSecret).verify(request.rawBody, request.headers);
      if (notice.kind !== 'payment') return { ignored: true };
      const read = { type: notice.type, data: { paymentId: notice.paymentId, transactionId: notice.transactionId, cancellationId: notice.cancellationId } };
      return { notice: { gatewayPaymentId: notice.paymentId, merchantUid: notice.paymentId, status: noticeStatus(notice.status) }, raw: JSON.stringify(read) };
    },
  },
  async startSandbox(config, context) {
    if (config.mode !== 'sandbox' || config.apiUrl !== `http://127.0.0.1:${config.sandboxPort}`) return null;
    const running = await startPortOneSandboxServer({
      port: config.sandboxPort, host: '127.0.0.1',
      apiSecret: config.apiSecret, storeId: config.storeId, channelKey: config.channelKey, webhookSecret: config.webhookSecret,
      webhookUrl: `${context.publicUrl}${WEBHOOK_PATH}`, now: context.now, logger: context.logger.child({ component: 'portone-sandbox' }),
    });
    return { routers: [createPortOneBrowserRouter(running.sandbox, { prefix: BROWSER_PREFIX })], prefixes: [BROWSER_PREFIX], close: () => running.close() };
  },
  csp: { scriptSrc: ['https://cdn.portone.io'], connectSrc: ['https://*.portone.io'] },
  browserScript: fileURLToPath(new URL('./portone.browser.js', import.meta.url)),
};

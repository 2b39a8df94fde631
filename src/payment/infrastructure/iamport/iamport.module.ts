// Iamport (PortOne V1) as one PG module: its environment, adapter, page parameters, notice route,
// sandbox and CSP sources.
import { fileURLToPath } from 'node:url';
import Joi from 'joi';
import { readEnv, requireEnv } from '../../../config-error';
import { createIamportSandbox } from '../../../sandbox/iamport/iamport-sandbox';
import { sandboxStateFileBesideDatabase } from '../../../sandbox/shared/sandbox-journal';
import { validate } from '../../../shared/http/validate';
import type { GatewayModule } from '../gateway-module';
import { IamportGateway } from './iamport.gateway';
import { IamportSandboxClient } from './iamport-sandbox.client';
import { iamportWebhookSchema } from './iamport-webhook';

export interface IamportConfig {
  mode: 'sandbox' | 'live';
  apiUrl: string;
  impKey: string;
  impSecret: string;
  impCode: string;
  pg: string;
}

const SANDBOX_KEYS = { impKey: 'sandbox_imp_key', impSecret: 'sandbox_imp_secret', impCode: 'imp_sandbox' };
const SANDBOX_PREFIX = '/sandbox/iamport';

const envSchema = Joi.object({
  IAMPORT_MODE: Joi.string().valid('sandbox', 'live').default('sandbox'),
  IAMPORT_API_URL: Joi.string().uri({ scheme: ['http', 'https'] }),
  IMP_KEY: Joi.string(),
  IMP_SECRET: Joi.string(),
  IMP_CODE: Joi.string().pattern(/^imp\w+$/).messages({ 'string.pattern.base': 'must look like imp12345678' }),
  IMP_PG: Joi.string().pattern(/^[a-z0-9_]+(\.[\w-]+)?$/).default('html5_inicis')
    .messages({ 'string.pattern.base': 'must be a PG code such as html5_inicis or html5_inicis.<MID>' }),
});

export const iamportModule: GatewayModule<IamportConfig> = {
  name: 'iamport',
  label: 'Iamport',
  readConfig(env, { publicUrl, selected }) {
    const e = readEnv(envSchema, env);
    const mode: 'sandbox' | 'live' = e.IAMPORT_MODE;
    if (selected && mode === 'live') requireEnv(e, ['IMP_KEY', 'IMP_SECRET', 'IMP_CODE', 'PUBLIC_URL', 'SESSION_SECRET'], 'IAMPORT_MODE=live');
    return {
      mode,
      apiUrl: (e.IAMPORT_API_URL ?? (mode === 'live' ? 'https://api.iamport.kr' : `${publicUrl}${SANDBOX_PREFIX}`)).replace(/\/$/, ''),
      impKey: e.IMP_KEY ?? SANDBOX_KEYS.impKey,
      impSecret: e.IMP_SECRET ?? SANDBOX_KEYS.impSecret,
      impCode: e.IMP_CODE ?? SANDBOX_KEYS.impCode,
      pg: e.IMP_PG,
    };
  },
  isSandbox: (config) => config.mode === 'sandbox',
  apiUrl: (config) => config.apiUrl,
  pgCode: (config) => config.pg,
  createGateway: (config, { timeoutMs, logger }) => new IamportGateway({
    apiUrl: config.apiUrl, impKey: config.impKey, impSecret: config.impSecret, timeoutMs, logger, includeSandbox: config.mode === 'sandbox',
  }),
  // The page calls IMP.init(imp_code) and IMP.request_pay({pg, pay_method, merchant_uid, amount, name, buyer_*, customer_uid?}).
  checkoutParameters: (config) => ({ fields: { imp_code: config.impCode }, client: { imp_code: config.impCode } }),
  webhook: {
    path: '/api/payment/webhook',
    summary: "Iamport's notice (JSON or form): stored, deduplicated, verified by re-fetch",
    schema: iamportWebhookSchema,
    read(_config, request) {
      const body = validate(iamportWebhookSchema, request.body);
      // The notice as read (the schema drops every field it does not know): padding a notice stores nothing extra.
      return { notice: { gatewayPaymentId: body.imp_uid, merchantUid: body.merchant_uid, status: body.status }, raw: JSON.stringify(body) };
    },
  },
  async startSandbox(config, context) {
    if (config.mode !== 'sandbox' || config.apiUrl !== `${context.publicUrl}${SANDBOX_PREFIX}`) return null;
    const sandbox = createIamportSandbox({
      prefix: SANDBOX_PREFIX, impKey: config.impKey, impSecret: config.impSecret, impCode: config.impCode,
      webhookUrl: `${context.publicUrl}/api/payment/webhook`, publicUrl: context.publicUrl,
      now: context.now, logger: context.logger.child({ component: 'iamport-sandbox' }),
      stateFile: sandboxStateFileBesideDatabase(context.databaseUrl, 'iamport'),
    });
    return { routers: [sandbox.router], prefixes: [SANDBOX_PREFIX], close: async () => sandbox.close() };
  },
  // Iamport's SDK and PG windows (frames/popups on https are allowed for every PG).
  csp: { scriptSrc: ['https://cdn.iamport.kr', 'https://*.iamport.kr'], connectSrc: ['https://*.iamport.kr'] },
  browserScript: fileURLToPath(new URL('./iamport.browser.js', import.meta.url)),
  sandboxCli: {
    modeHint: 'IAMPORT_MODE=sandbox',
    noticeStatus: true,
    noticeFaults: true,
    client: (config, { publicUrl }) => (config.mode === 'sandbox'
      ? new IamportSandboxClient(config.apiUrl, config.apiUrl === `${publicUrl}${SANDBOX_PREFIX}`, config.impCode, config.pg)
      : null),
  },
};

// `npm run sandbox:portone`: a standalone fake PortOne V2 on PORTONE_SANDBOX_PORT (default 3101), 127.0.0.1.
import pino from 'pino';
import { PORTONE_SANDBOX_DEFAULT_PORT, startPortOneSandboxServer } from './portone-sandbox-server.js';

const logger = pino({ name: 'portone-sandbox' });
const publicUrl = process.env.PUBLIC_URL?.replace(/\/+$/, '');
const env = (name: string) => process.env[name] || undefined;

const running = await startPortOneSandboxServer({
  port: Number(process.env.PORTONE_SANDBOX_PORT ?? PORTONE_SANDBOX_DEFAULT_PORT),
  host: process.env.PORTONE_SANDBOX_HOST ?? '127.0.0.1',
  apiSecret: env('PORTONE_API_SECRET'),
  storeId: env('PORTONE_STORE_ID'),
  channelKey: env('PORTONE_CHANNEL_KEY'),
  webhookSecret: env('PORTONE_WEBHOOK_SECRET'),
  webhookUrl: process.env.PORTONE_SANDBOX_WEBHOOK_URL ?? (publicUrl ? `${publicUrl}/api/payment/webhook/portone` : null),
  logger,
});

const { storeId, channelKey, webhookUrl } = running.sandbox.options;
logger.info({ url: running.url, storeId, channelKey, webhook: webhookUrl }, 'portone sandbox listening');
console.log(`PortOne V2 sandbox: ${running.url}  (API at the root, SDK: ${running.url}/sdk.js, control: ${running.url}/__sandbox/control)`);

const stop = () => void running.close().then(() => process.exit(0));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);

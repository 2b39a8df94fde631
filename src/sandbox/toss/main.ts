// `npm run sandbox -- --pg toss`: a standalone fake Toss Payments on TOSS_SANDBOX_PORT (default 3200), 127.0.0.1,
// its state kept in SANDBOX_STATE_FILE (default ./data/toss-sandbox.jsonl; `none` = memory only).
import pino from 'pino';
import { standaloneSandboxStateFile } from '../shared/sandbox-journal.js';
import { startTossSandboxServer } from './toss-sandbox-server.js';

const logger = pino({ name: 'toss-sandbox' });

const running = await startTossSandboxServer({
  port: Number(process.env.TOSS_SANDBOX_PORT ?? 3200),
  host: process.env.TOSS_SANDBOX_HOST ?? '127.0.0.1',
  secretKey: process.env.TOSS_SANDBOX_SECRET_KEY,
  clientKey: process.env.TOSS_SANDBOX_CLIENT_KEY,
  webhookUrl: process.env.TOSS_SANDBOX_WEBHOOK_URL ?? null,
  logger,
  stateFile: standaloneSandboxStateFile('toss'),
});

logger.info({ url: running.url, sdk: `${running.url}/sdk.js`, webhook: running.sandbox.options.webhookUrl }, 'toss sandbox listening');
console.log(`Toss sandbox: ${running.url}  (API: ${running.url}/v1, SDK: ${running.url}/sdk.js, control: ${running.url}/__sandbox/control, state: ${standaloneSandboxStateFile('toss') ?? 'memory only'})`);

const stop = () => void running.close().then(() => process.exit(0));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);

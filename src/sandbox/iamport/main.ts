// `npm run sandbox`: a standalone fake Iamport on SANDBOX_PORT (default 3100), 127.0.0.1, its state
// kept in SANDBOX_STATE_FILE (default ./data/iamport-sandbox.jsonl; `none` = memory only).
import pino from 'pino';
import { standaloneSandboxStateFile } from '../shared/sandbox-journal.js';
import { startSandboxServer } from './sandbox-server.js';

const logger = pino({ name: 'iamport-sandbox' });
const publicUrl = process.env.PUBLIC_URL?.replace(/\/+$/, '');

const running = await startSandboxServer({
  port: Number(process.env.SANDBOX_PORT ?? 3100),
  host: process.env.SANDBOX_HOST ?? '127.0.0.1',
  impKey: process.env.SANDBOX_IMP_KEY ?? process.env.IMP_KEY,
  impSecret: process.env.SANDBOX_IMP_SECRET ?? process.env.IMP_SECRET,
  impCode: process.env.SANDBOX_IMP_CODE ?? process.env.IMP_CODE,
  webhookUrl: process.env.SANDBOX_WEBHOOK_URL ?? (publicUrl ? `${publicUrl}/api/payment/webhook` : null),
  logger,
  stateFile: standaloneSandboxStateFile('iamport'),
});

logger.info({ url: running.url, sdk: `${running.url}/sdk.js`, webhook: running.sandbox.options.webhookUrl }, 'iamport sandbox listening');
console.log(`Iamport sandbox: ${running.url}  (SDK: ${running.url}/sdk.js, control: ${running.url}/__sandbox/control, state: ${standaloneSandboxStateFile('iamport') ?? 'memory only'})`);

const stop = () => void running.close().then(() => process.exit(0));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);

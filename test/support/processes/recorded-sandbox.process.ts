// The world outside memberpay for the scale-out tests, alone in a child process: the Iamport
// sandbox with every REST call recorded, and an SMTP sink keeping every mail. Both are other
// machines in production, so their CPU is not the instances'. A third port takes the test's
// questions (calls and mails counted, billing keys registered in bulk), so the sandbox's own
// routes see only what the app instances send. Stops when the parent closes stdin.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startRecordedSandbox } from '../sandbox-app';
import { startSmtpSink } from '../smtp-sink';

const SUCCESS_CARD = '4242-4242-4242-4242';

async function readJson(req: IncomingMessage): Promise<any> {
  let text = '';
  for await (const chunk of req) text += chunk;
  return text ? JSON.parse(text) : {};
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

try {
  const recorded = await startRecordedSandbox({ webhookUrl: process.env.SANDBOX_WEBHOOK_URL || null });
  const smtp = await startSmtpSink();
  /** Each mail's recipient and notice kind (X-Memberpay-Notice). */
  const mails = () => smtp.mails.map((m) => ({ to: m.to.map((to) => to.replace(/[<>]/g, '')).join(','), kind: /^X-Memberpay-Notice: (\S+)$/m.exec(m.data)?.[1] ?? '', at: m.at ?? 0 }));
  const control = createServer((req, res) => {
    void (async () => {
      if (req.method === 'POST' && req.url === '/customers') {
        const { uids } = (await readJson(req)) as { uids: string[] };
        for (const uid of uids) {
          const outcome = recorded.sandbox.state.registerCustomer(uid, SUCCESS_CARD, '2030-12', {}, 'html5_inicis');
          if (!outcome.ok) return reply(res, 409, { error: outcome.message });
        }
        return reply(res, 200, { registered: uids.length });
      }
      if (req.method === 'GET' && req.url === '/counts') {
        const mailsByKind: Record<string, number> = {};
        for (const mail of mails()) mailsByKind[mail.kind] = (mailsByKind[mail.kind] ?? 0) + 1;
        return reply(res, 200, { againMerchantUids: recorded.againCallsByMerchantUid().size, mailsByKind });
      }
      if (req.method === 'GET' && req.url === '/mails') return reply(res, 200, mails());
      if (req.method === 'GET' && req.url === '/calls') {
        const byRoute: Record<string, number> = {};
        for (const call of recorded.calls) {
          const route = `${call.method} ${call.path.replace(/^\/payments\/(find|findAll)\/.*/, '/payments/$1/:merchant_uid').replace(/^\/payments\/imp_\w+$/, '/payments/:imp_uid').replace(/^\/subscribe\/customers\/.*/, '/subscribe/customers/:customer_uid')}`;
          byRoute[route] = (byRoute[route] ?? 0) + 1;
        }
        const paid = [...recorded.sandbox.state.payments.values()].filter((r) => r.payment.status === 'paid').map((r) => r.payment.merchant_uid);
        return reply(res, 200, { byRoute, again: Object.fromEntries(recorded.againCallsByMerchantUid()), paidMerchantUids: paid });
      }
      return reply(res, 404, { error: 'unknown control route' });
    })().catch((error: Error) => reply(res, 500, { error: error.message }));
  });
  await new Promise<void>((resolve) => control.listen(0, '127.0.0.1', resolve));
  const controlUrl = `http://127.0.0.1:${(control.address() as AddressInfo).port}`;
  process.stdin.resume();
  process.stdin.on('end', () => {
    control.close();
    void Promise.all([recorded.close(), smtp.close()]).finally(() => process.exit(0));
  });
  process.stdout.write(`READY ${JSON.stringify({ url: recorded.url, control: controlUrl, smtp: smtp.url })}\n`);
} catch (error) {
  process.stderr.write(`sandbox process failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
}

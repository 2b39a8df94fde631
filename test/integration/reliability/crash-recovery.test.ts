import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { startSandboxServer, type SandboxServer } from '../../../src/sandbox/iamport/sandbox-server';
import { AppProcess, freePort } from '../../support/app-process';
import { SandboxGatewayDriver } from '../../support/gateway-drivers';

const ADMIN_TOKEN = 'crash-test-admin-token-0123456789';

/** A tiny cookie-keeping client for the child app. */
function client(base: string) {
  let cookie = '';
  return async (method: string, url: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(base + url, {
      method, headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(10_000),
    });
    const set = res.headers.getSetCookie();
    if (set.length > 0) cookie = set.map((c) => c.split(';')[0]).join('; ');
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
}

describe('crash recovery (a real process killed before commit)', function () {
  this.timeout(60_000);
  let sandbox: SandboxServer;
  let app: AppProcess;

  afterEach(async () => {
    await app?.stop();
    await sandbox?.close();
  });

  it('killed after the gateway said paid and before the commit: after a restart the reconciler makes it paid and active', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    // Notices dropped: only the reconciler may bring the truth in after the crash.
    sandbox = await startSandboxServer({ env: {}, webhookUrl: `${base}/api/payment/webhook`, faults: { webhook: { drop: 1 } } });
    const dir = mkdtempSync(path.join(tmpdir(), 'memberpay-crash-'));
    app = new AppProcess({
      PORT: String(port), PUBLIC_URL: base, DATABASE_URL: `sqlite:${path.join(dir, 'db.sqlite')}`, IAMPORT_API_URL: sandbox.url,
      ADMIN_TOKEN, SESSION_SECRET: 'crash-test-session-secret-0123456789',
    });
    await app.start({ MEMBERPAY_FAULT_POINTS: 'before-commit:PaymentPaid' });

    const call = client(base);
    expect((await call('POST', '/api/auth/signup', { email: 'crash@example.com', password: 'correct horse', name: 'Crash Kim' })).status).to.equal(201);
    const checkout = await call('POST', '/api/payment/checkout', { plan: 'monthly' });
    expect(checkout.status).to.equal(201);
    const gatewayPaymentId = await new SandboxGatewayDriver(sandbox.url).buyerPays({ merchantUid: checkout.body.merchant_uid, amount: checkout.body.amount });

    const validation = await call('POST', '/api/payment/validation', { imp_uid: gatewayPaymentId, merchant_uid: checkout.body.merchant_uid }).catch((e: Error) => e);
    expect(validation).to.be.instanceOf(Error); // the connection died with the process
    // tsx runs node in a child: the killed process shows as SIGKILL, or as its exit status 137 through the wrapper.
    expect(await app.waitForExit()).to.be.oneOf(['SIGKILL', 137]);

    await app.start();
    const before = await call('GET', '/api/payments');
    expect(before.body.payments[0]).to.include({ merchant_uid: checkout.body.merchant_uid, status: 'await' });
    const reconcile = await call('POST', '/api/admin/reconcile', {}, { authorization: `Bearer ${ADMIN_TOKEN}` });
    expect(reconcile.status).to.equal(200);
    expect(reconcile.body).to.include({ checked: 1, settled: 1 });
    const me = await call('GET', '/api/me');
    expect(me.body.payment_status).to.equal('on');
    expect(me.body.membership).to.include({ status: 'active', plan: 'monthly' });
    const after = await call('GET', '/api/payments');
    expect(after.body.payments[0]).to.include({ status: 'paid', imp_uid: gatewayPaymentId });
  });
});

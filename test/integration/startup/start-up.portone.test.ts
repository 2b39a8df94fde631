// `PAYMENT_GATEWAY=portone npm start` with no credentials: the registry starts the V2 sandbox on
// PORTONE_SANDBOX_PORT and mounts its browser stand-in on the app's port, and a membership sells.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { AppProcess, cookieClient, freePort } from '../../support/app-process';

const ROOT = path.resolve(import.meta.dirname, '../../..');

describe('start-up with PAYMENT_GATEWAY=portone (npm start)', function () {
  this.timeout(40_000);
  let app: AppProcess | null = null;

  afterEach(async () => {
    await app?.stop();
    app = null;
  });

  it('starts the V2 sandbox on PORTONE_SANDBOX_PORT with no credentials and sells a membership through its browser stand-in', async () => {
    const [port, sandboxPort] = [await freePort(), await freePort()];
    const base = `http://127.0.0.1:${port}`;
    const dir = mkdtempSync(path.join(tmpdir(), 'memberpay-portone-start-'));
    app = new AppProcess({
      PORT: String(port), PAYMENT_GATEWAY: 'portone', PORTONE_SANDBOX_PORT: String(sandboxPort), DATABASE_URL: `sqlite:${path.join(dir, 'memberpay.sqlite')}`,
    });
    await app.start();
    expect(app.output).to.include(`memberpay listening on ${base}`);
    expect(app.output).to.include('payments through the PortOne V2 sandbox (no credentials needed)');
    // The REST API answers V2's error object at the root of its own port.
    const rest = await fetch(`http://127.0.0.1:${sandboxPort}/payments/nothing`);
    expect(rest.status).to.equal(401);
    expect(await rest.json()).to.have.property('type');

    const call = cookieClient(base);
    expect((await call('GET', '/sandbox/portone/sdk.js')).text).to.include('PortOne');
    expect((await call('POST', '/api/auth/signup', { email: 'v2@example.test', password: 'correct horse', name: 'Kim' })).status).to.equal(201);
    const checkout = await call('POST', '/api/payment/checkout', { plan: 'monthly' });
    expect(checkout.status, checkout.text).to.equal(201);
    expect(checkout.body.gateway).to.equal('portone');
    const c = checkout.body.client;
    const window = await call('POST', '/sandbox/portone/__sandbox/window/submit', {
      transactionType: 'PAYMENT', card: 'success', action: 'pay',
      request: { storeId: c.store_id, channelKey: c.channel_key, paymentId: c.payment_id, orderName: c.order_name, totalAmount: c.total_amount, currency: c.currency, payMethod: c.pay_method },
    });
    expect(window.body.result.code, window.text).to.equal(undefined);
    const validated = await call('POST', '/api/payment/validation', { payment_id: window.body.result.paymentId });
    expect(validated.status, validated.text).to.equal(200);
    expect((await call('GET', '/api/me')).body.membership).to.include({ plan: 'monthly', status: 'active' });
  });

  it('`npm run sandbox -- --pg portone` serves the V2 sandbox alone on PORTONE_SANDBOX_PORT', async () => {
    const sandboxPort = await freePort();
    app = new AppProcess({ PORTONE_SANDBOX_PORT: String(sandboxPort) }, {
      command: process.execPath, args: ['--import', 'tsx', 'scripts/sandbox.ts', '--pg', 'portone'], cwd: ROOT, ready: 'PortOne V2 sandbox:',
    });
    await app.start();
    const rest = await fetch(`http://127.0.0.1:${sandboxPort}/payments/nothing`, { headers: { authorization: 'PortOne portone_sandbox_api_secret' } });
    expect(rest.status).to.equal(404);
    expect(await rest.json()).to.include({ type: 'PAYMENT_NOT_FOUND' });
  });

  it('stops with one line on a bad PORTONE_WEBHOOK_SECRET', async () => {
    app = new AppProcess({ PORT: String(await freePort()), PAYMENT_GATEWAY: 'portone', PORTONE_WEBHOOK_SECRET: 'not-a-secret', DATABASE_URL: 'sqlite::memory:' });
    let failure = '';
    await app.start().catch((error: Error) => { failure = error.message; });
    expect(failure).to.include('config error: PORTONE_WEBHOOK_SECRET must look like whsec_<base64>');
    expect(app.output.trim().split('\n')).to.have.length(1);
  });
});

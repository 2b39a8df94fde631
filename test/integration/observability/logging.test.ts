import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { Router } from '@koa/router';
import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../../src/config';
import { buildContainer } from '../../../src/app/container';
import { IDENTITY } from '../../../src/identity/identity.tokens';
import { ScryptPasswordHasher } from '../../../src/identity/infrastructure/scrypt-password-hasher';
import type { Logger } from '../../../src/shared/application/logger.port';
import { createHttpApp } from '../../../src/app/http-app';
import { LogNotifier } from '../../../src/shared/infrastructure/log-notifier';
import { createLogger } from '../../../src/shared/infrastructure/logger';
import { ApiClient } from '../../support/http-app';

const ADMIN_TOKEN = 'admin-token-for-logging-test-0123456789';
const PASSWORD = 'Sup3r-secret-passw0rd';
const IMP_SECRET = 'imp-secret-0f9e8d7c6b5a';
const CARD = '4242424242424242';
const SECRETS = [PASSWORD, ADMIN_TOKEN, IMP_SECRET, CARD];

describe('request logs', () => {
  let lines: string[];
  let server: Server;
  let url: string;
  let logger: Logger;

  before(async () => {
    lines = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(...String(chunk).split('\n').filter(Boolean));
        done();
      },
    });
    logger = createLogger('debug', sink);
    const config = loadConfig({ LOG_LEVEL: 'debug', ADMIN_TOKEN });
    const container = buildContainer(config, { logger, persistence: 'memory', gateway: 'memory' });
    container.rebind(IDENTITY.PasswordHasher).toConstantValue(new ScryptPasswordHasher({ N: 1024, r: 8, p: 1 }));
    // A careless handler that logs everything it was sent: the redaction, not the handler, must keep the secrets out.
    const careless = new Router();
    careless.post('/careless', (ctx) => {
      (ctx.state.logger as Logger).info({ headers: ctx.headers }, 'headers as received');
      ctx.status = 204;
    });
    const app = createHttpApp(container, { extraRouters: [careless] });
    server = createServer(app.callback());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('leaves no password, bearer token, imp_secret, card number or session cookie in any line, and tags each request line with the X-Request-Id answered', async () => {
    const client = new ApiClient(url);
    const signup = await client.post('/api/auth/signup', { email: 'logs@example.com', password: PASSWORD, name: 'Log Reader' });
    expect(signup.status).to.equal(201);
    const cookieValues = [...client.cookies.values()];
    const sessionCookie = client.cookies.get('memberpay.sid') ?? '';
    expect(sessionCookie).to.have.length.greaterThan(10);
    const responses = [signup];
    responses.push(await client.post('/api/auth/login', { email: 'logs@example.com', password: PASSWORD }));
    responses.push(await client.post('/api/auth/login', { email: 'logs@example.com', password: `${PASSWORD}-wrong` }));
    responses.push(await client.post('/api/payment/checkout', { plan: 'monthly', imp_secret: IMP_SECRET, card_number: CARD }, { Authorization: `Bearer ${ADMIN_TOKEN}` }));
    responses.push(await client.post('/api/admin/reconcile', {}, { Authorization: `Bearer ${ADMIN_TOKEN}` }));
    responses.push(await client.post('/api/admin/reconcile', {}, { Authorization: `Bearer ${ADMIN_TOKEN}x` }));
    responses.push(await client.request('POST', '/careless', { headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } }));
    responses.push(await client.post('/api/payment/webhook', { imp_uid: 'imp_1', merchant_uid: 'nope', status: 'paid', imp_secret: IMP_SECRET }));
    // Application code logging a request-shaped object goes through the same redaction.
    logger.info({ body: { password: PASSWORD, imp_secret: IMP_SECRET, card_number: CARD }, req: { headers: { authorization: `Bearer ${ADMIN_TOKEN}`, cookie: `memberpay.sid=${sessionCookie}` } } }, 'debug dump');

    expect(lines.length).to.be.greaterThan(responses.length);
    for (const line of lines) {
      for (const secret of [...SECRETS, ...cookieValues]) expect(line, line).not.to.include(secret);
    }
    expect(lines.join('\n')).to.include('[redacted]');

    const requestLines = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'request');
    expect(requestLines).to.have.length(responses.length);
    const answered = responses.map((r) => r.headers.get('x-request-id'));
    expect(requestLines.map((l) => l.requestId)).to.deep.equal(answered);
    for (const id of answered) expect(id).to.match(/^[0-9a-f-]{36}$/);
  });

  it('keeps a sane X-Request-Id the caller sent, in the header and the log line', async () => {
    const res = await new ApiClient(url).get('/api/plans', { 'X-Request-Id': 'trace-abc.123' });
    expect(res.headers.get('x-request-id')).to.equal('trace-abc.123');
    const line = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === 'request' && l.requestId === 'trace-abc.123');
    expect(line).to.include({ method: 'GET', path: '/api/plans', status: 200 });
  });
});

describe('LOG_FORMAT: JSON lines, or pino-pretty for a person', () => {
  const capture = () => {
    let text = '';
    const sink = new Writable({
      write(chunk, _encoding, done) {
        text += String(chunk);
        done();
      },
    });
    return { sink, text: () => text };
  };
  const notice = { kind: 'renewal_reminder' as const, to: 'kim@example.test', subject: 'Your membership renews soon', text: 'Your Monthly renews on 2027-01-06 for 9,900 KRW.\nCancel any time on the page.' };

  it('pretty: readable lines (time, level, message, fields), secrets still redacted', () => {
    const out = capture();
    createLogger('info', out.sink, 'pretty').info({ password: PASSWORD, user: { id: 'u1' } }, 'hello');
    expect(out.text()).to.match(/^\[\d{2}:\d{2}:\d{2}\.\d{3}\] INFO: hello\n/);
    expect(out.text()).to.include('password: "[redacted]"').and.not.to.include(PASSWORD);
    expect(() => JSON.parse(out.text())).to.throw();
  });

  it('the log notifier writes the whole message it stands in for: recipient, subject and body (JSON and pretty)', async () => {
    const json = capture();
    await new LogNotifier(createLogger('info', json.sink)).send(notice);
    expect(JSON.parse(json.text()).notice).to.deep.equal(notice);

    const pretty = capture();
    await new LogNotifier(createLogger('info', pretty.sink, 'pretty')).send(notice);
    expect(pretty.text()).to.include([
      '    notice: renewal_reminder',
      '      To: kim@example.test',
      '      Subject: Your membership renews soon',
      '    ',
      '      Your Monthly renews on 2027-01-06 for 9,900 KRW.',
      '      Cancel any time on the page.',
    ].join('\n'));
  });

  it('defaults to pretty when stdout is a terminal and to JSON otherwise; LOG_FORMAT decides when set; anything else stops start-up', () => {
    const descriptor = Object.getOwnPropertyDescriptor(process.stdout, 'isTTY');
    try {
      Object.defineProperty(process.stdout, 'isTTY', { value: true, configurable: true });
      expect(loadConfig({}).logFormat).to.equal('pretty');
      expect(loadConfig({ LOG_FORMAT: 'json' }).logFormat).to.equal('json');
      Object.defineProperty(process.stdout, 'isTTY', { value: undefined, configurable: true });
      expect(loadConfig({}).logFormat).to.equal('json');
      expect(loadConfig({ LOG_FORMAT: 'pretty' }).logFormat).to.equal('pretty');
    } finally {
      if (descriptor) Object.defineProperty(process.stdout, 'isTTY', descriptor);
      else delete (process.stdout as { isTTY?: boolean }).isTTY;
    }
    expect(() => loadConfig({ LOG_FORMAT: 'yaml' })).to.throw(ConfigError, /LOG_FORMAT must be one of \[json, pretty\]/);
  });
});

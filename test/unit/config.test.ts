import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../src/config';

const CONFIG_DIR = path.resolve(import.meta.dirname, '../../config');

function problem(env: Record<string, string>, configDir = CONFIG_DIR): string {
  try {
    loadConfig(env, configDir);
  } catch (error) {
    expect(error).to.be.instanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a configuration error');
}

describe('configuration', () => {
  it('runs with no environment at all: SQLite file and the in-process Iamport sandbox', () => {
    const config = loadConfig({}, CONFIG_DIR);
    expect(config.databaseUrl).to.equal('sqlite:./data/memberpay.sqlite');
    expect(config.iamport).to.include({ mode: 'sandbox', apiUrl: 'http://127.0.0.1:3000/sandbox/iamport', pg: 'html5_inicis', impCode: 'imp_sandbox' });
    expect(config.testClock).to.equal(true);
    expect(config.plans.map((p) => [p.id, p.amount, p.interval, p.intervalCount])).to.deep.equal([['monthly', 9900, 'month', 1], ['annual', 99000, 'year', 1]]);
    expect(config.dunningRetryAfterDays).to.deep.equal([1, 3, 5]);
  });

  it('live mode talks to Iamport and turns the test clock off', () => {
    const config = loadConfig({ IAMPORT_MODE: 'live', IMP_KEY: 'k', IMP_SECRET: 's', IMP_CODE: 'imp12345678', PUBLIC_URL: 'https://shop.example', SESSION_SECRET: 'x'.repeat(32) }, CONFIG_DIR);
    expect(config.iamport.apiUrl).to.equal('https://api.iamport.kr');
    expect(config.testClock).to.equal(false);
  });

  it('takes the three engines by DATABASE_URL: sqlite:, mysql:// and postgres:// (or postgresql://)', () => {
    for (const url of ['sqlite:./x.sqlite', 'mysql://root@127.0.0.1:3306/db', 'postgres://postgres@127.0.0.1:5432/db', 'postgresql://u:p@db.example:5432/memberpay']) {
      expect(loadConfig({ DATABASE_URL: url }, CONFIG_DIR).databaseUrl).to.equal(url);
    }
  });

  it('takes worker periods from WORKER_INTERVALS (milliseconds), and refuses anything else with one line', () => {
    expect(loadConfig({}, CONFIG_DIR).workerIntervalsMs).to.deep.equal({});
    expect(loadConfig({ WORKER_INTERVALS: 'relay=200,renewals=1000' }, CONFIG_DIR).workerIntervalsMs).to.deep.equal({ relay: 200, renewals: 1000 });
    for (const bad of ['relay=5', 'relay=0200', 'relay', 'mailer=100', 'relay=100,', 'relay=1s']) {
      expect(problem({ WORKER_INTERVALS: bad })).to.match(/^config error: WORKER_INTERVALS must be name=milliseconds pairs/);
    }
  });

  it('names the variable in one line', () => {
    expect(problem({ PORT: 'eighty' })).to.equal('config error: PORT must be a number');
    expect(problem({ DATABASE_URL: 'oracle://x' })).to.match(/^config error: DATABASE_URL must be sqlite:<path>, mysql:.* or postgres:/);
    expect(problem({ IAMPORT_MODE: 'production' })).to.match(/^config error: IAMPORT_MODE must be one of/);
    expect(problem({ IAMPORT_MODE: 'live' })).to.equal('config error: IMP_KEY is required when IAMPORT_MODE=live');
    expect(problem({ BUSINESS_TZ: 'Mars/Olympus' })).to.equal('config error: BUSINESS_TZ Mars/Olympus is not a known IANA time zone');
    expect(problem({ ADMIN_TOKEN: 'short' })).to.match(/^config error: ADMIN_TOKEN length must be at least 16/);
    for (const message of [problem({ PORT: 'eighty' }), problem({ IAMPORT_MODE: 'live' })]) expect(message).not.to.include('\n');
  });

  it('sends SMS through the provider at SMS_URL (with SMS_API_KEY) or, unset, logs them; a bad value is one line', () => {
    expect(loadConfig({}, CONFIG_DIR).sms).to.equal(null);
    expect(loadConfig({ SMS_URL: 'https://sms.example/send', SMS_API_KEY: 'key-0123456789' }, CONFIG_DIR).sms).to.deep.equal({ url: 'https://sms.example/send', apiKey: 'key-0123456789' });
    expect(loadConfig({ SMS_URL: 'http://127.0.0.1:3999/send' }, CONFIG_DIR).sms).to.deep.equal({ url: 'http://127.0.0.1:3999/send', apiKey: null });
    for (const bad of ['sms.example/send', 'ftp://sms.example/send', 'not a url']) {
      expect(problem({ SMS_URL: bad }), bad).to.equal('config error: SMS_URL must be an http:// or https:// URL such as https://sms.example/send');
    }
    expect(problem({ SMS_API_KEY: 'key-0123456789' })).to.equal('config error: SMS_URL is required when SMS_API_KEY is set');
    expect(problem({ SMS_URL: 'https://sms.example/send', SMS_API_KEY: 'short' })).to.match(/^config error: SMS_API_KEY length must be at least 8/);
  });

  it('refuses an invalid refund policy file with a clear line', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'memberpay-config-'));
    cpSync(CONFIG_DIR, dir, { recursive: true });
    writeFileSync(path.join(dir, 'refund-policy.json'), JSON.stringify({ rules: [{ id: 'x', type: 'pro_rata_unused_days', fee_percent: 150 }] }));
    expect(problem({}, dir)).to.equal('config error: config/refund-policy.json rules.0.fee_percent must be less than or equal to 100');
    writeFileSync(path.join(dir, 'refund-policy.json'), JSON.stringify({ rules: [{ id: 'refunded_by_earlier_cancel', type: 'none' }] }));
    expect(problem({}, dir)).to.equal('config error: config/refund-policy.json rules.0.id contains an invalid value');
    writeFileSync(path.join(dir, 'refund-policy.json'), '{ not json');
    expect(problem({}, dir)).to.match(/^config error: config\/refund-policy.json cannot be read as JSON/);
  });

  it('refuses a refund rule that can never apply (the plan page would disclose terms the quote never uses)', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'memberpay-config-'));
    cpSync(CONFIG_DIR, dir, { recursive: true });
    const full = { id: 'withdrawal_period', type: 'full', within_days_of_payment: 7 };
    const proRata = { id: 'pro_rata_less_fee', type: 'pro_rata_unused_days', fee_percent: 10 };
    const none = { id: 'period_ended', type: 'none' };
    writeFileSync(path.join(dir, 'refund-policy.json'), JSON.stringify({ rules: [full, none, proRata] }));
    expect(problem({}, dir)).to.equal('config error: config/refund-policy.json rules.2 (pro_rata_less_fee) never applies: rule period_ended before it always does');
    writeFileSync(path.join(dir, 'refund-policy.json'), JSON.stringify({ rules: [proRata, full, none] }));
    expect(problem({}, dir)).to.equal('config error: config/refund-policy.json rules.1 (withdrawal_period) never applies: rule pro_rata_less_fee before it applies for the whole period');
    writeFileSync(path.join(dir, 'refund-policy.json'), JSON.stringify({ rules: [full, proRata, none] }));
    expect(loadConfig({}, dir).refundPolicy.rules.map((r) => r.id)).to.deep.equal(['withdrawal_period', 'pro_rata_less_fee', 'period_ended']);
  });

  it('reads each plan\'s fee after the withdrawal window, and refuses a fee for a plan that does not exist or above 100%', () => {
    expect(loadConfig({}).refundPolicy.feePercentByPlan).to.deep.equal({ monthly: 0, annual: 10 });
    const dir = mkdtempSync(path.join(tmpdir(), 'memberpay-config-'));
    cpSync(CONFIG_DIR, dir, { recursive: true });
    const rules = [{ id: 'withdrawal_period', type: 'full', within_days_of_payment: 7 }, { id: 'pro_rata_less_fee', type: 'pro_rata_unused_days', fee_percent: 10 }];
    writeFileSync(path.join(dir, 'refund-policy.json'), JSON.stringify({ rules, fee_percent_by_plan: { weekly: 5 } }));
    expect(problem({}, dir)).to.equal('config error: config/refund-policy.json fee_percent_by_plan.weekly names no plan of config/plans.json');
    writeFileSync(path.join(dir, 'refund-policy.json'), JSON.stringify({ rules, fee_percent_by_plan: { monthly: 101 } }));
    expect(problem({}, dir)).to.equal('config error: config/refund-policy.json fee_percent_by_plan.monthly must be less than or equal to 100');
  });

  it('refuses a plan priced in anything but whole KRW', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'memberpay-config-'));
    cpSync(CONFIG_DIR, dir, { recursive: true });
    writeFileSync(path.join(dir, 'plans.json'), JSON.stringify({ plans: [{ id: 'monthly', name: { ko: '월간', en: 'M' }, amount: 99.5, currency: 'KRW', interval: 'month', interval_count: 1 }] }));
    expect(problem({}, dir)).to.equal('config error: config/plans.json plans.0.amount must be an integer');
  });

  it('reads plan names in Korean and English, and refuses a plan named in one language only', () => {
    expect(loadConfig({}, CONFIG_DIR).plans.map((p) => p.names)).to.deep.equal([
      { ko: '월간 멤버십', en: 'Monthly membership' }, { ko: '연간 멤버십', en: 'Annual membership' },
    ]);
    const dir = mkdtempSync(path.join(tmpdir(), 'memberpay-config-'));
    cpSync(CONFIG_DIR, dir, { recursive: true });
    writeFileSync(path.join(dir, 'plans.json'), JSON.stringify({ plans: [{ id: 'monthly', name: 'Monthly', amount: 9900, currency: 'KRW', interval: 'month', interval_count: 1 }] }));
    expect(problem({}, dir)).to.equal('config error: config/plans.json plans.0.name must be of type object');
  });

  it('reads the merchant a receipt names from config/merchant.json, and refuses a malformed one with a clear line', () => {
    expect(loadConfig({}, CONFIG_DIR).merchant).to.include({ businessRegistrationNumber: '123-45-67890' });
    expect(loadConfig({}, CONFIG_DIR).merchant.name.ko).to.be.a('string').and.not.equal('');
    const dir = mkdtempSync(path.join(tmpdir(), 'memberpay-config-'));
    cpSync(CONFIG_DIR, dir, { recursive: true });
    const merchant = JSON.parse(readFileSync(path.join(CONFIG_DIR, 'merchant.json'), 'utf8'));
    writeFileSync(path.join(dir, 'merchant.json'), JSON.stringify({ ...merchant, business_registration_number: '1234567890' }));
    expect(problem({}, dir)).to.equal('config error: config/merchant.json business_registration_number must look like 123-45-67890');
    rmSync(path.join(dir, 'merchant.json'));
    expect(problem({}, dir)).to.match(/^config error: config\/merchant.json cannot be read as JSON/);
  });

  it('PAYMENT_GATEWAY=portone: the V2 sandbox on PORTONE_SANDBOX_PORT (3101) with no credentials; live insists on them, each named in one line', () => {
    const sandbox = loadConfig({ PAYMENT_GATEWAY: 'portone' }, CONFIG_DIR);
    expect(sandbox.paymentGateway).to.equal('portone');
    expect(sandbox.pgSandbox).to.equal(true);
    expect(sandbox.portone).to.include({ mode: 'sandbox', sandboxPort: 3101, apiUrl: 'http://127.0.0.1:3101' });
    expect(sandbox.portone.webhookSecret).to.match(/^whsec_/);
    expect(loadConfig({ PAYMENT_GATEWAY: 'portone', PORTONE_SANDBOX_PORT: '4101' }, CONFIG_DIR).portone.apiUrl).to.equal('http://127.0.0.1:4101');

    const live = {
      PAYMENT_GATEWAY: 'portone', PORTONE_MODE: 'live', PORTONE_API_SECRET: 'secret', PORTONE_STORE_ID: 'store-1234', PORTONE_CHANNEL_KEY: 'channel-key-1234',
      PORTONE_WEBHOOK_SECRET: 'whsec_c2VjcmV0', PUBLIC_URL: 'https://shop.example', SESSION_SECRET: 'x'.repeat(32),
    };
    const config = loadConfig(live, CONFIG_DIR);
    expect(config.portone.apiUrl).to.equal('https://api.portone.io');
    expect([config.pgSandbox, config.testClock, config.host]).to.deep.equal([false, false, '0.0.0.0']);
    const { PORTONE_WEBHOOK_SECRET: _unset, ...noWebhookSecret } = live;
    expect(problem(noWebhookSecret)).to.equal('config error: PORTONE_WEBHOOK_SECRET is required when PAYMENT_GATEWAY=portone and PORTONE_MODE=live');
    expect(problem({ ...live, PORTONE_STORE_ID: 'shop' })).to.equal('config error: PORTONE_STORE_ID must look like store-<uuid>');
    expect(problem({ PAYMENT_GATEWAY: 'paypal' })).to.equal('config error: PAYMENT_GATEWAY must be one of [iamport, toss, portone]');
    // Another PG's live mode does not ask for V2 credentials.
    expect(loadConfig({ PORTONE_MODE: 'live' }, CONFIG_DIR).paymentGateway).to.equal('iamport');
  });
});

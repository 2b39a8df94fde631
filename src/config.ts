import { readFileSync } from 'node:fs';
import path from 'node:path';
import Joi from 'joi';
import type { Merchant } from './billing/application/member-notices';
import type { Plan } from './pricing/domain/plan';
import { REFUNDED_BY_EARLIER_CANCEL, type RefundPolicy, type RefundRule } from './membership/domain/refund-policy';
import { ConfigError, firstProblem, requireEnv } from './config-error';
import { DEFAULT_GATEWAY, GATEWAY_NAMES, activeGateway, type GatewayConfigs, type RegisteredGatewayName, readGatewayConfigs } from './payment/infrastructure/gateways.registry';

export { ConfigError } from './config-error';


/** The core's settings, and each registered PG's own (`config.<gateway>`, read by its module). */
export interface AppConfig extends GatewayConfigs {
  port: number;
  /** The address the server binds: loopback by default while the PG is a sandbox, every interface in live mode. */
  host: string;
  /** Reverse proxies in front of us: the client is the N-th address from the right of X-Forwarded-For (0: headers ignored). */
  trustProxyHops: number;
  /** Bearer token for `/metrics`; null leaves it open (put it behind your network policy). */
  metricsToken: string | null;
  databaseUrl: string;
  /** How long a request waits for a free database connection before it answers 503 (DATABASE_ACQUIRE_TIMEOUT_MS). */
  databaseAcquireTimeoutMs: number;
  publicUrl: string;
  sessionSecret: string;
  businessTz: string;
  reminderDays: number;
  smtpUrl: string | null;
  mailFrom: string;
  /** The HTTP SMS provider (SMS_URL, SMS_API_KEY); null: texts are logged, not sent. */
  sms: { url: string; apiKey: string | null } | null;
  adminToken: string | null;
  /** Addresses allowed to post PG notices; empty = any (the notice is only a hint, re-fetched anyway). */
  webhookAllowIps: string[];
  testClock: boolean;
  gatewayTimeoutMs: number;
  paymentTtlMin: number;
  migrateOnStart: boolean;
  logLevel: string;
  /** json lines, or pino-pretty's readable ones (the default when stdout is a terminal). */
  logFormat: 'json' | 'pretty';
  /** Which PG takes the payments (a name in gateways.registry.ts). */
  paymentGateway: RegisteredGatewayName;
  /** The configured PG is a sandbox: no real money moves. */
  pgSandbox: boolean;
  plans: Plan[];
  /** config/merchant.json: the seller a receipt names. */
  merchant: Merchant;
  /** config/refund-policy.json: the rules, and each plan's fee after the withdrawal window. */
  refundPolicy: RefundPolicy;
  dunningRetryAfterDays: number[];
  renewalBatchSize: number;
  renewalConcurrency: number;
  /** A consent request opens this many days before a higher charge (CONSENT_WINDOW_DAYS; the law allows 30 at most). */
  consentWindowDays: number;
  /** The notice before a trial turns paid goes out this many days before (TRIAL_NOTICE_DAYS; the card rules ask 7 or more). */
  trialNoticeDays: number;
  /** WORKER_INTERVALS overrides of the workers' periods (ms); unset ones keep their defaults. */
  workerIntervalsMs: Partial<Record<WorkerName, number>>;
}

export type WorkerName = 'relay' | 'reconcile' | 'renewals' | 'housekeeping';

const onOff = Joi.string().valid('on', 'off', 'true', 'false', '1', '0');

const envSchema = Joi.object({
  PORT: Joi.number().integer().min(0).max(65535).default(3000),
  HOST: Joi.string().hostname(),
  TRUST_PROXY_HOPS: Joi.number().integer().min(0).max(10).default(0),
  METRICS_TOKEN: Joi.string().min(16),
  DATABASE_URL: Joi.string().pattern(/^(sqlite:.+|mysql2?:\/\/.+|postgres(ql)?:\/\/.+)$/).default('sqlite:./data/memberpay.sqlite')
    .messages({ 'string.pattern.base': 'must be sqlite:<path>, mysql://user:pass@host:port/db or postgres://user:pass@host:port/db' }),
  PAYMENT_GATEWAY: Joi.string().valid(...GATEWAY_NAMES).default(DEFAULT_GATEWAY),
  PUBLIC_URL: Joi.string().uri({ scheme: ['http', 'https'] }),
  SESSION_SECRET: Joi.string().min(16),
  BUSINESS_TZ: Joi.string().default('Asia/Seoul'),
  REMINDER_DAYS: Joi.number().integer().min(0).max(60).default(3),
  CONSENT_WINDOW_DAYS: Joi.number().integer().min(2).max(30).default(30),
  TRIAL_NOTICE_DAYS: Joi.number().integer().min(7).max(30).default(7),
  SMTP_URL: Joi.string().uri({ scheme: ['smtp', 'smtps'] }),
  MAIL_FROM: Joi.string().email().default('memberpay@localhost.localdomain'),
  SMS_URL: Joi.string().uri({ scheme: ['http', 'https'] })
    .messages({ 'string.uri': 'must be an http:// or https:// URL such as https://sms.example/send', 'string.uriCustomScheme': 'must be an http:// or https:// URL such as https://sms.example/send' }),
  SMS_API_KEY: Joi.string().min(8),
  ADMIN_TOKEN: Joi.string().min(16),
  WEBHOOK_ALLOW_IPS: Joi.string().pattern(/^[0-9a-fA-F.:]+(,[0-9a-fA-F.:]+)*$/).messages({ 'string.pattern.base': 'must be a comma-separated list of IP addresses' }),
  TEST_CLOCK: onOff,
  GATEWAY_TIMEOUT_MS: Joi.number().integer().min(100).max(60000).default(10000),
  DATABASE_ACQUIRE_TIMEOUT_MS: Joi.number().integer().min(100).max(60000).default(10000),
  PAYMENT_TTL_MIN: Joi.number().integer().min(1).max(10080).default(30),
  MIGRATE_ON_START: onOff.default('on'),
  LOG_LEVEL: Joi.string().valid('fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent').default('info'),
  LOG_FORMAT: Joi.string().valid('json', 'pretty'),
  WORKER_INTERVALS: Joi.string().pattern(/^(relay|reconcile|renewals|housekeeping)=[1-9]\d+(,(relay|reconcile|renewals|housekeeping)=[1-9]\d+)*$/)
    .messages({ 'string.pattern.base': 'must be name=milliseconds pairs such as relay=1000,renewals=5000 (relay, reconcile, renewals, housekeeping; 10 ms or more)' }),
}).unknown(true);

const planSchema = Joi.object({
  plans: Joi.array().min(1).unique('id').items(Joi.object({
    id: Joi.string().pattern(/^[a-z0-9_-]+$/).required(),
    name: Joi.object({ ko: Joi.string().max(40).required(), en: Joi.string().max(40).required() }).required(),
    amount: Joi.number().integer().min(100).required(),
    currency: Joi.string().valid('KRW').required(),
    interval: Joi.string().valid('month', 'year').required(),
    interval_count: Joi.number().integer().min(1).max(36).required(),
    trial_days: Joi.number().integer().min(0).max(90),
  })).required(),
});

const localizedText = (max: number) => Joi.object({ ko: Joi.string().max(max).required(), en: Joi.string().max(max).required() });

const merchantSchema = Joi.object({
  name: localizedText(100).required(),
  business_registration_number: Joi.string().pattern(/^\d{3}-\d{2}-\d{5}$/).required().messages({ 'string.pattern.base': 'must look like 123-45-67890' }),
  representative: localizedText(100).required(),
  address: localizedText(200).required(),
  phone: Joi.string().max(40).required(),
  email: Joi.string().email({ tlds: { allow: false } }).required(),
});

const refundPolicySchema = Joi.object({
  rules: Joi.array().min(1).items(Joi.object({
    // The quote's own rule for a purchase the member's cancel already refunded: a config rule of that id would be explained as it.
    id: Joi.string().invalid(REFUNDED_BY_EARLIER_CANCEL).required(),
    type: Joi.string().valid('full', 'pro_rata_unused_days', 'none').required(),
    within_days_of_payment: Joi.number().integer().min(0).max(365).when('type', { is: 'full', then: Joi.required(), otherwise: Joi.forbidden() }),
    fee_percent: Joi.number().integer().min(0).max(100).when('type', { is: 'pro_rata_unused_days', then: Joi.required(), otherwise: Joi.forbidden() }),
  })).required(),
  // Each plan's fee after the withdrawal window, disclosed on the plan (GET /api/plans) before purchase.
  fee_percent_by_plan: Joi.object().pattern(/^[a-z0-9_-]+$/, Joi.number().integer().min(0).max(100)).default({}),
});

const billingSchema = Joi.object({
  dunning: Joi.object({ retry_after_days: Joi.array().items(Joi.number().integer().min(1).max(60)).max(10).required() }).required(),
  renewal: Joi.object({ batch_size: Joi.number().integer().min(1).max(10000), concurrency: Joi.number().integer().min(1).max(64) }),
});

function readJson(configDir: string, file: string, schema: Joi.ObjectSchema): any {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path.join(configDir, file), 'utf8'));
  } catch (error) {
    throw new ConfigError(`config error: config/${file} cannot be read as JSON (${(error as Error).message.split('\n')[0]})`);
  }
  const { value, error } = schema.validate(raw, { abortEarly: true });
  if (error) throw firstProblem(error, `config/${file}`);
  return value;
}

/**
 * The quote takes the first rule that applies, while the plan page discloses the first full and the
 * first pro-rata rule wherever they stand: a rule that can never apply would be disclosed but never
 * used. A `none` rule always applies; a pro-rata rule applies until the period ends, when a full one
 * no longer can.
 */
function refuseUnreachableRules(rules: RefundRule[]): void {
  rules.forEach((rule, i) => {
    const shadow = rules.slice(0, i).find((before) => before.type === 'none' || (before.type === 'pro_rata_unused_days' && rule.type === 'full'));
    if (!shadow) return;
    const why = shadow.type === 'none' ? 'always does' : 'applies for the whole period';
    throw new ConfigError(`config error: config/refund-policy.json rules.${i} (${rule.id}) never applies: rule ${shadow.id} before it ${why}`);
  });
}

const truthy = (value: string) => ['on', 'true', '1'].includes(value);

export function loadConfig(env: NodeJS.ProcessEnv = process.env, configDir = path.resolve(import.meta.dirname, '..', 'config')): AppConfig {
  const { value: e, error } = envSchema.validate(env, { abortEarly: true, convert: true });
  if (error) throw firstProblem(error, 'env');

  const paymentGateway: RegisteredGatewayName = e.PAYMENT_GATEWAY;
  try {
    new Intl.DateTimeFormat('en', { timeZone: e.BUSINESS_TZ });
  } catch {
    throw new ConfigError(`config error: BUSINESS_TZ ${e.BUSINESS_TZ} is not a known IANA time zone`);
  }
  if (e.SMS_API_KEY) requireEnv(e, ['SMS_URL'], 'SMS_API_KEY is set');
  const port: number = e.PORT;
  const publicUrl: string = (e.PUBLIC_URL ?? `http://127.0.0.1:${port}`).replace(/\/$/, '');
  const gateways = readGatewayConfigs(env, publicUrl, paymentGateway);
  const testMode = activeGateway({ ...gateways, paymentGateway }).isSandbox;
  const plans = readJson(configDir, 'plans.json', planSchema).plans.map((p: any): Plan => ({
    id: p.id, names: { ko: p.name.ko, en: p.name.en }, amount: p.amount, currency: p.currency, interval: p.interval, intervalCount: p.interval_count,
    ...(p.trial_days ? { trialDays: p.trial_days } : {}),
  }));
  const policyFile = readJson(configDir, 'refund-policy.json', refundPolicySchema);
  const refundRules = policyFile.rules.map((r: any): RefundRule => {
    if (r.type === 'full') return { id: r.id, type: 'full', withinDaysOfPayment: r.within_days_of_payment };
    if (r.type === 'pro_rata_unused_days') return { id: r.id, type: 'pro_rata_unused_days', feePercent: r.fee_percent };
    return { id: r.id, type: 'none' };
  });
  refuseUnreachableRules(refundRules);
  const unknownPlan = Object.keys(policyFile.fee_percent_by_plan).find((id) => !plans.some((p: Plan) => p.id === id));
  if (unknownPlan) throw new ConfigError(`config error: config/refund-policy.json fee_percent_by_plan.${unknownPlan} names no plan of config/plans.json`);
  const refundPolicy: RefundPolicy = { rules: refundRules, feePercentByPlan: policyFile.fee_percent_by_plan };
  const billing = readJson(configDir, 'billing.json', billingSchema);
  const m = readJson(configDir, 'merchant.json', merchantSchema);
  const merchant: Merchant = {
    name: m.name, businessRegistrationNumber: m.business_registration_number, representative: m.representative, address: m.address, phone: m.phone, email: m.email,
  };

  return {
    ...gateways,
    port,
    host: e.HOST ?? (testMode ? '127.0.0.1' : '0.0.0.0'),
    trustProxyHops: e.TRUST_PROXY_HOPS,
    metricsToken: e.METRICS_TOKEN ?? null,
    databaseUrl: e.DATABASE_URL,
    databaseAcquireTimeoutMs: e.DATABASE_ACQUIRE_TIMEOUT_MS,
    publicUrl,
    // A sandbox without a configured secret gets a random one: sessions then end with the process, which is fine for a demo.
    sessionSecret: e.SESSION_SECRET ?? cryptoRandom(),
    businessTz: e.BUSINESS_TZ,
    reminderDays: e.REMINDER_DAYS,
    smtpUrl: e.SMTP_URL ?? null,
    mailFrom: e.MAIL_FROM,
    sms: e.SMS_URL ? { url: e.SMS_URL, apiKey: e.SMS_API_KEY ?? null } : null,
    adminToken: e.ADMIN_TOKEN ?? null,
    webhookAllowIps: e.WEBHOOK_ALLOW_IPS ? e.WEBHOOK_ALLOW_IPS.split(',') : [],
    testClock: e.TEST_CLOCK === undefined ? testMode : truthy(e.TEST_CLOCK),
    gatewayTimeoutMs: e.GATEWAY_TIMEOUT_MS,
    paymentTtlMin: e.PAYMENT_TTL_MIN,
    migrateOnStart: truthy(e.MIGRATE_ON_START),
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT ?? (process.stdout.isTTY ? 'pretty' : 'json'),
    paymentGateway,
    pgSandbox: testMode,
    plans,
    merchant,
    refundPolicy,
    dunningRetryAfterDays: billing.dunning.retry_after_days,
    renewalBatchSize: billing.renewal?.batch_size ?? 100,
    renewalConcurrency: billing.renewal?.concurrency ?? 8,
    consentWindowDays: e.CONSENT_WINDOW_DAYS,
    trialNoticeDays: e.TRIAL_NOTICE_DAYS,
    workerIntervalsMs: Object.fromEntries((e.WORKER_INTERVALS ?? '').split(',').filter(Boolean).map((pair: string) => {
      const [name, ms] = pair.split('=');
      return [name, Number(ms)];
    })),
  };
}

function cryptoRandom(): string {
  return globalThis.crypto.randomUUID() + globalThis.crypto.randomUUID();
}

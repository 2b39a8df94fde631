import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Container } from 'inversify';
import { type AppConfig, loadConfig } from '../../src/config';
import { MemorySms } from '../../src/shared/infrastructure/memory/memory-sms';
import { buildContainer } from '../../src/app/container';
import { IDENTITY } from '../../src/identity/identity.tokens';
import { ScryptPasswordHasher } from '../../src/identity/infrastructure/scrypt-password-hasher';
import type { MembershipRepository } from '../../src/membership/application/membership-repository.port';
import { MEMBERSHIP } from '../../src/membership/membership.tokens';
import type { PaymentRepository } from '../../src/payment/application/payment-repository.port';
import type { MemoryPaymentGateway } from '../../src/payment/infrastructure/memory/memory-payment.gateway';
import { PAYMENT } from '../../src/payment/payment.tokens';
import { createHttpApp, type HttpAppOptions } from '../../src/app/http-app';
import type { EventBus, Outbox } from '../../src/shared/application/event-bus.port';
import { MemoryNotifier } from '../../src/shared/infrastructure/memory/memory-notifier';
import { OutboxRelay } from '../../src/shared/infrastructure/outbox-relay';
import type { ControllableClock } from '../../src/shared/infrastructure/controllable-clock';
import { silentLogger } from '../../src/shared/infrastructure/logger';
import { SHARED } from '../../src/shared/shared.tokens';
import type { Logger } from '../../src/shared/application/logger.port';
import { createServerTestDatabase, createSqliteTestDatabase, takeServerTestDatabase, type TestDatabase } from './database';
import { memoryApp, TEST_NOW } from './memory-container';

/** Which adapters the app runs on: in-memory, or Knex on SQLite, MariaDB or PostgreSQL (the gateway is the in-memory one in every case). */
export type HttpPersistence = 'memory' | 'sqlite' | 'mariadb' | 'postgres';

/** What the suites reach behind the HTTP edge. */
export interface HarnessParts {
  container: Container;
  clock: ControllableClock;
  gateway: MemoryPaymentGateway;
  payments: PaymentRepository;
  memberships: MembershipRepository;
  /** Every notice and e-mail the app sent. */
  notifier: MemoryNotifier;
  /** Every text message the app sent (unless SMS_URL names a provider: then the app posts them there). */
  sms: MemorySms;
}

async function knexParts(database: TestDatabase, env: Record<string, string>, adjust: (config: AppConfig) => AppConfig, logger: Logger): Promise<HarnessParts> {
  const config = adjust(loadConfig({ LOG_LEVEL: 'silent', ...env }));
  const container = buildContainer(config, { logger, persistence: 'knex', gateway: 'memory', database: database.database });
  const notifier = new MemoryNotifier();
  container.rebind(SHARED.Notifier).toConstantValue(notifier);
  const sms = new MemorySms();
  // With SMS_URL the configured HTTP adapter stays (its test reads the provider sandbox; `sms` then stays empty).
  if (!config.sms) container.rebind(SHARED.Sms).toConstantValue(sms);
  const clock = container.get<ControllableClock>(SHARED.Clock);
  clock.freezeAt(TEST_NOW);
  container.get(SHARED.EventBus); // activates the subscriptions
  return {
    container, clock, notifier, sms,
    gateway: container.get<MemoryPaymentGateway>(PAYMENT.PaymentGateway),
    payments: container.get<PaymentRepository>(PAYMENT.PaymentRepository),
    memberships: container.get<MembershipRepository>(MEMBERSHIP.MembershipRepository),
  };
}

export interface HttpHarnessOptions {
  persistence?: HttpPersistence;
  env?: Record<string, string>;
  /** Changes what the config files say (e.g. a plan with a free trial). */
  adjust?: (config: AppConfig) => AppConfig;
  app?: HttpAppOptions;
  /** A database of its own with this pool (Knex persistence): MariaDB / PostgreSQL connections at most, the wait for one. */
  pool?: { max?: number; acquireTimeoutMs: number };
  /** Where the app logs (Knex persistence; silent by default). */
  logger?: Logger;
}

export interface HttpHarness {
  url: string;
  /** The container and its parts (clock, gateway, repositories). */
  parts: HarnessParts;
  container: Container;
  client(ip?: string): ApiClient;
  /** One pass of the outbox relay, as the workers run it (without its minimum age): mails a purchase's receipt, for one. */
  relay(): Promise<number>;
  close(): Promise<void>;
}

/** Scrypt at the production cost takes ~100 ms a hash; the suites hash hundreds of passwords. */
const CHEAP_SCRYPT = { N: 1024, r: 8, p: 1 };

/** The real Koa app over real HTTP on 127.0.0.1 (ephemeral port), built from the container. */
export async function startHttpHarness(options: HttpHarnessOptions = {}): Promise<HttpHarness> {
  const persistence = options.persistence ?? 'memory';
  let database: TestDatabase | null = null;
  let parts: HarnessParts;
  // One proxy hop: the suites play several client addresses through X-Forwarded-For.
  const env = { TRUST_PROXY_HOPS: '1', ...options.env };
  if (persistence === 'memory') {
    parts = memoryApp(env, options.adjust);
  } else {
    const pool = options.pool;
    if (persistence === 'sqlite') database = await createSqliteTestDatabase({ acquireTimeoutMs: pool?.acquireTimeoutMs });
    else database = pool ? await createServerTestDatabase(persistence, pool.max, { acquireTimeoutMs: pool.acquireTimeoutMs }) : await takeServerTestDatabase(persistence);
    parts = await knexParts(database, env, options.adjust ?? ((config) => config), options.logger ?? silentLogger());
  }
  parts.container.rebind(IDENTITY.PasswordHasher).toConstantValue(new ScryptPasswordHasher(CHEAP_SCRYPT));
  const app = createHttpApp(parts.container, options.app);
  const server: Server = createServer(app.callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    parts,
    container: parts.container,
    client: (ip?: string) => new ApiClient(url, ip),
    relay: () => new OutboxRelay(parts.container.get<Outbox>(SHARED.Outbox), parts.container.get<EventBus>(SHARED.EventBus), parts.clock, { minAgeMs: 0 }).runOnce(),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await database?.drop();
    },
  };
}

export interface ApiResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON, or null for an empty or non-JSON body. */
  body: any;
  text: string;
}

export interface RequestOptions {
  json?: unknown;
  form?: Record<string, string>;
  /** Sent as is, with `contentType`. */
  raw?: string | Buffer;
  contentType?: string;
  headers?: Record<string, string>;
}

let emailCount = 0;
export function uniqueEmail(prefix = 'buyer'): string {
  emailCount += 1;
  return `${prefix}${emailCount}_${process.pid}@example.com`;
}

/** A browser stand-in: keeps cookies (the session), and can speak from a given address. */
export class ApiClient {
  readonly cookies = new Map<string, string>();

  constructor(readonly baseUrl: string, readonly ip?: string) {}

  /** Where the next request goes: always `baseUrl` here; a client spread over several instances picks one. */
  protected target(): string {
    return this.baseUrl;
  }

  async request(method: string, path: string, options: RequestOptions = {}): Promise<ApiResponse> {
    const headers: Record<string, string> = { ...options.headers };
    if (this.ip) headers['X-Forwarded-For'] = this.ip;
    if (this.cookies.size) headers.Cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    let body: string | Buffer | undefined;
    if (options.json !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(options.json);
    } else if (options.form) {
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(options.form).toString();
    } else if (options.raw !== undefined) {
      headers['Content-Type'] = options.contentType ?? 'application/json';
      body = options.raw;
    }
    const res = await fetch(this.target() + path, { method, headers, body: body as BodyInit | undefined, redirect: 'manual' });
    for (const cookie of res.headers.getSetCookie()) {
      const [pair, ...attributes] = cookie.split(';').map((s) => s.trim());
      const [name, ...rest] = pair.split('=');
      const value = rest.join('=');
      const expired = attributes.some((a) => /^expires=/i.test(a) && new Date(a.slice(8)).getTime() < Date.now());
      if (!value || expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const text = await res.text();
    let parsed: unknown = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = null;
    }
    return { status: res.status, headers: res.headers, body: parsed, text };
  }

  get(path: string, headers?: Record<string, string>) {
    return this.request('GET', path, { headers });
  }

  post(path: string, json?: unknown, headers?: Record<string, string>) {
    return this.request('POST', path, { json: json ?? {}, headers });
  }

  /** Signs up (and so logs in) a new account; answers its email and password. */
  async signUp(input: { email?: string; password?: string; name?: string; phone?: string } = {}) {
    const account = { email: input.email ?? uniqueEmail(), password: input.password ?? 'correct horse', name: input.name ?? 'Kim Buyer', ...(input.phone ? { phone: input.phone } : {}) };
    const res = await this.post('/api/auth/signup', account);
    if (res.status !== 201) throw new Error(`signup failed: ${res.status} ${res.text}`);
    return { ...account, id: res.body.user.id as string, response: res };
  }
}

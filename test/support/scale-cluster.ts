// Several memberpay instances on one database, as DESIGN §8 runs them: each is `npm start`'s entry
// point (src/app/main.ts under tsx) in a process of its own with its workers, all on one MariaDB or
// PostgreSQL database, one Iamport sandbox and one SMTP sink (together in a process of their own),
// notices from the sandbox to the first instance. A client spreads its requests over the instances
// in turn.
import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { AppProcess, freePort, spawnTsx } from './app-process';
import { createServerTestDatabase, type ServerEngine, type TestDatabase } from './database';
import { SandboxGatewayDriver } from './gateway-drivers';
import { ApiClient, type ApiResponse } from './http-app';
import { ADMIN_TOKEN } from './sandbox-app';

/** What the sandbox process counted (test/support/processes/recorded-sandbox.process.ts). */
export interface SandboxCalls {
  /** Calls per route pattern, e.g. `POST /payments/prepare`. */
  byRoute: Record<string, number>;
  /** `again` (billing-key charge) calls per merchant_uid. */
  again: Record<string, number>;
  /** merchant_uids the sandbox holds as paid. */
  paidMerchantUids: string[];
}

/** A mail the sink received: its recipient and notice kind. */
export interface SinkMail {
  to: string;
  kind: string;
  /** When the sink took it (epoch ms). */
  at: number;
}

/** The Iamport sandbox and the SMTP sink in a child process. */
export class SandboxProcess {
  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
    private readonly controlUrl: string,
    readonly smtpUrl: string,
  ) {}

  static async start(webhookUrl: string | null): Promise<SandboxProcess> {
    const child = spawnTsx('test/support/processes/recorded-sandbox.process.ts', { PATH: process.env.PATH ?? '', SANDBOX_WEBHOOK_URL: webhookUrl ?? '' });
    let errors = '';
    child.stderr?.on('data', (data: Buffer) => { errors += data.toString(); });
    const ready = await new Promise<{ url: string; control: string; smtp: string }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the sandbox process did not start: ${errors}`)), 30_000);
      createInterface({ input: child.stdout! }).on('line', (line) => {
        if (!line.startsWith('READY ')) return;
        clearTimeout(timer);
        resolve(JSON.parse(line.slice('READY '.length)));
      });
      child.on('exit', (code) => reject(new Error(`the sandbox process exited (${code}): ${errors}`)));
    });
    return new SandboxProcess(child, ready.url, ready.control, ready.smtp);
  }

  private async get<T>(urlPath: string): Promise<T> {
    const res = await fetch(`${this.controlUrl}${urlPath}`, { signal: AbortSignal.timeout(10_000) });
    return (await res.json()) as T;
  }

  calls(): Promise<SandboxCalls> {
    return this.get('/calls');
  }

  /** Cheap to ask often: how many merchant_uids were charged by billing key, and mails per notice kind. */
  counts(): Promise<{ againMerchantUids: number; mailsByKind: Record<string, number> }> {
    return this.get('/counts');
  }

  mails(): Promise<SinkMail[]> {
    return this.get('/mails');
  }

  /** Billing keys with the success card, as the merchant's server would register them one by one. */
  async registerBillingKeys(uids: string[]): Promise<void> {
    const res = await fetch(`${this.controlUrl}/customers`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ uids }), signal: AbortSignal.timeout(30_000),
    });
    if (res.status !== 200) throw new Error(`billing keys not registered: ${await res.text()}`);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.on('exit', resolve));
    this.child.stdin?.end();
    await exited;
  }
}

/** One instance: its URL and its process (stdout holds its JSON log lines). */
export interface Instance {
  url: string;
  process: AppProcess;
}

/** A client whose requests go to the instances in turn, sharing one cookie jar (the session lives in the database). */
export class SpreadingClient extends ApiClient {
  constructor(private readonly urls: string[], private readonly turn: { next: number }) {
    super(urls[0]);
  }

  protected override target(): string {
    const url = this.urls[this.turn.next % this.urls.length];
    this.turn.next += 1;
    return url;
  }
}

export interface ScaleCluster {
  engine: ServerEngine;
  instances: Instance[];
  database: TestDatabase;
  sandbox: SandboxProcess;
  buyer: SandboxGatewayDriver;
  /** A new client whose requests go to the live instances in turn, its first to instance `first`. */
  client(first?: number): SpreadingClient;
  /** An admin call to one instance. */
  admin(instance: Instance, urlPath: string, body?: unknown): Promise<ApiResponse>;
  /** JSON log lines of every instance (live or killed), each with the index of its instance. */
  logLines(): Array<Record<string, unknown> & { instance: number }>;
  close(): Promise<void>;
}

export interface ScaleClusterOptions {
  instances: number;
  /** WORKER_INTERVALS of every instance. */
  workerIntervals: string;
  /** LOG_LEVEL of every instance (debug logs each handled event). */
  logLevel?: string;
}

const SESSION_SECRET = 'scale-cluster-session-secret-0123456789';

/**
 * Starts the database (empty: the instances migrate it as they start, at the same time), the
 * sandbox and the instances; every instance shares SESSION_SECRET, so a session cookie works on any.
 */
export async function startScaleCluster(engine: ServerEngine, options: ScaleClusterOptions): Promise<ScaleCluster> {
  const database = await createServerTestDatabase(engine, 5, { migrate: false });
  const ports = await Promise.all(Array.from({ length: options.instances }, () => freePort()));
  const urls = ports.map((port) => `http://127.0.0.1:${port}`);
  const sandbox = await SandboxProcess.start(`${urls[0]}/api/payment/webhook`);
  const instances: Instance[] = ports.map((port, i) => ({
    url: urls[i],
    process: new AppProcess({
      PORT: String(port), PUBLIC_URL: urls[i], DATABASE_URL: database.url, IAMPORT_MODE: 'sandbox', IAMPORT_API_URL: sandbox.url,
      ADMIN_TOKEN, SESSION_SECRET, TEST_CLOCK: 'on', SMTP_URL: sandbox.smtpUrl, GATEWAY_TIMEOUT_MS: '5000',
      WORKER_INTERVALS: options.workerIntervals, LOG_LEVEL: options.logLevel ?? 'info',
    }),
  }));
  const close = async () => {
    await Promise.all(instances.map((instance) => instance.process.stop()));
    await sandbox.stop();
    await database.drop();
  };
  try {
    await Promise.all(instances.map((instance) => instance.process.start({}, 60_000)));
  } catch (error) {
    await close();
    throw error;
  }
  return {
    engine, instances, database, sandbox,
    buyer: new SandboxGatewayDriver(sandbox.url),
    client: (first = 0) => new SpreadingClient(instances.filter((i) => i.process.running).map((i) => i.url), { next: first }),
    admin: (instance, urlPath, body = {}) => new ApiClient(instance.url).post(urlPath, body, { authorization: `Bearer ${ADMIN_TOKEN}` }),
    logLines: () => instances.flatMap((instance, index) => instance.process.output.split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => ({ ...(JSON.parse(line) as Record<string, unknown>), instance: index }))),
    close,
  };
}

/** Polls `probe` until it answers true, or fails naming `what` after `timeoutMs`. */
export async function waitUntil(what: string, probe: () => Promise<boolean>, timeoutMs: number, everyMs = 250): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** Runs `work` over `items`, at most `limit` at once. */
export async function inBatches<T, R>(items: T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index], index);
    }
  }));
  return results;
}

// The operator's command line: `npm run cli -- <command>`. Builds the container as `npm start`
// does (DATABASE_URL, the configured gateway) without the HTTP server or the workers, runs one
// command and exits: 0 with a table (or `--json`), 1 with one line on stderr.
import type { RunRenewals } from '../src/billing/application/run-renewals.use-case';
import { BILLING } from '../src/billing/billing.tokens';
import { type AppConfig, ConfigError, loadConfig } from '../src/config';
import { buildContainer } from '../src/container';
import type { HandleWebhookNotice } from '../src/payment/application/handle-webhook-notice.use-case';
import type { PaymentRepository } from '../src/payment/application/payment-repository.port';
import type { ReconcilePayments } from '../src/payment/application/reconcile-payments.use-case';
import type { WebhookReceiptStore } from '../src/payment/application/webhook-receipt-store.port';
import { PAYMENT } from '../src/payment/payment.tokens';
import type { Clock } from '../src/shared/application/clock.port';
import type { EventBus } from '../src/shared/application/event-bus.port';
import { KnexDatabase, readOptionalTime, readTime } from '../src/shared/infrastructure/knex/knex-database';
import { createLogger } from '../src/shared/infrastructure/logger';
import { SHARED } from '../src/shared/shared.tokens';

const USAGE = `usage: npm run cli -- <command> [--json]
  migrate                          apply pending migrations to DATABASE_URL
  reconcile                        ask the gateway about every unsettled payment
  renewals run [--as-of ISO]       charge due renewals, send reminders, end finished periods (--as-of needs TEST_CLOCK=on)
  webhooks replay [--since ISO]    verify stored Iamport notices again (default: the last 24 h)
  payment <merchant_uid>           a payment's history: status, amounts, cancellations, events, webhook receipts`;

class UsageError extends Error {}

type Row = Record<string, unknown>;

/** Aligned columns; null shows as '-'. */
export function table(rows: Row[]): string {
  if (rows.length === 0) return '(none)';
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const cell = (v: unknown) => (v === null || v === undefined ? '-' : v instanceof Date ? v.toISOString() : String(v));
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  const line = (values: string[]) => values.map((v, i) => v.padEnd(widths[i])).join('  ').trimEnd();
  return [line(columns), line(widths.map((w) => '-'.repeat(w))), ...rows.map((r) => line(columns.map((c) => cell(r[c]))))].join('\n');
}

function option(args: string[], name: string): string | null {
  const at = args.indexOf(name);
  if (at === -1) return null;
  const value = args[at + 1];
  if (!value || value.startsWith('--')) throw new UsageError(`${name} needs a value`);
  return value;
}

function isoOption(args: string[], name: string): Date | null {
  const value = option(args, name);
  if (value === null) return null;
  const date = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(date.getTime())) throw new UsageError(`${name} must be an ISO 8601 time, got ${value}`);
  return date;
}

interface Output {
  title?: string;
  rows?: Row[];
  sections?: Array<{ title: string; rows: Row[] }>;
  json: unknown;
}

async function run(args: string[], config: AppConfig, database: KnexDatabase): Promise<Output> {
  const [command, sub, ...rest] = args.filter((a) => a !== '--json');
  if (command === 'migrate') {
    const applied = await database.migrateLatest();
    return { title: applied.length ? `applied ${applied.length} migration(s)` : 'the database is up to date', rows: applied.map((name) => ({ migration: name })), json: { applied } };
  }
  if (!['reconcile', 'renewals', 'webhooks', 'payment'].includes(command ?? '')) throw new UsageError(command ? `unknown command: ${command}` : 'a command is needed');

  const logger = createLogger(process.env.LOG_LEVEL ?? 'warn', process.stderr);
  const container = buildContainer(config, { logger, persistence: 'knex', gateway: 'configured', database });
  container.get<EventBus>(SHARED.EventBus); // activates the subscriptions (a paid payment activates its membership)
  const clock = container.get<Clock>(SHARED.Clock);

  if (command === 'reconcile') {
    const result = await container.get<ReconcilePayments>(PAYMENT.ReconcilePayments).execute();
    return { title: 'reconcile', rows: [{ ...result }], json: result };
  }
  if (command === 'renewals') {
    if (sub !== 'run') throw new UsageError('renewals needs a subcommand: renewals run [--as-of ISO]');
    const asOf = isoOption(rest, '--as-of');
    if (asOf && !config.testClock) throw new UsageError('--as-of needs TEST_CLOCK=on (charging ahead of time is a test tool)');
    const result = await container.get<RunRenewals>(BILLING.RunRenewals).execute(asOf ?? clock.now());
    return { title: `renewals as of ${(asOf ?? clock.now()).toISOString()}`, rows: [{ ...result }], json: result };
  }
  if (command === 'webhooks') {
    if (sub !== 'replay') throw new UsageError('webhooks needs a subcommand: webhooks replay [--since ISO]');
    const since = isoOption(rest, '--since') ?? new Date(clock.now().getTime() - 24 * 60 * 60 * 1000);
    const receipts = await container.get<WebhookReceiptStore>(PAYMENT.WebhookReceiptStore).listSince(since, 1000);
    const handler = container.get<HandleWebhookNotice>(PAYMENT.HandleWebhookNotice);
    const rows: Row[] = [];
    for (const receipt of receipts) {
      const outcome = await handler.replay(receipt);
      rows.push({ received_at: receipt.receivedAt, imp_uid: receipt.impUid, merchant_uid: receipt.merchantUid, status: receipt.status, outcome });
    }
    return { title: `replayed ${rows.length} notice(s) received since ${since.toISOString()}`, rows, json: { replayed: rows.length, receipts: rows } };
  }

  const merchantUid = sub;
  if (!merchantUid) throw new UsageError('payment needs a merchant_uid');
  const payment = await container.get<PaymentRepository>(PAYMENT.PaymentRepository).findByMerchantUid(merchantUid);
  if (!payment) throw new UsageError(`no payment with merchant_uid ${merchantUid}`);
  const p = payment.toProps();
  const summary: Row = {
    merchant_uid: p.merchantUid, status: p.status, amount: p.amount, cancelled_amount: p.cancelledAmount, refundable: payment.refundable,
    imp_uid: p.impUid, purpose: `${p.purpose.kind} ${p.purpose.planId}${p.purpose.periodNo ? ` #${p.purpose.periodNo}` : ''}`, user_id: p.userId,
    failure: p.failure ? `${p.failure.code}: ${p.failure.message}` : null, created_at: p.createdAt, paid_at: p.paidAt, version: p.version,
  };
  const cancellations: Row[] = p.cancellations.map((c) => ({
    requested_at: c.requestedAt, kind: c.kind, amount: c.amount, status: c.status, by: c.requestedBy, reason: c.reason, settled_at: c.settledAt, gateway: c.gatewayMessage,
  }));
  const events: Row[] = (await database.knex('domain_events').where({ aggregate_id: p.id }).orderBy('seq'))
    .map((e: Row) => ({ occurred_at: readTime(e.occurred_at), type: e.type, delivered_at: readOptionalTime(e.delivered_at) }));
  const receipts: Row[] = (await database.knex('webhook_receipts').where({ merchant_uid: p.merchantUid }).orWhere((w) => (p.impUid ? w.where({ imp_uid: p.impUid }) : w.whereRaw('1 = 0'))).orderBy('received_at'))
    .map((r: Row) => ({ received_at: readTime(r.received_at), imp_uid: r.imp_uid, status: r.status, outcome: r.outcome, processed_at: readOptionalTime(r.processed_at), sender_ip: r.sender_ip }));
  return {
    sections: [
      { title: `payment ${p.merchantUid}`, rows: Object.entries(summary).map(([field, value]) => ({ field, value })) },
      { title: 'cancellations', rows: cancellations },
      { title: 'domain events', rows: events },
      { title: 'webhook receipts', rows: receipts },
    ],
    json: { payment: summary, cancellations, events, webhook_receipts: receipts },
  };
}

async function main(argv: string[]): Promise<number> {
  if (argv.length === 0 || argv.includes('--help') || argv.includes('-h')) {
    console.log(USAGE);
    return argv.length === 0 ? 1 : 0;
  }
  let database: KnexDatabase | null = null;
  try {
    const config = loadConfig();
    database = KnexDatabase.fromUrl(config.databaseUrl);
    const output = await run(argv, config, database);
    if (argv.includes('--json')) {
      console.log(JSON.stringify(output.json, (_, v) => v, 2));
    } else {
      if (output.title) console.log(output.title);
      if (output.rows) console.log(table(output.rows));
      for (const section of output.sections ?? []) console.log(`\n${section.title}\n${table(section.rows)}`);
    }
    return 0;
  } catch (error) {
    const message = error instanceof UsageError || error instanceof ConfigError ? error.message : `${(error as Error)?.name ?? 'Error'}: ${(error as Error)?.message ?? String(error)}`;
    console.error(`memberpay cli: ${message.split('\n')[0]}`);
    return 1;
  } finally {
    await database?.destroy();
  }
}

process.exit(await main(process.argv.slice(2)));

// The commands of `npm run cli`: what each takes, what it says in --help, and what it does. Each
// runs on the product's own wiring (the container `npm start` builds, without the HTTP server or
// the workers) or, for the sandbox ones, on the configured PG sandbox's HTTP routes.
import type { RunRenewals } from '../billing/application/run-renewals.use-case';
import { BILLING } from '../billing/billing.tokens';
import type { AppConfig } from '../config';
import type { buildContainer } from '../app/container';
import type { UserRepository } from '../identity/application/user-repository.port';
import { IDENTITY } from '../identity/identity.tokens';
import type { MembershipRepository } from '../membership/application/membership-repository.port';
import type { PlanCatalog } from '../pricing/application/plan-catalog.port';
import { MEMBERSHIP } from '../membership/membership.tokens';
import type { ConfirmPayment } from '../payment/application/confirm-payment.use-case';
import type { HandleWebhookNotice } from '../payment/application/handle-webhook-notice.use-case';
import type { PaymentRepository } from '../payment/application/payment-repository.port';
import type { ReconcilePayments } from '../payment/application/reconcile-payments.use-case';
import type { WebhookReceipt, WebhookReceiptStore } from '../payment/application/webhook-receipt-store.port';
import type { Payment } from '../payment/domain/payment.entity';
import { PAYMENT } from '../payment/payment.tokens';
import { activeGateway, sandboxCliFacts } from '../payment/infrastructure/gateways.registry';
import { sandboxStateFileBesideDatabase, standaloneSandboxStateFile } from '../sandbox/shared/sandbox-journal';
import { describeReset, resetSandboxes } from '../sandbox/shared/sandbox-reset';
import type { Clock } from '../shared/application/clock.port';
import type { ProgressReporter } from '../shared/application/progress.port';
import { DomainError } from '../shared/domain/domain-error';
import { type KnexDatabase, readOptionalTime, readTime } from '../shared/infrastructure/knex/knex-database';
import { SHARED } from '../shared/shared.tokens';
import { count, isoTime, oneOf, type OptionSpecs, type ParsedArgs, share, UsageError } from './args';
import { type OpenOrder, type SandboxClient, SandboxRequestError, sandboxClientFor, TEST_CARD_NAMES, type TestCard } from './sandbox-client';
import type { Row } from './table';
import { PRICING } from '../pricing/pricing.tokens';

/** What a command prints: a table (or sections of tables), and the same facts as JSON for `--json`. */
export interface Output {
  title?: string;
  rows?: Row[];
  sections?: Array<{ title: string; rows: Row[] }>;
  json: unknown;
}

/** The product's wiring (src/app/container.ts). */
export type AppContainer = ReturnType<typeof buildContainer>;

export interface CommandContext {
  args: ParsedArgs;
  config: AppConfig;
  json: boolean;
  /** Opened on first use; closed by the runner. */
  database(): KnexDatabase;
  /** The product's wiring on that database; its event subscriptions active. */
  container(): AppContainer;
  /** The progress line of a long run, when stderr is a terminal or --progress asked for it. */
  progress(label: string): ProgressReporter | undefined;
  /** Streaming output (listen): one line to stdout. */
  print(line: string): void;
  /** A status line for the person at the terminal, on stderr (never mixed into --json output). */
  note(line: string): void;
  /** Resolves when the user stops a long-running command (Ctrl-C); until asked, Ctrl-C kills as usual. */
  interrupted(): Promise<void>;
}

export interface Command {
  /** `renewals run` */
  name: string;
  /** What follows the name in the usage line. */
  synopsis: string;
  summary: string;
  /** More lines for `<command> --help`. */
  help?: string;
  options?: OptionSpecs;
  /** Help text of each option, by its name. */
  optionHelp?: Record<string, string>;
  positionals?: { min: number; max: number };
  /** Long runs offer --progress. */
  progress?: boolean;
  /** Checks of the arguments and the configuration, before any connection or charge. */
  check?(args: ParsedArgs, config: AppConfig): void;
  run(ctx: CommandContext): Promise<Output | null>;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const CARD_HELP = `a test card: ${TEST_CARD_NAMES.join(', ')}`;

// --- operations -----------------------------------------------------------------

const migrate: Command = {
  name: 'migrate',
  synopsis: '',
  summary: 'apply pending migrations to DATABASE_URL',
  async run(ctx) {
    const applied = await ctx.database().migrateLatest();
    return { title: applied.length ? `applied ${applied.length} migration(s)` : 'the database is up to date', rows: applied.map((name) => ({ migration: name })), json: { applied } };
  },
};

const reconcile: Command = {
  name: 'reconcile',
  synopsis: '',
  summary: 'ask the gateway about every unsettled payment',
  help: 'What the worker of npm start does every minute: payments left await, reported gateway payment ids, refunds whose answer was lost.',
  progress: true,
  async run(ctx) {
    const result = await ctx.container().get<ReconcilePayments>(PAYMENT.ReconcilePayments).execute(ctx.progress('reconcile'));
    return { title: 'reconcile', rows: [{ ...result }], json: result };
  },
};

const renewalsRun: Command = {
  name: 'renewals run',
  synopsis: '[--as-of ISO]',
  summary: 'charge due renewals, send reminders, end finished periods',
  help: '--as-of runs the renewals a later moment would run (a test tool: it needs TEST_CLOCK=on, the default in sandbox mode).',
  options: { 'as-of': { type: 'string' } },
  optionHelp: { 'as-of': 'the moment to renew as of, an ISO 8601 time with a zone (default: now)' },
  progress: true,
  check(args, config) {
    if (isoTime('--as-of', args.values['as-of']) && !config.testClock) throw new UsageError('renewals run: --as-of needs TEST_CLOCK=on (charging ahead of time is a test tool)');
  },
  async run(ctx) {
    const asOf = isoTime('--as-of', ctx.args.values['as-of']) ?? ctx.container().get<Clock>(SHARED.Clock).now();
    const result = await ctx.container().get<RunRenewals>(BILLING.RunRenewals).execute(asOf, ctx.progress('renewals'));
    return { title: `renewals as of ${asOf.toISOString()}`, rows: [{ ...result }], json: result };
  },
};

const webhooksReplay: Command = {
  name: 'webhooks replay',
  synopsis: '[--since ISO]',
  summary: 'verify stored PG notices again (default: the last 24 h)',
  options: { since: { type: 'string' } },
  optionHelp: { since: 'replay the notices received from this ISO 8601 time on' },
  progress: true,
  check(args) {
    isoTime('--since', args.values.since);
  },
  async run(ctx) {
    const container = ctx.container();
    const since = isoTime('--since', ctx.args.values.since) ?? new Date(container.get<Clock>(SHARED.Clock).now().getTime() - DAY_MS);
    const receipts = await container.get<WebhookReceiptStore>(PAYMENT.WebhookReceiptStore).listSince(since, 1000);
    const handler = container.get<HandleWebhookNotice>(PAYMENT.HandleWebhookNotice);
    const progress = ctx.progress('webhooks replay');
    progress?.start(receipts.length);
    const rows: Row[] = [];
    for (const receipt of receipts) {
      const outcome = await handler.replay(receipt);
      rows.push({ received_at: receipt.receivedAt, gateway_payment_id: receipt.gatewayPaymentId, merchant_uid: receipt.merchantUid, status: receipt.status, outcome });
      progress?.advance();
    }
    return { title: `replayed ${rows.length} notice(s) received since ${since.toISOString()}`, rows, json: { replayed: rows.length, receipts: rows } };
  },
};

const payment: Command = {
  name: 'payment',
  synopsis: '<merchant_uid>',
  summary: "a payment's history: status, amounts, cancellations, events, notices",
  positionals: { min: 1, max: 1 },
  async run(ctx) {
    const merchantUid = ctx.args.positionals[0];
    const found = await ctx.container().get<PaymentRepository>(PAYMENT.PaymentRepository).findByMerchantUid(merchantUid);
    if (!found) throw new CommandError(`no payment with merchant_uid ${merchantUid}`);
    const p = found.toProps();
    const summary: Row = {
      merchant_uid: p.merchantUid, status: p.status, amount: p.amount, cancelled_amount: p.cancelledAmount, refundable: found.refundable,
      gateway_payment_id: p.gatewayPaymentId, purpose: `${p.purpose.kind} ${p.purpose.planId}${p.purpose.periodNo ? ` #${p.purpose.periodNo}` : ''}`, user_id: p.userId,
      failure: p.failure ? `${p.failure.code}: ${p.failure.message}` : null, created_at: p.createdAt, paid_at: p.paidAt, version: p.version,
    };
    const cancellations: Row[] = p.cancellations.map((c) => ({
      requested_at: c.requestedAt, kind: c.kind, amount: c.amount, status: c.status, by: c.requestedBy, reason: c.reason, settled_at: c.settledAt, gateway: c.gatewayMessage, unanswered_at: c.unansweredAt,
    }));
    const knex = ctx.database().knex;
    const events: Row[] = (await knex('domain_events').where({ aggregate_id: p.id }).orderBy('seq'))
      .map((e: Row) => ({ occurred_at: readTime(e.occurred_at), type: e.type, delivered_at: readOptionalTime(e.delivered_at) }));
    const receipts: Row[] = (await knex('webhook_receipts').where({ merchant_uid: p.merchantUid }).orWhere((w) => (p.gatewayPaymentId ? w.where({ gateway_payment_id: p.gatewayPaymentId }) : w.whereRaw('1 = 0'))).orderBy('received_at'))
      .map((r: Row) => ({ received_at: readTime(r.received_at), gateway_payment_id: r.gateway_payment_id, status: r.status, outcome: r.outcome, processed_at: readOptionalTime(r.processed_at), sender_ip: r.sender_ip }));
    return {
      sections: [
        { title: `payment ${p.merchantUid}`, rows: Object.entries(summary).map(([field, value]) => ({ field, value })) },
        { title: 'cancellations', rows: cancellations },
        { title: 'domain events', rows: events },
        { title: 'webhook receipts', rows: receipts },
      ],
      json: { payment: summary, cancellations, events, webhook_receipts: receipts },
    };
  },
};

/** How long a notice may sit unprocessed before `listen` prints it as pending. */
const UNPROCESSED_GRACE_MS = 3000;

const listen: Command = {
  name: 'listen',
  synopsis: '[--since ISO] [--interval-ms N]',
  summary: 'print the PG notices the app receives, as they arrive',
  help: 'Reads the notices the app stored (webhook_receipts) with the outcome it gave each: applied, duplicate, ignored, or pending while the gateway did not answer.',
  options: { since: { type: 'string' }, 'interval-ms': { type: 'string' } },
  optionHelp: { since: 'also print the notices received from this ISO 8601 time on (default: from now)', 'interval-ms': 'how often to look, in ms (default 500)' },
  check(args) {
    isoTime('--since', args.values.since);
    if ((count('--interval-ms', args.values['interval-ms']) ?? 500) < 50) throw new UsageError('listen: --interval-ms must be at least 50');
  },
  async run(ctx) {
    const store = ctx.container().get<WebhookReceiptStore>(PAYMENT.WebhookReceiptStore);
    const intervalMs = count('--interval-ms', ctx.args.values['interval-ms']) ?? 500;
    // A cursor on received_at (the app's clock, which a test clock may have moved ahead), never past a notice still being processed.
    let since = isoTime('--since', ctx.args.values.since) ?? new Date();
    const printed = new Map<string, number>();
    const firstSeen = new Map<string, number>();
    let stopped = false;
    const interrupted = ctx.interrupted();
    void interrupted.then(() => { stopped = true; });
    ctx.note(`listening for the notices the app receives (since ${since.toISOString()}); Ctrl-C to stop`);
    while (!stopped) {
      let next = since.getTime();
      let waiting = false;
      for (const receipt of await store.listSince(since, 500)) {
        if (printed.has(receipt.id)) continue;
        const seen = firstSeen.get(receipt.id) ?? Date.now();
        firstSeen.set(receipt.id, seen);
        if (receipt.processedAt === null && Date.now() - seen < UNPROCESSED_GRACE_MS) {
          waiting = true;
          continue;
        }
        printed.set(receipt.id, receipt.receivedAt.getTime());
        firstSeen.delete(receipt.id);
        if (!waiting) next = Math.max(next, receipt.receivedAt.getTime());
        ctx.print(ctx.json ? JSON.stringify(receiptJson(receipt)) : receiptLine(receipt));
      }
      since = new Date(next);
      for (const [id, at] of printed) if (at < next) printed.delete(id);
      await Promise.race([new Promise((resolve) => setTimeout(resolve, intervalMs)), interrupted]);
    }
    return null;
  },
};

function receiptJson(r: WebhookReceipt): Row {
  return { received_at: r.receivedAt.toISOString(), gateway_payment_id: r.gatewayPaymentId, merchant_uid: r.merchantUid, status: r.status, outcome: r.outcome ?? 'pending', sender_ip: r.senderIp, body: r.raw };
}

function receiptLine(r: WebhookReceipt): string {
  return `${r.receivedAt.toISOString()}  ${r.status.padEnd(9)}  ${r.merchantUid}  ${r.gatewayPaymentId}  -> ${r.outcome ?? 'pending'}  ${r.raw}`;
}

// --- sandbox ------------------------------------------------------------------------

/** What the PGs with a CLI sandbox client allow, for the help texts and refusals below. */
const SANDBOX_CLI = sandboxCliFacts();

/** The configured PG's sandbox; a live PG is refused before anything is sent. */
function sandboxOf(config: AppConfig): SandboxClient {
  const client = sandboxClientFor(config);
  if (!client) throw new UsageError(`sandbox commands need the PG in sandbox mode (${SANDBOX_CLI.modeHints.join(', or ')})`);
  return client;
}

const memberOption: OptionSpecs = { member: { type: 'string' } };

/** `sandbox pay` and `sandbox decline`: an open order in the window, or a member's stored card from now on. */
function cardCommand(name: 'pay' | 'decline'): Command {
  const paying = name === 'pay';
  return {
    name: `sandbox ${name}`,
    synopsis: `[<merchant_uid> | --member EMAIL] [--card ${paying ? 'success' : 'declined|limit|insufficient'}]`,
    summary: paying
      ? 'the buyer pays an open order (or a member\'s stored card approves again)'
      : 'the buyer\'s card is declined (or a member\'s stored card declines renewals)',
    help: [
      `With <merchant_uid> (default: the newest open order) it does what the page does: the PG window with ${paying ? 'a test card' : 'a declining test card'}, then the confirmation (POST /api/payment/validation's use case), and prints the payment.`,
      `With --member EMAIL it ${paying ? 'makes the stored card of that member\'s membership approve again' : 'makes the stored card of that member\'s membership decline from now on (renewals fail, dunning starts)'}.`,
      'Needs the app (npm start) or the standalone sandbox running.',
    ].join('\n'),
    options: { ...memberOption, card: { type: 'string' } },
    optionHelp: { member: 'the e-mail of a member whose stored card is meant', card: `${CARD_HELP} (default ${paying ? 'success' : 'declined'})` },
    positionals: { min: 0, max: 1 },
    check(args, config) {
      sandboxOf(config);
      const card = oneOf('--card', args.values.card, TEST_CARD_NAMES);
      if (card && (card === 'success') !== paying) throw new UsageError(`sandbox ${name}: --card ${card} ${paying ? 'declines: use sandbox decline' : 'approves: use sandbox pay'}`);
      if (args.values.member !== undefined && args.positionals.length > 0) throw new UsageError(`sandbox ${name}: give a merchant_uid or --member, not both`);
    },
    async run(ctx) {
      const client = sandboxOf(ctx.config);
      const card = oneOf('--card', ctx.args.values.card, TEST_CARD_NAMES) ?? (paying ? 'success' : 'declined');
      const member = ctx.args.values.member;
      if (typeof member === 'string') return setMemberCard(ctx, client, member, card);
      return payOpenOrder(ctx, client, ctx.args.positionals[0] ?? null, card);
    },
  };
}

async function payOpenOrder(ctx: CommandContext, client: SandboxClient, merchantUid: string | null, card: TestCard): Promise<Output> {
  const container = ctx.container();
  const payments = container.get<PaymentRepository>(PAYMENT.PaymentRepository);
  const order = merchantUid ? await payments.findByMerchantUid(merchantUid) : (await payments.listByStatus('await', 20)).find((p) => p.purpose.kind === 'purchase') ?? null;
  if (!order) throw new CommandError(merchantUid ? `no payment with merchant_uid ${merchantUid}` : 'no open order: press 구매하기 on the page first (or give a merchant_uid)');
  if (order.status !== 'await') throw new CommandError(`order ${order.merchantUid} is ${order.status}, not open`);
  const buyer = await container.get<UserRepository>(IDENTITY.UserRepository).findById(order.userId);
  const plan = container.get<PlanCatalog>(PRICING.PlanCatalog).find(order.purpose.planId);
  const open: OpenOrder = {
    merchantUid: order.merchantUid, amount: order.amount, name: plan?.names.ko ?? order.purpose.planId, payMethod: order.toProps().payMethod,
    customerUid: order.customerUid, buyerName: buyer?.name ?? null, buyerEmail: buyer?.email ?? null,
  };
  const window = await client.payInWindow(open, card);
  if (!window.paid) throw new CommandError(`the sandbox window refused order ${order.merchantUid}: ${window.code} ${window.message}`);
  let verdict: string;
  let settled: Payment;
  try {
    const confirmed = await container.get<ConfirmPayment>(PAYMENT.ConfirmPayment).execute({
      userId: null, merchantUid: order.merchantUid, transactionId: window.transactionId, billingCustomerKey: window.billingCustomerKey,
    });
    verdict = confirmed.verdict;
    settled = confirmed.payment;
  } catch (error) {
    // A card refused at the confirmation (Toss) is the outcome asked for, not a failure of the command.
    if (!(error instanceof DomainError) || error.code !== 'payment_not_paid') throw error;
    verdict = 'failed';
    settled = (await payments.findByMerchantUid(order.merchantUid)) ?? order;
  }
  const membership = await container.get<MembershipRepository>(MEMBERSHIP.MembershipRepository).findLiveByUserId(order.userId);
  const row = {
    merchant_uid: settled.merchantUid, card, verdict, status: settled.status, amount: settled.amount, transaction: window.transactionId,
    failure: settled.failure ? `${settled.failure.code}: ${settled.failure.message}` : null,
    membership: membership ? `${membership.planId} ${membership.status} until ${membership.toProps().periodEnd.toISOString()}` : null,
  };
  return { title: `sandbox ${card === 'success' ? 'pay' : 'decline'}: order ${settled.merchantUid} is ${settled.status}`, rows: [row], json: row };
}

async function setMemberCard(ctx: CommandContext, client: SandboxClient, email: string, card: TestCard): Promise<Output> {
  const container = ctx.container();
  const user = await container.get<UserRepository>(IDENTITY.UserRepository).findByEmail(email);
  if (!user) throw new CommandError(`no member with e-mail ${email}`);
  const membership = await container.get<MembershipRepository>(MEMBERSHIP.MembershipRepository).findLiveByUserId(user.id);
  const billingKey = membership?.billingKey ?? null;
  if (!membership || !billingKey) throw new CommandError(`${email} has no live membership with a stored card (auto-renew)`);
  await client.setStoredCard(billingKey, card);
  const row = { member: email, membership: membership.id, billing_key: billingKey, card, next_charge_at: membership.nextChargeAt };
  return { title: `the stored card of ${email} ${card === 'success' ? 'approves' : `declines (${card})`} from now on`, rows: [row], json: row };
}

const sandboxNotice: Command = {
  name: 'sandbox notice',
  synopsis: '<merchant_uid> [--status paid|failed|cancelled|ready]',
  summary: 'the sandbox sends an order\'s notice to the app again',
  help: `Prints what the app made of it. --status sends a notice that claims another status than the payment has (a stale or forged one; ${SANDBOX_CLI.noticeStatusLabels.join(', ')} only): the app must verify it with the gateway and not believe it.`,
  options: { status: { type: 'string' } },
  optionHelp: { status: 'the status the notice claims (default: the payment\'s own)' },
  positionals: { min: 1, max: 1 },
  check(args, config) {
    sandboxOf(config);
    oneOf('--status', args.values.status, ['ready', 'paid', 'failed', 'cancelled']);
    const noticeStatus = activeGateway(config).noticeStatus;
    if (args.values.status !== undefined && noticeStatus !== true) {
      throw new UsageError(`sandbox notice: --status is for the ${SANDBOX_CLI.noticeStatusLabels.join(' and ')} sandbox (${noticeStatus.refusal})`);
    }
  },
  async run(ctx) {
    const client = sandboxOf(ctx.config);
    const merchantUid = ctx.args.positionals[0];
    const sentAt = Date.now();
    const sent = await client.resendNotice(merchantUid, ctx.args.values.status as string | undefined);
    // The app stores each notice it receives: wait a little for this one's outcome.
    const store = ctx.container().get<WebhookReceiptStore>(PAYMENT.WebhookReceiptStore);
    let receipt: WebhookReceipt | undefined;
    for (let waited = 0; waited < 5000 && !receipt?.outcome; waited += 200) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      receipt = (await store.listSince(new Date(sentAt - 60_000), 1000)).reverse()
        .find((r) => r.merchantUid === merchantUid && r.receivedAt.getTime() >= sentAt - 1000 && (r.processedAt === null || r.outcome !== null));
    }
    const row = { merchant_uid: merchantUid, sent_to: sent.url, notice: JSON.stringify(sent.notice), app_outcome: receipt ? receipt.outcome ?? 'pending' : 'not received within 5 s' };
    return { title: `sandbox notice: ${merchantUid}`, rows: [row], json: row };
  },
};

/** The PGs whose sandbox notices have fault knobs (`Iamport`). */
const NOTICE_FAULTS_OF = SANDBOX_CLI.noticeFaultLabels.join(', ');

const FAULT_FLAGS = {
  'latency-ms': { knob: 'latencyMs', read: count, help: 'delay every REST answer by N ms' },
  'error-rate': { knob: 'errorRate', read: share, help: 'share of REST calls answered HTTP 500 (0-1)' },
  'timeout-rate': { knob: 'timeoutRate', read: share, help: 'share of REST calls that hang for --hang-ms, then 504 (0-1)' },
  'hang-ms': { knob: 'hangMs', read: count, help: 'how long a hung call hangs (ms)' },
  'fail-next': { knob: 'failNext', read: count, help: 'the next N REST calls answer 500' },
  'hang-next': { knob: 'hangNext', read: count, help: 'the next N REST calls hang' },
  'notice-drop': { knob: 'drop', read: share, help: `share of notices never sent (${NOTICE_FAULTS_OF})` },
  'notice-duplicate': { knob: 'duplicate', read: share, help: `share of notices sent twice (${NOTICE_FAULTS_OF})` },
  'notice-delay-ms': { knob: 'delayMs', read: count, help: `delay every notice by N ms (${NOTICE_FAULTS_OF})` },
} as const;
const WEBHOOK_KNOBS = new Set(['drop', 'duplicate', 'delayMs', 'reorder']);

const sandboxFault: Command = {
  name: 'sandbox fault',
  synopsis: '[--fail-next N] [--latency-ms N] [--error-rate R] ... [--clear]',
  summary: 'show or set the sandbox\'s fault knobs',
  help: 'Slow, failing or silent REST calls; lost, doubled, late or reordered notices. Without options it shows the knobs. --clear puts every knob back to none before the others apply.',
  options: {
    ...Object.fromEntries(Object.keys(FAULT_FLAGS).map((flag) => [flag, { type: 'string' as const }])),
    'notice-reorder': { type: 'boolean' }, clear: { type: 'boolean' },
  },
  optionHelp: {
    ...Object.fromEntries(Object.entries(FAULT_FLAGS).map(([flag, f]) => [flag, f.help])),
    'notice-reorder': `deliver notices out of order (${NOTICE_FAULTS_OF})`, clear: 'all knobs back to none first',
  },
  check(args, config) {
    sandboxOf(config);
    faultPatch(args, config);
  },
  async run(ctx) {
    const client = sandboxOf(ctx.config);
    const patch = faultPatch(ctx.args, ctx.config);
    const faults = await client.faults(Object.keys(patch).length > 0 ? patch : null);
    const knobs = flattenFaults(faults);
    return { title: `sandbox faults at ${client.url}`, rows: Object.entries(knobs).map(([knob, value]) => ({ knob, value })), json: faults };
  },
};

function faultPatch(args: ParsedArgs, config: AppConfig): Record<string, unknown> {
  const rest: Record<string, unknown> = args.values.clear ? { latencyMs: 0, errorRate: 0, timeoutRate: 0, failNext: 0, hangNext: 0, hangMs: 60_000 } : {};
  const webhook: Record<string, unknown> = args.values.clear ? { drop: 0, duplicate: 0, delayMs: 0, reorder: false } : {};
  for (const [flag, f] of Object.entries(FAULT_FLAGS)) {
    const value = f.read(`--${flag}`, args.values[flag]);
    if (value === undefined) continue;
    (WEBHOOK_KNOBS.has(f.knob) ? webhook : rest)[f.knob] = value;
  }
  if (args.values['notice-reorder']) webhook.reorder = true;
  const noticeFaults = activeGateway(config).noticeFaults;
  if (!noticeFaults && Object.keys(args.values).some((flag) => flag.startsWith('notice-'))) {
    throw new UsageError(`sandbox fault: the --notice-* knobs are the ${SANDBOX_CLI.noticeFaultLabels.join(' and ')} sandbox's`);
  }
  return noticeFaults ? { ...rest, ...(Object.keys(webhook).length ? { webhook } : {}) } : rest;
}

function flattenFaults(faults: Record<string, unknown>): Record<string, unknown> {
  const { webhook, ...rest } = faults;
  return { ...rest, ...Object.fromEntries(Object.entries((webhook as Record<string, unknown>) ?? {}).map(([k, v]) => [`webhook.${k}`, v])) };
}

const sandboxReset: Command = {
  name: 'sandbox reset',
  synopsis: '',
  summary: 'the sandbox forgets its payments, billing keys and tokens (its state file too)',
  help: 'Resets the configured PG\'s sandbox if it runs, and removes its state file, so the next start begins empty. The app\'s own payments stay: reset its database to start over.',
  check(_args, config) {
    sandboxOf(config);
  },
  async run(ctx) {
    const client = sandboxOf(ctx.config);
    const [report] = await resetSandboxes([{
      name: `${client.name} sandbox ${client.inApp ? 'in the app' : 'standalone'}`, url: client.url,
      stateFile: client.inApp ? sandboxStateFileBesideDatabase(ctx.config.databaseUrl, client.name) : standaloneSandboxStateFile(client.name),
    }]);
    return { title: describeReset(report), json: report };
  },
};

export const COMMANDS: Command[] = [
  migrate, reconcile, renewalsRun, webhooksReplay, payment, listen,
  cardCommand('pay'), cardCommand('decline'), sandboxNotice, sandboxFault, sandboxReset,
];

/** A command that could not do its work (exit 1): a missing payment, a sandbox that refused. */
export class CommandError extends Error {}

export { SandboxRequestError };

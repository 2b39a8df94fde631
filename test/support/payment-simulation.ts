import type { AsyncLocalStorage } from 'node:async_hooks';
import fc from 'fast-check';
import type { IdGenerator } from '../../src/shared/application/id-generator.port';
import type { EventBus, Outbox } from '../../src/shared/application/event-bus.port';
import { DomainError } from '../../src/shared/domain/domain-error';
import { OutboxRelay } from '../../src/shared/infrastructure/outbox-relay';
import type { TransactionContext } from '../../src/shared/infrastructure/transaction-context';
import { SHARED } from '../../src/shared/shared.tokens';
import { wasCharged, type GatewayPayment } from '../../src/payment/domain/gateway-payment';
import type { Payment } from '../../src/payment/domain/payment.entity';
import type { BuyerAction, ScriptedOutcome } from '../../src/payment/infrastructure/memory/memory-payment.gateway';
import { memoryApp, type MemoryApp } from './memory-container';

/**
 * A seeded simulation of the payment flow: several buyers check out, pay (or not) in the PG window,
 * the page validates or reports failure (sometimes with a wrong or forged imp_uid), Iamport's
 * notices arrive duplicated, reordered or forged, the gateway times out, loses answers or is slow,
 * and the reconciler runs. Use cases are launched without waiting, and every gateway call and
 * payment read goes through fast-check's scheduler, so concurrent calls interleave at their await
 * points in an order the seed decides. After the run the gateway is healed, everything in flight
 * drains, the relay and a final reconcile run, and the invariants are checked against the
 * gateway's own records (the truth).
 */

export const TTL_MIN = 30;
const USERS = 3;
const MAX_COMMANDS = 16;
/** A forged imp_uid the gateway has never issued. */
const FORGED = 'imp_forged_00000001';

type Op = 'prepare' | 'settle' | 'getPayment' | 'findByMerchantUid' | 'cancel';

export const COMMAND_KINDS = [
  'checkout', 'buyer pays', 'validation', 'failure report', 'webhook', 'gateway fault', 'slow gateway', 'reconcile', 'relay', 'time passes', 'quiesce',
] as const;
export type CommandKind = (typeof COMMAND_KINDS)[number];

/** What one run did and found; the property fails unless lost and doubleEffects are 0 and nothing unexpected was thrown. */
export interface RunReport {
  kinds: Set<CommandKind>;
  payments: number;
  paidAtGateway: number;
  /** Money the gateway took that we do not hold as paid (or, for a wrong amount, did not return). */
  lost: number;
  /** A payment or membership effect applied more than once, or a merchant_uid charged twice. */
  doubleEffects: number;
  /** Typed answers of the use cases by code (paid, gateway_unavailable, payment_not_paid, ...). */
  answers: Map<string, number>;
  violations: string[];
}

export interface SimulationOptions {
  /** fc.commands' own replay path (the `replayPath` fast-check prints after a failing command list), needed with seed and path to replay a shrunk failure. */
  commandsReplayPath?: string;
}

interface Model {
  checkouts: number;
  kinds: Set<CommandKind>;
}

interface Real {
  app: MemoryApp;
  s: fc.Scheduler;
  userIds: string[];
  relay: OutboxRelay;
  running: number;
  /** merchant_uids a checkout answered: the only orders a page can open the PG window for, validate or report. */
  answered: string[];
  /** Orders whose page reported a failure: the PG window is closed, the buyer can no longer pay in it. */
  windowClosed: Set<string>;
  unexpected: string[];
  answers: Map<string, number>;
  /** Extra scheduler hops for the next call of an operation: a slow gateway. */
  slow: Map<Op, number>;
  /** Faults queued with scriptNext and maybe not yet consumed, per operation. */
  faults: Map<Op, number>;
}

type SimCommand = fc.AsyncCommand<Model, Real, boolean>;

// ---------------------------------------------------------------------------------------------
// the system under test, instrumented

async function setUp(s: fc.Scheduler): Promise<{ model: Model; real: Real }> {
  const app = memoryApp({ PAYMENT_TTL_MIN: String(TTL_MIN) });
  deterministicIds(app);
  const real: Real = {
    app, s, userIds: [], running: 0, answered: [], windowClosed: new Set(), unexpected: [], answers: new Map(), slow: new Map(), faults: new Map(),
    relay: new OutboxRelay(app.container.get<Outbox>(SHARED.Outbox), app.container.get<EventBus>(SHARED.EventBus), app.clock, { minAgeMs: 0 }),
  };
  for (let i = 1; i <= USERS; i++) {
    const id = `user${i}`;
    real.userIds.push(id);
    await app.users.add({ id, email: `buyer${i}@example.com`, name: `Buyer ${i}`, passwordHash: 'not-used', language: 'ko', createdAt: app.clock.now() });
  }
  instrument(real);
  return { model: { checkouts: 0, kinds: new Set() }, real };
}

/** Counters instead of ULIDs, so a seed replays the same ids (and the same order of payments). */
function deterministicIds(app: MemoryApp): void {
  const ids = app.container.get<IdGenerator>(SHARED.IdGenerator);
  let id = 0;
  let order = 0;
  ids.newId = () => `id${String(++id).padStart(6, '0')}`;
  ids.newMerchantUid = () => `mp_sim${String(++order).padStart(4, '0')}`;
}

/**
 * Every gateway call waits for the scheduler twice (the request on its way, the answer on its way
 * back), and so does every payment read by merchant_uid: that is where concurrent use cases
 * interleave. A "slow" call waits for several more turns, so others overtake it.
 */
function instrument(real: Real): void {
  const { app, s } = real;
  const gateway = app.gateway;
  const hop = (label: string) => s.schedule(Promise.resolve(), label);
  const around = <A extends unknown[], R>(op: Op, call: (...args: A) => Promise<R>) => async (...args: A): Promise<R> => {
    const extra = real.slow.get(op) ?? 0;
    real.slow.delete(op);
    for (let i = 0; i <= extra; i++) await hop(extra ? `${op} (slow)` : op);
    try {
      return await call(...args);
    } finally {
      await hop(`${op} answered`);
    }
  };
  gateway.prepare = around('prepare', gateway.prepare.bind(gateway));
  gateway.settle = around('settle', gateway.settle.bind(gateway));
  gateway.getPayment = around('getPayment', gateway.getPayment.bind(gateway));
  gateway.findByMerchantUid = around('findByMerchantUid', gateway.findByMerchantUid.bind(gateway));
  gateway.cancel = around('cancel', gateway.cancel.bind(gateway));
  const payments = app.payments;
  const read = payments.findByMerchantUid.bind(payments);
  payments.findByMerchantUid = async (merchantUid: string) => {
    await hop('payment read');
    return read(merchantUid);
  };
}

/**
 * The application's own timers (retryOnConflict's back-off) also go through the scheduler while a
 * run is on, so a run never depends on wall-clock timing and a seed replays exactly.
 */
function scheduleTimers(s: fc.Scheduler): () => void {
  const original = globalThis.setTimeout;
  const scheduled = ((callback: (...args: unknown[]) => void, _ms?: number, ...args: unknown[]) => {
    void s.schedule(Promise.resolve(), 'back-off').then(() => callback(...args));
    return { ref() { return this; }, unref() { return this; }, hasRef: () => false, refresh() { return this; }, [Symbol.toPrimitive]: () => 0 };
  }) as unknown as typeof setTimeout;
  globalThis.setTimeout = scheduled;
  return () => { globalThis.setTimeout = original; };
}

/** Starts a use case without waiting for it: a typed DomainError is an answer; anything else fails the run. */
function launch(real: Real, label: string, work: () => Promise<string | void>): void {
  real.running += 1;
  void (async () => {
    try {
      count(real.answers, (await work()) ?? 'ok');
    } catch (error) {
      if (error instanceof DomainError) count(real.answers, error.code);
      else real.unexpected.push(`${label}: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
    } finally {
      real.running -= 1;
    }
  })();
}

function count(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

/** Our payments, oldest first: commands name an order by its index here (modulo how many there are). */
async function orders(real: Real): Promise<Payment[]> {
  const all = await real.app.payments.listByStatus(null, Number.MAX_SAFE_INTEGER);
  return all.sort((a, b) => (a.merchantUid < b.merchantUid ? -1 : 1));
}

/** An order by index: any we hold (what a notice may name), or only one a checkout answered (what a page knows). */
async function order(real: Real, index: number, known: 'any' | 'answered' = 'answered'): Promise<Payment | null> {
  const list = (await orders(real)).filter((p) => known === 'any' || real.answered.includes(p.merchantUid));
  return list.length ? list[index % list.length] : null;
}

function attemptsOf(real: Real, merchantUid: string): GatewayPayment[] {
  return real.app.gateway.allPayments().filter((p) => p.merchantUid === merchantUid);
}

// ---------------------------------------------------------------------------------------------
// commands

abstract class Base implements SimCommand {
  abstract readonly kind: CommandKind;
  check(m: Readonly<Model>): boolean {
    return this.kind === 'checkout' || this.kind === 'gateway fault' || this.kind === 'slow gateway' || m.checkouts > 0;
  }
  async run(m: Model, r: Real): Promise<void> {
    m.kinds.add(this.kind);
    await this.act(m, r);
  }
  protected abstract act(m: Model, r: Real): Promise<void>;
  abstract toString(): string;
}

class Checkout extends Base {
  readonly kind = 'checkout';
  constructor(readonly user: number, readonly planId: 'monthly' | 'annual') { super(); }
  protected async act(m: Model, r: Real) {
    m.checkouts += 1;
    launch(r, String(this), async () => {
      const { payment } = await r.app.startCheckout.execute({ userId: r.userIds[this.user], planId: this.planId, payMethod: 'card', autoRenew: false });
      r.answered.push(payment.merchantUid);
      return 'checkout_started';
    });
  }
  toString() { return `checkout(user${this.user + 1}, ${this.planId})`; }
}

type PageReaction = 'validates' | 'reports' | 'is lost';

/**
 * The buyer in the PG window, then what follows on its own: the page posts its callback (validation
 * after a payment, a failure report with the imp_uid otherwise) unless it is lost, and Iamport sends
 * its notice unless it is dropped.
 */
class BuyerPays extends Base {
  readonly kind = 'buyer pays';
  constructor(readonly order: number, readonly action: BuyerAction, readonly wrongAmount: boolean, readonly page: PageReaction, readonly notified: boolean) { super(); }
  protected async act(_m: Model, r: Real) {
    const payment = await order(r, this.order);
    if (!payment || r.windowClosed.has(payment.merchantUid)) return;
    const { merchantUid, userId } = payment;
    if (this.page === 'reports' || this.action !== 'paid') r.windowClosed.add(merchantUid);
    launch(r, String(this), async () => {
      await r.s.schedule(Promise.resolve(), 'buyer in the PG window');
      const gatewayPaymentId = r.app.gateway.buyerPays({ merchantUid, amount: payment.amount + (this.wrongAmount ? 100 : 0), action: this.action });
      if (this.notified) {
        const status = this.action === 'paid' ? 'paid' : 'failed';
        launch(r, 'iamport notice', async () => `webhook_${await r.app.webhooks.receive({ gatewayPaymentId, merchantUid, status }, JSON.stringify({ imp_uid: gatewayPaymentId, status }), '127.0.0.1')}`);
      }
      if (this.page === 'validates' && this.action === 'paid') {
        launch(r, 'page validation', async () => `validation_${(await r.app.confirmPayment.execute({ userId, merchantUid, transactionId: gatewayPaymentId })).verdict}`);
      } else if (this.page !== 'is lost') {
        launch(r, 'page failure report', async () => `failure_report_${(await r.app.reportFailure.execute({
          userId, merchantUid, transactionId: gatewayPaymentId, errorCode: 'F400', errorMessage: '결제 실패',
        })).verdict}`);
      }
      return `buyer_${this.action}`;
    });
  }
  toString() {
    return `buyerPays(order ${this.order}, ${this.action}${this.wrongAmount ? ', wrong amount' : ''}; page ${this.page}; notice ${this.notified ? 'sent' : 'dropped'})`;
  }
}

type ImpChoice = 'right' | 'other order' | 'forged';

/** The imp_uid a page or a notice would carry: the order's latest gateway attempt, another order's, or one never issued. */
function gatewayPaymentIdFor(r: Real, merchantUid: string, choice: ImpChoice): string | null {
  if (choice === 'forged') return FORGED;
  if (choice === 'right') return attemptsOf(r, merchantUid).at(-1)?.gatewayPaymentId ?? null;
  return r.app.gateway.allPayments().find((p) => p.merchantUid !== merchantUid)?.gatewayPaymentId ?? FORGED;
}

class Validation extends Base {
  readonly kind = 'validation';
  constructor(readonly order: number, readonly imp: ImpChoice, readonly otherUser: boolean) { super(); }
  protected async act(_m: Model, r: Real) {
    const payment = await order(r, this.order);
    const transactionId = payment && gatewayPaymentIdFor(r, payment.merchantUid, this.imp);
    if (!payment || !transactionId) return;
    const userId = this.otherUser ? r.userIds.find((u) => u !== payment.userId) ?? null : payment.userId;
    launch(r, String(this), async () => `validation_${(await r.app.confirmPayment.execute({ userId, merchantUid: payment.merchantUid, transactionId })).verdict}`);
  }
  toString() { return `validate(order ${this.order}, ${this.imp} imp_uid${this.otherUser ? ', as another user' : ''})`; }
}

class FailureReport extends Base {
  readonly kind = 'failure report';
  constructor(readonly order: number, readonly imp: ImpChoice | 'none') { super(); }
  protected async act(_m: Model, r: Real) {
    const payment = await order(r, this.order);
    if (!payment) return;
    const transactionId = this.imp === 'none' ? null : gatewayPaymentIdFor(r, payment.merchantUid, this.imp);
    r.windowClosed.add(payment.merchantUid);
    launch(r, String(this), async () => {
      const { verdict } = await r.app.reportFailure.execute({
        userId: payment.userId, merchantUid: payment.merchantUid, transactionId, errorCode: 'F400', errorMessage: transactionId ? '사용자가 결제를 취소하였습니다' : null,
      });
      return `failure_report_${verdict}`;
    });
  }
  toString() { return `reportFailure(order ${this.order}, ${this.imp === 'none' ? 'no' : this.imp} imp_uid)`; }
}

type NoticeKind = 'true status' | 'stale ready' | 'forged paid' | 'other order paid' | 'failed attempt claims paid';

class Webhook extends Base {
  readonly kind = 'webhook';
  constructor(readonly order: number, readonly notice: NoticeKind, readonly copies: number) { super(); }
  protected async act(_m: Model, r: Real) {
    const payment = await order(r, this.order, 'any');
    if (!payment) return;
    const attempts = attemptsOf(r, payment.merchantUid);
    const latest = attempts.at(-1);
    let gatewayPaymentId: string;
    let status: string;
    switch (this.notice) {
      case 'true status': if (!latest) return; gatewayPaymentId = latest.gatewayPaymentId; status = latest.status; break;
      case 'stale ready': if (!latest) return; gatewayPaymentId = latest.gatewayPaymentId; status = 'ready'; break;
      case 'forged paid': gatewayPaymentId = FORGED; status = 'paid'; break;
      case 'other order paid': gatewayPaymentId = gatewayPaymentIdFor(r, payment.merchantUid, 'other order') as string; status = 'paid'; break;
      case 'failed attempt claims paid': {
        const failed = attempts.find((a) => a.status === 'failed');
        if (!failed) return;
        gatewayPaymentId = failed.gatewayPaymentId; status = 'paid'; break;
      }
    }
    for (let i = 0; i < this.copies; i++) {
      launch(r, String(this), async () => `webhook_${await r.app.webhooks.receive({ gatewayPaymentId, merchantUid: payment.merchantUid, status }, JSON.stringify({ imp_uid: gatewayPaymentId, status }), '127.0.0.1')}`);
    }
  }
  toString() { return `webhook(order ${this.order}, ${this.notice}${this.copies > 1 ? ` x${this.copies}` : ''})`; }
}

class GatewayFault extends Base {
  readonly kind = 'gateway fault';
  constructor(readonly op: Op, readonly outcome: ScriptedOutcome) { super(); }
  protected async act(_m: Model, r: Real) {
    r.app.gateway.scriptNext(this.op, this.outcome);
    r.faults.set(this.op, (r.faults.get(this.op) ?? 0) + 1);
  }
  toString() { return `gateway.scriptNext(${this.op}, ${this.outcome})`; }
}

class SlowGateway extends Base {
  readonly kind = 'slow gateway';
  constructor(readonly op: Op, readonly turns: number) { super(); }
  protected async act(_m: Model, r: Real) {
    r.slow.set(this.op, this.turns);
  }
  toString() { return `slow(${this.op}, ${this.turns} turns)`; }
}

class Reconcile extends Base {
  readonly kind = 'reconcile';
  constructor(readonly advanceMinutes: number) { super(); }
  protected async act(_m: Model, r: Real) {
    if (this.advanceMinutes) r.app.clock.advance(this.advanceMinutes * 60_000);
    launch(r, String(this), async () => {
      const { settled } = await r.app.reconcile.execute();
      return settled ? 'reconcile_settled' : 'reconcile_idle';
    });
  }
  toString() { return this.advanceMinutes ? `clock +${this.advanceMinutes} min, reconcile()` : 'reconcile()'; }
}

class Relay extends Base {
  readonly kind = 'relay';
  protected async act(_m: Model, r: Real) {
    launch(r, String(this), async () => { await r.relay.runOnce(); return 'relay_ran'; });
  }
  toString() { return 'outboxRelay.runOnce()'; }
}

/** Time passes: the scheduler lets `turns` awaited steps (a gateway call, an answer, a read) happen, in an order it picks. */
class Wait extends Base {
  readonly kind = 'time passes';
  constructor(readonly turns: number) { super(); }
  protected async act(_m: Model, r: Real) {
    for (let i = 0; i < this.turns && (await step(r)); i++);
  }
  toString() { return `wait(${this.turns} turns)`; }
}

/** Waits until everything in flight has answered: the next commands start from a settled system. */
class Quiesce extends Base {
  readonly kind = 'quiesce';
  protected async act(_m: Model, r: Real) {
    await drain(r);
  }
  toString() { return 'quiesce()'; }
}

const ops: Op[] = ['prepare', 'settle', 'getPayment', 'findByMerchantUid', 'cancel'];
const orderIndex = fc.nat({ max: 7 });
const imp = fc.constantFrom<ImpChoice>('right', 'right', 'right', 'other order', 'forged');

const checkout = fc.tuple(fc.nat({ max: USERS - 1 }), fc.constantFrom('monthly' as const, 'monthly' as const, 'annual' as const)).map(([u, p]) => new Checkout(u, p));
const buyerPays = fc.tuple(
  orderIndex,
  fc.constantFrom<BuyerAction>('paid', 'paid', 'paid', 'declined', 'user_cancelled'),
  fc.nat({ max: 9 }).map((n) => n === 0),
  fc.constantFrom<PageReaction>('validates', 'validates', 'reports', 'is lost'),
  fc.nat({ max: 3 }).map((n) => n > 0),
).map(([o, a, w, page, notified]) => new BuyerPays(o, a, w, page, notified));
const validation = fc.tuple(orderIndex, imp, fc.nat({ max: 9 }).map((n) => n === 0)).map(([o, i, u]) => new Validation(o, i, u));

/** fc.commands picks among these uniformly: the buyer's own steps are listed twice so most runs reach a payment. */
export const commandArbitraries: Array<fc.Arbitrary<SimCommand>> = [
  checkout, checkout, buyerPays, buyerPays, validation, validation,
  fc.tuple(orderIndex, fc.constantFrom<ImpChoice | 'none'>('none', 'right', 'right', 'other order', 'forged')).map(([o, i]) => new FailureReport(o, i)),
  fc.tuple(
    orderIndex,
    fc.constantFrom<NoticeKind>('true status', 'true status', 'true status', 'stale ready', 'forged paid', 'other order paid', 'failed attempt claims paid'),
    fc.integer({ min: 1, max: 3 }),
  ).map(([o, n, c]) => new Webhook(o, n, c)),
  fc.oneof(
    fc.tuple(fc.constantFrom<Op>(...ops), fc.constantFrom<ScriptedOutcome>('unknown', 'unknown', 'rejected')),
    // a lost answer means the gateway acted: only meaningful for the calls that change something there
    fc.tuple(fc.constantFrom<Op>('prepare', 'cancel'), fc.constant<ScriptedOutcome>('lost')),
  ).map(([op, outcome]) => new GatewayFault(op, outcome)),
  fc.tuple(fc.constantFrom<Op>(...ops), fc.integer({ min: 2, max: 8 })).map(([op, turns]) => new SlowGateway(op, turns)),
  fc.constantFrom(0, 0, 5, TTL_MIN + 1).map((minutes) => new Reconcile(minutes)),
  fc.constant(new Relay()),
  fc.integer({ min: 1, max: 12 }).map((turns) => new Wait(turns)),
  fc.constant(new Quiesce()),
];

// ---------------------------------------------------------------------------------------------
// after the run: heal, drain, reconcile, check

/** Releases one awaited step the scheduler picks, then lets every task run on to its next await; false when nothing waits. */
async function step(real: Real): Promise<boolean> {
  await new Promise((resolve) => setImmediate(resolve));
  if (real.s.count() === 0) return false;
  await real.s.waitOne();
  await new Promise((resolve) => setImmediate(resolve));
  return true;
}

/** Lets the scheduler run everything still in flight (including work started by work in flight). */
async function drain(real: Real): Promise<void> {
  for (let turn = 0; turn < 100_000; turn++) {
    if (!(await step(real)) && real.running === 0) return;
  }
  throw new Error(`the simulation never settled: ${real.running} use cases still in flight`);
}

/** Uses up the faults nobody triggered, with calls that touch nothing, so the final pass meets a healthy gateway. */
async function healGateway(real: Real): Promise<void> {
  const gateway = real.app.gateway;
  const harmless: Record<Op, () => Promise<unknown>> = {
    prepare: () => gateway.prepare({ merchantUid: `heal_${gateway.calls.length}`, amount: 1 }),
    settle: () => gateway.settle({ merchantUid: 'heal', transactionId: 'heal', amount: 1 }),
    getPayment: () => gateway.getPayment('heal'),
    findByMerchantUid: () => gateway.findByMerchantUid('heal'),
    cancel: () => gateway.cancel({ gatewayPaymentId: 'heal', merchantUid: 'heal', amount: 1, checksum: 1, reason: 'heal' }),
  };
  real.slow.clear();
  for (const [op, queued] of real.faults) {
    for (let i = 0; i < queued; i++) {
      const call = harmless[op]().catch(() => undefined);
      await drain(real);
      await call;
    }
  }
  real.faults.clear();
}

async function finish(real: Real, kinds: Set<CommandKind>, options: SimulationOptions): Promise<RunReport> {
  const { app } = real;
  await drain(real);
  await healGateway(real);
  // events whose in-process delivery failed: the relay hands them out again
  const relay = async () => {
    for (let pass = 0; pass < 3; pass++) {
      const relayed = real.relay.runOnce();
      await drain(real);
      if ((await relayed) === 0) break;
    }
  };
  await relay();

  const violations: string[] = [...real.unexpected.map((u) => `unexpected exception (not a typed answer) in ${u}`)];

  // 3a. a reconcile, whatever the age: an await payment a client reported an imp_uid for is settled when the gateway knows the outcome
  let reconciled = app.reconcile.execute();
  await drain(real);
  await reconciled;
  await relay();
  for (const p of await orders(real)) {
    const truth = p.reportedGatewayPaymentId ? real.app.gateway.allPayments().find((g) => g.merchantUid === p.merchantUid && g.status !== 'ready') : undefined;
    if (p.status === 'await' && truth) violations.push(`${p.merchantUid} still await with reported imp_uid ${p.reportedGatewayPaymentId} though the gateway holds it ${truth.status}`);
  }

  // 3b. past the TTL, reconciles with a healthy gateway over the next day end every order: the
  // reconciler asks about orders failed on our own word on a doubling schedule for a day, so steps
  // that double in length meet every recheck.
  for (let minutes = TTL_MIN + 1; minutes <= 26 * 60; minutes *= 2) {
    app.clock.advance(minutes * 60_000);
    reconciled = app.reconcile.execute();
    await drain(real);
    await reconciled;
    await relay();
  }

  const ours = await orders(real);
  const byUid = new Map(ours.map((p) => [p.merchantUid, p]));
  const gatewayPayments = app.gateway.allPayments();
  const staleBefore = app.clock.now().getTime() - TTL_MIN * 60_000;
  let lost = 0;
  let doubleEffects = 0;
  let paidAtGateway = 0;
  const paidEvents = countBy(app.eventsOfType('PaymentPaid').map((e) => (e.event.payload as { paymentId: string }).paymentId));
  const membershipEvents = countBy([...app.eventsOfType('MembershipActivated'), ...app.eventsOfType('MembershipExtended')]
    .map((e) => (e.event.payload as { paymentId?: string }).paymentId ?? '?'));

  for (const p of ours) {
    if (p.status === 'await' && p.reportedGatewayPaymentId) violations.push(`${p.merchantUid} left await with reported imp_uid ${p.reportedGatewayPaymentId}`);
    if (p.status === 'await' && p.createdAt.getTime() < staleBefore) violations.push(`${p.merchantUid} left await past the TTL`);
  }

  // 1. the gateway's paid payments are paid here, each applied to a membership exactly once
  for (const g of gatewayPayments.filter((x) => x.status === 'paid')) {
    const p = byUid.get(g.merchantUid);
    if (!p || g.amount !== p.amount) continue;
    paidAtGateway += 1;
    if (p.status !== 'paid' || p.gatewayPaymentId !== g.gatewayPaymentId) {
      lost += 1;
      violations.push(`lost: the gateway holds ${g.gatewayPaymentId} paid for ${g.merchantUid}, ours is ${p.status} (imp_uid ${p.gatewayPaymentId}, failure ${p.failure?.code ?? '-'})`);
    }
    const paid = paidEvents.get(p.id) ?? 0;
    const applied = membershipEvents.get(p.id) ?? 0;
    if (paid > 1 || applied > 1) doubleEffects += 1;
    if (paid !== 1 || applied !== 1) violations.push(`${p.merchantUid}: ${paid} PaymentPaid and ${applied} membership activations/extensions (expected 1 and 1)`);
  }
  // a charge of another amount is a fraud signal: the order fails and the money goes back whole
  for (const g of gatewayPayments.filter((x) => wasCharged(x))) {
    const p = byUid.get(g.merchantUid);
    if (!p || g.amount === p.amount) continue;
    if (g.cancelledAmount !== g.amount) {
      lost += 1;
      violations.push(`lost: ${g.gatewayPaymentId} charged ${g.amount} KRW for ${g.merchantUid} (order ${p.amount} KRW) and ${g.amount - g.cancelledAmount} KRW were never returned`);
    }
    if (p.status === 'paid' && p.gatewayPaymentId === g.gatewayPaymentId) violations.push(`${p.merchantUid} paid by a charge of the wrong amount ${g.gatewayPaymentId}`);
  }

  // 2. nothing is paid here that the gateway does not hold as paid
  for (const p of ours.filter((x) => x.status === 'paid')) {
    const g = p.gatewayPaymentId ? app.gateway.peek(p.gatewayPaymentId) : null;
    if (!g || g.status !== 'paid' || g.merchantUid !== p.merchantUid || g.amount !== p.amount) {
      violations.push(`${p.merchantUid} is paid here (imp_uid ${p.gatewayPaymentId}) but the gateway holds ${g ? `${g.status} ${g.amount} KRW for ${g.merchantUid}` : 'nothing'}`);
    }
    if (!paidEvents.has(p.id)) violations.push(`${p.merchantUid} is paid without a PaymentPaid event`);
  }

  // 4. no merchant_uid charged twice; no double effects on memberships
  for (const [merchantUid, n] of countBy(gatewayPayments.filter((g) => wasCharged(g)).map((g) => g.merchantUid))) {
    if (n > 1) {
      doubleEffects += 1;
      violations.push(`${merchantUid} charged ${n} times at the gateway`);
    }
  }
  for (const userId of real.userIds) {
    const paidPurchases = ours.filter((p) => p.userId === userId && p.status === 'paid').length;
    const membership = await app.memberships.findLatestByUserId(userId);
    const periods = membership?.periodNo ?? 0;
    if (periods !== paidPurchases) {
      if (periods > paidPurchases) doubleEffects += 1;
      violations.push(`${userId}: membership period ${periods}, but ${paidPurchases} paid purchases`);
    }
  }

  return { kinds, payments: ours.length, paidAtGateway, lost, doubleEffects, answers: real.answers, violations };
}

/**
 * On Node 20 every AsyncLocalStorage ever entered stays registered and is copied into each new
 * promise, so thousands of runs (one TransactionContext each) would slow down linearly: disable it.
 */
function release(app: MemoryApp): void {
  const context = app.container.get<TransactionContext>(SHARED.TransactionTracker) as unknown as { storage?: AsyncLocalStorage<unknown> };
  context.storage?.disable();
}

function countBy(keys: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const key of keys) count(counts, key);
  return counts;
}

// ---------------------------------------------------------------------------------------------
// the property

export class InvariantBroken extends Error {
  constructor(readonly report: RunReport) {
    super(`invariants broken:\n  - ${report.violations.join('\n  - ')}`);
  }
}

/** The simulation as a fast-check property; `onRun` sees the report of every run (for the script's summary). */
export function paymentSimulation(onRun: (report: RunReport) => void = () => {}, options: SimulationOptions = {}) {
  return fc.asyncProperty(
    fc.scheduler(),
    fc.commands(commandArbitraries, { maxCommands: MAX_COMMANDS, size: 'large', ...(options.commandsReplayPath ? { replayPath: options.commandsReplayPath } : {}) }),
    async (s, commands) => {
      const restoreTimers = scheduleTimers(s);
      const setup = await setUp(s);
      try {
        await fc.asyncModelRun(() => setup, commands);
        const report = await finish(setup.real, setup.model.kinds, options);
        onRun(report);
        if (report.violations.length > 0) throw new InvariantBroken(report);
      } finally {
        restoreTimers();
        release(setup.real.app);
      }
    },
  );
}

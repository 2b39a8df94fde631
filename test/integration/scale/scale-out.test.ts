// DESIGN §8 shown: three `npm start` instances on one MariaDB or PostgreSQL database and one
// Iamport sandbox (each in a process of its own), a client spreading requests over them, and
// nothing done twice — not a payment, not an activation, not a charge, not a reminder.
import { expect } from 'chai';
import { NOTICES_PER_WRITE } from '../../../src/billing/application/notification-log.port';
import { ScryptPasswordHasher } from '../../../src/identity/infrastructure/scrypt-password-hasher';
import { paymentMapper } from '../../../src/payment/infrastructure/payment.mapper';
import { renewalMerchantUid } from '../../../src/payment/domain/merchant-uid';
import type { DomainEvent } from '../../../src/shared/domain/domain-event';
import { KnexOutbox } from '../../../src/shared/infrastructure/knex/knex-outbox';
import { TransactionContext } from '../../../src/shared/infrastructure/transaction-context';
import { aPayment } from '../../support/builders/payment.builder';
import { SERVER_ENGINES } from '../../support/database';
import { inBatches, type ScaleCluster, startScaleCluster, waitUntil } from '../../support/scale-cluster';
import { renewingMemberships } from '../renewals/due-memberships';

const INSTANCES = 3;
const VALIDATIONS = 200;
const BUYERS = 300;
const RELAYED_EVENTS = 600;
const RENEWING = 1500;
const DAY_MS = 24 * 60 * 60 * 1000;
/** Past the renewal lease a killed instance leaves (5 min, ADR 0003). */
const PAST_THE_RENEWAL_LEASE_MS = 6 * 60_000;
/** Past the hold on a notice it was sending (NOTICE_HOLD_MS, 10 min), yet inside the holds the survivors took after the first move. */
const PAST_THE_NOTICE_HOLD_MS = 12 * 60_000;
/**
 * Receipts one instance has sent without yet marking them sent: those of one batch's keys taken
 * together (NOTICES_PER_WRITE, 10) in its renewal run's publish, and as many in its relay's.
 */
const RECEIPTS_IN_FLIGHT = NOTICES_PER_WRITE + NOTICES_PER_WRITE;

/** Counts of `values`, e.g. how many times each merchant_uid was charged. */
function tally(values: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return counts;
}

/** Keys whose count is not exactly one (none or several), with their counts. */
function notOnce(keys: string[], counts: Map<string, number>): Array<[string, number]> {
  return keys.map((key): [string, number] => [key, counts.get(key) ?? 0]).filter(([, n]) => n !== 1);
}

/** How many keys were counted how often, e.g. {"1": 3000}: every one of 3,000 exactly once. */
function histogram(keys: string[], counts: Map<string, number>): string {
  return JSON.stringify(Object.fromEntries(tally(keys.map((key) => String(counts.get(key) ?? 0)))));
}

/** The recipients of the mails of one notice kind (X-Memberpay-Notice) the sink received, one entry per mail. */
async function mailedTo(cluster: ScaleCluster, kind: string): Promise<string[]> {
  return (await cluster.sandbox.mails()).filter((m) => m.kind === kind).map((m) => m.to);
}

for (const { engine, label, skip } of SERVER_ENGINES) {
  (skip ? describe.skip : describe)(`scale-out: ${INSTANCES} instances (processes) on one ${label} database, the sandbox in its own process`, function () {
    this.timeout(120_000);
    let cluster: ScaleCluster;

    before(async function () {
      this.timeout(90_000);
      // Renewals every second and the relay every 250 ms, so each scenario's background work starts at once.
      cluster = await startScaleCluster(engine, { instances: INSTANCES, workerIntervals: 'relay=250,renewals=1000', logLevel: 'debug' });
    });
    after(async () => {
      await cluster?.close();
    });

    it('migrated the empty database once, though all three started (and migrated) at the same moment', async () => {
      const rows: Array<{ name: string }> = await cluster.database.database.knex('knex_migrations').select('name').orderBy('id');
      expect(new Set(rows.map((r) => r.name)).size, 'distinct migrations').to.equal(rows.length);
      expect(cluster.instances.every((i) => i.process.running)).to.equal(true);
    });

    it(`${VALIDATIONS} concurrent validations of one payment over the three: all answered paid, one PaymentPaid, one activation`, async () => {
      const client = cluster.client();
      await client.signUp();
      const checkout = await client.post('/api/payment/checkout', { plan: 'monthly' });
      expect(checkout.status, checkout.text).to.equal(201);
      const merchantUid: string = checkout.body.merchant_uid;
      const gatewayPaymentId = await cluster.buyer.buyerPays({ merchantUid, amount: checkout.body.amount });

      const answers = await Promise.all(Array.from({ length: VALIDATIONS }, () =>
        client.post('/api/payment/validation', { imp_uid: gatewayPaymentId, merchant_uid: merchantUid })));
      const statuses = tally(answers.map((a) => `${a.status} ${a.body?.status ?? a.body?.error?.code}`));
      console.log(`      answers: ${JSON.stringify(Object.fromEntries(statuses))}`);
      expect(answers.filter((a) => a.status === 200 && a.body.status === 'paid'), 'answered 200 paid').to.have.length(VALIDATIONS);

      const knex = cluster.database.database.knex;
      const payment = await knex('payments').where({ merchant_uid: merchantUid }).first();
      const events: Array<{ type: string; aggregate_id: string }> = await knex('domain_events').select('type', 'aggregate_id');
      expect(events.filter((e) => e.type === 'PaymentPaid' && e.aggregate_id === payment.id), 'PaymentPaid').to.have.length(1);
      const memberships = await knex('memberships').where({ user_id: payment.user_id });
      expect(memberships.map((m) => [m.status, m.period_no])).to.deep.equal([['active', 1]]);
      expect(events.filter((e) => e.type === 'MembershipActivated' && e.aggregate_id === memberships[0].id), 'MembershipActivated').to.have.length(1);
      expect(events.filter((e) => e.type === 'MembershipExtended' && e.aggregate_id === memberships[0].id), 'MembershipExtended').to.have.length(0);
    });

    it(`${BUYERS} buyers log in, check out and validate, each step on another instance: every payment settled once`, async () => {
      const knex = cluster.database.database.knex;
      // Accounts that exist already (signing up is rate-limited per address); their hash is cheap to verify.
      const passwordHash = await new ScryptPasswordHasher({ N: 1024, r: 8, p: 1 }).hash('correct horse');
      const stamp = Date.now().toString(36);
      const buyers = Array.from({ length: BUYERS }, (_, i) => ({ id: `buyer_${stamp}_${i}`, email: `buyer_${stamp}_${i}@example.com` }));
      await knex.batchInsert('users', buyers.map((b) => ({ ...b, name: 'Scale Buyer', password_hash: passwordHash, created_at: new Date() })), 100);

      const started = Date.now();
      const outcomes = await inBatches(buyers, 30, async (buyer, i) => {
        const client = cluster.client(i); // login, checkout and validation on three different instances
        const login = await client.post('/api/auth/login', { email: buyer.email, password: 'correct horse' });
        if (login.status !== 200) return `login ${login.status}`;
        const checkout = await client.post('/api/payment/checkout', { plan: 'monthly' });
        if (checkout.status !== 201) return `checkout ${checkout.status}`;
        const gatewayPaymentId = await cluster.buyer.buyerPays({ merchantUid: checkout.body.merchant_uid, amount: checkout.body.amount });
        const validation = await client.post('/api/payment/validation', { imp_uid: gatewayPaymentId, merchant_uid: checkout.body.merchant_uid });
        return validation.status === 200 ? `validation ${validation.body.status}` : `validation ${validation.status} ${validation.body?.error?.code}`;
      });
      console.log(`      ${BUYERS} buyers in ${Date.now() - started} ms: ${JSON.stringify(Object.fromEntries(tally(outcomes)))}`);
      expect(outcomes.filter((o) => o !== 'validation paid'), 'buyers not answered paid').to.deep.equal([]);

      const ids = buyers.map((b) => b.id);
      const payments: Array<{ id: string; merchant_uid: string; status: string; user_id: string }> = await knex('payments').whereIn('user_id', ids).select('id', 'merchant_uid', 'status', 'user_id');
      expect(payments.map((p) => p.user_id).sort(), 'one payment per buyer').to.deep.equal([...ids].sort());
      expect(payments.filter((p) => p.status !== 'paid'), 'payments not paid').to.deep.equal([]);
      const events: Array<{ type: string; aggregate_id: string }> = await knex('domain_events').select('type', 'aggregate_id');
      const paidEvents = tally(events.filter((e) => e.type === 'PaymentPaid').map((e) => e.aggregate_id));
      expect(notOnce(payments.map((p) => p.id), paidEvents), 'payments without exactly one PaymentPaid').to.deep.equal([]);
      const memberships: Array<{ id: string; user_id: string; status: string; period_no: number }> = await knex('memberships').whereIn('user_id', ids);
      expect(memberships.filter((m) => m.status !== 'active' || m.period_no !== 1), 'memberships not active in period 1').to.deep.equal([]);
      expect(memberships.map((m) => m.user_id).sort(), 'one membership per buyer').to.deep.equal([...ids].sort());
      const activations = tally(events.filter((e) => e.type === 'MembershipActivated').map((e) => e.aggregate_id));
      expect(notOnce(memberships.map((m) => m.id), activations), 'memberships without exactly one activation').to.deep.equal([]);

      const calls = await cluster.sandbox.calls();
      const paidAtGateway = tally(calls.paidMerchantUids);
      console.log(`      per payment: PaymentPaid ${histogram(payments.map((p) => p.id), paidEvents)}, paid at the sandbox ${histogram(payments.map((p) => p.merchant_uid), paidAtGateway)}; per membership: activations ${histogram(memberships.map((m) => m.id), activations)}`);
      expect(notOnce(payments.map((p) => p.merchant_uid), paidAtGateway), 'merchant_uids not paid once at the sandbox').to.deep.equal([]);
    });

    it(`the outbox relays of the three deliver each of ${RELAYED_EVENTS} waiting events once: one handling per handler, one activation and one receipt per payment`, async () => {
      const knex = cluster.database.database.knex;
      // Paid payments whose PaymentPaid was committed but never delivered (their process died after the commit).
      const stamp = Date.now().toString(36);
      const occurredAt = new Date(Date.now() - 60_000);
      const users = Array.from({ length: RELAYED_EVENTS }, (_, i) => ({ id: `relayed_${stamp}_${i}`, email: `relayed_${stamp}_${i}@example.com`, name: 'Relayed', password_hash: 'not-a-login', created_at: occurredAt }));
      const payments = users.map((user) => aPayment().forUser(user.id).paid(occurredAt).createdAt(occurredAt).build());
      const events: DomainEvent[] = payments.map((payment, i) => ({
        id: `ev_${stamp}_${i}`, type: 'PaymentPaid', aggregateId: payment.id, occurredAt,
        payload: { paymentId: payment.id, merchantUid: payment.merchantUid, userId: payment.userId, amount: payment.amount, purpose: payment.purpose, customerUid: null, paidAt: occurredAt.toISOString() },
      }));
      await knex.batchInsert('users', users, 200);
      await knex.batchInsert('payments', payments.map((p) => paymentMapper.toRow(p, 1)), 200);
      await new KnexOutbox(cluster.database.database, new TransactionContext()).append(events.map((event) => ({ event, delivered: false })));

      const ids = events.map((e) => e.id);
      await waitUntil('every relayed event delivered', async () =>
        Number((await knex('domain_events').whereIn('id', ids).whereNull('delivered_at').count({ n: '*' }))[0].n) === 0, 60_000);
      const emails = new Set(users.map((u) => u.email));
      await waitUntil('a receipt for every relayed payment', async () =>
        (await mailedTo(cluster, 'receipt')).filter((to) => emails.has(to)).length >= users.length, 30_000);

      const relayed = new Set(ids);
      const handled = cluster.logLines().filter((line) => line.msg === 'event handled' && relayed.has(line.eventId as string));
      const perHandler = tally(handled.map((line) => `${line.eventId} ${line.handler}`));
      const handlers = [...new Set(handled.map((line) => line.handler as string))];
      const byInstance = tally(handled.map((line) => `instance ${line.instance}`));
      console.log(`      handlings of the relayed PaymentPaid events by instance: ${JSON.stringify(Object.fromEntries(byInstance))}; handlers ${JSON.stringify(handlers)}`);
      expect(handlers.length, 'handlers of PaymentPaid').to.be.at.least(1);
      expect(notOnce(ids.flatMap((id) => handlers.map((h) => `${id} ${h}`)), perHandler), '(event, handler) not handled exactly once').to.deep.equal([]);
      expect(byInstance.size, 'instances whose relay delivered some').to.be.at.least(2);

      const memberships: Array<{ id: string; user_id: string }> = await knex('memberships').whereIn('user_id', users.map((u) => u.id)).select('id', 'user_id');
      expect(memberships, 'one membership per relayed payment').to.have.length(users.length);
      const activations = tally((await knex('domain_events').where({ type: 'MembershipActivated' }).whereIn('aggregate_id', memberships.map((m) => m.id)).select('aggregate_id')).map((r: { aggregate_id: string }) => r.aggregate_id));
      expect(notOnce(memberships.map((m) => m.id), activations), 'memberships not activated exactly once').to.deep.equal([]);
      const receipts = tally(await mailedTo(cluster, 'receipt'));
      console.log(`      per event: handlings ${histogram(ids.flatMap((id) => handlers.map((h) => `${id} ${h}`)), perHandler)}; per membership: activations ${histogram(memberships.map((m) => m.id), activations)}; per buyer: receipts ${histogram(users.map((u) => u.email), receipts)}`);
      expect(notOnce(users.map((u) => u.email), receipts), 'receipts not mailed exactly once').to.deep.equal([]);
    });

    it(`${RENEWING} memberships renewing on all three instances, one killed (SIGKILL) mid-run: every period charged once at the sandbox, every reminder mailed once, every receipt mailed (twice only if the killed instance had sent it)`, async function () {
      this.timeout(240_000);
      const knex = cluster.database.database.knex;
      const [first, second, victim] = cluster.instances;
      // Due tomorrow: the reminders go out now, the charges once the clocks reach tomorrow.
      const chargeAt = new Date(Date.now() + DAY_MS);
      const { seeded, insert } = renewingMemberships(RENEWING, chargeAt);
      await cluster.sandbox.registerBillingKeys(seeded.map((m) => m.billingKey));
      const started = Date.now();
      await insert(cluster.database.database);
      const emails = seeded.map((m) => m.email);
      const ours = new Set(emails);
      const mailedToUs = async (kind: string) => new Set((await mailedTo(cluster, kind)).filter((to) => ours.has(to))).size;
      await waitUntil(`${RENEWING} reminders mailed`, async () => ((await cluster.sandbox.counts()).mailsByKind.renewal_reminder ?? 0) >= RENEWING, 60_000, 500);
      const remindedIn = Date.now() - started;

      // Tomorrow, an hour after the charges fell due, on every instance.
      const tomorrow = new Date(chargeAt.getTime() + 60 * 60_000);
      for (const instance of cluster.instances) expect((await cluster.admin(instance, '/api/admin/clock', { now: tomorrow.toISOString() })).status).to.equal(200);
      const charging = Date.now();
      const charged = async () => (await cluster.sandbox.counts()).againMerchantUids;
      await waitUntil('a fifth of the periods charged', async () => (await charged()) >= RENEWING / 5, 60_000, 100);
      const killedAt = Date.now();
      await victim.process.kill();
      const atKill = await charged();
      expect(await victim.process.waitForExit()).to.equal('SIGKILL');

      // The survivors renew every period nobody holds; the victim's leased ones wait for its leases to run out.
      const ids = seeded.map((m) => m.id);
      const inPeriodOne = () => knex('memberships').whereIn('id', ids).where('period_no', 1);
      let stranded = -1;
      await waitUntil('the survivors done with every period the victim does not hold', async () => {
        const clockNow = new Date(tomorrow.getTime() + (Date.now() - charging));
        const unleased = Number((await inPeriodOne().andWhere((free) => free.whereNull('renewal_lease_until').orWhere('renewal_lease_until', '<=', clockNow)).count({ n: '*' }))[0].n);
        const left = Number((await inPeriodOne().count({ n: '*' }))[0].n);
        const steady = left === stranded;
        stranded = left;
        return unleased === 0 && steady;
      }, 90_000, 1000);
      const survivorsDoneIn = Date.now() - charging;
      // Time passes in two steps, as it would: past the killed instance's leases, then past the holds
      // on the receipts it was sending. One jump past both would also end the holds of receipts the
      // survivors are sending at that moment, which no real clock does.
      const moveSurvivors = async (byMs: number) => {
        const now = new Date(tomorrow.getTime() + byMs + (Date.now() - charging));
        for (const instance of [first, second]) expect((await cluster.admin(instance, '/api/admin/clock', { now: now.toISOString() })).status).to.equal(200);
      };
      await moveSurvivors(PAST_THE_RENEWAL_LEASE_MS);
      await waitUntil('every membership in period 2', async () => Number((await inPeriodOne().count({ n: '*' }))[0].n) === 0, 60_000, 500);
      await moveSurvivors(PAST_THE_NOTICE_HOLD_MS);
      await waitUntil(`a receipt to each of the ${RENEWING}`, async () => (await mailedToUs('receipt')) >= RENEWING, 60_000, 500);
      const runs = cluster.logLines().filter((line) => line.msg === 'periodic job pass' && line.job === 'renewals');
      const chargedBy = tally(runs.flatMap((line) => Array<string>(Number((line.result as { charged?: number }).charged ?? 0)).fill(`instance ${line.instance + 1}`)));
      console.log(`      reminders mailed in ${remindedIn} ms; ${atKill} periods charged when instance 3 was killed; the survivors done ${survivorsDoneIn} ms after the clocks moved, ${stranded} periods left in the killed instance's leases; all renewed and receipts mailed ${Date.now() - charging} ms after`);
      console.log(`      charged by finished runs: ${JSON.stringify(Object.fromEntries(chargedBy))}`);
      expect(stranded, 'periods the killed instance held').to.be.greaterThan(0);

      const uids = seeded.map((m) => renewalMerchantUid(m.id, 2));
      const calls = await cluster.sandbox.calls();
      const again = new Map(Object.entries(calls.again));
      const reminders = tally(await mailedTo(cluster, 'renewal_reminder'));
      const receipts = tally(await mailedTo(cluster, 'receipt'));
      console.log(`      per period: charges at the sandbox ${histogram(uids, again)}, paid there ${histogram(uids, tally(calls.paidMerchantUids))}; per member: reminders ${histogram(emails, reminders)}, receipts ${histogram(emails, receipts)}`);
      expect(notOnce(uids, again), 'periods not charged exactly once at the sandbox').to.deep.equal([]);
      expect(notOnce(uids, tally(calls.paidMerchantUids)), 'periods not paid exactly once at the sandbox').to.deep.equal([]);
      const payments: Array<{ membership_id: string; status: string }> = await knex('payments').whereIn('merchant_uid', uids).select('membership_id', 'status');
      expect(payments.filter((p) => p.status !== 'paid'), 'renewal payments not paid').to.deep.equal([]);
      expect(notOnce(seeded.map((m) => m.id), tally(payments.map((p) => p.membership_id))), 'memberships without exactly one renewal payment').to.deep.equal([]);
      const renewed = tally((await knex('domain_events').where({ type: 'MembershipRenewed' }).whereIn('aggregate_id', seeded.map((m) => m.id)).select('aggregate_id')).map((r: { aggregate_id: string }) => r.aggregate_id));
      expect(notOnce(seeded.map((m) => m.id), renewed), 'memberships not renewed exactly once').to.deep.equal([]);
      expect(notOnce(emails, reminders), 'reminders not mailed exactly once').to.deep.equal([]);
      // A receipt is mailed twice only when its sender died after the mail server took it and before
      // marking it sent (ADR 0011): at most the killed instance's sends in flight, never a third time.
      const twice = notOnce(emails, receipts);
      const receiptMails = (await cluster.sandbox.mails()).filter((m) => m.kind === 'receipt');
      const firstCopies = twice.map(([to]) => Math.min(...receiptMails.filter((m) => m.to === to).map((m) => m.at)) - killedAt);
      console.log(`      receipts mailed twice: ${twice.length} (the killed instance's sends in flight are at most ${RECEIPTS_IN_FLIGHT}); their first copies reached the sink ${JSON.stringify(firstCopies)} ms from the kill`);
      expect(twice.filter(([, n]) => n !== 2), 'members without a receipt, or with more than two').to.deep.equal([]);
      expect(twice.length, 'receipts mailed twice').to.be.at.most(RECEIPTS_IN_FLIGHT);
    });
  });
}

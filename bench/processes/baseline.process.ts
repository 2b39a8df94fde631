// The baseline: a bare Koa + knex handler writing the rows memberpay's checkout and validation
// write (payment, outbox events, membership, notification), each request in one transaction, with
// no DI, validation, session, gateway call or domain. Same database, its own process.
import { randomUUID } from 'node:crypto';
import { bodyParser } from '@koa/bodyparser';
import Koa from 'koa';
import { KnexDatabase } from '../../src/shared/infrastructure/knex/knex-database';
import { exitWithParent, failed, listen, report } from './child';

const DAY_MS = 24 * 3600 * 1000;

function event(aggregateId: string, type: string, now: Date, payload: Record<string, unknown>) {
  return { id: randomUUID(), aggregate_id: aggregateId, type, payload: JSON.stringify(payload), occurred_at: now, delivered_at: now, claimed_until: null };
}

try {
  const database = KnexDatabase.fromUrl(process.env.BENCH_DATABASE_URL as string, { poolMax: Number(process.env.BENCH_POOL_MAX ?? 10) });
  const knex = database.knex;
  const app = new Koa();
  app.use(bodyParser());
  app.use(async (ctx) => {
    const body = ctx.request.body as Record<string, string>;
    const now = new Date();
    if (ctx.path === '/checkout') {
      const id = randomUUID();
      const merchantUid = `mp_${randomUUID()}`;
      await knex.transaction(async (trx) => {
        await trx('payments').insert({
          id, merchant_uid: merchantUid, user_id: body.user ?? 'u', purpose_kind: 'purchase', plan_id: 'monthly', amount: 9900,
          pay_method: 'card', pg: 'html5_inicis', status: 'await', version: 0, created_at: now, updated_at: now, prepared_at: now,
        });
        await trx('domain_events').insert(event(id, 'PaymentPrepared', now, { paymentId: id, merchantUid, amount: 9900 }));
      });
      ctx.status = 201;
      ctx.body = { works: true, merchant_uid: merchantUid, amount: 9900 };
    } else if (ctx.path === '/validation') {
      const membershipId = randomUUID();
      await knex.transaction(async (trx) => {
        const end = new Date(now.getTime() + 30 * DAY_MS);
        await trx('memberships').insert({
          id: membershipId, user_id: randomUUID(), plan_id: 'monthly', status: 'active', anchor_at: now, months_paid: 1, period_no: 1,
          period_start: now, period_end: end, auto_renew: false, version: 0, created_at: now, updated_at: now,
        });
        await trx('payments').where({ merchant_uid: body.merchant_uid })
          .update({ status: 'paid', gateway_payment_id: body.imp_uid, paid_at: now, fulfilled_at: now, membership_id: membershipId, updated_at: now, version: 2 });
        await trx('domain_events').insert([
          event(body.merchant_uid, 'PaymentPaid', now, { merchantUid: body.merchant_uid }),
          event(membershipId, 'MembershipActivated', now, { membershipId }),
        ]);
        await trx('notifications').insert({ kind: 'activated', membership_id: membershipId, period_no: 1, sent_at: now });
      });
      ctx.body = { works: true, status: 'paid' };
    } else {
      ctx.status = 404;
    }
  });
  const listening = await listen(app.callback());
  exitWithParent(async () => { await listening.close(); await database.destroy(); });
  report('READY', { url: listening.url });
} catch (error) {
  failed(error);
}

// The Iamport sandbox in its own process at zero latency: the gateway is another machine in
// production, so its CPU is not memberpay's. Bench-only routes pay an order as a buyer would,
// register billing keys in bulk, and count the REST calls the gateway received (GET /__bench/calls).
import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import Koa from 'koa';
import { createIamportSandbox } from '../../src/sandbox/iamport/iamport-sandbox';
import { exitWithParent, failed, listen, report, SANDBOX_PREFIX } from './child';

try {
  const frozen = process.env.BENCH_SANDBOX_NOW ? new Date(process.env.BENCH_SANDBOX_NOW) : null;
  const listening = await listen();
  const sandbox = createIamportSandbox({ prefix: SANDBOX_PREFIX, webhookUrl: null, publicUrl: `${listening.url}${SANDBOX_PREFIX}`, now: () => frozen ?? new Date(), env: {} });
  const bench = new Router({ prefix: '/__bench' });
  bench.use(bodyParser({ jsonLimit: '10mb' }));
  bench.post('/pay', (ctx) => {
    const { merchant_uid: merchantUid, amount } = ctx.request.body as { merchant_uid: string; amount: number };
    const outcome = sandbox.state.payInBrowser({
      merchant_uid: merchantUid, amount, name: 'Monthly membership', currency: 'KRW', pg: 'html5_inicis', pay_method: 'card',
      buyer_name: null, buyer_email: null, buyer_tel: null, buyer_addr: null, buyer_postcode: null, custom_data: null,
      customer_uid: null, notice_url: null, user_agent: 'bench', mobile: false,
    }, 'success', 'pay');
    ctx.status = outcome.ok ? 200 : 409;
    ctx.body = outcome.ok ? { imp_uid: outcome.value.imp_uid } : { error: outcome.message };
  });
  bench.post('/customers', (ctx) => {
    const { uids } = ctx.request.body as { uids: string[] };
    for (const uid of uids) sandbox.state.registerCustomer(uid, '4242-4242-4242-4242', '2030-12', {}, 'html5_inicis');
    ctx.body = { registered: uids.length };
  });
  let restCalls = 0;
  bench.get('/calls', (ctx) => { ctx.body = { calls: restCalls }; });
  const app = new Koa();
  app.use(async (ctx, next) => {
    if (!ctx.path.startsWith('/__bench')) restCalls += 1;
    await next();
  });
  app.use(bench.routes());
  app.use(sandbox.router.routes());
  listening.server.on('request', app.callback());
  exitWithParent(async () => { sandbox.close(); await listening.close(); });
  report('READY', { url: listening.url, api: `${listening.url}${SANDBOX_PREFIX}` });
} catch (error) {
  failed(error);
}

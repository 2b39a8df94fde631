// Each instance keeps its sessions in memory (ADR 0016): a logout or an account's deletion on one
// instance must end the session on the others within SESSION_REVOCATION_DELAY_MS, and a deleted
// account gets no order in between. Two instances (in this process) on one MariaDB or PostgreSQL database.
import { expect } from 'chai';
import { SESSION_REVOCATION_DELAY_MS } from '../../../src/shared/infrastructure/cached-session.store';
import { SERVER_ENGINES } from '../../support/database';
import { ApiClient } from '../../support/http-app';
import { type InstancesOnOneDatabase, startInstancesOnOneDatabase } from '../../support/instances';

const pastTheDelay = () => new Promise((resolve) => setTimeout(resolve, SESSION_REVOCATION_DELAY_MS + 200));

for (const { engine, label, skip } of SERVER_ENGINES) (skip ? describe.skip : describe)(`sessions ended on one instance end on the others within 2 s (${label})`, function () {
  this.timeout(30_000);
  let instances: InstancesOnOneDatabase;
  const prepares: number[] = [];
  /** While set, the second instance's prepares wait for it (a gateway call in flight). */
  let preparing: Promise<void> | null = null;
  before(async () => {
    instances = await startInstancesOnOneDatabase(engine, {
      gateway(gateway, i) {
        const prepare = gateway.prepare.bind(gateway);
        prepares.push(0);
        gateway.prepare = async (request) => {
          prepares[i] += 1;
          if (i === 1 && preparing) await preparing;
          return prepare(request);
        };
      },
    });
  });
  after(async () => {
    await instances?.close();
  });

  /** A member signed up on the first instance, and the same browser (its cookie) on the second, which has read the session. */
  async function oneBrowserOnBoth() {
    const first = new ApiClient(instances.urls[0]);
    const account = await first.signUp();
    const second = new ApiClient(instances.urls[1]);
    for (const [name, value] of first.cookies) second.cookies.set(name, value);
    expect((await second.get('/api/me')).status).to.equal(200);
    return { first, second, account };
  }

  it('a logout on one instance: the other answers 401 once 2 s have passed', async () => {
    const { first, second } = await oneBrowserOnBoth();
    expect((await first.post('/api/auth/logout')).status).to.equal(204);
    expect((await first.get('/api/me')).status, 'at once where it logged out').to.equal(401);
    await pastTheDelay();
    expect((await second.get('/api/me')).status).to.equal(401);
    expect((await second.post('/api/payment/checkout', { plan: 'monthly' })).status).to.equal(401);
  });

  it('an account deleted on one instance: the other writes it no order at once, and answers 401 once 2 s have passed', async () => {
    const { first, second, account } = await oneBrowserOnBoth();
    const before = prepares[1];
    const deleted = await first.request('DELETE', '/api/me', { json: { password: account.password } });
    expect(deleted.status, deleted.text).to.equal(204);
    // Within the delay the second instance may still know the session: the account is checked where the order is read and written.
    const checkout = await second.post('/api/payment/checkout', { plan: 'monthly' });
    expect(checkout.status, checkout.text).to.equal(401);
    expect(prepares[1], 'no gateway call').to.equal(before);
    expect((await second.get('/api/me')).status, 'a deleted account is no login').to.equal(401);
    expect(await instances.database.database.knex('payments').where({ user_id: account.id }).count({ n: '*' }).first()).to.deep.include({ n: 0 });
    await pastTheDelay();
    expect((await second.get('/api/payments')).status).to.equal(401);
  });

  it('an account deleted while its checkout waits on the gateway: the order is not written (401)', async () => {
    const { first, second, account } = await oneBrowserOnBoth();
    let answer!: () => void;
    preparing = new Promise((resolve) => { answer = resolve; });
    const before = prepares[1];
    const checkout = second.post('/api/payment/checkout', { plan: 'monthly' });
    while (prepares[1] === before) await new Promise((resolve) => setTimeout(resolve, 5));
    expect((await first.request('DELETE', '/api/me', { json: { password: account.password } })).status).to.equal(204);
    answer();
    preparing = null;
    const refused = await checkout;
    expect(refused.status, refused.text).to.equal(401);
    expect(await instances.database.database.knex('payments').where({ user_id: account.id }).count({ n: '*' }).first()).to.deep.include({ n: 0 });
  });
});

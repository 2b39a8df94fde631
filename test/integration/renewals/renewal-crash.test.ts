import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { renewalMerchantUid } from '../../../src/payment/domain/merchant-uid';
import { KnexDatabase } from '../../../src/shared/infrastructure/knex/knex-database';
import { AppProcess, freePort } from '../../support/app-process';
import { ADMIN_TOKEN, startRecordedSandbox, type RecordedSandbox } from '../../support/sandbox-app';
import { seedDueMemberships } from './due-memberships';

const DUE = 3;
const LEASE_MS = 5 * 60_000;

async function admin(base: string, urlPath: string, body: unknown = {}) {
  const res = await fetch(base + urlPath, {
    method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
    body: JSON.stringify(body), signal: AbortSignal.timeout(15_000),
  });
  return { status: res.status, body: await res.json() };
}

describe('a renewal run killed mid-charge (the app as a child process, SQLite file, standalone sandbox)', function () {
  this.timeout(60_000);
  let sandbox: RecordedSandbox;
  let app: AppProcess;
  let database: KnexDatabase;
  let dir: string;

  afterEach(async () => {
    await app?.stop();
    await sandbox?.close();
    await database?.destroy();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('killed after an `again` answered paid and before its commit: after a restart and the 5-minute lease, each of 3 periods is charged once at the sandbox and renewed', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    sandbox = await startRecordedSandbox({ webhookUrl: null }); // no notices: only the renewal run may bring the truth in
    dir = mkdtempSync(path.join(tmpdir(), 'memberpay-renewal-crash-'));
    const databaseUrl = `sqlite:${path.join(dir, 'db.sqlite')}`;
    database = KnexDatabase.fromUrl(databaseUrl);
    await database.migrateLatest();
    const seeded = await seedDueMemberships(database, sandbox, DUE);
    const uids = seeded.map((m) => renewalMerchantUid(m.id, 2));

    app = new AppProcess({
      PORT: String(port), PUBLIC_URL: base, DATABASE_URL: databaseUrl, IAMPORT_API_URL: sandbox.url,
      ADMIN_TOKEN, SESSION_SECRET: 'renewal-crash-session-secret-0123456789', TEST_CLOCK: 'on',
    });
    await app.start({ MEMBERPAY_FAULT_POINTS: 'before-commit:PaymentPaid' });
    const run = await admin(base, '/api/admin/renewals/run').catch((e: Error) => e);
    expect(run, 'the run dies with the process').to.be.instanceOf(Error);
    expect(await app.waitForExit()).to.be.oneOf(['SIGKILL', 137]);

    // A worker charges several memberships at once: the gateway took one to three charges before the
    // first answer killed the process, and the database holds every payment it had started as await.
    const chargedBeforeCrash = sandbox.count('POST', '/subscribe/payments/again');
    expect(chargedBeforeCrash, '`again` calls before the crash').to.be.within(1, DUE);
    const charged = [...sandbox.againCallsByMerchantUid().keys()];
    const rows: Array<{ merchant_uid: string; status: string }> = await database.knex('payments').select('merchant_uid', 'status');
    expect(rows.every((r) => r.status === 'await'), 'nothing committed as paid').to.equal(true);
    expect(rows.map((r) => r.merchant_uid)).to.include.members(charged);

    await app.start();
    // Within the lease the crashed run still holds every membership it claimed: nothing is charged.
    const held = await admin(base, '/api/admin/renewals/run');
    expect(held.status).to.equal(200);
    expect(held.body, 'a run inside the lease').to.include({ charged: 0 });
    expect(sandbox.count('POST', '/subscribe/payments/again'), '`again` calls inside the lease').to.equal(chargedBeforeCrash);

    const clock = await admin(base, '/api/admin/clock', { now: new Date(Date.now() + LEASE_MS + 60_000).toISOString() });
    expect(clock.status).to.equal(200);
    const after = await admin(base, '/api/admin/renewals/run');
    expect(after.status).to.equal(200);
    console.log(`      inside the lease: ${JSON.stringify(held.body)}; after it: ${JSON.stringify(after.body)}`);
    expect(after.body).to.include({ charged: DUE, failed: 0 });

    const again = sandbox.againCallsByMerchantUid();
    expect(uids.map((uid) => again.get(uid)), '`again` calls per merchant_uid').to.deep.equal([1, 1, 1]);
    for (const uid of charged) expect(sandbox.count('GET', '/payments/find/', uid), `lookups of the crashed charge ${uid} before deciding`).to.be.at.least(1);
    const payments: Array<{ merchant_uid: string; status: string }> = await database.knex('payments').select('merchant_uid', 'status').orderBy('merchant_uid');
    expect(payments).to.deep.equal([...uids].sort().map((uid) => ({ merchant_uid: uid, status: 'paid' })));
    const memberships: Array<{ id: string; period_no: number; status: string }> = await database.knex('memberships').select('id', 'period_no', 'status');
    expect(memberships.map((m) => [m.period_no, m.status])).to.deep.equal([[2, 'active'], [2, 'active'], [2, 'active']]);
  });
});

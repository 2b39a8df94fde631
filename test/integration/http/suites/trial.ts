import { expect } from 'chai';
import type { ApiClient, ApiResponse } from '../../../support/http-app';

/** What the trial tests need of an app started against one PG's sandbox. */
export interface TrialApp {
  admin(path: string, body?: unknown): Promise<ApiResponse>;
}

/**
 * The end of a started trial, the same on every PG: the renewal run before the end charges nothing
 * and asks for consent to the plan price; the member accepts; the run after the end charges once,
 * and a second run nothing. The caller checks what the PG recorded.
 */
export async function acceptTrialPriceAndRenew(app: TrialApp, buyer: ApiClient, trialEndsAt: string): Promise<void> {
  expect((await app.admin('/api/admin/renewals/run', {})).body.charged, 'nothing charged before the trial ends').to.equal(0);
  const [consent] = (await buyer.get('/api/membership/consents')).body.consents;
  expect(consent).to.include({ old_amount: 0, new_amount: 9900, effective_at: trialEndsAt });
  expect((await buyer.post(`/api/membership/consents/${consent.id}`, { accept: true })).status).to.equal(200);

  await app.admin('/api/admin/clock', { now: new Date(new Date(trialEndsAt).getTime() + 60_000).toISOString() });
  const run = await app.admin('/api/admin/renewals/run', {});
  expect(run.status, run.text).to.equal(200);
  expect(run.body).to.include({ charged: 1, failed: 0 });
  expect((await app.admin('/api/admin/renewals/run', {})).body.charged).to.equal(0);
}

import { expect } from 'chai';
import { DateTime } from 'luxon';
import type { CancelMembership } from '../../../src/membership/application/cancel-membership.use-case';
import { CONSENT_WORDING_VERSION } from '../../../src/membership/domain/consent-request.entity';
import { MEMBERSHIP } from '../../../src/membership/membership.tokens';
import { memoryApp, type MemoryApp } from '../../support/memory-container';
import { rejection } from '../../support/rejection';

const kst = (iso: string) => DateTime.fromISO(iso, { zone: 'Asia/Seoul' }).toJSDate();

describe('the member\'s answer to a consent request (AnswerConsent, in-memory adapters)', () => {
  let app: MemoryApp;

  beforeEach(() => {
    app = memoryApp();
  });

  /** A renewing member asked to consent to 12,900 KRW from the next period. */
  async function askedToConsent() {
    app.clock.freezeAt(kst('2027-01-10T10:00'));
    const user = await app.autoRenewingMember();
    await app.schedulePrice.execute('monthly', 12900, kst('2027-02-01T00:00'));
    app.clock.freezeAt(kst('2027-01-11T10:00'));
    await app.renewals.execute();
    const [request] = await app.consents.listByUser(user.id);
    return { user, request };
  }

  it('records the answer with its time, its channel (the page) and the wording version the member answered', async () => {
    const { user, request } = await askedToConsent();
    app.clock.freezeAt(kst('2027-01-12T09:30'));
    await app.answerConsent.execute(user.id, request.id, true);
    const stored = (await app.consents.findById(request.id))!.toProps();
    expect(stored).to.include({ status: 'accepted', method: 'web', wordingVersion: CONSENT_WORDING_VERSION });
    expect(stored.answeredAt?.toISOString()).to.equal(kst('2027-01-12T09:30').toISOString());
  });

  for (const accept of [true, false]) {
    it(`refuses ${accept ? 'an acceptance' : 'a decline'} once the membership has ended, and leaves the request unanswered`, async () => {
      const { user, request } = await askedToConsent();
      await app.container.get<CancelMembership>(MEMBERSHIP.CancelMembership).execute({ userId: user.id, refund: true, reason: null });
      const error = (await rejection(app.answerConsent.execute(user.id, request.id, accept))) as { code?: string };
      expect(error.code).to.equal('no_active_membership');
      expect((await app.consents.findById(request.id))?.status).to.equal('pending');
    });
  }
});

import type { Router } from '@koa/router';
import type { Clock } from '../../shared/application/clock.port';
import { answer } from '../../shared/http/respond';
import { createRouter } from '../../shared/http/routing';
import { requireUserId } from '../../shared/http/session';
import { validate } from '../../shared/http/validate';
import type { AnswerConsent } from '../application/answer-consent.use-case';
import type { ConsentRequestRepository } from '../application/consent-request-repository.port';
import type { StartTrial } from '../application/start-trial.use-case';
import { presentConsent } from './consent.presenter';
import { consentAnswerSchema, consentIdSchema, trialConfirmSchema, trialSchema } from './consent.schemas';
import { presentMembership } from './membership.presenter';

/** What the configured PG's window needs to store a trial's card: `gateway` picks the page's script, `pg` is the channel (Iamport's `pg`), `client` is its own. */
export type TrialWindow = (trial: { customerUid: string; name: string; planId: string }) => { gateway: string; pg: string; client: Record<string, unknown> };

export interface ConsentRouteDeps {
  consents: ConsentRequestRepository;
  answerConsent: AnswerConsent;
  startTrial: StartTrial;
  trialWindow: TrialWindow;
  clock: Clock;
}

/** The member's consents to higher charges, and free trials (the card stored without a charge). */
export function consentRoutes(deps: ConsentRouteDeps): Router {
  const router = createRouter();

  router.get('/api/membership/consents', async (ctx) => {
    const userId = requireUserId(ctx);
    const now = deps.clock.now();
    answer(ctx, { consents: (await deps.consents.listByUser(userId)).map((r) => presentConsent(r, now)) });
  });

  router.post('/api/membership/consents/:id', async (ctx) => {
    const userId = requireUserId(ctx);
    const id = validate(consentIdSchema, ctx.params.id);
    const body = validate(consentAnswerSchema, ctx.request.body);
    const { request, membership } = await deps.answerConsent.execute(userId, id, body.accept);
    answer(ctx, { consent: presentConsent(request, deps.clock.now()), membership: presentMembership(membership) });
  });

  router.post('/api/membership/trial', async (ctx) => {
    const userId = requireUserId(ctx);
    const body = validate(trialSchema, ctx.request.body);
    const offer = await deps.startTrial.offer(userId, body.plan);
    answer(ctx, {
      plan: offer.plan.id, trial_days: offer.plan.trialDays, trial_ends_at: offer.trialEndsAt.toISOString(),
      // The PG window stores the card under this key without a charge (Iamport: request_pay with customer_uid and amount 0;
      // Toss: requestBillingAuth with it as customerKey; PortOne V2: requestIssueBillingKey with it as customer.id).
      customer_uid: offer.customerUid, amount: 0, name: offer.plan.names.ko,
      ...deps.trialWindow({ customerUid: offer.customerUid, name: offer.plan.names.ko, planId: offer.plan.id }),
    });
  });

  router.post('/api/membership/trial/confirm', async (ctx) => {
    const userId = requireUserId(ctx);
    const body = validate(trialConfirmSchema, ctx.request.body);
    const membership = await deps.startTrial.confirm(userId, body.plan, body.auth_key ?? body.billing_key);
    answer(ctx, { membership: presentMembership(membership) }, 201);
  });

  return router;
}

import type { Router } from '@koa/router';
import { requestLanguage } from '../../shared/http/language';
import { createRouter } from '../../shared/http/routing';
import { answer, answerRefund, noContent } from '../../shared/http/respond';
import { endUserSession, requireUserId } from '../../shared/http/session';
import { validate } from '../../shared/http/validate';
import { presentExportedUser, presentUser } from '../../identity/identity.api';
import { presentPayment } from '../../payment/payment.api';
import type { DeleteAccount } from '../application/delete-account.use-case';
import type { ExportAccount } from '../application/export-account.query';
import type { CancelMembership } from '../application/cancel-membership.use-case';
import type { GetAccount } from '../application/get-account.query';
import type { GetRefundQuote } from '../application/get-refund-quote.use-case';
import type { RemoveCard } from '../application/remove-card.use-case';
import type { SetAutoRenew } from '../application/set-auto-renew.use-case';
import { presentMembership } from './membership.presenter';
import { autoRenewSchema, cancelSchema, deleteAccountSchema } from './membership-account.schemas';

export interface MembershipAccountRouteDeps {
  getAccount: GetAccount;
  getRefundQuote: GetRefundQuote;
  cancelMembership: CancelMembership;
  setAutoRenew: SetAutoRenew;
  removeCard: RemoveCard;
  deleteAccount: DeleteAccount;
  exportAccount: ExportAccount;
}

/** The member's own controls: refund quote, cancel (with or without refund), auto-renew, removing the stored card. */
export function membershipAccountRoutes(deps: MembershipAccountRouteDeps): Router {
  const router = createRouter();

  router.get('/api/me', async (ctx) => {
    const account = await deps.getAccount.execute(requireUserId(ctx));
    answer(ctx, {
      user: presentUser(account.user),
      payment_status: account.paymentStatus,
      membership: account.membership ? presentMembership(account.membership) : null,
    });
  });

  // Leaving (PIPA art. 21): the membership ends with the member's choice of refund, then the account goes.
  router.delete('/api/me', async (ctx) => {
    const userId = requireUserId(ctx);
    const body = validate(deleteAccountSchema, ctx.request.body);
    const result = await deps.deleteAccount.execute({ userId, password: body.password, refund: body.refund, ip: ctx.ip });
    if (result.notEnded) {
      // The refund was sent but could not be recorded: nothing deleted, the session stays for the retry.
      answerRefund(ctx, { membership: presentMembership(result.notEnded), refund: result.refund });
      return;
    }
    endUserSession(ctx);
    noContent(ctx);
  });

  router.get('/api/me/export', async (ctx) => {
    const data = await deps.exportAccount.execute(requireUserId(ctx));
    ctx.set('Content-Disposition', 'attachment; filename="memberpay-export.json"');
    answer(ctx, {
      user: presentExportedUser(data.user),
      memberships: data.memberships.map(presentMembership),
      payments: data.payments.map(presentPayment),
    });
  });

  router.get('/api/membership/refund-quote', async (ctx) => {
    const quote = await deps.getRefundQuote.execute(requireUserId(ctx), requestLanguage(ctx));
    answer(ctx, {
      refundable: quote.refundable, rule: quote.rule, rule_name: quote.ruleName, rule_reason: quote.ruleReason,
      used_days: quote.usedDays, total_days: quote.totalDays,
      // The current period's charge's own window (each renewal opens one).
      withdrawal_ends_at: quote.purchases[0]?.withdrawalEndsAt?.toISOString() ?? null,
      purchases: quote.purchases.map((p) => ({
        merchant_uid: p.merchantUid, amount: p.amount, paid_at: p.paidAt.toISOString(), withdrawal_ends_at: p.withdrawalEndsAt?.toISOString() ?? null, period_start: p.periodStart.toISOString(), period_end: p.periodEnd.toISOString(),
        refundable: p.refundable, rule: p.rule, rule_name: p.ruleName, rule_reason: p.ruleReason, used_days: p.usedDays, total_days: p.totalDays,
      })),
    });
  });

  router.post('/api/membership/cancel', async (ctx) => {
    const userId = requireUserId(ctx);
    const body = validate(cancelSchema, ctx.request.body);
    const result = await deps.cancelMembership.execute({ userId, refund: body.refund, reason: body.reason || null });
    answerRefund(ctx, { membership: presentMembership(result.membership), refund: result.refund });
  });

  router.post('/api/membership/auto-renew', async (ctx) => {
    const userId = requireUserId(ctx);
    const body = validate(autoRenewSchema, ctx.request.body);
    answer(ctx, { membership: presentMembership(await deps.setAutoRenew.execute(userId, body.enabled)) });
  });

  router.delete('/api/membership/card', async (ctx) => {
    const userId = requireUserId(ctx);
    answer(ctx, { membership: presentMembership(await deps.removeCard.execute(userId)) });
  });

  return router;
}

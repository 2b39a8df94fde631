import type { Router } from '@koa/router';
import { createRouter } from '../../shared/http/routing';
import { presentMembership } from '../../membership/http/membership.presenter';
import { requestLanguage } from '../../shared/http/language';
import { answer, noContent } from '../../shared/http/respond';
import { currentStoredSessionId, currentUserId, endUserSession, requireUserId, startUserSession } from '../../shared/http/session';
import { validate } from '../../shared/http/validate';
import { presentPayment } from '../../payment/http/payment.presenter';
import type { DeleteAccount } from '../application/delete-account.use-case';
import type { ExportAccount } from '../application/export-account.query';
import type { GetAccount } from '../application/get-account.query';
import type { LogIn } from '../application/log-in.use-case';
import type { LogOut } from '../application/log-out.use-case';
import type { SignUp } from '../application/sign-up.use-case';
import { deleteAccountSchema, logInSchema, signUpSchema } from './identity.schemas';
import { presentExportedUser, presentUser } from './user.presenter';

export interface IdentityRouteDeps {
  signUp: SignUp;
  logIn: LogIn;
  logOut: LogOut;
  getAccount: GetAccount;
  deleteAccount: DeleteAccount;
  exportAccount: ExportAccount;
  /** No real money moves here (the PG is a sandbox): the page offers its test clock. */
  sandbox: boolean;
}

export function identityRoutes(deps: IdentityRouteDeps): Router {
  const router = createRouter();

  router.post('/api/auth/signup', async (ctx) => {
    const body = validate(signUpSchema, ctx.request.body);
    const user = await deps.signUp.execute({ ...body, ip: ctx.ip, language: requestLanguage(ctx) });
    await startUserSession(ctx, user.id);
    answer(ctx, { user: presentUser(user) }, 201);
  });

  router.post('/api/auth/login', async (ctx) => {
    const body = validate(logInSchema, ctx.request.body);
    const user = await deps.logIn.execute({ ...body, ip: ctx.ip });
    await startUserSession(ctx, user.id);
    answer(ctx, { user: presentUser(user) });
  });

  router.post('/api/auth/logout', async (ctx) => {
    await deps.logOut.execute({ sessionId: currentStoredSessionId(ctx) });
    endUserSession(ctx);
    noContent(ctx);
  });

  // What the page asks on every load: answering 200 logged out too keeps a visitor's console free of a 401.
  router.get('/api/session', (ctx) => {
    answer(ctx, { signed_in: currentUserId(ctx) !== null, sandbox: deps.sandbox });
  });

  router.get('/api/me', async (ctx) => {
    const account = await deps.getAccount.execute(requireUserId(ctx));
    answer(ctx, {
      user: presentUser(account.user),
      payment_status: account.paymentStatus,
      membership: account.membership ? presentMembership(account.membership) : null,
    });
  });

  router.delete('/api/me', async (ctx) => {
    const userId = requireUserId(ctx);
    const body = validate(deleteAccountSchema, ctx.request.body);
    await deps.deleteAccount.execute({ userId, password: body.password, refund: body.refund, ip: ctx.ip });
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

  return router;
}

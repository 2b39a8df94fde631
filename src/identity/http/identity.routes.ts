import type { Router } from '@koa/router';
import { createRouter } from '../../shared/http/routing';
import { requestLanguage } from '../../shared/http/language';
import { answer, noContent } from '../../shared/http/respond';
import { currentStoredSessionId, currentUserId, endUserSession, startUserSession } from '../../shared/http/session';
import { validate } from '../../shared/http/validate';
import type { LogIn } from '../application/log-in.use-case';
import type { LogOut } from '../application/log-out.use-case';
import type { SignUp } from '../application/sign-up.use-case';
import { logInSchema, signUpSchema } from './identity.schemas';
import { presentUser } from './user.presenter';

export interface IdentityRouteDeps {
  signUp: SignUp;
  logIn: LogIn;
  logOut: LogOut;
  /** No real money moves here (the PG is a sandbox): the page offers its test clock. */
  sandbox: boolean;
}

export function identityRoutes(deps: IdentityRouteDeps): Router {
  const router = createRouter();

  router.post('/api/auth/signup', async (ctx) => {
    const body = validate(signUpSchema, ctx.request.body);
    const user = await deps.signUp.execute({ ...body, ip: ctx.ip, language: requestLanguage(ctx) }, (created) => startUserSession(ctx, created.id));
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

  return router;
}

import type { Router } from '@koa/router';
import { createRouter } from '../shared/http/routing';
import type { Middleware } from 'koa';
import type { AppMetrics } from './metrics';

/**
 * Times every request into the duration histogram, labelled by the route's pattern
 * (`/api/admin/payments/:merchant_uid/refund`, never the concrete path, so labels stay few);
 * the page's files share `static` (a label per file would grow with the page), and requests nothing
 * answered share `unmatched`. Mounted outside the error middleware,
 * so the status is the one the client got.
 */
export function httpMetricsMiddleware(metrics: AppMetrics): Middleware {
  return async (ctx, next) => {
    const end = metrics.httpDuration.startTimer();
    try {
      await next();
    } finally {
      const route = (ctx as { _matchedRoute?: string | RegExp })._matchedRoute ?? (ctx.state as { routeLabel?: string }).routeLabel;
      end({ method: ctx.method, route: route ? String(route) : 'unmatched', status: String(ctx.status) });
    }
  };
}

/** `GET /metrics`: Prometheus text format from the app's own registry. */
export function metricsRoutes(metrics: AppMetrics): Router {
  const router = createRouter();
  router.get('/metrics', async (ctx) => {
    const { contentType, body } = await metrics.text();
    ctx.type = contentType;
    ctx.body = body;
  });
  return router;
}

import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { Middleware } from 'koa';

const require = createRequire(import.meta.url);

/** uPlot from node_modules (a production dependency), served at a path of ours: no CDN at run time. */
const VENDOR_FILES: Record<string, { file: string; type: string }> = {
  '/admin/vendor/uplot.js': { file: require.resolve('uplot/dist/uPlot.iife.min.js'), type: 'text/javascript; charset=utf-8' },
  '/admin/vendor/uplot.css': { file: require.resolve('uplot/dist/uPlot.min.css'), type: 'text/css; charset=utf-8' },
};

/** The console's third-party files (GET and HEAD); the page itself is a static file under src/web/admin. */
export function consoleVendorFiles(): Middleware {
  return async (ctx, next) => {
    const vendor = VENDOR_FILES[ctx.path];
    if (!vendor || (ctx.method !== 'GET' && ctx.method !== 'HEAD')) return next();
    const info = await stat(vendor.file);
    ctx.status = 200;
    ctx.state.routeLabel = 'static';
    ctx.type = vendor.type;
    ctx.length = info.size;
    ctx.set('Cache-Control', 'public, max-age=86400');
    ctx.set('X-Content-Type-Options', 'nosniff');
    if (ctx.method === 'GET') ctx.body = createReadStream(vendor.file);
  };
}

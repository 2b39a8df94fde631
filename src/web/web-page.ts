// Serves the static web page: `/` and its two assets under `/web/`. A fixed list of
// files, so no path from the request ever reaches the file system.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Middleware } from 'koa';

export const WEB_DIR = import.meta.dirname;

const FILES: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/index.html': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/web/app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8' },
  '/web/app.css': { file: 'app.css', type: 'text/css; charset=utf-8' },
};

/** Koa middleware: answers GET/HEAD for the page's files and passes everything else on. */
export function webPage(options: { dir?: string } = {}): Middleware {
  const dir = options.dir ?? WEB_DIR;
  return async (ctx, next) => {
    const entry = ctx.method === 'GET' || ctx.method === 'HEAD' ? FILES[ctx.path] : undefined;
    if (!entry) return next();
    ctx.type = entry.type;
    // Small files, re-read per request so an edit shows on reload; the browser revalidates.
    ctx.set('Cache-Control', 'no-cache');
    ctx.body = await readFile(path.join(dir, entry.file));
  };
}

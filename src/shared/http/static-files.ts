import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { Middleware } from 'koa';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.woff2': 'font/woff2',
};

/**
 * Serves files under `root` (and the single `files`, by path) for GET and HEAD (a directory answers its index.html). Paths are
 * resolved and must stay inside `root`: `..`, encoded or not, and NUL bytes fall through to 404.
 * Dot-files and unknown file types are not served.
 */
export function staticFiles(root: string, options: { index?: string; skipPrefixes?: string[]; files?: Record<string, string> } = {}): Middleware {
  const base = path.resolve(root);
  // Single files served from elsewhere under a path of the page's (the configured PG's browser script).
  const mapped = new Map(Object.entries(options.files ?? {}));
  const index = options.index ?? 'index.html';
  const skip = options.skipPrefixes ?? ['/api/'];
  return async (ctx, next) => {
    if ((ctx.method !== 'GET' && ctx.method !== 'HEAD') || skip.some((p) => ctx.path.startsWith(p))) return next();
    let relative: string;
    try {
      relative = decodeURIComponent(ctx.path);
    } catch {
      return next();
    }
    if (relative.includes('\0') || relative.split(/[\\/]/).some((part) => part.startsWith('.') && part !== '')) return next();
    const normalized = path.posix.normalize(`/${relative}`);
    // A hidden prefix stays hidden under any spelling of it (`/%61dmin`, `/x/../admin`).
    if (skip.some((p) => normalized.startsWith(p))) return next();
    let file = mapped.get(normalized) ?? path.resolve(base, `.${normalized}`);
    if (!mapped.has(normalized) && file !== base && !file.startsWith(base + path.sep)) return next();
    let info = await stat(file).catch(() => null);
    if (info?.isDirectory()) {
      file = path.join(file, index);
      info = await stat(file).catch(() => null);
    }
    const type = CONTENT_TYPES[path.extname(file).toLowerCase()];
    if (!info?.isFile() || !type) return next();
    ctx.status = 200;
    ctx.state.routeLabel = 'static';
    ctx.type = type;
    ctx.length = info.size;
    ctx.set('Cache-Control', 'no-cache');
    ctx.set('X-Content-Type-Options', 'nosniff');
    // HEAD: Koa sends the headers only; opening the file would leak its descriptor.
    if (ctx.method === 'GET') ctx.body = createReadStream(file);
  };
}

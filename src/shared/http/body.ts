import { bodyParser } from '@koa/bodyparser';
import type { Middleware } from 'koa';
import { UnsupportedMediaTypeError } from './guards';
import { InvalidRequestError, normaliseAliases } from './validate';

/** What a body may be compressed with; anything else is refused before a byte is read. */
const ACCEPTED_ENCODINGS = new Set(['', 'identity', 'gzip', 'deflate']);

/** The one charset a body is read in; a body labelled with another would be misread, not converted. */
const ACCEPTED_CHARSETS = new Set(['utf-8', 'utf8']);

/** No request of ours nests deeper than a few levels; a deep one is refused before anything walks it recursively. */
export const MAX_BODY_DEPTH = 16;

function depthOf(value: unknown): number {
  let deepest = 0;
  const stack: Array<{ value: unknown; depth: number }> = [{ value, depth: 0 }];
  while (stack.length > 0) {
    const { value: current, depth } = stack.pop() as { value: unknown; depth: number };
    if (current === null || typeof current !== 'object') continue;
    if (depth + 1 > deepest) deepest = depth + 1;
    if (deepest > MAX_BODY_DEPTH) return deepest;
    for (const child of Object.values(current as Record<string, unknown>)) stack.push({ value: child, depth: depth + 1 });
  }
  return deepest;
}

/** Every charset parameter of a Content-Type (`charset*` too), in order, lower-cased and unquoted. */
function declaredCharsets(contentType: string): string[] {
  return [...contentType.matchAll(/;\s*charset\*?\s*=\s*("[^"]*"|[^;]*)(?=\s*(?:;|$))/gi)]
    .map(([, value]) => value.trim().replace(/^"(.*)"$/s, '$1').toLowerCase());
}

/**
 * No charset, or exactly one naming UTF-8. Two charsets or an empty one are refused rather than
 * picked from: a proxy or WAF before us may read the other one (attacker-findings-8).
 */
function labelledUtf8(contentType: string): boolean {
  const charsets = declaredCharsets(contentType);
  return charsets.length === 0 || (charsets.length === 1 && ACCEPTED_CHARSETS.has(charsets[0]));
}

/**
 * JSON and form bodies up to `limit`, decoded from identity, gzip or deflate only: another encoding
 * answers 415, as does a charset other than UTF-8 (or more than one, or an empty one); a body that does not decode or parse 400, too deep a body 400. Seed aliases are
 * renamed on the way in. Which routes accept which type is each route's own guard (`jsonBodyOnly`).
 */
export function parseBodies(limit: string): Middleware {
  // DELETE too: `DELETE /api/me` carries the password in its body.
  const parse = bodyParser({
    enableTypes: ['json', 'form'], jsonLimit: limit, formLimit: limit, encoding: 'utf-8', parsedMethods: ['POST', 'PUT', 'PATCH', 'DELETE'],
  });
  return async (ctx, next) => {
    const encoding = ctx.get('Content-Encoding').trim().toLowerCase();
    if (!ACCEPTED_ENCODINGS.has(encoding)) throw new UnsupportedMediaTypeError('send the body uncompressed, or as gzip or deflate');
    if (!labelledUtf8(ctx.get('Content-Type'))) throw new UnsupportedMediaTypeError('send the body as UTF-8, with one charset parameter at most');
    // Content codings are case-insensitive; the decoder below compares them as written.
    if (encoding !== '') ctx.req.headers['content-encoding'] = encoding;
    try {
      await parse(ctx, async () => {});
    } catch (error) {
      const status = (error as { status?: unknown }).status;
      // A status is the parser's own verdict (413, 415, 400); none means the stream itself broke (zlib's "incorrect header check").
      if (typeof status === 'number') throw error;
      throw new InvalidRequestError([{ field: 'body', message: 'the body cannot be decoded' }], 'the request body cannot be decoded');
    }
    if (ctx.request.body !== undefined) {
      if (depthOf(ctx.request.body) > MAX_BODY_DEPTH) {
        throw new InvalidRequestError([{ field: 'body', message: `nests deeper than ${MAX_BODY_DEPTH} levels` }], 'the request body is nested too deeply');
      }
      ctx.request.body = normaliseAliases(ctx.request.body);
    }
    await next();
  };
}

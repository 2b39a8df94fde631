import http from 'node:http';

/** An answer to a raw request: status, headers and the body as text (and as JSON when it parses). */
export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  body: any;
}

export interface RawRequest {
  method: string;
  /** Sent exactly as written: no URL normalisation (`//`, `%61`, `/../` reach the server untouched). */
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

/** One HTTP request on a fresh connection, byte for byte what a hostile client would send (fetch would normalise the path). */
export function rawRequest(baseUrl: string, request: RawRequest): Promise<RawResponse> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: url.hostname, port: url.port, method: request.method, path: request.path, agent: false,
      headers: { ...(request.body !== undefined ? { 'Content-Length': String(Buffer.byteLength(request.body)) } : {}), ...request.headers },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown = null;
        try {
          body = text ? JSON.parse(text) : null;
        } catch {
          body = null;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, body });
      });
    });
    req.on('error', reject);
    if (request.body !== undefined) req.write(request.body);
    req.end();
  });
}

/** `/api/admin/payments/:merchant_uid/refund` with `{merchant_uid: 'mp_1'}` -> `/api/admin/payments/mp_1/refund`. */
export function fillPath(pattern: string, params: Record<string, string>): string {
  return pattern.replace(/:([A-Za-z0-9_]+)/g, (_, name: string) => params[name] ?? 'x');
}

/**
 * The same path spelled the ways a router or a proxy might treat as equal: upper, mixed and per-segment
 * capitals, a doubled slash at each separator, a percent-encoded letter in each static segment (and an
 * encoded slash), a trailing slash, dot segments. None may reach a guarded handler without its credential.
 */
export function pathVariants(path: string, staticSegments: Set<number> = allSegments(path)): string[] {
  const segments = path.split('/').slice(1);
  const join = (parts: string[]) => `/${parts.join('/')}`;
  const variants = new Set<string>();
  variants.add(path.toUpperCase());
  variants.add(join(segments.map((s, i) => (staticSegments.has(i) ? s.charAt(0).toUpperCase() + s.slice(1) : s))));
  segments.forEach((segment, i) => {
    if (!staticSegments.has(i) || segment === '') return;
    variants.add(join(segments.map((s, j) => (j === i ? s.toUpperCase() : s))));
    variants.add(join(segments.map((s, j) => (j === i ? `%${segment.charCodeAt(0).toString(16)}${segment.slice(1)}` : s))));
    variants.add(join(segments.map((s, j) => (j === i ? `%${segment.charCodeAt(0).toString(16).toUpperCase()}${segment.slice(1)}` : s))));
  });
  for (let i = 0; i <= segments.length; i += 1) {
    variants.add(join([...segments.slice(0, i), '', ...segments.slice(i)]));
  }
  variants.add(`${path}/`);
  variants.add(`/.${path}`);
  if (segments.length > 1) {
    variants.add(join([segments[0], '.', ...segments.slice(1)]));
    variants.add(join([segments[0], 'x', '..', ...segments.slice(1)]));
    variants.add(join([segments[0], segments.slice(1).join('%2F')]));
    variants.add(join([segments[0], segments.slice(1).join('%2f')]));
  }
  variants.add(`${path}%20`);
  variants.add(`${path};x=1`);
  variants.delete(path);
  return [...variants];
}

function allSegments(path: string): Set<number> {
  return new Set(path.split('/').slice(1).map((_, i) => i));
}

/** Indexes of a pattern's static segments (`:param` segments are left as they are). */
export function staticSegmentsOf(pattern: string): Set<number> {
  const indexes = new Set<number>();
  pattern.split('/').slice(1).forEach((segment, i) => {
    if (!segment.startsWith(':')) indexes.add(i);
  });
  return indexes;
}

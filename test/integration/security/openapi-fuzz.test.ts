import { expect } from 'chai';
import fc from 'fast-check';
import { SERVER_ENGINES } from '../../support/database';
import type { ApiClient, HttpHarness } from '../../support/http-app';
import { startHttpHarness } from '../../support/http-app';
import { rawRequest } from '../../support/raw-http';
import { checkoutAndPay } from '../http/suites/harness';

const ADMIN_TOKEN = 'fuzz-admin-token-0123456789abcdef';
const RUNS = Number(process.env.FUZZ_RUNS ?? 400);
const SEED = Number(process.env.FUZZ_SEED ?? 20261206);

interface Schema {
  type?: string | string[];
  properties?: Record<string, Schema>;
  enum?: unknown[];
  const?: unknown;
  anyOf?: Schema[];
  minLength?: number;
  maxLength?: number;
  items?: Schema;
}

interface Operation {
  method: string;
  path: string;
  body: Schema | null;
  query: Schema | null;
  auth: 'none' | 'session' | 'admin';
}

/** Values a hostile client sends where a field of `schema` is expected: near-misses of the shape, wrong types, hostile strings. */
function hostile(schema: Schema | undefined, depth = 0): fc.Arbitrary<unknown> {
  const strings = fc.oneof(
    fc.string({ maxLength: 40 }),
    fc.constantFrom('', ' ', 'monthly', 'annual', 'paid', 'ready', 'mp_01JX0000000000000000000000', "' OR 1=1 --", '../../etc/passwd', '\u0000', '\ud800', 'x'.repeat(300), '2026-11-25T09:00:00Z', '+047000-01-01T00:00:00Z', 'NaN', '4242-4242-4242-4242'),
  );
  const scalars = fc.oneof(strings, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constantFrom(-1, 0, 1e309, Number.MAX_SAFE_INTEGER + 2, 9900));
  const known = schema?.enum ? fc.constantFrom(...schema.enum) : schema?.const !== undefined ? fc.constant(schema.const) : scalars;
  // A value of exactly the length the schema allows: what the schema lets through, the database must hold.
  const longest = schema?.maxLength ? fc.constant(atLength(schema.maxLength, (schema as { format?: string }).format)) : null;
  if (depth > 2) return fc.oneof(known, scalars);
  const nested = fc.oneof(
    fc.array(scalars, { maxLength: 3 }),
    fc.dictionary(fc.constantFrom('__proto__', 'constructor', 'a', 'plan', '$gt'), scalars, { maxKeys: 3 }),
  );
  if (schema?.properties) return fc.oneof({ weight: 3, arbitrary: objectOf(schema, depth + 1) }, { weight: 1, arbitrary: nested }, { weight: 1, arbitrary: scalars });
  return longest
    ? fc.oneof({ weight: 4, arbitrary: known }, { weight: 1, arbitrary: nested }, { weight: 2, arbitrary: longest })
    : fc.oneof({ weight: 4, arbitrary: known }, { weight: 1, arbitrary: nested });
}

/** A string of `length` visible ASCII characters (a valid address when the field is an email). */
function atLength(length: number, format?: string): string {
  if (format !== 'email') return `k${'x'.repeat(length - 1)}`;
  const local = 'v'.repeat(Math.min(64, length - 6));
  let domain = '';
  while (local.length + 1 + domain.length + 4 < length) domain += domain.length % 64 === 62 ? '.' : 'd';
  return `${local}@${domain.replace(/\.$/, 'd')}.com`.slice(0, length);
}

function objectOf(schema: Schema, depth = 0): fc.Arbitrary<Record<string, unknown>> {
  const fields: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [name, field] of Object.entries(schema.properties ?? {})) fields[name] = hostile(field, depth);
  return fc.record({ ...fields, extra: scalars() }, { requiredKeys: [] });
}

function scalars(): fc.Arbitrary<unknown> {
  return fc.oneof(fc.string({ maxLength: 10 }), fc.integer(), fc.constant(null));
}

/** One request: an operation of the document, a body and query shaped (or misshaped) after its schemas, and the headers around it. */
function requests(operations: Operation[], merchantUid: string): fc.Arbitrary<{ op: Operation; path: string; body: string | undefined; headers: Record<string, string>; as: 'buyer' | 'anonymous' | 'admin' }> {
  return fc.constantFrom(...operations).chain((op) => fc.record({
    op: fc.constant(op),
    path: fc.record({
      param: fc.oneof(fc.constant(merchantUid), fc.string({ maxLength: 20 }).map(encodeURIComponent), fc.constant('%00'), fc.constant('..%2F..')),
      query: op.query ? objectOf(op.query) : fc.constant({}),
    }).map(({ param, query }) => {
      const filled = op.path.replace(/\{[^}]+\}/g, param);
      const search = new URLSearchParams(Object.entries(query).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)])).toString();
      return search ? `${filled}?${search}` : filled;
    }),
    body: op.body
      ? fc.oneof(
        { weight: 6, arbitrary: objectOf(op.body).map((b) => JSON.stringify(b)) },
        { weight: 1, arbitrary: fc.string({ maxLength: 60 }) },
        { weight: 1, arbitrary: fc.json({ maxDepth: 3 }) },
      ) as fc.Arbitrary<string | undefined>
      : fc.option(fc.json({ maxDepth: 2 }), { nil: undefined }),
    headers: fc.record({
      'Content-Type': fc.constantFrom('application/json', 'application/json; charset=utf-8', 'application/x-www-form-urlencoded', 'text/plain', 'application/merge-patch+json'),
      'Idempotency-Key': fc.oneof(fc.constant(''), fc.string({ maxLength: 8 }).filter((k) => /^[\x21-\x7e]*$/.test(k))),
      Origin: fc.constantFrom('', 'http://127.0.0.1:3000', 'https://evil.example', 'null'),
    }, { requiredKeys: ['Content-Type'] }),
    as: fc.constantFrom('buyer' as const, 'anonymous' as const, 'admin' as const),
  }));
}

/**
 * Every operation of `/openapi.json` (SQLite, and MariaDB, whose strict columns refuse what SQLite keeps), fed bodies, queries and headers generated from its own
 * schemas and bent out of shape: no answer is a 5xx or carries a stack trace, and a refused request
 * (4xx) changes nothing about money: no payment, membership or gateway call moves. Seeded
 * (`FUZZ_SEED`); fast-check prints the seed and the shrunk request on failure.
 */
const FUZZED = [
  { engine: 'SQLite', persistence: 'sqlite' as const, runs: RUNS, skip: false },
  ...SERVER_ENGINES.map((s) => ({ engine: s.label, persistence: s.engine, runs: Math.ceil(RUNS / 2), skip: s.skip })),
];

for (const { engine, persistence, runs, skip } of FUZZED) {
(skip ? describe.skip : describe)(`security: a fuzz pass generated from /openapi.json (${engine})`, function () {
  this.timeout(180_000);
  let h: HttpHarness;
  let buyer: ApiClient;
  let operations: Operation[];
  let merchantUid: string;

  before(async () => {
    h = await startHttpHarness({ persistence, env: { ADMIN_TOKEN } });
    buyer = h.client();
    await buyer.signUp();
    const paid = await checkoutAndPay(h, buyer, 'paid', { plan: 'monthly', auto_renew: true });
    merchantUid = paid.merchantUid;
    expect((await buyer.post('/api/payment/validation', { merchant_uid: paid.merchantUid, imp_uid: paid.gatewayPaymentId })).status).to.equal(200);
    const doc = (await h.client().get('/openapi.json')).body;
    operations = Object.entries(doc.paths as Record<string, Record<string, any>>).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({
        method: method.toUpperCase(), path,
        body: op.requestBody?.content?.['application/json']?.schema ?? null,
        query: op.parameters?.some((p: { in: string }) => p.in === 'query')
          ? { properties: Object.fromEntries(op.parameters.filter((p: { in: string }) => p.in === 'query').map((p: { name: string; schema: Schema }) => [p.name, p.schema])) }
          : null,
        auth: (op.security?.[0] && Object.keys(op.security[0])[0] === 'adminToken') ? 'admin' : (op.security?.[0] ? 'session' : 'none'),
      })));
  });
  after(async () => { await h.close(); });

  it('no 5xx, no stack trace, and a refused request moves no money', async () => {
    expect(operations.length).to.be.greaterThan(20);
    const cookie = () => [...buyer.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const moneyState = async () => JSON.stringify({
      payments: (await h.parts.payments.listByStatus(null, 10_000)).map((p) => p.toProps()),
      membership: (await h.parts.memberships.findLiveByUserId((await buyer.get('/api/me')).body.user.id))?.toProps() ?? null,
      gatewayCalls: h.parts.gateway.calls.length,
    });
    const seen = new Map<number, number>();
    await fc.assert(fc.asyncProperty(requests(operations, merchantUid), async (request) => {
      const headers: Record<string, string> = Object.fromEntries(Object.entries(request.headers).filter(([, v]) => v !== ''));
      if (request.as === 'buyer') headers.Cookie = cookie();
      if (request.as === 'admin') headers.Authorization = `Bearer ${ADMIN_TOKEN}`;
      // The logout route ends the buyer's session; the sweep keeps the buyer logged in to reach the session routes.
      if (request.op.path === '/api/auth/logout' && request.as === 'buyer') delete headers.Cookie;
      const before = await moneyState();
      const res = await rawRequest(h.url, { method: request.op.method, path: request.path, headers, body: request.op.method === 'GET' ? undefined : request.body });
      seen.set(res.status, (seen.get(res.status) ?? 0) + 1);
      expect(res.status, `${request.op.method} ${request.path} ${request.body ?? ''} -> ${res.text.slice(0, 300)}`).to.be.below(500);
      expect(res.text).not.to.match(/\bat \S+ \(|\.ts:\d+|node_modules|Error: /);
      if (res.status >= 400) expect(await moneyState(), `${request.op.method} ${request.path} answered ${res.status} and changed money`).to.equal(before);
    }), { numRuns: runs, seed: SEED });
    if (process.env.FUZZ_VERBOSE) console.log(JSON.stringify([...seen].sort()));
    // The pass reached handlers, not only the edge's refusals.
    expect([...seen.keys()].some((s) => s >= 200 && s < 300), JSON.stringify([...seen])).to.equal(true);
    expect(seen.get(400) ?? 0, JSON.stringify([...seen])).to.be.greaterThan(10);
  });
});
}

import { createConfig, lintFromString } from '@redocly/openapi-core';
import { expect } from 'chai';
import { createHttpApp } from '../../../src/app/http-app';
import { API_OPERATIONS, openApiPath } from '../../../src/app/openapi';
import { mountedRoutes } from '../../../src/shared/http/routing';
import { startHttpHarness, type HttpHarness } from '../../support/http-app';
import { memoryApp } from '../../support/memory-container';

describe('GET /openapi.json', () => {
  let harness: HttpHarness;
  before(async () => {
    harness = await startHttpHarness({ env: { ADMIN_TOKEN: 'admin-token-0123456789abcdef' } });
  });
  after(() => harness.close());

  it('documents every route the app mounts, and nothing it does not', async () => {
    const res = await harness.client().get('/openapi.json');
    expect(res.status).to.equal(200);
    const documented = Object.entries(res.body.paths as Record<string, Record<string, unknown>>)
      .flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`)).sort();
    const mounted = mountedRoutes(createHttpApp(memoryApp({ ADMIN_TOKEN: 'admin-token-0123456789abcdef' }).container)).map((r) => `${r.method} ${openApiPath(r.path)}`);
    expect(mounted.length).to.be.greaterThan(20);
    expect(mounted.filter((r) => !documented.includes(r)), 'mounted but missing from the document').to.deep.equal([]);
    expect(documented.filter((r) => !mounted.includes(r)), 'documented but not mounted').to.deep.equal([]);
  });

  it('is OpenAPI 3.1 with request bodies from the Joi schemas and the error envelope', async () => {
    const doc = (await harness.client().get('/openapi.json')).body;
    expect(doc.openapi).to.equal('3.1.0');
    const signup = doc.paths['/api/auth/signup'].post;
    const body = signup.requestBody.content['application/json'].schema;
    expect(body.required).to.have.members(['email', 'password', 'name']);
    expect(body.properties.password).to.include({ type: 'string', minLength: 8 });
    const webhook = doc.paths['/api/payment/webhook'].post.requestBody.content;
    expect(webhook['application/x-www-form-urlencoded'].schema.properties.status.enum).to.have.members(['ready', 'paid', 'failed', 'cancelled']);
    const checkout = doc.paths['/api/payment/checkout'].post;
    expect(checkout.requestBody.content['application/json'].schema.properties.auto_renew).to.deep.equal({ type: 'boolean', default: false });
    expect(checkout.responses['400'].content['application/json'].schema).to.deep.equal({ $ref: '#/components/schemas/Error' });
    expect(doc.components.schemas.Error.required).to.deep.equal(['works', 'error']);
    expect(doc.paths['/api/admin/payments/{merchant_uid}/refund'].post.parameters[0]).to.include({ name: 'merchant_uid', in: 'path', required: true });
    expect(doc.paths['/api/admin/payments'].get.parameters.map((p: { name: string }) => p.name)).to.have.members(['status', 'limit']);
    expect(API_OPERATIONS.every((op) => op.summary.length > 0)).to.equal(true);
  });

  it("is lint-clean by Redocly's recommended rules, warnings counted as errors (recommended-strict)", async () => {
    const served = await harness.client().get('/openapi.json');
    const config = await createConfig({ extends: ['recommended-strict'] });
    const problems = await lintFromString({ source: served.text, absoluteRef: 'openapi.json', config });
    expect(problems.map((p) => `${p.severity} ${p.ruleId}: ${p.message} at ${p.location[0]?.pointer}`)).to.deep.equal([]);
    expect(served.body.info.license).to.include({ identifier: 'LicenseRef-Proprietary' });
  });

  it('lists 400 and 413 on every operation that reads a body (signup among them), 400 on those with a query', async () => {
    const doc = (await harness.client().get('/openapi.json')).body;
    const operations = Object.entries(doc.paths as Record<string, Record<string, { responses: Record<string, unknown> }>>)
      .flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ name: `${method} ${path}`, method, op })));
    for (const { name, method, op } of operations) {
      if (method === 'post') expect(op.responses, name).to.include.keys('400', '413');
      expect(Object.keys(op.responses).some((status) => status.startsWith('4')), `${name} has a 4XX`).to.equal(true);
    }
    expect(doc.paths['/api/auth/signup'].post.responses['400'].content['application/json'].schema).to.deep.equal({ $ref: '#/components/schemas/Error' });
    expect(doc.paths['/api/admin/payments'].get.responses).to.include.keys('400');
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../helpers/test-app.js';
import { ENGINE } from '../helpers/test-db.js';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(() => t.close());

describe(`HTTP basics [${ENGINE}]`, () => {
  it('answers /healthz and /readyz with the engine name', async () => {
    const h = await t.app.inject({ url: '/healthz' });
    expect(h.statusCode).toBe(200);
    expect(h.json()).toEqual({ status: 'ok' });
    const r = await t.app.inject({ url: '/readyz' });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({ status: 'ready', database: ENGINE });
  });

  it('serves an OpenAPI 3 document describing every /api/v1 route, and a docs page', async () => {
    const res = await t.app.inject({ url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json() as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(doc.openapi).toMatch(/^3\./);
    for (const p of ['/api/v1/auth/login', '/api/v1/audit', '/api/v1/brands/{id}', '/api/v1/api-keys']) {
      expect(Object.keys(doc.paths)).toContain(p);
    }
    const docs = await t.app.inject({ url: '/docs/' });
    expect(docs.statusCode).toBe(200);
    expect(docs.headers['content-type']).toContain('text/html');
  });

  it('puts a request id on every response, echoing a well-formed incoming one', async () => {
    const a = await t.app.inject({ url: '/healthz' });
    expect(a.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const b = await t.app.inject({ url: '/nowhere', headers: { 'x-request-id': 'lb-req-12345678' } });
    expect(b.headers['x-request-id']).toBe('lb-req-12345678');
    const c = await t.app.inject({ url: '/healthz', headers: { 'x-request-id': 'bad id with spaces' } });
    expect(c.headers['x-request-id']).not.toBe('bad id with spaces');
  });

  it('sends security headers', async () => {
    const res = await t.app.inject({ url: '/healthz' });
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(res.headers['referrer-policy']).toBe('no-referrer');
  });

  it('answers unknown routes with the error envelope', async () => {
    const res = await t.app.inject({ url: '/api/v1/nothing-here' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({
      error: { code: 'ROUTE_NOT_FOUND', message: 'No route GET /api/v1/nothing-here.', details: {} },
    });
  });
});

describe(`OpenAPI document [${ENGINE}]`, () => {
  it('is a valid OpenAPI 3 document (swagger-parser validation)', async () => {
    const { default: SwaggerParser } = await import('@apidevtools/swagger-parser');
    const doc = (await t.app.inject({ url: '/openapi.json' })).json();
    const api = await SwaggerParser.validate(structuredClone(doc));
    expect(api.info.title).toBe('Consort API');
    // every /api/v1 operation documents its error responses with the one envelope
    for (const [p, ops] of Object.entries(
      doc.paths as Record<string, Record<string, { responses: Record<string, unknown> }>>,
    )) {
      if (!p.startsWith('/api/v1')) continue;
      for (const [method, op] of Object.entries(ops)) {
        const has4xx = Object.keys(op.responses).some((c) => c.startsWith('4'));
        expect(has4xx, `${method.toUpperCase()} ${p} documents no 4xx response`).toBe(true);
      }
    }
  });
});

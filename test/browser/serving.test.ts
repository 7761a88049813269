import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Server, startServer } from './harness.js';

/** How the API process serves the built web app next to its own routes. */
describe('serving the web app', () => {
  let server: Server;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  it('answers client routes with index.html, never cached', async () => {
    for (const url of ['/', '/reset-password?token=abc', '/partners/123', '/portal/links']) {
      const res = await server.app.inject({ url });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type']).toContain('text/html');
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.body).toContain('<div id="root"></div>');
      expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    }
  });

  it('serves hashed assets for a year and has no inline scripts', async () => {
    const html = (await server.app.inject({ url: '/' })).body;
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    const js = /src="(\/static\/[^"]+\.js)"/.exec(html)?.[1];
    expect(js).toBeDefined();
    const asset = await server.app.inject({ url: js! });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['cache-control']).toContain('immutable');
    expect((await server.app.inject({ url: '/static/nope.js' })).statusCode).toBe(404);
  });

  it('leaves the server paths alone: unknown API routes stay JSON 404s', async () => {
    const api = await server.app.inject({ url: '/api/v1/nothing-here' });
    expect(api.statusCode).toBe(404);
    expect(api.json().error.code).toBe('ROUTE_NOT_FOUND');
    expect((await server.app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect((await server.app.inject({ url: '/openapi.json' })).json().openapi).toMatch(/^3\./);
    expect((await server.app.inject({ url: '/docs/' })).headers['content-type']).toContain('text/html');
    const r = await server.app.inject({ url: '/r/' });
    expect(r.headers['content-type'] ?? '').not.toContain('text/html');
  });
});

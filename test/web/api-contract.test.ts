import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../helpers/test-app.js';

/**
 * The web app calls only documented routes: every method and path in web/src/api/endpoints.ts must exist in
 * the OpenAPI document (the UI adds no private back doors, and a renamed route breaks this test, not a page).
 */
const SOURCE = fs.readFileSync('web/src/api/endpoints.ts', 'utf8');

const METHOD: Record<string, string> = {
  get: 'get',
  post: 'post',
  put: 'put',
  patch: 'patch',
  delete: 'delete',
  upload: 'post',
  postFile: 'post',
  getFile: 'get',
  postText: 'post',
};

/** `/partners/${enc(id)}/status` → `/api/v1/partners/{id}/status`. */
function toOpenApi(path: string): string {
  return `/api/v1${path}`.replace(/\$\{[^}]+\}/g, '{id}');
}

function calls(): Array<{ method: string; path: string }> {
  const out: Array<{ method: string; path: string }> = [];
  for (const m of SOURCE.matchAll(
    /http\.(get|post|put|patch|delete|upload|postFile|postText|getFile)(?:<[^>]*>)?\(\s*(['`])([^'`]+)\2/g,
  )) {
    out.push({ method: METHOD[m[1]!]!, path: toOpenApi(m[3]!) });
  }
  // Download links built as strings (GET with the session cookie).
  for (const m of SOURCE.matchAll(/`\/api\/v1(\/[^`]+)`/g))
    out.push({ method: 'get', path: toOpenApi(m[1]!) });
  return out;
}

describe('web API client', () => {
  let t: TestContext;
  let paths: Record<string, Record<string, unknown>>;

  beforeAll(async () => {
    t = await createTestContext();
    paths = (await t.app.inject({ url: '/openapi.json' })).json().paths;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('finds the calls it checks', () => {
    expect(calls().length).toBeGreaterThan(30);
  });

  it.each(calls().map((c) => [c.method.toUpperCase(), c.path] as const))(
    '%s %s is documented',
    (method, path) => {
      // Path parameters may have other names than {id} in the document: compare by shape.
      const shape = (p: string) => p.replace(/\{[^}]+\}/g, '{}');
      const match = Object.keys(paths).find((p) => shape(p) === shape(path));
      expect(match, `${path} is not in /openapi.json`).toBeDefined();
      expect(Object.keys(paths[match!]!), `${method} ${path}`).toContain(method.toLowerCase());
    },
  );
});

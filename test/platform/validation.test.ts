import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countAudit } from '../../src/audit/audit-store.js';
import { createTestContext, type Session, type TestContext } from '../helpers/test-app.js';
import { ENGINE } from '../helpers/test-db.js';

let t: TestContext;
let admin: Session;
beforeAll(async () => {
  t = await createTestContext({ bodyLimit: 4096 });
  admin = await t.loginAs('admin');
});
afterAll(() => t.close());

const good = {
  code: 'valid-brand',
  name: 'Valid',
  vertical: 'igaming',
  currency: 'EUR',
  landingUrlTemplate: 'https://v.example/?c={click_id}',
  fallbackUrl: 'https://v.example/',
};

async function brandCount(): Promise<number> {
  return (await t.services.db.selectFrom('brands').select('id').execute()).length;
}

describe(`bad input gets 4xx naming each field, and writes nothing [${ENGINE}]`, () => {
  it.each([
    ['wrong types', { ...good, name: 42, vertical: 'casino' }, ['/name', '/vertical']],
    [
      'missing fields',
      { name: 'x' },
      ['/code', '/vertical', '/currency', '/landingUrlTemplate', '/fallbackUrl'],
    ],
    ['unknown body fields', { ...good, color: 'red', extra: 1 }, ['/color', '/extra']],
    [
      'malformed values',
      { ...good, currency: 'euro', fallbackUrl: 'not a url' },
      ['/currency', '/fallbackUrl'],
    ],
  ])('%s', async (_label, payload, paths) => {
    const before = [await brandCount(), await countAudit(t.services.db)];
    const res = await admin.request('POST', '/api/v1/brands', payload);
    expect(res.statusCode).toBe(400);
    const err = res.json().error;
    expect(err.code).toBe('VALIDATION_FAILED');
    const got = err.details.fields.map((f: { path: string }) => f.path).sort();
    expect(got).toEqual([...paths].sort());
    for (const f of err.details.fields) {
      expect(typeof f.message).toBe('string');
      expect(f.in).toBe('body');
    }
    expect([await brandCount(), await countAudit(t.services.db)]).toEqual(before);
  });

  it('oversized bodies are refused before parsing: 400 naming the body', async () => {
    const before = await brandCount();
    const res = await admin.request('POST', '/api/v1/brands', { ...good, name: 'x'.repeat(10_000) });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('VALIDATION_FAILED');
    expect(res.json().error.details.fields[0].path).toBe('/');
    expect(await brandCount()).toBe(before);
  });

  it('invalid JSON is a 400 naming the body', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/brands',
      headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrf, 'content-type': 'application/json' },
      payload: '{"code": ',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: { fields: [{ path: '/' }] },
    });
  });

  it('bad path and query parameters name the parameter', async () => {
    const a = await admin.request('GET', '/api/v1/brands/not-a-uuid');
    expect(a.statusCode).toBe(400);
    expect(a.json().error.details.fields).toEqual([expect.objectContaining({ path: '/id', in: 'params' })]);
    const b = await admin.request('GET', '/api/v1/audit?limit=100000&bogus=1');
    expect(b.statusCode).toBe(400);
    expect(
      b
        .json()
        .error.details.fields.map((f: { path: string }) => f.path)
        .sort(),
    ).toEqual(['/bogus', '/limit']);
  });

  it('a well-formed request then succeeds and is audited', async () => {
    const before = await countAudit(t.services.db);
    const res = await admin.request('POST', '/api/v1/brands', good);
    expect(res.statusCode).toBe(201);
    expect(await countAudit(t.services.db)).toBe(before + 1);
    const dup = await admin.request('POST', '/api/v1/brands', good);
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error.details.fields[0].path).toBe('/code');
  });
});

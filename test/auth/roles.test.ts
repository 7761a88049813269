import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoginRole } from '../../src/platform/config.js';
import { createTestContext, type Session, type TestContext } from '../helpers/test-app.js';
import { ENGINE } from '../helpers/test-db.js';

let t: TestContext;
const as: Partial<Record<LoginRole, Session>> = {};
let brandA: string;
let brandB: string;

beforeAll(async () => {
  t = await createTestContext();
  brandA = await t.createBrand('brand-a');
  brandB = await t.createBrand('brand-b', 'forex');
  for (const r of ['admin', 'partner_manager', 'finance', 'compliance', 'analyst', 'partner'] as const)
    as[r] = await t.loginAs(r);
});
afterAll(() => t.close());

/** [role, method, url, expected status] — at least one allowed and one denied route per role. */
const MATRIX: Array<[LoginRole, string, string, number]> = [
  ['admin', 'GET', '/api/v1/audit', 200],
  ['admin', 'GET', '/api/v1/users', 200],
  ['admin', 'GET', '/api/v1/portal/profile', 403],
  ['partner_manager', 'GET', '/api/v1/partners', 200],
  ['partner_manager', 'GET', '/api/v1/audit', 403],
  ['partner_manager', 'GET', '/api/v1/users', 403],
  ['finance', 'GET', '/api/v1/brands', 200],
  ['finance', 'GET', '/api/v1/audit', 403],
  ['finance', 'POST', '/api/v1/brands', 403],
  ['compliance', 'GET', '/api/v1/audit', 200],
  ['compliance', 'POST', '/api/v1/audit/verify', 200],
  ['compliance', 'GET', '/api/v1/users', 403],
  ['analyst', 'GET', '/api/v1/partners', 200],
  ['analyst', 'POST', '/api/v1/partners', 403],
  ['analyst', 'GET', '/api/v1/audit', 403],
  ['partner', 'GET', '/api/v1/portal/profile', 200],
  ['partner', 'GET', '/api/v1/partners', 403],
  ['partner', 'GET', '/api/v1/audit', 403],
  ['partner', 'GET', '/api/v1/brands', 403],
];

describe(`role-by-route matrix [${ENGINE}]`, () => {
  it.each(MATRIX)('%s %s %s → %i', async (role, method, url, status) => {
    const payload =
      method === 'POST' && url === '/api/v1/brands'
        ? {
            code: 'zz',
            name: 'z',
            vertical: 'prop',
            currency: 'USD',
            landingUrlTemplate: 'https://z.example/',
            fallbackUrl: 'https://z.example/',
          }
        : method === 'POST' && url === '/api/v1/partners'
          ? { displayName: 'X', segments: ['affiliate'] }
          : undefined;
    const res = await as[role]!.request(method, url, payload);
    expect(res.statusCode).toBe(status);
    if (status === 403) expect(res.json().error.code).toBe('FORBIDDEN');
  });

  it('gives 401 to calls with no identity, a garbage cookie or a malformed key', async () => {
    for (const headers of [
      {},
      { cookie: 'consort_session=forged' },
      { authorization: 'Bearer ck_nothing' },
      { authorization: 'Basic abc' },
    ]) {
      const res = await t.app.inject({ url: '/api/v1/brands', headers });
      expect(res.statusCode).toBe(401);
      expect(res.json().error.code).toBe('UNAUTHENTICATED');
    }
  });
});

describe(`object reach: 404 outside it, so ids do not leak [${ENGINE}]`, () => {
  it('a partner reads itself but gets 404 for another partner', async () => {
    const me = as.partner!;
    const other = await t.createPartner({ name: 'Someone Else' });
    expect((await me.request('GET', `/api/v1/partners/${me.partnerId}`)).statusCode).toBe(200);
    const res = await me.request('GET', `/api/v1/partners/${other}`);
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('NOT_FOUND');
  });

  it('a partner manager sees only the portfolio; an admin sees all', async () => {
    const pm = as.partner_manager!;
    const mine = await t.createPartner({ name: 'Mine', managerUserId: pm.userId });
    const notMine = await t.createPartner({ name: 'Not mine' });
    expect((await pm.request('GET', `/api/v1/partners/${mine}`)).statusCode).toBe(200);
    expect((await pm.request('GET', `/api/v1/partners/${notMine}`)).statusCode).toBe(404);
    const list = (await pm.request('GET', '/api/v1/partners')).json();
    expect(list.items.map((p: { id: string }) => p.id)).toEqual([mine]);
    expect((await as.admin!.request('GET', `/api/v1/partners/${notMine}`)).statusCode).toBe(200);
  });
});

describe(`API keys: scopes, brands, partner ownership [${ENGINE}]`, () => {
  async function key(body: Record<string, unknown>, by: Session = as.admin!): Promise<string> {
    const res = await by.request('POST', '/api/v1/api-keys', { name: 'k', ...body });
    expect(res.statusCode).toBe(201);
    const k = res.json().key as string;
    expect(k).toMatch(/^ck_[0-9a-f]{12}_/);
    return k;
  }
  const get = (k: string, url: string) => t.app.inject({ url, headers: { authorization: `Bearer ${k}` } });

  it('enforces scopes: a key without a route scope gets 403', async () => {
    const reports = await key({ kind: 'operator', scopes: ['reports:read'] });
    expect((await get(reports, '/api/v1/brands')).statusCode).toBe(200);
    const res = await get(reports, '/api/v1/audit');
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('FORBIDDEN');
  });

  it('restricts an operator key to its brands: others are hidden from lists and 403 when named', async () => {
    const k = await key({ kind: 'operator', scopes: ['reports:read'], brandIds: [brandA] });
    const list = (await get(k, '/api/v1/brands')).json();
    expect(list.items.map((b: { id: string }) => b.id)).toEqual([brandA]);
    expect((await get(k, `/api/v1/brands/${brandA}`)).statusCode).toBe(200);
    const other = await get(k, `/api/v1/brands/${brandB}`);
    expect(other.statusCode).toBe(403);
    expect(other.json().error.code).toBe('BRAND_FORBIDDEN');
  });

  it('refuses scopes that do not fit the key kind, naming the field', async () => {
    const res = await as.admin!.request('POST', '/api/v1/api-keys', {
      name: 'x',
      kind: 'operator',
      scopes: ['leads:write'],
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details.fields[0].path).toBe('/scopes/0');
  });

  it('lets a partner create and list only its own keys, and revoke them', async () => {
    const p = as.partner!;
    const k = await key({ kind: 'partner', scopes: ['reports:read'] }, p);
    const otherPartner = await t.createPartner();
    const forOther = await p.request('POST', '/api/v1/api-keys', {
      name: 'x',
      kind: 'partner',
      scopes: ['reports:read'],
      partnerId: otherPartner,
    });
    expect(forOther.statusCode).toBe(403);
    const mine = (await p.request('GET', '/api/v1/api-keys')).json().items;
    expect(mine.every((x: { partnerId: string }) => x.partnerId === p.partnerId)).toBe(true);
    const id = mine[0].id;
    expect((await p.request('DELETE', `/api/v1/api-keys/${id}`)).statusCode).toBe(200);
    expect((await get(k, '/api/v1/brands')).statusCode).toBe(401);
  });

  it('a partner cannot revoke a key it does not own (404)', async () => {
    const adminKeyRes = await as.admin!.request('POST', '/api/v1/api-keys', {
      name: 'ops',
      kind: 'operator',
      scopes: ['events:write'],
    });
    const id = adminKeyRes.json().apiKey.id;
    expect((await as.partner!.request('DELETE', `/api/v1/api-keys/${id}`)).statusCode).toBe(404);
  });

  it('an expired key is refused', async () => {
    const k = await key({
      kind: 'operator',
      scopes: ['reports:read'],
      expiresAt: new Date(Date.now() + 60_000).toISOString(),
    });
    const later = new Date(Date.now() + 120_000);
    const realClock = t.services.clock;
    t.services.clock = () => later;
    try {
      expect((await get(k, '/api/v1/brands')).statusCode).toBe(401);
    } finally {
      t.services.clock = realClock;
    }
    expect((await get(k, '/api/v1/brands')).statusCode).toBe(200);
  });
});

import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calculateMacroUrl, compileMacroUrl } from '../../src/attribution/calculate-macros.js';
import { writeAudited } from '../../src/audit/write-audited.js';
import { BoundedMemo } from '../../src/tracking/bounded-memo.js';
import { newClickId } from '../../src/tracking/click-ids.js';
import { createTrackingLink } from '../../src/tracking/tracking-asset-store.js';
import { createTestContext, type TestContext } from '../helpers/test-app.js';
import { ENGINE } from '../helpers/test-db.js';

let t: TestContext;
let code: string;
let partnerId: string;
beforeAll(async () => {
  t = await createTestContext();
  const brandId = await t.createBrand('redirects');
  partnerId = await t.createPartner();
  code = (
    await writeAudited(t.services, (trx, now) =>
      createTrackingLink(
        trx,
        { type: 'system', id: 'test' },
        { partnerId, segment: 'affiliate', brandId, code: 'fastpath' },
        now,
      ),
    )
  ).code;
});
afterAll(() => t.close());

describe(`redirect path [${ENGINE}]`, () => {
  it('runs outside the API context: no request id or security headers on /r/, still on the rest of the app', async () => {
    const r = await t.app.inject({ url: `/r/${code}`, headers: { 'x-request-id': 'lb-req-12345678' } });
    expect(r.statusCode).toBe(302);
    expect(r.headers['x-request-id']).toBeUndefined();
    expect(r.headers['content-security-policy']).toBeUndefined();
    expect(r.headers['cache-control']).toBe('no-store');
    for (const url of ['/healthz', '/nowhere', '/api/v1/brands']) {
      const other = await t.app.inject({ url, headers: { 'x-request-id': 'lb-req-12345678' } });
      expect(other.headers['x-request-id'], url).toBe('lb-req-12345678');
      expect(other.headers['content-security-policy'], url).toContain("frame-ancestors 'none'");
    }
    // the auth guard still guards the API
    expect((await t.app.inject({ url: '/api/v1/brands' })).statusCode).toBe(401);
  });

  it('records every field of the click: keyed address hash, visitor, agent, referer, country, sub-ids, bot flag', async () => {
    const bot = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';
    const human =
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36';
    const go = (ua: string, cookie?: string) =>
      t.app.inject({
        url: `/r/${code}?sub1=a%22b&sub3=c%5Cd&sub5=${'x'.repeat(250)}`,
        headers: {
          'user-agent': ua,
          referer: 'https://news.example/story',
          'cf-ipcountry': 'mt',
          ...(cookie ? { cookie } : {}),
        },
      });
    const [a, b, c] = [await go(human), await go(bot), await go(human, 'consort_vid=returning_visitor_1')];
    await t.app.tracking.buffer.flush();
    const ids = [a, b, c].map((r) => new URL(String(r.headers.location)).searchParams.get('c')!);
    const rows = await t.services.db
      .selectFrom('clicks')
      .selectAll()
      .where('id', 'in', ids)
      .orderBy('id')
      .execute();
    expect(rows.map((r) => r.id)).toEqual([...ids].sort());
    const salt = t.services.config.tracking.ipHashSalt;
    const keyed = (text: string) => createHmac('sha256', salt).update(text).digest('base64url').slice(0, 22);
    const byId = new Map(rows.map((r) => [r.id, r]));
    const [ra, rb, rc] = ids.map((id) => byId.get(id)!);
    expect(ra).toMatchObject({
      partner_id: partnerId,
      link_id: expect.any(String),
      segment: 'affiliate',
      ip_hash: keyed('127.0.0.1'),
      visitor_id: keyed(`127.0.0.1|${human}`),
      user_agent: human,
      referer: 'https://news.example/story',
      country: 'MT',
      sub1: 'a"b',
      sub2: null,
      sub3: 'c\\d',
      sub5: 'x'.repeat(200),
      is_bot: false,
    });
    expect(rb).toMatchObject({ is_bot: true, visitor_id: keyed(`127.0.0.1|${bot}`) });
    expect(rc).toMatchObject({ is_bot: false, visitor_id: 'returning_visitor_1' });
    // cookies: a new visitor gets both, a returning one only the click cookie
    expect(a.headers['set-cookie']).toEqual([
      `consort_click=${ids[0]}; Max-Age=2592000; Path=/; HttpOnly; SameSite=Lax`,
      `consort_vid=${keyed(`127.0.0.1|${human}`)}; Max-Age=31536000; Path=/; HttpOnly; SameSite=Lax`,
    ]);
    expect(c.headers['set-cookie']).toBe(
      `consort_click=${ids[2]}; Max-Age=2592000; Path=/; HttpOnly; SameSite=Lax`,
    );
    // the landing template's sub-id macros carry the (encoded) query values
    expect(new URL(String(a.headers.location)).searchParams.get('c')).toBe(ids[0]);
  });
});

describe('redirect helpers', () => {
  it('compiled landing templates fill exactly like calculateMacroUrl', () => {
    const values = { click_id: 'id-1', sub1: 'a b&c', sub2: null, code: 'SAVE10' };
    for (const tpl of [
      'https://x.example/?c={click_id}&s={sub1}&t={sub2}',
      '{click_id}',
      'https://x.example/plain',
      'https://x.example/{code}/{unknown}/{click_id}{sub1}',
      '',
    ])
      expect(compileMacroUrl(tpl)(values), tpl).toBe(calculateMacroUrl(tpl, values));
  });

  it('click ids are UUIDv7, unique and in creation order', () => {
    const ids = Array.from({ length: 20_000 }, () => newClickId());
    for (const id of [ids[0]!, ids[19_999]!])
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
    const ms = Number.parseInt(ids[0]!.replaceAll('-', '').slice(0, 12), 16);
    expect(Math.abs(ms - Date.now())).toBeLessThan(60_000);
  });

  it('the bounded memo computes a key once while it is held and holds at most twice its size', () => {
    let calls = 0;
    const m = new BoundedMemo((k: string) => {
      calls++;
      return k.length;
    }, 100);
    for (let round = 0; round < 3; round++) for (let i = 0; i < 50; i++) m.get(`k${i}`);
    expect(calls).toBe(50);
    for (let i = 0; i < 1000; i++) m.get(`other${i}`);
    const held = m as unknown as { young: Map<string, number>; old: Map<string, number> };
    expect(held.young.size + held.old.size).toBeLessThanOrEqual(200);
    calls = 0;
    m.get('k1');
    expect(calls).toBe(1); // dropped long ago, computed again
  });
});

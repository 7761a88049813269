import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { writeAudited } from '../../src/audit/write-audited.js';
import { createApiKey } from '../../src/auth/api-key-store.js';
import {
  attemptDelivery,
  pgBossSender,
  postbackDeliverJob,
  setPostbackSender,
} from '../../src/intake/partner-postbacks.js';
import { startJobs } from '../../src/platform/jobs/job-runner.js';
import { createPromoCode, createTrackingLink } from '../../src/tracking/tracking-asset-store.js';
import { createTestContext, type Session, type TestContext } from '../helpers/test-app.js';
import { ENGINE } from '../helpers/test-db.js';

let t: TestContext;
let admin: Session;
let brandId: string;
let otherBrandId: string;
let key: string;
let otherBrandKey: string;
const partners: Record<string, string> = {};
const codes: Record<string, string> = {};
const sys = { type: 'system' as const, id: 'test' };

beforeAll(async () => {
  t = await createTestContext();
  admin = await t.loginAs('admin');
  brandId = await t.createBrand('casino', 'igaming');
  otherBrandId = await t.createBrand('other', 'igaming');
  for (const p of ['A', 'B', 'C'])
    partners[p] = await t.createPartner({ segments: ['affiliate', 'influencer'] });
  await writeAudited(t.services, async (trx, now) => {
    for (const p of ['A', 'B']) {
      const l = await createTrackingLink(
        trx,
        sys,
        { partnerId: partners[p]!, segment: 'affiliate', brandId, code: `link${p}` },
        now,
      );
      codes[p] = l.code;
    }
    const c = await createPromoCode(
      trx,
      sys,
      { partnerId: partners.C!, segment: 'influencer', brandId, code: 'MAYA10' },
      now,
    );
    codes.C = c.code;
    key = (
      await createApiKey(
        trx,
        sys,
        {
          name: 'k',
          kind: 'operator',
          scopes: ['events:write', 'activity:write'],
          brandIds: [],
          partnerId: null,
          expiresAt: null,
          createdBy: null,
        },
        now,
      )
    ).key;
    otherBrandKey = (
      await createApiKey(
        trx,
        sys,
        {
          name: 'k2',
          kind: 'operator',
          scopes: ['events:write'],
          brandIds: [otherBrandId],
          partnerId: null,
          expiresAt: null,
          createdBy: null,
        },
        now,
      )
    ).key;
  });
});
afterAll(async () => {
  setPostbackSender(undefined);
  await t?.close();
});

async function click(code: string, visitor?: string, query = '') {
  const res = await t.app.inject({
    method: 'GET',
    url: `/r/${code}${query}`,
    headers: {
      'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0',
      ...(visitor ? { cookie: `consort_vid=${visitor}` } : {}),
      'cf-ipcountry': 'mt',
    },
  });
  return res;
}
const clickIdOf = (res: { headers: Record<string, unknown> }) =>
  new URL(String(res.headers.location)).searchParams.get('c')!;

function post(
  payload: Record<string, unknown>,
  headers: Record<string, string> = { authorization: `Bearer ${key}` },
) {
  return t.app.inject({ method: 'POST', url: '/api/v1/events', payload, headers });
}
async function count(table: string): Promise<number> {
  const r = await sql<{ n: string }>`select count(*) as n from ${sql.table(table)}`.execute(t.services.db);
  return Number(r.rows[0]!.n);
}
async function daily(partnerId: string) {
  await t.app.tracking.buffer.flush();
  const r = await sql<
    Record<string, string>
  >`select sum(clicks) as clicks, sum(unique_clicks) as uniques, sum(registrations) as regs,
    sum(ftds) as ftds, sum(ftd_amount) as ftd_amount, sum(deposits) as deposits, sum(deposit_amount) as deposit_amount
    from rollups_daily where partner_id = ${partnerId}`.execute(t.services.db);
  return r.rows[0]!;
}

describe(`click redirect [${ENGINE}]`, () => {
  it('302s to the landing template with the click id and sub-ids, sets cookies, and stores the click', async () => {
    const res = await click(codes.A!, undefined, '?sub1=spring&sub2=x');
    expect(res.statusCode).toBe(302);
    expect(String(res.headers.location)).toMatch(/^https:\/\/casino\.example\/\?c=[0-9a-f-]{36}$/);
    expect(String(res.headers['set-cookie'])).toContain('consort_click=');
    await t.app.tracking.buffer.flush();
    const row = await t.services.db
      .selectFrom('clicks')
      .selectAll()
      .where('id', '=', clickIdOf(res))
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      partner_id: partners.A,
      segment: 'affiliate',
      sub1: 'spring',
      sub2: 'x',
      country: 'MT',
      is_bot: false,
    });
    expect(row.ip_hash).not.toContain('127.0.0.1');
    // audited per batch, not per click: count, id range and a content hash
    const audits = await t.services.db
      .selectFrom('audit_log')
      .select(['entity_id', 'diff'])
      .where('action', '=', 'clicks.recorded')
      .execute();
    const batch = audits.find((a) => {
      const d = a.diff as { firstId: string; lastId: string };
      return d.firstId <= row.id && row.id <= d.lastId;
    });
    expect(batch?.diff).toMatchObject({
      count: expect.any(Number),
      contentSha256: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(batch?.entity_id).toContain('..');
  });

  it('unknown codes are 404 and counted; paused links and inactive partners go to the brand fallback', async () => {
    expect((await click('nope-nope')).statusCode).toBe(404);
    await t.services.db
      .updateTable('tracking_links')
      .set({ status: 'paused' })
      .where('code', '=', codes.B!)
      .execute();
    const { invalidateTrackingCode, invalidatePartnerTracking } = await import(
      '../../src/tracking/link-cache.js'
    );
    invalidateTrackingCode(codes.B!);
    const paused = await click(codes.B!);
    expect(paused.headers.location).toBe('https://casino.example/');
    await t.services.db
      .updateTable('tracking_links')
      .set({ status: 'active' })
      .where('code', '=', codes.B!)
      .execute();
    invalidateTrackingCode(codes.B!);
    await t.services.db
      .updateTable('partners')
      .set({ status: 'suspended' })
      .where('id', '=', partners.B!)
      .execute();
    invalidatePartnerTracking(partners.B!);
    expect((await click(codes.B!)).headers.location).toBe('https://casino.example/');
    await t.services.db
      .updateTable('partners')
      .set({ status: 'active' })
      .where('id', '=', partners.B!)
      .execute();
    invalidatePartnerTracking(partners.B!);
    expect(String((await click(codes.B!)).headers.location)).toContain('?c=');
    await t.app.tracking.buffer.flush();
    const misses = await t.services.db.selectFrom('redirect_misses').select(['reason', 'count']).execute();
    expect(misses.map((m) => m.reason).sort()).toEqual(['partner_inactive', 'paused', 'unknown']);
  });

  it('promo codes resolve like links', async () => {
    const res = await click('maya10');
    expect(res.statusCode).toBe(302);
    await t.app.tracking.buffer.flush();
    const row = await t.services.db
      .selectFrom('clicks')
      .select(['promo_code_id', 'partner_id'])
      .where('id', '=', clickIdOf(res))
      .executeTakeFirstOrThrow();
    expect(row.partner_id).toBe(partners.C);
  });
});

describe(`click → registration → FTD [${ENGINE}]`, () => {
  it('one owner (last click), one overlap for the other partner, rollups right', async () => {
    const before = await daily(partners.A!);
    await click(codes.B!, 'visitor-one-xyz');
    const mine = await click(codes.A!, 'visitor-one-xyz', '?sub1=s1');
    const clickId = clickIdOf(mine);
    await t.app.tracking.buffer.flush();
    const reg = await post({
      brand: 'casino',
      event: 'registration',
      event_id: 'reg-1',
      customer_id: 'cust-1',
      click_id: clickId,
      country: 'MT',
    });
    expect(reg.statusCode).toBe(200);
    expect(reg.json()).toMatchObject({
      duplicate: false,
      version: 1,
      owner: { partnerId: partners.A, segment: 'affiliate' },
    });
    const ftd = await post({
      brand: 'casino',
      event: 'ftd',
      event_id: 'dep-1',
      customer_id: 'cust-1',
      amount: '50.00',
    });
    expect(ftd.json()).toMatchObject({ owner: { partnerId: partners.A } });
    const c = await t.services.db
      .selectFrom('customers')
      .selectAll()
      .where('external_id', '=', 'cust-1')
      .executeTakeFirstOrThrow();
    expect(c.locked_at).not.toBeNull();
    expect(c.first_deposit_amount).toBe('5000');
    const ov = await t.services.db
      .selectFrom('attribution_overlaps')
      .selectAll()
      .where('customer_id', '=', c.id)
      .execute();
    expect(ov).toHaveLength(1);
    expect(ov[0]).toMatchObject({
      competing_partner_id: partners.B,
      owner_partner_id: partners.A,
      source: 'click',
    });
    const after = await daily(partners.A!);
    expect(Number(after.regs) - Number(before.regs ?? 0)).toBe(1);
    expect(Number(after.ftds) - Number(before.ftds ?? 0)).toBe(1);
    expect(Number(after.ftd_amount) - Number(before.ftd_amount ?? 0)).toBe(5000);
    const sub = await sql<{
      n: string;
    }>`select sum(registrations) as n from rollups_hourly where partner_id = ${partners.A} and sub_id = 's1'`.execute(
      t.services.db,
    );
    expect(sub.rows[0]!.n).toBe('1');
    const audit = await t.services.db
      .selectFrom('audit_log')
      .select('action')
      .where('entity_id', '=', c.id)
      .execute();
    expect(audit.map((a) => a.action)).toContain('customer.attributed');
  });

  it('a promo code overrides the link click (default): owner C, overlap A', async () => {
    const res = await click(codes.A!, 'visitor-two-xyz');
    await t.app.tracking.buffer.flush();
    const reg = await post({
      brand: 'casino',
      event: 'registration',
      event_id: 'reg-2',
      customer_id: 'cust-2',
      click_id: clickIdOf(res),
      promo_code: 'maya10',
    });
    expect(reg.json()).toMatchObject({ owner: { partnerId: partners.C, segment: 'influencer' } });
    const c = await t.services.db
      .selectFrom('customers')
      .select('id')
      .where('external_id', '=', 'cust-2')
      .executeTakeFirstOrThrow();
    const ov = await t.services.db
      .selectFrom('attribution_overlaps')
      .selectAll()
      .where('customer_id', '=', c.id)
      .execute();
    expect(ov.map((o) => o.competing_partner_id)).toEqual([partners.A]);
  });

  it('locked after registration: a later competing click keeps the owner and records an overlap', async () => {
    const res = await click(codes.B!, 'visitor-three');
    await t.app.tracking.buffer.flush();
    const dep = await post({
      brand: 'casino',
      event: 'deposit',
      event_id: 'dep-lock',
      customer_id: 'cust-1',
      amount: '10',
      click_id: clickIdOf(res),
    });
    expect(dep.json()).toMatchObject({ owner: { partnerId: partners.A } });
    const c = await t.services.db
      .selectFrom('customers')
      .select('id')
      .where('external_id', '=', 'cust-1')
      .executeTakeFirstOrThrow();
    const ov = await t.services.db
      .selectFrom('attribution_overlaps')
      .select('event_id')
      .where('customer_id', '=', c.id)
      .execute();
    expect(ov).toHaveLength(2);
  });

  it('window boundaries: a click exactly 30 days old counts, one millisecond older does not', async () => {
    const res = await click(codes.A!, 'visitor-window');
    await t.app.tracking.buffer.flush();
    const clickRow = await t.services.db
      .selectFrom('clicks')
      .select('clicked_at')
      .where('id', '=', clickIdOf(res))
      .executeTakeFirstOrThrow();
    const at = clickRow.clicked_at.getTime() + 30 * 86_400_000;
    const inside = await post({
      brand: 'casino',
      event: 'registration',
      event_id: 'win-1',
      customer_id: 'cust-w1',
      click_id: clickIdOf(res),
      occurred_at: new Date(at).toISOString(),
    });
    expect(inside.json().owner).toMatchObject({ partnerId: partners.A });
    const outside = await post({
      brand: 'casino',
      event: 'registration',
      event_id: 'win-2',
      customer_id: 'cust-w2',
      click_id: clickIdOf(res),
      occurred_at: new Date(at + 1).toISOString(),
    });
    expect(outside.json().owner).toBeNull();
  });

  it('staff reassignment with a reason is audited; flags are audited and readable', async () => {
    const c = await t.services.db
      .selectFrom('customers')
      .select('id')
      .where('external_id', '=', 'cust-2')
      .executeTakeFirstOrThrow();
    const res = await admin.request('POST', `/api/v1/customers/${c.id}/reassign`, {
      partnerId: partners.B,
      segment: 'affiliate',
      reason: 'proof of referral',
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().owner).toMatchObject({ partnerId: partners.B, segment: 'affiliate' });
    const analyst = await t.loginAs('analyst');
    expect(
      (
        await analyst.request('POST', `/api/v1/customers/${c.id}/reassign`, {
          partnerId: null,
          reason: 'nope',
        })
      ).statusCode,
    ).toBe(403);
    const flag = await admin.request('POST', `/api/v1/customers/${c.id}/flags`, {
      flag: 'fraud',
      reason: 'card testing',
    });
    expect(flag.statusCode).toBe(201);
    const { loadCustomerFlags } = await import('../../src/attribution/attribution-store.js');
    expect((await loadCustomerFlags(t.services.db, [c.id])).get(c.id)).toEqual({
      selfExcluded: false,
      duplicate: false,
      fraud: true,
    });
    const audit = await t.services.db
      .selectFrom('audit_log')
      .select('action')
      .where('entity_id', '=', c.id)
      .execute();
    expect(audit.map((a) => a.action)).toEqual(
      expect.arrayContaining(['customer.reassigned', 'customer.flagged']),
    );
  });

  it('a partner manager reaches only customers owned by the portfolio (404 otherwise)', async () => {
    const c = await t.services.db
      .selectFrom('customers')
      .select(['id', 'owner_partner_id'])
      .where('external_id', '=', 'cust-2')
      .executeTakeFirstOrThrow();
    const pm = await t.loginAs('partner_manager');
    expect((await pm.request('GET', `/api/v1/customers/${c.id}`)).statusCode).toBe(404);
    expect(
      (await pm.request('POST', `/api/v1/customers/${c.id}/flags`, { flag: 'fraud', reason: 'x-x-x' }))
        .statusCode,
    ).toBe(404);
    expect((await pm.request('GET', '/api/v1/customers')).json().items).toEqual([]);
    await t.services.db
      .updateTable('partners')
      .set({ manager_user_id: pm.userId })
      .where('id', '=', c.owner_partner_id!)
      .execute();
    expect((await pm.request('GET', `/api/v1/customers/${c.id}`)).statusCode).toBe(200);
    const list = (await pm.request('GET', '/api/v1/customers')).json().items;
    expect(list.length).toBeGreaterThan(0);
    expect(list.every((x: { owner_partner_id: string }) => x.owner_partner_id === c.owner_partner_id)).toBe(
      true,
    );
  });
});

describe(`postback idempotency and denials [${ENGINE}]`, () => {
  it('concurrent identical postbacks write one event; a changed re-send is version 2 and its consequence follows', async () => {
    const payload = {
      brand: 'casino',
      event: 'deposit',
      event_id: 'dup-1',
      customer_id: 'cust-1',
      amount: '20.00',
      aff_extra: 'kept',
    };
    const before = await daily(partners.A!);
    const results = await Promise.all(Array.from({ length: 6 }, () => post(payload)));
    expect(results.map((r) => r.statusCode)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(results.filter((r) => r.json().duplicate === true)).toHaveLength(5);
    const ev = await t.services.db
      .selectFrom('events')
      .selectAll()
      .where('external_id', '=', 'dup-1')
      .execute();
    expect(ev).toHaveLength(1);
    expect(ev[0]!.extra).toEqual({ aff_extra: 'kept' });
    const mid = await daily(partners.A!);
    expect(Number(mid.deposits) - Number(before.deposits)).toBe(1);
    const cb = await post({ ...payload, status: 'chargeback' });
    expect(cb.json()).toMatchObject({ duplicate: false, version: 2 });
    const after = await daily(partners.A!);
    expect(after.deposits).toBe(before.deposits);
    expect(after.deposit_amount).toBe(before.deposit_amount);
    expect(
      await t.services.db
        .selectFrom('event_versions')
        .select('version')
        .where('event_id', '=', ev[0]!.id)
        .execute(),
    ).toHaveLength(2);
    const audit = await t.services.db
      .selectFrom('audit_log')
      .select('action')
      .where('entity_id', '=', ev[0]!.id)
      .execute();
    expect(audit.map((a) => a.action)).toEqual(['event.updated']);
  });

  it('GET postbacks with a valid HMAC signature are accepted; bad or stale ones are 401; nothing written', async () => {
    const sec = await admin.request('POST', `/api/v1/brands/${brandId}/event-secret`);
    expect(sec.statusCode).toBe(201);
    const secret = sec.json().secret as string;
    const events = await count('events');
    const query = 'brand=casino&event=registration&event_id=sig-1&customer_id=cust-sig&tracker=xyz';
    const canonical = 'brand=casino&customer_id=cust-sig&event=registration&event_id=sig-1&tracker=xyz';
    const ts = String(Math.floor(Date.now() / 1000));
    const sign = (tsv: string) => createHmac('sha256', secret).update(`${tsv}.${canonical}`).digest('hex');
    const bad = await t.app.inject({
      method: 'GET',
      url: `/api/v1/events?${query}`,
      headers: { 'x-consort-timestamp': ts, 'x-consort-signature': 'f'.repeat(64) },
    });
    expect(bad.statusCode).toBe(401);
    expect(bad.json().error.code).toBe('INVALID_SIGNATURE');
    const stale = String(Number(ts) - 301);
    expect(
      (
        await t.app.inject({
          method: 'GET',
          url: `/api/v1/events?${query}&timestamp=${stale}&signature=${sign(stale)}`,
        })
      ).statusCode,
    ).toBe(401);
    expect(await count('events')).toBe(events);
    const ok = await t.app.inject({
      method: 'GET',
      url: `/api/v1/events?${query}&timestamp=${ts}&signature=${sign(ts)}`,
    });
    expect(ok.statusCode).toBe(200);
    const ev = await t.services.db
      .selectFrom('events')
      .select('extra')
      .where('external_id', '=', 'sig-1')
      .executeTakeFirstOrThrow();
    expect(ev.extra).toEqual({ tracker: 'xyz' });
    const body = JSON.stringify({
      brand: 'casino',
      event: 'registration',
      event_id: 'sig-2',
      customer_id: 'cust-sig2',
    });
    const postOk = await t.app.inject({
      method: 'POST',
      url: '/api/v1/events',
      payload: body,
      headers: {
        'content-type': 'application/json',
        'x-consort-timestamp': ts,
        'x-consort-signature': createHmac('sha256', secret).update(`${ts}.${body}`).digest('hex'),
      },
    });
    expect(postOk.statusCode).toBe(200);
  });

  it('no credentials 401, a key for another brand 403, malformed values 400 naming the field; nothing written', async () => {
    const events = await count('events');
    const customers = await count('customers');
    const p = { brand: 'casino', event: 'deposit', event_id: 'x-1', customer_id: 'cust-x', amount: '5' };
    expect((await post(p, {})).statusCode).toBe(401);
    const wrong = await post(p, { authorization: `Bearer ${otherBrandKey}` });
    expect(wrong.statusCode).toBe(403);
    expect(wrong.json().error.code).toBe('BRAND_FORBIDDEN');
    const bad = await post({ ...p, amount: '5.123', currency: 'EUR' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.fields[0].path).toBe('/amount');
    const bad2 = await post({ ...p, event: 'bet', amount: 'ten' });
    expect(bad2.json().error.details.fields.map((f: { path: string }) => f.path)).toEqual([
      '/event',
      '/amount',
    ]);
    const badClick = await post({ ...p, click_id: '00000000-0000-7000-8000-000000000000' });
    expect(badClick.statusCode).toBe(400);
    expect(badClick.json().error.details.fields[0].path).toBe('/click_id');
    expect(await count('events')).toBe(events);
    expect(await count('customers')).toBe(customers);
  });
});

describe(`activity intake API [${ENGINE}]`, () => {
  it('trades: idempotent on trade_id, changed rows updated, revenue rolled up, bad rows 400 with nothing written', async () => {
    const row = {
      trade_id: 't-1',
      customer_id: 'cust-1',
      symbol: 'EURUSD',
      instrument_class: 'fx',
      account_type: 'standard',
      side: 'buy',
      lots: '2.5',
      opened_at: '2026-06-01T10:00:00Z',
      closed_at: '2026-06-01T11:00:00Z',
      currency: 'EUR',
      spread_per_lot: '1.20',
      commission: '3.00',
    };
    const send = (rows: unknown[]) =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/activity/trades',
        payload: { brand: 'casino', rows },
        headers: { authorization: `Bearer ${key}` },
      });
    const r1 = await send([row, { ...row, trade_id: 't-2', customer_id: 'new-cust' }]);
    expect(r1.json()).toEqual({ inserted: 2, updated: 0, unchanged: 0 });
    expect((await send([row])).json()).toEqual({ inserted: 0, updated: 0, unchanged: 1 });
    expect((await send([{ ...row, lots: '3' }])).json()).toEqual({ inserted: 0, updated: 1, unchanged: 0 });
    const trade = await t.services.db
      .selectFrom('trades')
      .selectAll()
      .where('trade_id', '=', 't-1')
      .executeTakeFirstOrThrow();
    expect(trade).toMatchObject({ lots: '3.0000', spread_per_lot: '120', commission: '300', version: 2 });
    const rev = await sql<{
      n: string;
    }>`select sum(revenue) as n from rollups_daily where partner_id = ${partners.A} and day = '2026-06-01'`.execute(
      t.services.db,
    );
    expect(rev.rows[0]!.n).toBe(String(3 * 120 + 300));
    const n = await count('trades');
    const bad = await send([
      { ...row, trade_id: 't-3' },
      { ...row, trade_id: 't-4', side: 'long', lots: '0' },
    ]);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.fields.map((f: { path: string }) => f.path)).toEqual([
      '/rows/1/side',
      '/rows/1/lots',
    ]);
    expect(await count('trades')).toBe(n);
  });
});

describe(`outbound partner postbacks [${ENGINE}]`, () => {
  it('delivers to the partner URL with macros, retries with pg-boss, disables after 10 failures, log readable', async () => {
    let fail = 1;
    const seen: string[] = [];
    const server = http.createServer((req, res) => {
      seen.push(req.url!);
      res.statusCode = fail > 0 ? 500 : 200;
      if (fail > 0) fail--;
      res.end('ok');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const partner = await t.loginAs('partner', { partnerId: partners.A! });
    const cfg = await partner.request('POST', '/api/v1/portal/postbacks', {
      eventType: 'deposit',
      url: `http://127.0.0.1:${port}/pb?c={click_id}&e={event}&a={amount}&cur={currency}`,
    });
    expect(cfg.statusCode).toBe(201);
    const jobs = await startJobs(t.services, [postbackDeliverJob], { schedule: false });
    try {
      setPostbackSender(pgBossSender(jobs.boss, { retryLimit: 3, retryDelay: 1, retryBackoff: true }));
      const ev = await post({
        brand: 'casino',
        event: 'deposit',
        event_id: 'pb-1',
        customer_id: 'cust-1',
        amount: '12.50',
      });
      expect(ev.statusCode).toBe(200);
      await vi.waitFor(
        async () => {
          const d = await t.services.db
            .selectFrom('postback_deliveries')
            .selectAll()
            .where('partner_id', '=', partners.A!)
            .executeTakeFirstOrThrow();
          expect(d).toMatchObject({ status: 'delivered', attempts: 2 });
        },
        { timeout: 25_000, interval: 200 },
      );
      expect(seen).toHaveLength(2);
      expect(seen[1]).toBe('/pb?c=&e=deposit&a=12.50&cur=EUR');
    } finally {
      setPostbackSender(undefined);
      await jobs.stop();
    }
    fail = 1000;
    for (let i = 0; i < 10; i++) {
      const r = await post({
        brand: 'casino',
        event: 'deposit',
        event_id: `pb-f${i}`,
        customer_id: 'cust-1',
        amount: '1',
      });
      const d = await t.services.db
        .selectFrom('postback_deliveries')
        .select('id')
        .where('event_id', '=', r.json().id)
        .executeTakeFirstOrThrow();
      const out = await attemptDelivery(t.services, d.id);
      expect(out.kind).toBe('failed');
      if (out.kind === 'failed') expect(out.disabled).toBe(i === 9);
    }
    const list = await partner.request('GET', '/api/v1/portal/postbacks');
    expect(list.json().items[0]).toMatchObject({ enabled: false, consecutiveFailures: 10 });
    const log = await partner.request('GET', '/api/v1/portal/postback-deliveries');
    expect(log.json().items.length).toBe(11);
    expect(JSON.stringify(log.json())).not.toContain('cust-1');
    const again = await partner.request('PATCH', `/api/v1/portal/postbacks/${cfg.json().id}`, {
      enabled: true,
    });
    expect(again.json()).toMatchObject({ enabled: true, consecutiveFailures: 0 });
    await new Promise<void>((r) => server.close(() => r()));
  });
});

import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closePeriod } from '../../src/ledger/close-period.js';
import { decideCustomerStatus, decideNextPayoutDate } from '../../src/partners/decide-customer-status.js';
import { createTestContext, type Session, type TestContext } from '../helpers/test-app.js';
import { addBrand, addContract, addCustomer, addIgDay, addTrade } from '../ledger/support.js';

/**
 * The portal pages' API (customers, balance, sub-partners, IB volume and country reports) and the staff
 * Tracking page, partner tabs and bulk actions: happy paths, what each computes, and the denials.
 */
let ctx: TestContext;
const now = new Date('2025-02-05T10:00:00Z');
let admin: Session;
let pm: Session;
let otherPm: Session;
let finance: Session;
let maya: Session;
let other: Session;
let brandId: string;
let fxBrand: string;
let mayaId: string;
let otherId: string;
let subId: string;
const cust: Record<string, string> = {};
const publicOf = async (id: string) =>
  (
    await ctx.services.db
      .selectFrom('customers')
      .select('public_id')
      .where('id', '=', id)
      .executeTakeFirstOrThrow()
  ).public_id;

const PII_KEYS = [
  'externalId',
  'external_id',
  'email',
  'country',
  'ip',
  'ipHash',
  'userAgent',
  'payload',
  'extra',
];
function keysDeep(v: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(v)) for (const x of v) keysDeep(x, out);
  else if (v && typeof v === 'object')
    for (const [k, x] of Object.entries(v)) {
      out.add(k);
      keysDeep(x, out);
    }
  return out;
}

async function join(partnerId: string, brand: string, parent: string | null = null) {
  await ctx.services.db
    .insertInto('partner_brands')
    .values({ partner_id: partnerId, brand_id: brand, parent_partner_id: parent, joined_at: now })
    .execute();
}

beforeAll(async () => {
  ctx = await createTestContext({}, { clock: () => now });
  const s = ctx.services;
  admin = await ctx.loginAs('admin');
  pm = await ctx.loginAs('partner_manager');
  otherPm = await ctx.loginAs('partner_manager');
  finance = await ctx.loginAs('finance');
  brandId = await addBrand(s, 'pp-casino', 'igaming', 'EUR');
  fxBrand = await addBrand(s, 'pp-fx', 'forex', 'USD');
  mayaId = await ctx.createPartner({ name: 'Maya', managerUserId: pm.userId, segments: ['affiliate', 'ib'] });
  otherId = await ctx.createPartner({ name: 'Other', managerUserId: otherPm.userId });
  subId = await ctx.createPartner({ name: 'Sub IB', segments: ['ib'] });
  await join(mayaId, brandId);
  await join(mayaId, fxBrand);
  await join(otherId, brandId);
  await join(subId, fxBrand, mayaId);
  maya = await ctx.loginAs('partner', { partnerId: mayaId });
  other = await ctx.loginAs('partner', { partnerId: otherId });

  // Maya's customers: active (bet 26 days ago), FTD only, registered only; one of Other's.
  cust.active = await addCustomer(s, brandId, mayaId, 'affiliate', 'EXT-SECRET-1', '2025-01-02T00:00:00Z');
  cust.ftd = await addCustomer(s, brandId, mayaId, 'affiliate', 'EXT-SECRET-2', '2025-01-03T00:00:00Z');
  cust.reg = await addCustomer(s, brandId, mayaId, 'affiliate', 'EXT-SECRET-3', '2025-01-04T00:00:00Z');
  cust.other = await addCustomer(s, brandId, otherId, 'affiliate', 'EXT-SECRET-4', '2025-01-05T00:00:00Z');
  await s.db
    .updateTable('customers')
    .set({
      first_deposit_at: new Date('2025-01-03T12:00:00Z'),
      first_deposit_amount: '5000',
      first_deposit_currency: 'EUR',
    })
    .where('id', 'in', [cust.ftd, cust.active])
    .execute();
  await s.db.updateTable('customers').set({ country: 'FR' }).where('id', '=', cust.reg).execute();
  await addIgDay(s, brandId, cust.active, '2025-01-10', 100_000, 20_000);
  await s.db
    .insertInto('events')
    .values({
      id: uuidv7(),
      brand_id: brandId,
      external_id: 'ev-1',
      type: 'ftd',
      status: 'approved',
      customer_id: cust.ftd,
      occurred_at: new Date('2025-01-03T12:00:00Z'),
      amount: '5000',
      currency: 'EUR',
      content_hash: 'x',
      payload: JSON.stringify({ email: 'secret@example.test' }),
      extra: '{}',
      received_at: now,
      updated_at: now,
    } as never)
    .execute();
  // Revenue share 25 % on the January NGR of 800.00 EUR → 200.00 EUR pending after the close.
  await addContract(s, mayaId, brandId, {
    schemaVersion: 1,
    name: 'rev',
    currency: 'EUR',
    segments: ['affiliate'],
    brands: [brandId],
    components: [
      {
        id: 'rev',
        kind: 'igaming_revshare',
        ngr: { deductions: [] },
        rate: '25',
        carryover: { enabled: false },
      },
    ],
  });
  await closePeriod(s, { brand: 'pp-casino', period: '2025-01', actor: { type: 'system', id: 'test' } });
  // IB volume: Maya's own client 1.5 lots, her sub-IB's client 2.25 lots (+ one trade outside the period).
  const fxOwn = await addCustomer(s, fxBrand, mayaId, 'ib', 'EXT-FX-1', '2025-01-02T00:00:00Z');
  const fxSub = await addCustomer(s, fxBrand, subId, 'ib', 'EXT-FX-2', '2025-01-02T00:00:00Z');
  await addTrade(s, fxBrand, fxOwn, 't1', '2025-01-15T10:00:00Z', '1.5');
  await addTrade(s, fxBrand, fxSub, 't2', '2025-01-16T10:00:00Z', '2.25');
  await addTrade(s, fxBrand, fxSub, 't3', '2025-03-01T10:00:00Z', '9');
  cust.fxOwn = fxOwn;
  // A per-lot rebate of 4.00 USD: Maya's client's 1.5 lots earn 6.00 USD, a per-customer line.
  await addContract(s, mayaId, fxBrand, {
    schemaVersion: 1,
    name: 'IB rebate',
    currency: 'USD',
    segments: ['ib'],
    brands: [fxBrand],
    components: [
      {
        id: 'rebate',
        kind: 'forex_rebate',
        method: { kind: 'per_lot', rates: [{ instrumentClass: 'fx', perLot: '4' }] },
      },
    ],
  });
  await closePeriod(s, { brand: 'pp-fx', period: '2025-01', actor: { type: 'system', id: 'test' } });
}, 120_000);

afterAll(async () => {
  await ctx?.close();
});

describe('customer status and next payout date (rules)', () => {
  const d = (x: string) => new Date(x);
  it('takes the furthest stage, with each flag separately', () => {
    const at = d('2025-02-05T00:00:00Z');
    expect(
      decideCustomerStatus(
        { registeredAt: d('2025-01-01'), firstDepositAt: null, lastActivityAt: null, qualified: false },
        at,
      ).status,
    ).toBe('registered');
    expect(
      decideCustomerStatus(
        {
          registeredAt: null,
          firstDepositAt: d('2025-01-01'),
          lastActivityAt: d('2025-01-20'),
          qualified: false,
        },
        at,
      ),
    ).toEqual({ status: 'active', ftd: true, active: true, qualified: false });
    // active up to exactly 30 days after the last activity, not a second more
    const last = {
      registeredAt: null,
      firstDepositAt: d('2025-01-01'),
      lastActivityAt: d('2025-01-06T00:00:00Z'),
      qualified: false,
    };
    expect(decideCustomerStatus(last, d('2025-02-05T00:00:00Z')).status).toBe('active');
    expect(decideCustomerStatus(last, d('2025-02-05T00:00:01Z')).status).toBe('ftd');
    expect(
      decideCustomerStatus(
        { registeredAt: null, firstDepositAt: d('2025-01-01'), lastActivityAt: null, qualified: true },
        at,
      ),
    ).toEqual({ status: 'qualified', ftd: true, active: false, qualified: true });
  });
  it('estimates the next payout on the first of next month, plus N days for NET-N', () => {
    expect(decideNextPayoutDate('monthly', 0, '2025-01-31')).toBe('2025-02-01');
    expect(decideNextPayoutDate('monthly', 0, '2025-12-05')).toBe('2026-01-01');
    expect(decideNextPayoutDate('net', 15, '2025-02-10')).toBe('2025-03-16');
  });
});

describe('portal customers', () => {
  it('lists own customers with their status, pseudonymous only', async () => {
    const r = await maya.request('GET', '/api/v1/portal/customers');
    expect(r.statusCode, r.body).toBe(200);
    const body = r.json() as { items: Array<{ publicId: string; status: string }>; total: number };
    const byId = Object.fromEntries(body.items.map((c) => [c.publicId, c.status]));
    expect(byId).toEqual({
      [await publicOf(cust.active!)]: 'active',
      [await publicOf(cust.ftd!)]: 'ftd',
      [await publicOf(cust.reg!)]: 'registered',
      [(
        await ctx.services.db
          .selectFrom('customers')
          .select('public_id')
          .where('external_id', '=', 'EXT-FX-1')
          .executeTakeFirstOrThrow()
      ).public_id]: 'active',
    });
    expect(body.total).toBe(4);
    for (const k of PII_KEYS) expect(keysDeep(body).has(k), k).toBe(false);
    expect(r.body).not.toContain('EXT-SECRET');
    expect(r.body).not.toContain(cust.active);
  });

  it('filters by status with the same rule as the list (SQL and rule agree)', async () => {
    for (const status of ['active', 'ftd', 'registered', 'qualified'] as const) {
      const all = (await maya.request('GET', '/api/v1/portal/customers')).json().items as Array<{
        publicId: string;
        status: string;
      }>;
      const r = await maya.request('GET', `/api/v1/portal/customers?status=${status}`);
      expect(r.statusCode).toBe(200);
      expect(
        r
          .json()
          .items.map((c: { publicId: string }) => c.publicId)
          .sort(),
      ).toEqual(
        all
          .filter((c) => c.status === status)
          .map((c) => c.publicId)
          .sort(),
      );
    }
  });

  it("shows a customer's own events without PII; another partner's customer is 404", async () => {
    const mine = await maya.request('GET', `/api/v1/portal/customers/${await publicOf(cust.ftd!)}/events`);
    expect(mine.statusCode, mine.body).toBe(200);
    expect(mine.json().items).toEqual([
      {
        type: 'ftd',
        status: 'approved',
        occurredAt: '2025-01-03T12:00:00.000Z',
        amountMinor: '5000',
        currency: 'EUR',
      },
    ]);
    expect(mine.body).not.toContain('secret@example.test');
    for (const k of PII_KEYS) expect(keysDeep(mine.json()).has(k), k).toBe(false);
    const theirs = await other.request('GET', `/api/v1/portal/customers/${await publicOf(cust.ftd!)}/events`);
    expect(theirs.statusCode).toBe(404);
    const otherList = (await other.request('GET', '/api/v1/portal/customers')).json();
    expect(otherList.items.map((c: { publicId: string }) => c.publicId)).toEqual([
      await publicOf(cust.other!),
    ]);
  });

  it('staff see the same pseudonymous list within reach; outside the portfolio 404; a partner 403', async () => {
    const r = await pm.request('GET', `/api/v1/partners/${mayaId}/customers`);
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().total).toBe(4);
    for (const k of PII_KEYS) expect(keysDeep(r.json()).has(k), k).toBe(false);
    expect((await otherPm.request('GET', `/api/v1/partners/${mayaId}/customers`)).statusCode).toBe(404);
    expect(
      (
        await otherPm.request(
          'GET',
          `/api/v1/partners/${mayaId}/customers/${await publicOf(cust.ftd!)}/events`,
        )
      ).statusCode,
    ).toBe(404);
    expect((await maya.request('GET', `/api/v1/partners/${mayaId}/customers`)).statusCode).toBe(403);
    const ev = await finance.request(
      'GET',
      `/api/v1/partners/${mayaId}/customers/${await publicOf(cust.ftd!)}/events`,
    );
    expect(ev.statusCode).toBe(200);
    expect(ev.json().items).toHaveLength(1);
  });
});

describe('portal balance, sub-partners and reports', () => {
  it('balance card: the closed revenue share is pending; threshold and next payout per brand', async () => {
    const r = await maya.request('GET', '/api/v1/portal/balance');
    expect(r.statusCode, r.body).toBe(200);
    const b = r.json();
    // NGR 1,000.00 − 200.00 = 800.00 EUR at 25 % = 200.00 EUR
    // and 1.5 lots × 4.00 USD = 6.00 USD
    expect(b.balances).toEqual([
      { currency: 'EUR', pendingMinor: '20000', approvedMinor: '0', payableMinor: '0', inPayoutMinor: '0' },
      { currency: 'USD', pendingMinor: '600', approvedMinor: '0', payableMinor: '0', inPayoutMinor: '0' },
    ]);
    expect(
      b.payouts
        .map((p: { brandId: string; nextPayoutDate: string; thresholdMinor: string }) => [
          p.brandId,
          p.nextPayoutDate,
          p.thresholdMinor,
        ])
        .sort(),
    ).toEqual(
      [
        [brandId, '2025-03-01', '0'],
        [fxBrand, '2025-03-01', '0'],
      ].sort(),
    );
    expect((await other.request('GET', '/api/v1/portal/balance')).json().balances).toEqual([]);
    expect((await admin.request('GET', '/api/v1/portal/balance')).statusCode).toBe(403);
  });

  it('IB volume: own and sub-IB lots in the period, by date, sub-IB and as CSV', async () => {
    const r = await maya.request(
      'GET',
      '/api/v1/portal/reports/ib-volume?from=2025-01-01&to=2025-02-01&groupBy=sub_ib',
    );
    expect(r.statusCode, r.body).toBe(200);
    const rows = r.json().rows as Array<{
      key: string;
      label: string;
      lots: string;
      subIbLots: string;
      trades: number;
      subIbTrades: number;
    }>;
    const own = rows.find((x) => x.key === mayaId)!;
    const sub = rows.find((x) => x.key === subId)!;
    expect([own.label, Number(own.lots), own.trades, Number(own.subIbLots)]).toEqual([
      'Own clients',
      1.5,
      1,
      0,
    ]);
    expect([sub.label, Number(sub.subIbLots), sub.subIbTrades, Number(sub.lots)]).toEqual([
      'Sub IB',
      2.25,
      1,
      0,
    ]);
    const byDate = (
      await maya.request('GET', '/api/v1/portal/reports/ib-volume?from=2025-01-01&to=2025-02-01')
    ).json().rows as Array<{ key: string; lots: string; subIbLots: string }>;
    expect(byDate.map((x) => [x.key, Number(x.lots), Number(x.subIbLots)])).toEqual([
      ['2025-01-15', 1.5, 0],
      ['2025-01-16', 0, 2.25],
    ]);
    const csv = await maya.request(
      'GET',
      '/api/v1/portal/reports/ib-volume?from=2025-01-01&to=2025-02-01&format=csv',
    );
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body.split('\r\n')[0]).toBe('date,lots,trades,sub_ib_lots,sub_ib_trades');
    expect(csv.body.split('\r\n')).toHaveLength(4);
    // The sub-IB sees only its own clients, not its parent's.
    const subLogin = await ctx.loginAs('partner', { partnerId: subId });
    const subRows = (
      await subLogin.request('GET', '/api/v1/portal/reports/ib-volume?from=2025-01-01&to=2025-02-01')
    ).json().rows;
    expect(subRows.map((x: { lots: string }) => Number(x.lots))).toEqual([2.25]);
    const bad = await maya.request('GET', '/api/v1/portal/reports/ib-volume?from=2025-02-01&to=2025-01-01');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.fields[0].path).toBe('/to');
  });

  it('country report: own registrations and FTDs by customer country, JSON and CSV', async () => {
    const r = await maya.request('GET', '/api/v1/portal/reports/countries?from=2025-01-01&to=2025-02-01');
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().rows).toEqual([
      {
        country: 'DE',
        registrations: 3,
        ftds: 2,
        firstDeposits: [{ currency: 'EUR', amountMinor: '10000' }],
      },
      { country: 'FR', registrations: 1, ftds: 0, firstDeposits: [] },
    ]);
    const csv = await maya.request(
      'GET',
      '/api/v1/portal/reports/countries?from=2025-01-01&to=2025-02-01&format=csv',
    );
    expect(csv.body).toContain('DE,3,2,10000 EUR');
    expect(
      (await finance.request('GET', '/api/v1/portal/reports/countries?from=2025-01-01&to=2025-02-01'))
        .statusCode,
    ).toBe(403);
  });

  it('sub-partner tree with totals (portal and staff) and override earnings', async () => {
    const r = await maya.request('GET', '/api/v1/portal/sub-partners/totals?from=2025-01-01&to=2025-02-01');
    expect(r.statusCode, r.body).toBe(200);
    expect(
      r
        .json()
        .items.map((x: { partnerId: string; depth: number; clicks: number }) => [
          x.partnerId,
          x.depth,
          x.clicks,
        ]),
    ).toEqual([[subId, 1, 0]]);
    const staff = await pm.request(
      'GET',
      `/api/v1/partners/${mayaId}/sub-partner-totals?from=2025-01-01&to=2025-02-01`,
    );
    expect(staff.json().items).toEqual(r.json().items);
    expect(
      (
        await otherPm.request(
          'GET',
          `/api/v1/partners/${mayaId}/sub-partner-totals?from=2025-01-01&to=2025-02-01`,
        )
      ).statusCode,
    ).toBe(404);
    const e = await maya.request('GET', '/api/v1/portal/sub-partners/earnings?from=2025-01-01&to=2025-02-01');
    expect(e.statusCode).toBe(200);
    expect(e.json().items).toEqual([]);
  });
});

describe('staff Tracking page', () => {
  let postbackId: string;
  it('lists links and codes across partners with filters; a partner manager sees the portfolio only', async () => {
    const made = await maya.request('POST', '/api/v1/portal/links', {
      brandId,
      segment: 'affiliate',
      name: 'Spring video',
      subIds: { sub1: 'yt' },
    });
    expect(made.statusCode, made.body).toBe(201);
    await other.request('POST', '/api/v1/portal/links', {
      brandId,
      segment: 'affiliate',
      name: 'Other link',
    });
    const all = (await admin.request('GET', '/api/v1/tracking/assets?kind=link')).json();
    expect(all.items.map((x: { name: string }) => x.name).sort()).toEqual(['Other link', 'Spring video']);
    const q = (await admin.request('GET', '/api/v1/tracking/assets?q=spring')).json();
    expect(q.items).toHaveLength(1);
    expect(q.items[0]).toMatchObject({ partnerName: 'Maya', subIds: { sub1: 'yt' }, brandName: 'pp-casino' });
    const mine = (await pm.request('GET', '/api/v1/tracking/assets')).json();
    expect(mine.items.every((x: { partnerId: string }) => x.partnerId === mayaId)).toBe(true);
    expect(mine.total).toBe(1);
    expect((await maya.request('GET', '/api/v1/tracking/assets')).statusCode).toBe(403);
  });

  it('postback configurations with failures and the failing delivery log', async () => {
    const pb = await maya.request('POST', '/api/v1/portal/postbacks', {
      eventType: 'ftd',
      url: 'https://tracker.example/pb?cid={click_id}&s1={sub1}',
    });
    expect(pb.statusCode, pb.body).toBe(201);
    postbackId = pb.json().id;
    await ctx.services.db
      .updateTable('partner_postbacks')
      .set({
        enabled: false,
        consecutive_failures: 10,
        disabled_at: now,
        disabled_reason: '10 consecutive failures',
      })
      .where('id', '=', postbackId)
      .execute();
    await ctx.services.db
      .insertInto('postback_deliveries')
      .values({
        id: uuidv7(),
        postback_id: postbackId,
        partner_id: mayaId,
        event_id: uuidv7(),
        event_version: 1,
        url: 'https://tracker.example/pb?cid=1',
        status: 'failed',
        attempts: 9,
        last_status_code: 500,
        last_error: 'HTTP 500',
        created_at: now,
      })
      .execute();
    const failing = (await admin.request('GET', '/api/v1/tracking/postbacks?failing=true')).json();
    expect(failing.items).toHaveLength(1);
    expect(failing.items[0]).toMatchObject({
      id: postbackId,
      enabled: false,
      failedDeliveries: 1,
      deliveries: 1,
    });
    const log = (await pm.request('GET', '/api/v1/tracking/postback-deliveries?status=failed')).json();
    expect(log.items.map((d: { lastError: string }) => d.lastError)).toEqual(['HTTP 500']);
    expect(
      (await otherPm.request('GET', '/api/v1/tracking/postback-deliveries?status=failed')).json().items,
    ).toEqual([]);
    // The partner re-enables it: failures reset.
    const re = await maya.request('PATCH', `/api/v1/portal/postbacks/${postbackId}`, { enabled: true });
    expect(re.json()).toMatchObject({ enabled: true, consecutiveFailures: 0, disabledAt: null });
    expect(
      (await other.request('PATCH', `/api/v1/portal/postbacks/${postbackId}`, { enabled: true })).statusCode,
    ).toBe(404);
  });

  it('the portal delivery log: the camelCase shape of the staff log, its own deliveries only, no PII', async () => {
    const r = await maya.request('GET', '/api/v1/portal/postback-deliveries');
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().items).toHaveLength(1);
    const d = r.json().items[0];
    expect(Object.keys(d).sort()).toEqual(
      [
        'attempts',
        'createdAt',
        'eventId',
        'eventVersion',
        'finishedAt',
        'id',
        'lastError',
        'lastStatusCode',
        'postbackId',
        'status',
        'url',
      ].sort(),
    );
    expect(d).toMatchObject({
      postbackId,
      url: 'https://tracker.example/pb?cid=1',
      status: 'failed',
      attempts: 9,
      lastStatusCode: 500,
      lastError: 'HTTP 500',
      createdAt: now.toISOString(),
      finishedAt: null,
      eventVersion: 1,
    });
    // the same fields, same values, as staff read them
    const staff = (
      await admin.request('GET', `/api/v1/tracking/postback-deliveries?postbackId=${postbackId}`)
    ).json().items[0];
    const { partnerId: _p, partnerName: _n, ...shared } = staff;
    expect(d).toMatchObject(shared);
    for (const k of PII_KEYS) expect(keysDeep(r.json()).has(k), k).toBe(false);
    // another partner sees none of Maya's; staff and anonymous callers are refused
    expect((await other.request('GET', '/api/v1/portal/postback-deliveries')).json().items).toEqual([]);
    expect((await admin.request('GET', '/api/v1/portal/postback-deliveries')).statusCode).toBe(403);
    expect((await ctx.app.inject({ url: '/api/v1/portal/postback-deliveries' })).statusCode).toBe(401);
    // the OpenAPI document gives the exact item schema
    const doc = (await ctx.app.inject({ url: '/openapi.json' })).json();
    const schema =
      doc.paths['/api/v1/portal/postback-deliveries'].get.responses['200'].content['application/json'].schema;
    const item = schema.properties.items.items;
    expect(item.additionalProperties).toBe(false);
    expect(Object.keys(item.properties).sort()).toEqual(Object.keys(d).sort());
  });

  it("overlaps with what paying the competing partner too would have cost (the owner's commission)", async () => {
    const overlap = (customerId: string, b: string, segment: string) =>
      ctx.services.db
        .insertInto('attribution_overlaps')
        .values({
          id: uuidv7(),
          customer_id: customerId,
          brand_id: b,
          owner_partner_id: mayaId,
          owner_segment: segment,
          competing_partner_id: otherId,
          competing_segment: 'affiliate',
          source: 'click',
          detected_at: now,
        } as never)
        .execute();
    // The revenue share is a partner-level line (no customer): nothing per customer would have been paid twice.
    await overlap(cust.active!, brandId, 'affiliate');
    // The rebate is per customer: 6.00 USD.
    await overlap(cust.fxOwn!, fxBrand, 'ib');
    const r = await admin.request('GET', '/api/v1/tracking/overlaps');
    expect(r.statusCode, r.body).toBe(200);
    const byCustomer = Object.fromEntries(
      r
        .json()
        .items.map((o: { customerPublicId: string; wouldHaveCost: unknown }) => [
          o.customerPublicId,
          o.wouldHaveCost,
        ]),
    );
    expect(byCustomer).toEqual({
      [await publicOf(cust.active!)]: [],
      [await publicOf(cust.fxOwn!)]: [{ currency: 'USD', amountMinor: '600' }],
    });
    expect(r.json().items[0]).toMatchObject({ ownerPartnerName: 'Maya', competingPartnerName: 'Other' });
    expect(r.json().totals).toEqual({
      claims: 2,
      customers: 2,
      wouldHaveCost: [{ currency: 'USD', amountMinor: '600' }],
    });
    expect((await otherPm.request('GET', '/api/v1/tracking/overlaps')).json().items).toHaveLength(2);
    const third = await ctx.loginAs('partner_manager');
    expect((await third.request('GET', '/api/v1/tracking/overlaps')).json().items).toEqual([]);
    expect((await maya.request('GET', '/api/v1/tracking/overlaps')).statusCode).toBe(403);
  });
});

describe('partner bulk actions, notes and reminders', () => {
  it('assigns a manager to several partners, all or nothing, audited per partner; admin only', async () => {
    const a = await ctx.createPartner({ name: 'Bulk A' });
    const b = await ctx.createPartner({ name: 'Bulk B' });
    const bad = await admin.request('POST', '/api/v1/partners/bulk/manager', {
      partnerIds: [a, uuidv7(), b],
      managerUserId: pm.userId,
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.fields.map((f: { path: string }) => f.path)).toEqual(['/partnerIds/1']);
    const untouched = await ctx.services.db
      .selectFrom('partners')
      .select('manager_user_id')
      .where('id', 'in', [a, b])
      .execute();
    expect(untouched.map((x) => x.manager_user_id)).toEqual([null, null]);
    const notPm = await admin.request('POST', '/api/v1/partners/bulk/manager', {
      partnerIds: [a],
      managerUserId: finance.userId,
    });
    expect(notPm.statusCode).toBe(400);
    expect(notPm.json().error.details.fields[0].path).toBe('/managerUserId');
    const ok = await admin.request('POST', '/api/v1/partners/bulk/manager', {
      partnerIds: [a, b],
      managerUserId: pm.userId,
      reason: 'portfolio split',
    });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().updated).toBe(2);
    const audit = await ctx.services.db
      .selectFrom('audit_log')
      .select('entity_id')
      .where('action', '=', 'partner.manager_assigned')
      .where('entity_id', 'in', [a, b])
      .execute();
    expect(audit.map((x) => x.entity_id).sort()).toEqual([a, b].sort());
    expect(
      (await pm.request('POST', '/api/v1/partners/bulk/manager', { partnerIds: [a], managerUserId: null }))
        .statusCode,
    ).toBe(403);
  });

  it('tags partners in bulk within reach; outside the portfolio nothing is written', async () => {
    const r = await pm.request('POST', '/api/v1/partners/bulk/tags', {
      partnerIds: [mayaId],
      add: ['vip', 'q1'],
    });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().items[0].tags.sort()).toEqual(['q1', 'vip']);
    const denied = await pm.request('POST', '/api/v1/partners/bulk/tags', {
      partnerIds: [mayaId, otherId],
      add: ['x'],
    });
    expect(denied.statusCode).toBe(400);
    const maya1 = await ctx.services.db
      .selectFrom('partners')
      .select('tags')
      .where('id', '=', mayaId)
      .executeTakeFirstOrThrow();
    expect(maya1.tags.sort()).toEqual(['q1', 'vip']);
    const rm = await admin.request('POST', '/api/v1/partners/bulk/tags', {
      partnerIds: [mayaId, otherId],
      remove: ['q1'],
    });
    expect(rm.json().items.find((x: { partnerId: string }) => x.partnerId === mayaId).tags).toEqual(['vip']);
    expect(
      (await admin.request('POST', '/api/v1/partners/bulk/tags', { partnerIds: [mayaId] })).statusCode,
    ).toBe(400);
    expect(
      (await finance.request('POST', '/api/v1/partners/bulk/tags', { partnerIds: [mayaId], add: ['y'] }))
        .statusCode,
    ).toBe(403);
  });

  it('lists notes with open reminders first and marks a reminder done once', async () => {
    const n1 = await pm.request('POST', `/api/v1/partners/${mayaId}/notes`, {
      body: 'Call about Q2',
      remindOn: '2025-03-01',
    });
    const n2 = await pm.request('POST', `/api/v1/partners/${mayaId}/notes`, { body: 'Plain note' });
    expect([n1.statusCode, n2.statusCode]).toEqual([201, 201]);
    const list = (await finance.request('GET', `/api/v1/partners/${mayaId}/notes`)).json();
    expect(list.items.map((n: { body: string; remindOn: string | null }) => [n.body, n.remindOn])).toEqual([
      ['Call about Q2', '2025-03-01'],
      ['Plain note', null],
    ]);
    const done = await pm.request('POST', `/api/v1/partners/${mayaId}/notes/${n1.json().id}/done`);
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json().doneAt).toBe(now.toISOString());
    expect(
      (await pm.request('POST', `/api/v1/partners/${mayaId}/notes/${n1.json().id}/done`)).statusCode,
    ).toBe(409);
    expect(
      (await otherPm.request('POST', `/api/v1/partners/${mayaId}/notes/${n2.json().id}/done`)).statusCode,
    ).toBe(404);
    expect((await ctx.loginAs('analyst')).userId).toBeTruthy();
    const analyst = await ctx.loginAs('analyst');
    expect(
      (await analyst.request('POST', `/api/v1/partners/${mayaId}/notes/${n2.json().id}/done`)).statusCode,
    ).toBe(403);
    const tl = (await pm.request('GET', `/api/v1/partners/${mayaId}/timeline`)).json();
    expect(tl.items.some((t: { summary: string }) => t.summary === 'reminder done: Call about Q2')).toBe(
      true,
    );
  });
});

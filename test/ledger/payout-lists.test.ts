import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closePeriod } from '../../src/ledger/close-period.js';
import { createTestContext, type Session, type TestContext } from '../helpers/test-app.js';
import { addBrand, addContract, addCustomer, addPartner, addPurchase } from './support.js';

/** GET /payout-batches (staff) and GET /portal/payouts (a partner's own history), with their denials. */
const ACTOR = { type: 'system' as const, id: 'test' };
let ctx: TestContext;
let now = new Date('2025-02-03T10:00:00Z');
let finance: Session;
let brandId: string;
let other: string;
let paid: string;
let failed: string;
let batch1: string;
let batch2: string;

const terms = {
  schemaVersion: 1,
  name: 'prop',
  currency: 'USD',
  segments: ['influencer'],
  components: [
    {
      id: 'ch',
      kind: 'prop_purchase',
      rate: '10',
      purchases: 'recurring',
      base: 'amount_paid',
      refundWindowDays: 0,
      onRefund: 'clawback',
    },
  ],
};

beforeAll(async () => {
  ctx = await createTestContext({}, { clock: () => now });
  finance = await ctx.loginAs('finance');
  brandId = await addBrand(ctx.services, 'pl-prop', 'prop', 'USD');
  other = await addBrand(ctx.services, 'pl-other', 'prop', 'USD');
  paid = await addPartner(ctx.services);
  failed = await addPartner(ctx.services);
  for (const [p, ext, amount] of [
    [paid, 'a1', 100_000],
    [failed, 'b1', 50_000],
  ] as const) {
    await addContract(ctx.services, p, brandId, terms);
    const c = await addCustomer(ctx.services, brandId, p, 'influencer', ext);
    await addPurchase(ctx.services, brandId, c, `P-${ext}`, '2025-01-10', amount);
    const m = await finance.request('PUT', `/api/v1/partners/${p}/payment-method`, {
      kind: 'ewallet',
      currency: 'USD',
      details: { provider: 'Skrill', account: `${p.slice(-6)}@example.test` },
    });
    expect(m.statusCode, m.body).toBe(200);
  }
  await closePeriod(ctx.services, { brand: 'pl-prop', period: '2025-01', actor: ACTOR });
  const ids = (await finance.request('GET', `/api/v1/commission-lines?brandId=${brandId}`))
    .json()
    .items.map((l: { id: string }) => l.id);
  expect((await finance.request('POST', '/api/v1/commission-lines/approve', { ids })).statusCode).toBe(200);
  const b = await finance.request('POST', '/api/v1/payout-batches', { brandId, payDate: '2025-02-03' });
  expect(b.statusCode, b.body).toBe(201);
  batch1 = b.json().batchId;
  await finance.request('POST', `/api/v1/payout-batches/${batch1}/approve`);
  await finance.request('POST', `/api/v1/payout-batches/${batch1}/export`, { format: 'csv' });
  const view = (await finance.request('GET', `/api/v1/payout-batches/${batch1}`)).json();
  // each line names its partner (the display name stored for it)
  const names = await ctx.services.db
    .selectFrom('partners')
    .select(['id', 'display_name'])
    .where('id', 'in', [paid, failed])
    .execute();
  expect(
    (view.lines as { partnerId: string; partnerName: string }[])
      .map((l) => [l.partnerId, l.partnerName])
      .sort(),
  ).toEqual(names.map((n) => [n.id, n.display_name]).sort());
  for (const pl of view.lines as { id: string; partnerId: string }[]) {
    const r = await finance.request(
      'POST',
      `/api/v1/payout-lines/${pl.id}/settle`,
      pl.partnerId === paid
        ? { outcome: 'paid', reference: 'BANK-REF-77' }
        : { outcome: 'failed', reason: 'account closed' },
    );
    expect(r.statusCode, r.body).toBe(200);
  }
  const st = await finance.request('POST', '/api/v1/statements', {
    brandId,
    partnerId: paid,
    period: '2025-01',
  });
  expect(st.statusCode, st.body).toBe(201);
  now = new Date('2025-02-10T10:00:00Z');
  finance = await ctx.loginAs('finance');
  // a second batch a week later: the failed partner's money is back and goes in again
  const b2 = await finance.request('POST', '/api/v1/payout-batches', { brandId, payDate: '2025-02-10' });
  batch2 = b2.json().batchId;
  // a batch of another brand, with nothing in it
  await finance.request('POST', '/api/v1/payout-batches', { brandId: other, payDate: '2025-02-10' });
}, 120_000);
afterAll(async () => {
  await ctx?.close();
});

interface Summary {
  id: string;
  brandId: string;
  payDate: string;
  status: string;
  lineCount: number;
  paidCount: number;
  failedCount: number;
  approvalsDone: number;
  totals: { currency: string; amount: string; amountMinor: string }[];
}

describe('GET /payout-batches', () => {
  it('lists batches newest first with counts and totals; filters by brand, status and pay date; paginates', async () => {
    const all = await finance.request('GET', `/api/v1/payout-batches?brandId=${brandId}`);
    expect(all.statusCode, all.body).toBe(200);
    const items = all.json().items as Summary[];
    expect(all.json().total).toBe(2);
    expect(items.map((b) => b.id)).toEqual([batch2, batch1]);
    expect(items[1]).toMatchObject({
      payDate: '2025-02-03',
      status: 'done',
      lineCount: 2,
      paidCount: 1,
      failedCount: 1,
      approvalsDone: 1,
      totals: [{ currency: 'USD', amount: '150.00', amountMinor: '15000' }],
    });
    expect(items[0]).toMatchObject({ status: 'approving', lineCount: 1, totals: [{ amountMinor: '5000' }] });

    const done = await finance.request('GET', `/api/v1/payout-batches?brandId=${brandId}&status=done`);
    expect((done.json().items as Summary[]).map((b) => b.id)).toEqual([batch1]);
    const range = await finance.request('GET', '/api/v1/payout-batches?from=2025-02-05&to=2025-02-28');
    expect((range.json().items as Summary[]).map((b) => b.payDate)).toEqual(['2025-02-10', '2025-02-10']);
    expect(range.json().total).toBe(2);
    const page = await finance.request('GET', '/api/v1/payout-batches?limit=1&offset=1');
    expect(page.json()).toMatchObject({ total: 3 });
    expect(page.json().items).toHaveLength(1);

    const backwards = await finance.request('GET', '/api/v1/payout-batches?from=2025-03-01&to=2025-02-01');
    expect(backwards.statusCode).toBe(400);
    expect(JSON.stringify(backwards.json())).toContain('/to');
    const badStatus = await finance.request('GET', '/api/v1/payout-batches?status=lost');
    expect(badStatus.statusCode).toBe(400);
  });

  it('is staff only: a partner and an analyst are refused; a partner manager sees only the portfolio', async () => {
    const partner = await ctx.loginAs('partner', { partnerId: paid });
    expect((await partner.request('GET', '/api/v1/payout-batches')).statusCode).toBe(403);
    const analyst = await ctx.loginAs('analyst');
    expect((await analyst.request('GET', '/api/v1/payout-batches')).statusCode).toBe(403);
    const compliance = await ctx.loginAs('compliance');
    expect((await compliance.request('GET', '/api/v1/payout-batches')).json().total).toBe(3);

    const pm = await ctx.loginAs('partner_manager');
    expect((await pm.request('GET', '/api/v1/payout-batches')).json()).toEqual({ items: [], total: 0 });
    await ctx.services.db
      .updateTable('partners')
      .set({ manager_user_id: pm.userId })
      .where('id', '=', paid)
      .execute();
    const mine = (await pm.request('GET', '/api/v1/payout-batches')).json();
    expect(mine.total).toBe(1);
    // counted over the portfolio's line only (the other partner's failed line is not theirs)
    expect(mine.items[0]).toMatchObject({
      id: batch1,
      lineCount: 1,
      paidCount: 1,
      failedCount: 0,
      totals: [{ amountMinor: '10000' }],
    });
  });
});

describe('GET /portal/payouts', () => {
  it("returns the partner's own payouts: amount, status, paid date, reference, statement link", async () => {
    const partner = await ctx.loginAs('partner', { partnerId: paid });
    const r = await partner.request('GET', '/api/v1/portal/payouts');
    expect(r.statusCode, r.body).toBe(200);
    const st = await ctx.services.db
      .selectFrom('statements')
      .select('id')
      .where('partner_id', '=', paid)
      .executeTakeFirstOrThrow();
    expect(r.json()).toEqual({
      total: 1,
      items: [
        expect.objectContaining({
          brandId,
          payDate: '2025-02-03',
          currency: 'USD',
          amount: '100.00',
          payAmount: '100.00',
          status: 'paid',
          paidAt: '2025-02-03T10:00:00.000Z',
          reference: 'BANK-REF-77',
          method: 'ewallet',
          statements: [{ id: st.id, period: '2025-01' }],
        }),
      ],
    });
  });

  it("never shows another partner's payouts; the failed one is listed with its reason", async () => {
    const partner = await ctx.loginAs('partner', { partnerId: failed });
    const r = (await partner.request('GET', '/api/v1/portal/payouts')).json();
    expect(r.total).toBe(2);
    expect(r.items.map((x: { status: string }) => x.status)).toEqual(['pending', 'failed']);
    expect(r.items[1]).toMatchObject({ failureReason: 'account closed', paidAt: null, statements: [] });
    expect(JSON.stringify(r)).not.toContain('BANK-REF-77');
    // a partner without payouts sees an empty list; query params cannot reach anyone else
    const stranger = await ctx.loginAs('partner');
    const none = await stranger.request('GET', `/api/v1/portal/payouts?brandId=${brandId}`);
    expect(none.json()).toEqual({ items: [], total: 0 });
    expect((await stranger.request('GET', `/api/v1/portal/payouts?partnerId=${paid}`)).statusCode).toBe(400);
  });

  it('is for partners only', async () => {
    expect((await finance.request('GET', '/api/v1/portal/payouts')).statusCode).toBe(403);
  });

  it("staff read a partner's payouts as the partner sees them, within their reach", async () => {
    const partner = await ctx.loginAs('partner', { partnerId: paid });
    const own = (await partner.request('GET', '/api/v1/portal/payouts')).json();
    const staff = await finance.request('GET', `/api/v1/partners/${paid}/payouts`);
    expect(staff.statusCode, staff.body).toBe(200);
    expect(staff.json()).toEqual(own);
    const analyst = await ctx.loginAs('analyst');
    expect((await analyst.request('GET', `/api/v1/partners/${paid}/payouts`)).statusCode).toBe(403);
    const manager = await ctx.loginAs('partner_manager');
    expect((await manager.request('GET', `/api/v1/partners/${paid}/payouts`)).statusCode).toBe(404);
    expect((await partner.request('GET', `/api/v1/partners/${paid}/payouts`)).statusCode).toBe(403);
  });
});

describe('OpenAPI', () => {
  it('describes the payout and balance responses exactly', async () => {
    const doc = (await ctx.app.inject({ url: '/openapi.json' })).json() as {
      paths: Record<string, Record<string, { responses: Record<string, { content?: unknown }> }>>;
    };
    const schemaOf = (path: string, method: string, status: string) =>
      JSON.stringify(doc.paths[path]![method]!.responses[status]!.content);
    expect(schemaOf('/api/v1/payout-batches', 'get', '200')).toContain('approvalsDone');
    expect(schemaOf('/api/v1/payout-batches', 'post', '201')).toContain('payAmount');
    expect(schemaOf('/api/v1/payout-batches/{id}', 'get', '200')).toContain('endToEndId');
    expect(schemaOf('/api/v1/portal/payouts', 'get', '200')).toContain('statements');
    expect(schemaOf('/api/v1/partners/{id}/balance', 'get', '200')).toContain('partner_payable');
    for (const [p, m, s] of [
      ['/api/v1/payout-batches', 'get', '200'],
      ['/api/v1/payout-batches/{id}', 'get', '200'],
      ['/api/v1/partners/{id}/balance', 'get', '200'],
    ] as const)
      expect(schemaOf(p, m, s)).toContain('"additionalProperties":false');
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closePeriod } from '../../src/ledger/close-period.js';
import { ledgerBalanced } from '../../src/ledger/ledger-store.js';
import { createTestContext, type Session, type TestContext } from '../helpers/test-app.js';
import {
  addBrand,
  addContract,
  addCustomer,
  addIgDay,
  addPartner,
  addProgram,
  addPurchase,
  addRefund,
  balancesMatchLines,
} from './support.js';

/**
 * Re-running a close recomputes the engine's lines only. The lines booked outside the close — a finance
 * clawback, manual adjustments, a negative-balance write-off and the late adjustments of an earlier re-run —
 * are neither duplicated, nor removed, nor counted again by any later re-run of any period they touch.
 */
const ACTOR = { type: 'system' as const, id: 'test' };
const BRAND = 'rerun-prop';
let ctx: TestContext;
let now = new Date('2025-01-20T10:00:00Z');
let finance: Session;

beforeAll(async () => {
  ctx = await createTestContext({}, { clock: () => now });
  finance = await ctx.loginAs('finance');
}, 60_000);
afterAll(async () => {
  await ctx?.close();
});
async function setNow(iso: string) {
  now = new Date(iso);
  finance = await ctx.loginAs('finance');
}

const close = (period: string) => closePeriod(ctx.services, { brand: BRAND, period, actor: ACTOR });

interface LineJson {
  id: string;
  kind: string;
  amountMinor: string;
  state: string;
  sourcePeriod: string;
  correctsLineId: string | null;
  customerId: string | null;
}
async function lines(partnerId: string): Promise<LineJson[]> {
  const r = await finance.request('GET', `/api/v1/commission-lines?partnerId=${partnerId}`);
  expect(r.statusCode, r.body).toBe(200);
  return r.json().items;
}

/** Everything a re-run could write, counted for the brand, plus the partner's balances and line sum. */
async function snapshot(brandId: string, partnerId: string) {
  const db = ctx.services.db;
  const n = async (t: 'commission_lines' | 'close_runs' | 'carried_states' | 'ledger_periods') =>
    (await db.selectFrom(t).select('brand_id').where('brand_id', '=', brandId).execute()).length;
  const entries = (
    await db.selectFrom('ledger_entries').select('brand_id').where('brand_id', '=', brandId).execute()
  ).length;
  const ls = await lines(partnerId);
  const bal = await finance.request('GET', `/api/v1/partners/${partnerId}/balance`);
  expect(bal.statusCode, bal.body).toBe(200);
  return {
    lines: await n('commission_lines'),
    entries,
    runs: await n('close_runs'),
    carried: await n('carried_states'),
    periods: await n('ledger_periods'),
    ids: ls.map((l) => l.id).sort(),
    lineSum: ls.reduce((a, l) => a + BigInt(l.amountMinor), 0n).toString(),
    balances: bal.json().balances,
  };
}

async function expectInvariant(partnerId: string) {
  const b = await balancesMatchLines(ctx.services, partnerId);
  expect(b.fromEntries).toEqual(b.fromLines);
  expect(await ledgerBalanced(ctx.services.db)).toBe(true);
}

/** The customer id the engine's lines carry (the customer's public id). */
async function publicId(customerId: string): Promise<string> {
  const r = await ctx.services.db
    .selectFrom('customers')
    .select('public_id')
    .where('id', '=', customerId)
    .executeTakeFirstOrThrow();
  return r.public_id;
}

const byKind = (ls: LineJson[], kind: string) => ls.filter((l) => l.kind === kind);

describe('re-running a close leaves the lines booked outside it alone', () => {
  let brandId: string;
  let partnerId: string;
  let c1: string;
  let c2: string;

  it('arrange: a manual adjustment in January, the close, a late refund re-run, a clawback, a February adjustment, a write-off', async () => {
    brandId = await addBrand(ctx.services, BRAND, 'prop', 'USD');
    partnerId = await addPartner(ctx.services);
    await addContract(ctx.services, partnerId, brandId, {
      schemaVersion: 1,
      name: 'prop reset',
      currency: 'USD',
      segments: ['influencer'],
      negativeBalance: 'reset',
      components: [
        {
          id: 'ch',
          kind: 'prop_purchase',
          rate: '15',
          purchases: 'recurring',
          base: 'amount_paid',
          refundWindowDays: 14,
          onRefund: 'clawback',
        },
      ],
    });
    await ctx.services.db
      .insertInto('partner_brands')
      .values({ partner_id: partnerId, brand_id: brandId, parent_partner_id: null, joined_at: now })
      .execute();
    c1 = await addCustomer(ctx.services, brandId, partnerId, 'influencer', 'r1');
    c2 = await addCustomer(ctx.services, brandId, partnerId, 'influencer', 'r2');
    await addPurchase(ctx.services, brandId, c1, 'P1', '2025-01-10', 100_000);
    await addPurchase(ctx.services, brandId, c2, 'P2', '2025-01-12', 100_000);

    // finance credits +20.00 while January is open: a manual line of January
    const jan = await finance.request('POST', `/api/v1/partners/${partnerId}/adjustments`, {
      brandId,
      amount: '20.00',
      currency: 'USD',
      reason: 'January goodwill',
    });
    expect(jan.statusCode, jan.body).toBe(201);
    expect(jan.json()).toMatchObject({ amount: '20.00', bookedIn: '2025-01' });

    await setNow('2025-02-03T10:00:00Z');
    const closed = await close('2025-01');
    expect(closed).toMatchObject({ kind: 'closed', lines: 2 });
    expect(closed.totals).toEqual([{ currency: 'USD', amount: '30000' }]); // the manual line is not the close's

    // late data: P2 refunded inside its window → the re-run books a late adjustment in February
    await addRefund(ctx.services, brandId, c2, 'P2', '2025-01-20', 100_000);
    const adj = await close('2025-01');
    expect(adj).toMatchObject({ kind: 'adjusted', bookedPeriod: '2025-02', lines: 1 });
    expect(adj.totals).toEqual([{ currency: 'USD', amount: '-15000' }]);

    // finance claws back P1's commission (booked in February, source January) and debits −50.00 in February
    await setNow('2025-02-10T10:00:00Z');
    const c1Public = await publicId(c1);
    const p1 = (await lines(partnerId)).find(
      (l) => l.kind === 'prop_commission' && l.customerId === c1Public,
    )!;
    const cb = await finance.request('POST', `/api/v1/commission-lines/${p1.id}/clawback`, {
      reason: 'chargeback',
    });
    expect(cb.statusCode, cb.body).toBe(200);
    expect(cb.json()).toMatchObject({ amount: '-15000', correctsLineId: p1.id, bookedIn: '2025-02' });
    const feb = await finance.request('POST', `/api/v1/partners/${partnerId}/adjustments`, {
      brandId,
      amount: '-50.00',
      currency: 'USD',
      reason: 'duplicate bonus',
    });
    expect(feb.statusCode, feb.body).toBe(201);
    expect(feb.json()).toMatchObject({ bookedIn: '2025-02' });

    await setNow('2025-03-05T10:00:00Z');
    expect(await close('2025-02')).toMatchObject({ kind: 'closed', lines: 0 });

    // 150 + 150 + 20 − 150 (refund) − 150 (clawback) − 50 = −30.00: the reset deal writes it off in the batch
    const pending = (await lines(partnerId)).filter((l) => l.state === 'pending').map((l) => l.id);
    const ap = await finance.request('POST', '/api/v1/commission-lines/approve', { ids: pending });
    expect(ap.statusCode, ap.body).toBe(200);
    expect(ap.json().refused).toEqual([]);
    const pm = await finance.request('PUT', `/api/v1/partners/${partnerId}/payment-method`, {
      kind: 'ewallet',
      currency: 'USD',
      details: { provider: 'Skrill', account: 'rerun@example.test' },
    });
    expect(pm.statusCode, pm.body).toBe(200);
    const b = await finance.request('POST', '/api/v1/payout-batches', { brandId, payDate: '2025-03-05' });
    expect(b.statusCode, b.body).toBe(201);
    expect(b.json().skipped).toEqual([
      expect.objectContaining({ partnerId, reason: 'written_off', amount: '-3000' }),
    ]);

    const c2Public = await publicId(c2);
    const ls = await lines(partnerId);
    expect(byKind(ls, 'manual_adjustment').map((l) => [l.sourcePeriod, l.amountMinor])).toEqual(
      expect.arrayContaining([
        ['2025-01', '2000'],
        ['2025-02', '-5000'],
      ]),
    );
    expect(byKind(ls, 'clawback')).toHaveLength(1);
    expect(byKind(ls, 'write_off').map((l) => [l.sourcePeriod, l.amountMinor])).toEqual([
      ['2025-03', '3000'],
    ]);
    // the late adjustment: P2's commission voided by the refund, linked to it
    const p2 = ls.find((l) => l.kind === 'prop_commission' && l.customerId === c2Public)!;
    expect(ls.filter((l) => l.correctsLineId === p2.id).map((l) => [l.kind, l.amountMinor])).toEqual([
      ['prop_void', '-15000'],
    ]);
    await expectInvariant(partnerId);
  });

  it('re-running January, February and (once closed) March changes nothing, twice over', async () => {
    const before = await snapshot(brandId, partnerId);
    expect(before.lineSum).toBe('0'); // the write-off brought the partner back to zero
    for (const period of ['2025-01', '2025-02']) {
      const r = await close(period);
      expect(r, period).toMatchObject({ kind: 'unchanged', lines: 0, entries: 0, runId: null });
    }
    // March holds only the write-off: its first close books no engine line and leaves the write-off standing
    expect(await close('2025-03')).toMatchObject({ kind: 'closed', lines: 0, totals: [] });
    const closedMarch = await snapshot(brandId, partnerId);
    expect({ ...closedMarch, runs: before.runs, carried: before.carried }).toEqual(before);
    expect([closedMarch.runs, closedMarch.carried]).toEqual([before.runs + 1, before.carried + 1]);
    for (const period of ['2025-01', '2025-02', '2025-03', '2025-01', '2025-02', '2025-03'])
      expect((await close(period)).kind, period).toBe('unchanged');
    expect(await snapshot(brandId, partnerId)).toEqual(closedMarch);
    await expectInvariant(partnerId);
  });

  it('new late data for January books only its own difference: the clawed-back, refunded and manual lines stay as they are', async () => {
    const before = await snapshot(brandId, partnerId);
    const c3 = await addCustomer(ctx.services, brandId, partnerId, 'influencer', 'r3');
    await addPurchase(ctx.services, brandId, c3, 'P3', '2025-01-15', 40_000);
    const r = await close('2025-01');
    expect(r).toMatchObject({ kind: 'adjusted', bookedPeriod: '2025-04', lines: 1 });
    expect(r.totals).toEqual([{ currency: 'USD', amount: '6000' }]);
    const after = await snapshot(brandId, partnerId);
    expect(after.lines).toBe(before.lines + 1);
    expect(after.ids.filter((id) => !before.ids.includes(id))).toHaveLength(1);
    expect(before.ids.filter((id) => !after.ids.includes(id))).toEqual([]); // nothing removed
    const fresh = (await lines(partnerId)).find((l) => !before.ids.includes(l.id))!;
    expect(fresh).toMatchObject({
      customerId: await publicId(c3),
      sourcePeriod: '2025-01',
      amountMinor: '6000',
    });
    expect(after.lineSum).toBe('6000');
    for (const period of ['2025-01', '2025-02', '2025-03'])
      expect((await close(period)).kind, period).toBe('unchanged');
    expect(await snapshot(brandId, partnerId)).toEqual(after);
    await expectInvariant(partnerId);
  });
});

describe('late data that moves an amount back and forth', () => {
  it('books every difference, even back to an amount adjusted to before (the adjustment keys stay unique)', async () => {
    await setNow('2025-02-03T10:00:00Z');
    const brandId = await addBrand(ctx.services, 'rerun-ig', 'igaming', 'EUR');
    const p = await addPartner(ctx.services);
    await addContract(ctx.services, p, brandId, {
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
    const c = await addCustomer(ctx.services, brandId, p, 'affiliate', 'x1');
    await addIgDay(ctx.services, brandId, c, '2025-01-03', 10_000, 0);
    const close = (period: string) => closePeriod(ctx.services, { brand: 'rerun-ig', period, actor: ACTOR });
    expect(await close('2025-01')).toMatchObject({
      kind: 'closed',
      totals: [{ currency: 'EUR', amount: '2500' }],
    });
    // the brand re-sends the day: 200.00, 100.00, 200.00 and 100.00 again; each re-run books the difference in February
    const outcomes: string[] = [];
    for (const stakes of [20_000, 10_000, 20_000, 10_000]) {
      await ctx.services.db
        .updateTable('igaming_days')
        .set({ stakes } as never)
        .where('customer_id', '=', c)
        .execute();
      const r = await close('2025-01');
      outcomes.push(`${r.kind} ${r.bookedPeriod} ${r.totals.map((t) => t.amount).join()}`);
    }
    expect(outcomes).toEqual([
      'adjusted 2025-02 2500',
      'adjusted 2025-02 -2500',
      'adjusted 2025-02 2500',
      'adjusted 2025-02 -2500',
    ]);
    expect((await close('2025-01')).kind).toBe('unchanged');
    const ls = await ctx.services.db
      .selectFrom('commission_lines')
      .select(['amount', 'corrects_line_id', 'line_key'])
      .where('partner_id', '=', p)
      .orderBy('line_key')
      .execute();
    expect(ls).toHaveLength(5);
    expect(ls.reduce((a, l) => a + BigInt(l.amount), 0n)).toBe(2500n);
    const original = ls.find((l) => l.corrects_line_id === null)!;
    expect(ls.filter((l) => l !== original).every((l) => l.corrects_line_id !== null)).toBe(true);
    await expectInvariant(p);
  });
});

describe('a clawback after the close already took the commission back', () => {
  it('finds nothing left on a line a re-run voided for a refund, and at most what is left after a late adjustment', async () => {
    await setNow('2025-02-03T10:00:00Z');
    const {
      brandId,
      partnerId,
      customers: [c1, c2],
    } = await addProgram(ctx.services, {
      brand: 'rerun-void',
      vertical: 'prop',
      currency: 'USD',
      segment: 'influencer',
      components: [
        {
          id: 'ch',
          kind: 'prop_purchase',
          rate: '15',
          purchases: 'recurring',
          base: 'amount_paid',
          refundWindowDays: 14,
          onRefund: 'clawback',
        },
      ],
      customers: ['v1', 'v2'],
    });
    await addPurchase(ctx.services, brandId, c1, 'V1', '2025-01-10', 100_000);
    await addPurchase(ctx.services, brandId, c2, 'V2', '2025-01-11', 100_000);
    const close = () => closePeriod(ctx.services, { brand: 'rerun-void', period: '2025-01', actor: ACTOR });
    expect((await close()).kind).toBe('closed');
    const original = async (c: string) => {
      const pub = await publicId(c);
      return (await lines(partnerId)).find((l) => l.kind === 'prop_commission' && l.customerId === pub)!;
    };
    const v1 = await original(c1);
    const v2 = await original(c2);
    // V1 refunded in full inside its window (voided by the re-run); V2's purchase corrected down to 400.00
    await addRefund(ctx.services, brandId, c1, 'V1', '2025-01-20', 100_000);
    await ctx.services.db
      .updateTable('prop_purchases')
      .set({ amount_paid: 40_000 } as never)
      .where('purchase_id', '=', 'V2')
      .execute();
    expect(await close()).toMatchObject({
      kind: 'adjusted',
      totals: [{ currency: 'USD', amount: '-24000' }],
    });

    const none = await finance.request('POST', `/api/v1/commission-lines/${v1.id}/clawback`, {
      reason: 'chargeback',
    });
    expect(none.statusCode, none.body).toBe(409);
    expect(none.json().error.message).toContain('nothing left to claw back');
    const over = await finance.request('POST', `/api/v1/commission-lines/${v2.id}/clawback`, {
      reason: 'chargeback',
      amountMinor: '6001',
    });
    expect(over.statusCode, over.body).toBe(400);
    expect(over.json().error.details.fields).toEqual([
      expect.objectContaining({ path: '/amountMinor', message: 'at most 6000' }),
    ]);
    const rest = await finance.request('POST', `/api/v1/commission-lines/${v2.id}/clawback`, {
      reason: 'chargeback',
    });
    expect(rest.statusCode, rest.body).toBe(200);
    expect(rest.json()).toMatchObject({ amount: '-6000', correctsLineId: v2.id });
    // taken back once: V1 0, V2 0
    const sum = (await lines(partnerId)).reduce((a, l) => a + BigInt(l.amountMinor), 0n);
    expect(sum).toBe(0n);
    expect((await close()).kind).toBe('unchanged');
    await expectInvariant(partnerId);
  });
});

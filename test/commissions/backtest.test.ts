import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type Session, type TestContext } from '../helpers/test-app.js';
import { addBrand, addContract, addCustomer, addIgDay, addPartner } from '../ledger/support.js';

/** A revenue share on NGR (GGR less reported bonuses) at `rate` percent, with negative carryover. */
function revshare(brandId: string, rate: string, name = `revshare ${rate}%`) {
  return {
    schemaVersion: 1,
    name,
    currency: 'EUR',
    segments: ['affiliate'],
    brands: [brandId],
    components: [
      {
        id: 'rev',
        kind: 'igaming_revshare',
        ngr: { deductions: [{ kind: 'bonuses', method: 'reported' }] },
        rate,
        carryover: { enabled: true, scope: 'per_brand' },
      },
    ],
  };
}

let ctx: TestContext;
let admin: Session;
let brandId: string;
let partnerId: string;
let otherId: string;

beforeAll(async () => {
  ctx = await createTestContext();
  admin = await ctx.loginAs('admin');
  brandId = await addBrand(ctx.services, 'bt-ig', 'igaming', 'EUR');
  partnerId = await addPartner(ctx.services);
  otherId = await addPartner(ctx.services);
  await addContract(ctx.services, partnerId, brandId, revshare(brandId, '30'));
  await addContract(ctx.services, otherId, brandId, revshare(brandId, '50'));
  const c1 = await addCustomer(ctx.services, brandId, partnerId, 'affiliate', 'bt-1');
  const c2 = await addCustomer(ctx.services, brandId, partnerId, 'affiliate', 'bt-2');
  const c3 = await addCustomer(ctx.services, brandId, otherId, 'affiliate', 'bt-3');
  // January: c1 NGR 10000.00 − 4000.00 − 1000.00 = 5000.00
  await addIgDay(ctx.services, brandId, c1, '2025-01-05', 1_000_000, 400_000, 100_000);
  // February: c2 NGR 2000.00 − 500.00 = 1500.00; c1 loses: NGR −1000.00 (carried, per brand)
  await addIgDay(ctx.services, brandId, c2, '2025-02-10', 200_000, 50_000);
  await addIgDay(ctx.services, brandId, c1, '2025-02-11', 100_000, 200_000);
  // another partner's customer: never part of this partner's back-test
  await addIgDay(ctx.services, brandId, c3, '2025-01-07', 9_000_000, 0);
}, 60_000);

afterAll(async () => {
  await ctx?.close();
});

const url = () => `/api/v1/partners/${partnerId}/backtests`;

describe("back-testing a draft deal on a partner's past activity", () => {
  it('prices the same months under the draft and the current deal, side by side', async () => {
    const r = await admin.request('POST', url(), {
      brand: 'bt-ig',
      from: '2025-01',
      to: '2025-03',
      deal: revshare(brandId, '40', 'draft 40%'),
    });
    expect(r.statusCode, r.body).toBe(200);
    const body = r.json();
    expect(body.current).toMatchObject({ name: 'revshare 30%', version: 1 });
    expect(body.months).toEqual(['2025-01', '2025-02', '2025-03']);
    expect(body.customers).toBe(2);
    expect(body.activityRows).toBe(3);
    // January: 5000.00 × 40% = 2000.00 vs × 30% = 1500.00
    // February: net NGR 1500.00 − 1000.00 = 500.00 for the brand (carryover per brand nets the loss in the
    // same period) → 200.00 vs 150.00; March: no activity, nothing paid
    expect(body.comparison).toEqual([
      {
        periodId: '2025-01',
        currency: 'EUR',
        draft: '2000.00',
        current: '1500.00',
        difference: '500.00',
        draftLines: expect.any(Number),
        currentLines: expect.any(Number),
      },
      {
        periodId: '2025-02',
        currency: 'EUR',
        draft: '200.00',
        current: '150.00',
        difference: '50.00',
        draftLines: expect.any(Number),
        currentLines: expect.any(Number),
      },
      {
        periodId: '2025-03',
        currency: 'EUR',
        draft: '0.00',
        current: '0.00',
        difference: '0.00',
        draftLines: 0,
        currentLines: 0,
      },
    ]);
    // every line is the partner's, with an explanation, and never another partner's customer
    const lines = body.draftRun.lines as { partnerId: string; explanation: { formula: string } }[];
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every((l) => l.partnerId === partnerId && l.explanation.formula.length > 0)).toBe(true);
    // nothing is stored: a back-test writes no commission line
    const stored = await ctx.services.db
      .selectFrom('commission_lines')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(stored.n)).toBe(0);
  });

  it('names the field of an invalid draft and of a bad range, and refuses more than 13 months', async () => {
    const bad = await admin.request('POST', url(), {
      brand: 'bt-ig',
      from: '2025-01',
      to: '2025-01',
      deal: { ...revshare(brandId, '40'), components: [{ id: 'rev', kind: 'igaming_revshare', rate: 'x' }] },
    });
    expect(bad.statusCode).toBe(400);
    expect(
      bad.json().error.details.fields.some((f: { path: string }) => f.path.startsWith('/deal/components/0')),
    ).toBe(true);
    const backwards = await admin.request('POST', url(), {
      brand: 'bt-ig',
      from: '2025-03',
      to: '2025-01',
      deal: revshare(brandId, '40'),
    });
    expect(backwards.statusCode).toBe(400);
    expect(backwards.json().error.details.fields[0].path).toBe('/to');
    const long = await admin.request('POST', url(), {
      brand: 'bt-ig',
      from: '2024-01',
      to: '2025-02',
      deal: revshare(brandId, '40'),
    });
    expect(long.statusCode).toBe(400);
    const month = await admin.request('POST', url(), {
      brand: 'bt-ig',
      from: '2025-13',
      to: '2025-01',
      deal: revshare(brandId, '40'),
    });
    expect(month.statusCode).toBe(400);
    expect(JSON.stringify(month.json().error.details)).toContain('from');
    const brand = await admin.request('POST', url(), {
      brand: 'no-such-brand',
      from: '2025-01',
      to: '2025-01',
      deal: revshare(brandId, '40'),
    });
    expect(brand.statusCode).toBe(404);
  });

  it('keeps a partner manager to their portfolio and partners out', async () => {
    const manager = await ctx.loginAs('partner_manager');
    const outside = await manager.request('POST', url(), {
      brand: 'bt-ig',
      from: '2025-01',
      to: '2025-01',
      deal: revshare(brandId, '40'),
    });
    expect(outside.statusCode).toBe(404);
    await ctx.services.db
      .updateTable('partners')
      .set({ manager_user_id: manager.userId })
      .where('id', '=', partnerId)
      .execute();
    const inside = await manager.request('POST', url(), {
      brand: 'bt-ig',
      from: '2025-01',
      to: '2025-01',
      deal: revshare(brandId, '40'),
    });
    expect(inside.statusCode, inside.body).toBe(200);
    expect(inside.json().comparison[0].draft).toBe('2000.00');
    const partner = await ctx.loginAs('partner', { partnerId });
    const denied = await partner.request('POST', url(), {
      brand: 'bt-ig',
      from: '2025-01',
      to: '2025-01',
      deal: revshare(brandId, '40'),
    });
    expect(denied.statusCode).toBe(403);
  });
});

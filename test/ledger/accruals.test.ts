import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accrualsJob } from '../../src/ledger/jobs.js';
import { createTestContext, type Session, type TestContext } from '../helpers/test-app.js';
import { addBrand, addContract, addCustomer, addIgDay, addPartner } from './support.js';

let ctx: TestContext;
const now = new Date('2025-01-06T10:00:00Z');
let finance: Session;

beforeAll(async () => {
  ctx = await createTestContext({}, { clock: () => now });
  finance = await ctx.loginAs('finance');
}, 60_000);

afterAll(async () => {
  await ctx?.close();
});

const revshare = (brandId: string) => ({
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

async function count(table: 'commission_lines' | 'ledger_entries' | 'accrual_totals', brandId: string) {
  const q =
    table === 'ledger_entries'
      ? ctx.services.db
          .selectFrom('ledger_entries as e')
          .innerJoin('commission_lines as l', 'l.id', 'e.line_id')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .where('l.brand_id', '=', brandId)
      : ctx.services.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .where('brand_id', '=', brandId);
  return Number((await q.executeTakeFirstOrThrow()).n);
}

describe('daily provisional accruals (month to date, apart from the ledger)', () => {
  it('runs the engine over the open period so far; a re-run replaces, never adds; readable by staff and the partner itself', async () => {
    const brandId = await addBrand(ctx.services, 'accr-ig', 'igaming', 'EUR');
    const a = await addPartner(ctx.services);
    const b = await addPartner(ctx.services);
    await addContract(ctx.services, a, brandId, revshare(brandId));
    await addContract(ctx.services, b, brandId, revshare(brandId));
    const ca = await addCustomer(ctx.services, brandId, a, 'affiliate', 'ac1');
    const cb = await addCustomer(ctx.services, brandId, b, 'affiliate', 'bc1');
    await addIgDay(ctx.services, brandId, ca, '2025-01-03', 100_000, 20_000); // NGR 800.00 × 25% = 200.00
    await addIgDay(ctx.services, brandId, cb, '2025-01-05', 50_000, 10_000); // NGR 400.00 × 25% = 100.00
    await addIgDay(ctx.services, brandId, ca, '2025-01-20', 999_900, 0); // after today: not month to date yet

    const denied = await (await ctx.loginAs('analyst')).request('POST', '/api/v1/ledger/accruals', {
      brand: 'accr-ig',
    });
    expect(denied.statusCode).toBe(403);
    const run = await finance.request('POST', '/api/v1/ledger/accruals', { brand: 'accr-ig' });
    expect(run.statusCode, run.body).toBe(200);
    expect(run.json()).toMatchObject({
      kind: 'ran',
      period: '2025-01',
      asOf: '2025-01-06',
      rows: 2,
      totals: [{ currency: 'EUR', amountMinor: '30000' }],
    });
    const view = await finance.request('GET', '/api/v1/ledger/accruals?brand=accr-ig');
    expect(view.statusCode).toBe(200);
    expect(view.json()).toMatchObject({ provisional: true, period: '2025-01', asOf: '2025-01-06' });
    const byPartner = (items: { partnerId: string; amountMinor: string }[]) =>
      Object.fromEntries(items.map((t) => [t.partnerId, t.amountMinor]));
    expect(byPartner(view.json().totals)).toEqual({ [a]: '20000', [b]: '10000' });
    // never ledger entries, never commission lines
    expect([await count('commission_lines', brandId), await count('ledger_entries', brandId)]).toEqual([
      0, 0,
    ]);

    // idempotent: the same data gives the same totals, replaced (not doubled)
    const rows = await count('accrual_totals', brandId);
    const again = await finance.request('POST', '/api/v1/ledger/accruals', { brand: 'accr-ig' });
    expect(again.json().totals).toEqual(run.json().totals);
    expect(await count('accrual_totals', brandId)).toBe(rows);
    expect(
      byPartner((await finance.request('GET', '/api/v1/ledger/accruals?brand=accr-ig')).json().totals),
    ).toEqual({
      [a]: '20000',
      [b]: '10000',
    });

    // new activity today: the daily job's run replaces the totals with the new month to date
    await addIgDay(ctx.services, brandId, cb, '2025-01-06', 40_000, 0); // + 400.00 × 25% = 100.00
    const job = (await accrualsJob.handler(ctx.services, { brand: 'accr-ig' })) as {
      ran: { brand: string; kind: string }[];
    };
    expect(job.ran).toEqual([expect.objectContaining({ brand: 'accr-ig', kind: 'ran' })]);
    expect(
      byPartner((await finance.request('GET', '/api/v1/ledger/accruals?brand=accr-ig')).json().totals),
    ).toEqual({
      [a]: '20000',
      [b]: '20000',
    });
    const audits = await ctx.services.db
      .selectFrom('audit_log')
      .select(['actor_type', 'actor_id'])
      .where('action', '=', 'ledger.accruals_run')
      .where('entity_id', '=', brandId)
      .execute();
    expect(audits.map((x) => x.actor_type)).toEqual(['user', 'user', 'job']);

    // the partner reads its own provisional totals only; others' are 404; the brand view is staff only
    const pa = await ctx.loginAs('partner', { partnerId: a });
    const own = await pa.request('GET', `/api/v1/partners/${a}/accruals`);
    expect(own.statusCode).toBe(200);
    expect(own.json()).toMatchObject({
      provisional: true,
      items: [{ brandId, period: '2025-01', asOf: '2025-01-06', segment: 'affiliate', amountMinor: '20000' }],
    });
    expect((await pa.request('GET', `/api/v1/partners/${b}/accruals`)).statusCode).toBe(404);
    expect((await pa.request('GET', '/api/v1/ledger/accruals?brand=accr-ig')).statusCode).toBe(403);

    // a partner manager sees the portfolio only
    const pm = await ctx.loginAs('partner_manager');
    await ctx.services.db
      .updateTable('partners')
      .set({ manager_user_id: pm.userId })
      .where('id', '=', b)
      .execute();
    const mine = await pm.request('GET', '/api/v1/ledger/accruals?brand=accr-ig');
    expect(byPartner(mine.json().totals)).toEqual({ [b]: '20000' });
    expect((await pm.request('GET', `/api/v1/partners/${a}/accruals`)).statusCode).toBe(404);
    expect((await finance.request('GET', '/api/v1/ledger/accruals?brand=nope')).statusCode).toBe(404);
  });

  it('skips a period that is already closed (the ledger holds it)', async () => {
    const brandId = await addBrand(ctx.services, 'accr-closed', 'igaming', 'EUR');
    await ctx.services.db
      .insertInto('ledger_periods')
      .values({
        id: crypto.randomUUID(),
        brand_id: brandId,
        period: '2025-01',
        starts_on: '2025-01-01',
        ends_on: '2025-02-01',
        timezone: 'UTC',
        state: 'closed',
        closed_at: now,
        finalized_at: null,
        finalized_by: null,
        created_at: now,
      })
      .execute();
    const r = await finance.request('POST', '/api/v1/ledger/accruals', { brand: 'accr-closed' });
    expect(r.json()).toMatchObject({ kind: 'skipped', reason: '2025-01 is closed' });
    expect((await finance.request('GET', '/api/v1/ledger/accruals?brand=accr-closed')).statusCode).toBe(404);
  });
});

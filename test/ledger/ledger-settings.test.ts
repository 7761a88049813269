import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../helpers/test-app.js';

/** GET/PUT /brands/:id/ledger-settings: defaults, a saved change read back, field errors, who may use them. */
let ctx: TestContext;
let brandId: string;

beforeAll(async () => {
  ctx = await createTestContext();
  brandId = await ctx.createBrand('settings-brand');
}, 60_000);
afterAll(async () => {
  await ctx?.close();
});

describe("a brand's payout settings", () => {
  it('answer the defaults before anything was set, with the brand currency', async () => {
    const finance = await ctx.loginAs('finance');
    const r = await finance.request('GET', `/api/v1/brands/${brandId}/ledger-settings`);
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({
      brandId,
      currency: 'EUR',
      minPayout: '0',
      approvalSteps: ['finance'],
      coolingOffHours: 72,
    });
  });

  it('a saved change reads back and is audited', async () => {
    const admin = await ctx.loginAs('admin');
    const put = await admin.request('PUT', `/api/v1/brands/${brandId}/ledger-settings`, {
      approvalSteps: ['finance', 'compliance'],
      minPayoutMinor: '5000',
      coolingOffHours: 48,
    });
    expect(put.statusCode, put.body).toBe(200);
    const got = await admin.request('GET', `/api/v1/brands/${brandId}/ledger-settings`);
    expect(got.json()).toEqual(put.json());
    expect(got.json()).toMatchObject({
      approvalSteps: ['finance', 'compliance'],
      minPayout: '5000',
      coolingOffHours: 48,
      schedule: 'monthly',
    });
    const audit = await ctx.services.db
      .selectFrom('audit_log')
      .select('action')
      .where('action', '=', 'ledger_settings.updated')
      .where('entity_id', '=', brandId)
      .execute();
    expect(audit).toHaveLength(1);
  });

  it('name the field of a bad value and change nothing', async () => {
    const finance = await ctx.loginAs('finance');
    for (const [body, path] of [
      [{ coolingOffHours: 9000 }, '/coolingOffHours'],
      [{ minPayoutMinor: '-1' }, '/minPayoutMinor'],
      [{ approvalSteps: [] }, '/approvalSteps'],
      [{ approvalSteps: ['analyst'] }, '/approvalSteps/0'],
    ] as const) {
      const r = await finance.request('PUT', `/api/v1/brands/${brandId}/ledger-settings`, body);
      expect(r.statusCode, JSON.stringify(body)).toBe(400);
      expect(r.json().error.details.fields.map((f: { path: string }) => f.path)).toContain(path);
    }
    const got = await finance.request('GET', `/api/v1/brands/${brandId}/ledger-settings`);
    expect(got.json()).toMatchObject({ minPayout: '5000', coolingOffHours: 48 });
  });

  it('are for admins and finance only; an unknown brand is 404', async () => {
    for (const role of ['partner_manager', 'compliance', 'analyst', 'partner'] as const) {
      const u = await ctx.loginAs(role);
      expect((await u.request('GET', `/api/v1/brands/${brandId}/ledger-settings`)).statusCode, role).toBe(
        403,
      );
      expect(
        (await u.request('PUT', `/api/v1/brands/${brandId}/ledger-settings`, { coolingOffHours: 1 }))
          .statusCode,
        role,
      ).toBe(403);
    }
    const finance = await ctx.loginAs('finance');
    const missing = '01900000-0000-7000-8000-000000000000';
    expect((await finance.request('GET', `/api/v1/brands/${missing}/ledger-settings`)).statusCode).toBe(404);
  });
});

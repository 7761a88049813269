import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../helpers/test-app.js';
import { ENGINE } from '../helpers/test-db.js';

let t: TestContext;

beforeAll(async () => {
  t = await createTestContext();
});
afterAll(async () => {
  await t?.close();
});

describe(`portal brand programs [${ENGINE}]`, () => {
  it("lists the partner's own brand programs with names, and nobody else's", async () => {
    const casino = await t.createBrand('pb-casino', 'igaming');
    const broker = await t.createBrand('pb-broker', 'forex');
    const mine = await t.createPartner({ segments: ['affiliate'] });
    const theirs = await t.createPartner({ segments: ['ib'] });
    const now = new Date();
    await t.services.db
      .insertInto('partner_brands')
      .values([
        { partner_id: mine, brand_id: casino, parent_partner_id: null, joined_at: now },
        { partner_id: theirs, brand_id: broker, parent_partner_id: null, joined_at: now },
      ])
      .execute();
    const partner = await t.loginAs('partner', { partnerId: mine });
    const r = await partner.request('GET', '/api/v1/portal/brands');
    expect(r.statusCode).toBe(200);
    expect(r.json().items).toEqual([
      expect.objectContaining({ id: casino, code: 'pb-casino', vertical: 'igaming' }),
    ]);
    const staff = await t.loginAs('admin');
    expect((await staff.request('GET', '/api/v1/portal/brands')).statusCode).toBe(403);
  });
});

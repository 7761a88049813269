import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeAudited } from '../../src/audit/write-audited.js';
import { createApiKey } from '../../src/auth/api-key-store.js';
import { createTrackingLink } from '../../src/tracking/tracking-asset-store.js';
import { rebuildRollups } from '../../src/tracking/rollup-store.js';
import { createTestContext, type TestContext } from '../helpers/test-app.js';
import { ENGINE } from '../helpers/test-db.js';
import { addCustomer } from '../ledger/support.js';

let t: TestContext;
let key: string;
let partnerId: string;
const sys = { type: 'system' as const, id: 'test' };

beforeAll(async () => {
  t = await createTestContext();
  const brandId = await t.createBrand('westbrand', 'igaming');
  // a brand west of UTC: its local day starts at 05:00 UTC in March
  await t.services.db
    .updateTable('brands')
    .set({ timezone: 'America/New_York' })
    .where('id', '=', brandId)
    .execute();
  partnerId = await t.createPartner({ segments: ['affiliate', 'ib'] });
  await addCustomer(t.services, brandId, partnerId, 'affiliate', 'west-1');
  await writeAudited(t.services, async (trx, now) => {
    await createTrackingLink(trx, sys, { partnerId, segment: 'affiliate', brandId, code: 'westlink' }, now);
    key = (
      await createApiKey(
        trx,
        sys,
        {
          name: 'ops',
          kind: 'operator',
          scopes: ['activity:write'],
          brandIds: [],
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
  await t?.close();
});

const snapshot = async () => ({
  daily: (
    await sql<
      Record<string, string>
    >`select day::text, partner_id, link_id, sub_id, currency, clicks, unique_clicks,
      registrations, ftds, revenue from rollups_daily order by 1, 2, 3, 4, 5`.execute(t.services.db)
  ).rows,
  hourly: (
    await sql<Record<string, string>>`select hour, partner_id, link_id, sub_id, currency, clicks, revenue
      from rollups_hourly order by 1, 2, 3, 4, 5`.execute(t.services.db)
  ).rows,
});

describe(`rollup rebuild [${ENGINE}]`, () => {
  it('rebuilds exactly the rollups the live intake maintained, in the brand-local day, west of UTC too', async () => {
    const send = (kind: string, rows: unknown[]) =>
      t.app.inject({
        method: 'POST',
        url: `/api/v1/activity/${kind}`,
        payload: { brand: 'westbrand', rows },
        headers: { authorization: `Bearer ${key}` },
      });
    const day = await send('igaming-days', [
      { customer_id: 'west-1', date: '2025-03-10', currency: 'EUR', stakes: '100.00', wins: '40.00' },
    ]);
    expect(day.statusCode, day.body).toBe(200);
    // closed at 02:00 UTC on the 10th = 22:00 on the 9th in New York
    const trade = await send('trades', [
      {
        trade_id: 'w-t1',
        customer_id: 'west-1',
        symbol: 'EURUSD',
        instrument_class: 'fx',
        account_type: 'standard',
        side: 'buy',
        lots: '1',
        opened_at: '2025-03-10T01:00:00Z',
        closed_at: '2025-03-10T02:00:00Z',
        currency: 'EUR',
        spread_per_lot: '7.00',
      },
    ]);
    expect(trade.statusCode, trade.body).toBe(200);
    const click = await t.app.inject({
      method: 'GET',
      url: '/r/westlink',
      headers: { 'user-agent': 'Mozilla/5.0 Firefox/120.0' },
    });
    expect(click.statusCode).toBe(302);
    await t.app.tracking.buffer.flush();

    const live = await snapshot();
    const revenueByDay = Object.fromEntries(
      live.daily.filter((r) => Number(r.revenue) !== 0).map((r) => [r.day, r.revenue]),
    );
    // the iGaming day stays on its own date; the trade lands on the New York day it closed in
    expect(revenueByDay).toEqual({ '2025-03-09': '700', '2025-03-10': '6000' });
    expect(live.daily.some((r) => Number(r.clicks) === 1)).toBe(true);

    await rebuildRollups(t.services.db);
    expect(await snapshot()).toEqual(live);
  });
});

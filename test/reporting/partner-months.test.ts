import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZERO_DELTA } from '../../src/attribution/calculate-event-effects.js';
import type { Database, Segment } from '../../src/platform/db/schema.js';
import { addDays, calculateMonthSplit, daysBetween } from '../../src/reporting/calculate-kpis.js';
import { loadPartnerSegmentRevenue } from '../../src/reporting/report-store.js';
import { applyRollupDelta, rebuildRollups } from '../../src/tracking/rollup-store.js';
import { createTestContext, type TestContext } from '../helpers/test-app.js';

let ctx: TestContext;
let db: Kysely<Database>;
let casino: string;
let fx: string;
let a: string;
let b: string;

/** The aggregate as stored (rows with day_rows = 0 mean "none"). */
async function stored() {
  const r = await sql<Record<string, string>>`
    select month::text, brand_id::text, partner_id::text, segment, currency, day_rows::text, active_rows::text,
      revenue::text
    from reporting_partner_months where day_rows <> 0 order by 1, 2, 3, 4, 5`.execute(db);
  return r.rows;
}

/** The same aggregation computed from the daily rollups. */
async function expected() {
  const r = await sql<Record<string, string>>`
    select date_trunc('month', day)::date::text as month, brand_id::text, partner_id::text, segment, currency,
      count(*)::text as day_rows,
      count(*) filter (where ftds > 0 or purchases > 0 or (revenue <> 0 and brand_id in (select id from brands where vertical = 'forex')))::text as active_rows,
      sum(revenue)::text as revenue
    from rollups_daily group by 1, 2, 3, 4, 5 order by 1, 2, 3, 4, 5`.execute(db);
  return r.rows;
}

async function expectInSync() {
  const e = await expected();
  expect(await stored()).toEqual(e);
  return e;
}

/** The KPI revenue facts straight from the daily rollups (the query the aggregate replaced). */
async function reference(from: string, to: string, brandId?: string) {
  const r = await sql<{
    partner_id: string;
    segment: string;
    currency: string;
    revenue: string;
    active: boolean;
  }>`
    select r.partner_id, r.segment, r.currency, sum(r.revenue)::text as revenue,
      bool_or(r.ftds > 0 or r.purchases > 0 or (r.revenue <> 0 and r.brand_id in (select id from brands where vertical = 'forex'))) as active
    from rollups_daily r where r.day >= ${from}::date and r.day < ${to}::date
      ${brandId ? sql`and r.brand_id = ${brandId}::uuid` : sql``}
    group by 1, 2, 3`.execute(db);
  return r.rows
    .map((x) => ({
      partnerId: x.partner_id,
      segment: x.segment,
      currency: x.currency,
      revenue: BigInt(x.revenue),
      active: x.active,
    }))
    .sort(byKey);
}

type Fact = { partnerId: string; segment: string; currency: string };
const byKey = (x: Fact, y: Fact) =>
  `${x.partnerId}|${x.segment}|${x.currency}`.localeCompare(`${y.partnerId}|${y.segment}|${y.currency}`);

function delta(
  at: string,
  brandId: string,
  partnerId: string,
  segment: Segment,
  d: Partial<typeof ZERO_DELTA>,
  currency = 'EUR',
) {
  return applyRollupDelta(db, {
    at: new Date(at),
    brandId,
    partnerId,
    segment,
    linkId: null,
    subId: null,
    currency,
    delta: { ...ZERO_DELTA, ...d },
  });
}

beforeAll(async () => {
  ctx = await createTestContext();
  db = ctx.services.db;
  casino = await ctx.createBrand('pm-casino', 'igaming');
  fx = await ctx.createBrand('pm-fx', 'forex');
  a = await ctx.createPartner({ name: 'A', segments: ['affiliate', 'ib', 'influencer'] });
  b = await ctx.createPartner({ name: 'B', segments: ['ib'] });
});

afterAll(async () => {
  await ctx?.close();
});

describe('partner-month aggregate of the daily rollups', () => {
  it('equals the aggregation of the daily rows after inserts, updates, late data, re-keying and deletes', async () => {
    // rows arriving as events: an insert, then updates of the same day row (ON CONFLICT DO UPDATE)
    await delta('2026-03-30T10:00:00Z', casino, a, 'affiliate', { registrations: 1n });
    await delta('2026-03-30T11:00:00Z', casino, a, 'affiliate', { ftds: 1n, ftdAmount: 5000n });
    await delta('2026-03-31T11:00:00Z', casino, a, 'ib', { revenue: 1200n });
    await delta('2026-04-02T09:00:00Z', fx, b, 'ib', { revenue: 700n }, 'USD');
    await delta('2026-04-02T09:30:00Z', fx, b, 'ib', { revenue: -700n }, 'USD'); // back to zero revenue
    await delta('2026-04-03T09:00:00Z', fx, b, 'ib', { revenue: 300n });
    await delta('2026-05-01T00:30:00Z', casino, a, 'influencer', { purchases: 1n, purchaseAmount: 9900n });
    let e = await expectInSync();
    // forex revenue that went back to zero: the row is there but no longer active
    expect(e.find((x) => x.partner_id === b && x.currency === 'USD')).toMatchObject({
      day_rows: '1',
      active_rows: '0',
      revenue: '0',
    });
    expect(e.find((x) => x.partner_id === b && x.currency === 'EUR')?.active_rows).toBe('1');

    // a click flush: one statement inserting new day rows and updating existing ones (clicks only)
    await sql`insert into rollups_daily as r (day, brand_id, partner_id, segment, link_id, sub_id, currency, clicks, unique_clicks)
      values ('2026-03-30', ${casino}::uuid, ${a}::uuid, 'affiliate', null, '', 'EUR', 5, 4),
             ('2026-03-29', ${casino}::uuid, ${a}::uuid, 'affiliate', null, '', 'EUR', 3, 3),
             ('2026-04-10', ${casino}::uuid, ${b}::uuid, 'ib', null, 'x', 'EUR', 2, 2)
      on conflict on constraint rollups_day_key do update
        set clicks = r.clicks + excluded.clicks, unique_clicks = r.unique_clicks + excluded.unique_clicks`.execute(
      db,
    );
    e = await expectInSync();
    expect(e.find((x) => x.month === '2026-03-01' && x.segment === 'affiliate')?.day_rows).toBe('2');

    // late data for a closed month, an activity correction, and a row moved to another segment and month
    await delta('2026-01-15T12:00:00Z', casino, a, 'affiliate', { revenue: 4000n });
    await sql`update rollups_daily set revenue = revenue - 4500 where day = '2026-01-15'`.execute(db);
    await sql`update rollups_daily set segment = 'influencer', day = '2026-02-01'
      where day = '2026-03-31' and partner_id = ${a}::uuid`.execute(db);
    e = await expectInSync();
    expect(e.find((x) => x.month === '2026-01-01')?.revenue).toBe('-500');
    expect(e.some((x) => x.month === '2026-03-01' && x.segment === 'ib')).toBe(false);

    // deletes (a repair), then a rebuild from the (empty) raw tables
    await sql`delete from rollups_daily where partner_id = ${b}::uuid and currency = 'USD'`.execute(db);
    e = await expectInSync();
    expect(
      (
        await sql`select 1 from reporting_partner_months where partner_id = ${b}::uuid and currency = 'USD'`.execute(
          db,
        )
      ).rows,
    ).toEqual([]);
    await rebuildRollups(db);
    expect(await expectInSync()).toEqual([]);
  });

  it('KPI revenue facts read through it equal the daily rows for any period', async () => {
    // two brands, three segments, a forex brand active by revenue alone, a day of every month for a year
    for (let i = 0; i < 400; i += 3) {
      const day = addDays('2025-12-20', i);
      await delta(`${day}T08:00:00Z`, casino, a, (['affiliate', 'ib', 'influencer'] as const)[(i / 3) % 3]!, {
        revenue: BigInt((i * 37) % 900) - 200n,
        ftds: i % 7 === 0 ? 1n : 0n,
      });
      if (i % 2 === 0) await delta(`${day}T09:00:00Z`, fx, b, 'ib', { revenue: i % 4 === 0 ? 0n : 50n });
    }
    const periods: Array<[string, string]> = [
      ['2026-01-01', '2026-02-01'], // a whole month
      ['2026-01-02', '2026-02-01'], // a month less its first day
      ['2026-01-10', '2026-02-09'], // across a month boundary, mostly January
      ['2026-01-20', '2026-02-19'], // mostly February
      ['2026-02-14', '2026-02-16'], // two days
      ['2025-12-15', '2026-12-14'], // 364 days
      ['2026-03-31', '2026-04-01'], // one day
    ];
    for (const [from, to] of periods) {
      for (const brandId of [undefined, fx]) {
        const got = (await loadPartnerSegmentRevenue(db, { brandId }, { from, to })).sort(byKey);
        expect(got, `${from}..${to} ${brandId ?? ''}`).toEqual(await reference(from, to, brandId));
      }
    }
    const some = await reference('2026-01-10', '2026-02-09');
    expect(some.length).toBeGreaterThan(2);
    expect(some.some((x) => x.active)).toBe(true);
  });
});

describe('calculateMonthSplit', () => {
  it('months + added days − subtracted days = the days of the period', () => {
    const days = (ranges: Array<{ from: string; to: string }>) =>
      ranges.flatMap((r) => Array.from({ length: daysBetween(r.from, r.to) }, (_, i) => addDays(r.from, i)));
    const monthDays = (m: string) => {
      const next = addDays(m, 32).slice(0, 8);
      return days([{ from: m, to: `${next}01` }]);
    };
    for (let start = 0; start < 400; start += 7)
      for (const len of [1, 15, 30, 31, 45, 90, 366]) {
        const from = addDays('2025-11-03', start);
        const to = addDays(from, len);
        const s = calculateMonthSplit({ from, to });
        const count = new Map<string, number>();
        const bump = (d: string, n: number) => count.set(d, (count.get(d) ?? 0) + n);
        for (const m of s.months) for (const d of monthDays(m)) bump(d, 1);
        for (const d of days(s.add)) bump(d, 1);
        for (const d of days(s.subtract)) bump(d, -1);
        const covered = [...count].filter(([, n]) => n !== 0);
        expect(covered.every(([, n]) => n === 1)).toBe(true);
        expect(covered.map(([d]) => d).sort()).toEqual(days([{ from, to }]));
      }
    expect(calculateMonthSplit({ from: '2026-10-02', to: '2026-11-01' })).toEqual({
      months: ['2026-10-01'],
      add: [],
      subtract: [{ from: '2026-10-01', to: '2026-10-02' }],
    });
    expect(calculateMonthSplit({ from: '2026-10-20', to: '2026-11-19' })).toEqual({
      months: ['2026-11-01'],
      add: [{ from: '2026-10-20', to: '2026-11-01' }],
      subtract: [{ from: '2026-11-19', to: '2026-12-01' }],
    });
  });
});

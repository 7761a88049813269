import { sql } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type Session, type TestContext } from '../helpers/test-app.js';

let ctx: TestContext;
let admin: Session;
let manager: Session;
let partner: Session;
let brand: string;
let mine: string; // in the manager's portfolio, three segments
let other: string;

const Q = 'from=2026-04-01&to=2026-05-01';

async function rollup(day: string, partnerId: string, segment: string, v: Record<string, number>) {
  const cols = Object.keys(v);
  await sql`insert into rollups_daily (day, brand_id, partner_id, segment, link_id, sub_id, currency, ${sql.join(cols.map((c) => sql.ref(c)))})
    values (${day}::date, ${brand}::uuid, ${partnerId}::uuid, ${segment}, null, '', 'EUR', ${sql.join(cols.map((c) => sql`${v[c]}`))})`.execute(
    ctx.services.db,
  );
}

beforeAll(async () => {
  ctx = await createTestContext({}, { clock: () => new Date('2026-05-02T12:00:00Z') });
  admin = await ctx.loginAs('admin');
  manager = await ctx.loginAs('partner_manager');
  brand = await ctx.createBrand('rep', 'igaming');
  mine = await ctx.createPartner({
    name: 'Mine',
    managerUserId: manager.userId,
    segments: ['affiliate', 'ib', 'influencer'],
  });
  other = await ctx.createPartner({ name: 'Other', segments: ['affiliate'] });
  partner = await ctx.loginAs('partner', { partnerId: mine });
  const db = ctx.services.db;
  // mine: onboarded 2026-04-10 (gold contract), first FTD 2026-04-20; other: onboarded in March, revenue only
  await sql`update partners set onboarded_at = '2026-04-10T09:00:00Z' where id = ${mine}::uuid`.execute(db);
  await sql`update partners set onboarded_at = '2026-03-15T09:00:00Z' where id = ${other}::uuid`.execute(db);
  for (const [p, at, tier] of [
    [mine, '2026-04-10T09:00:00Z', 'gold'],
    [other, '2026-03-15T09:00:00Z', 'standard'],
  ] as const)
    await sql`insert into contracts (id, partner_id, brand_id, version, segments, template_ids, tier, terms, rendered_text,
      rendered_sha256, effective_from, status, issued_at, accepted_at)
      values (${uuidv7()}::uuid, ${p}::uuid, ${brand}::uuid, 1, '{affiliate}', '{}', ${tier}, '{}', 'x', 'x', '2026-03-01',
        'accepted', ${at}::timestamptz, ${at}::timestamptz)`.execute(db);
  await rollup('2026-04-20', mine, 'affiliate', {
    clicks: 100,
    unique_clicks: 80,
    registrations: 10,
    ftds: 2,
    revenue: 30000,
  });
  await rollup('2026-04-21', mine, 'ib', {
    clicks: 50,
    unique_clicks: 50,
    registrations: 5,
    ftds: 1,
    revenue: 10000,
  });
  await rollup('2026-04-22', other, 'affiliate', {
    clicks: 150,
    unique_clicks: 150,
    registrations: 0,
    revenue: 60000,
  });
  await rollup('2026-03-22', other, 'affiliate', { clicks: 10, revenue: 20000 });
  const survey = uuidv7();
  await sql`insert into nps_surveys (id, question, opened_at) values (${survey}::uuid, 'Q?', '2026-04-01')`.execute(
    db,
  );
  for (const [p, score] of [
    [mine, 10],
    [other, 5],
  ] as const)
    await sql`insert into nps_answers (survey_id, partner_id, score, answered_at)
      values (${survey}::uuid, ${p}::uuid, ${score}, '2026-04-15')`.execute(db);
});

afterAll(async () => {
  await ctx?.close();
});

function kpiMap(body: { kpis: Array<{ key: string; value: unknown; previous: unknown }> }) {
  return Object.fromEntries(body.kpis.map((k) => [k.key, [k.value, k.previous]]));
}

describe('reports API', () => {
  it('KPIs for all partners: hand-computed values and trends', async () => {
    const r = await admin.request('GET', `/api/v1/reports/kpis?${Q}&topThreshold=15000`);
    expect(r.statusCode).toBe(200);
    const b = r.json();
    expect(b.currency).toBe('EUR');
    expect(b.previousFrom).toBe('2026-03-02');
    expect(kpiMap(b)).toMatchObject({
      weightedOnboardings: [4, 1], // gold = 4 in April; standard = 1 in March
      onboardedToActive: [100, 0], // mine active 10 days after; other had no revenue event (no FTD)
      attributedRevenue: ['100000', '20000'],
      partnerMixBreadth: [10, 0], // ib 10000 of 100000
      activePartners: [1, 0], // other has revenue but no FTD, closed trade or purchase (iGaming brand)
      topPartnerRetention: [100, null], // other: 20000 > 15000 in March, 60000 in April
      nps: [0, null], // one promoter, one detractor
    });
  });

  it('a partner manager gets their portfolio whatever managerId says; a partner is refused', async () => {
    const r = await manager.request('GET', `/api/v1/reports/kpis?${Q}&managerId=${admin.userId}`);
    expect(r.statusCode).toBe(200);
    expect(kpiMap(r.json())).toMatchObject({
      attributedRevenue: ['40000', '0'],
      activePartners: [1, 0],
      nps: [100, null],
    });
    expect((await partner.request('GET', `/api/v1/reports/kpis?${Q}`)).statusCode).toBe(403);
  });

  it('rejects an empty or too long period', async () => {
    expect(
      (await admin.request('GET', '/api/v1/reports/kpis?from=2026-04-01&to=2026-04-01')).statusCode,
    ).toBe(400);
    expect(
      (await admin.request('GET', '/api/v1/reports/kpis?from=2025-01-01&to=2026-04-01')).statusCode,
    ).toBe(400);
  });

  it('time series, funnel and segment mix', async () => {
    const ts = await admin.request('GET', `/api/v1/reports/timeseries?${Q}&metric=clicks`);
    expect(ts.json().points).toEqual([
      { bucket: '2026-04-20', value: 100 },
      { bucket: '2026-04-21', value: 50 },
      { bucket: '2026-04-22', value: 150 },
    ]);
    const f = await admin.request('GET', `/api/v1/reports/funnel?${Q}`);
    expect(f.json()).toEqual({
      clicks: 300,
      uniqueClicks: 280,
      registrations: 15,
      ftds: 3,
      clickToRegistrationPct: 5,
      registrationToFtdPct: 20,
      clickToFtdPct: 1,
    });
    const m = await admin.request('GET', `/api/v1/reports/segment-mix?${Q}`);
    expect(m.json().segments).toEqual([
      { segment: 'affiliate', revenue: '90000', sharePct: 90, activePartners: 1 },
      { segment: 'ib', revenue: '10000', sharePct: 10, activePartners: 1 },
    ]);
  });

  it('breakdown by partner as JSON and CSV keeps filters and columns', async () => {
    const j = await admin.request(
      'GET',
      `/api/v1/reports/breakdown?${Q}&groupBy=partner&columns=clicks,revenue&segment=affiliate`,
    );
    expect(j.statusCode).toBe(200);
    const rows = j.json().rows as Array<{ label: string; values: unknown }>;
    expect(rows.map((x) => [x.label, x.values]).sort()).toEqual([
      ['Mine', { clicks: 100, revenue: '30000' }],
      ['Other', { clicks: 150, revenue: '60000' }],
    ]);
    const c = await manager.request(
      'GET',
      `/api/v1/reports/breakdown?${Q}&groupBy=segment&columns=clicks,epc&format=csv`,
    );
    expect(c.headers['content-type']).toContain('text/csv');
    expect(c.body).toBe('segment,label,clicks,epc\r\naffiliate,affiliate,100,300\r\nib,ib,50,200\r\n');
    expect((await admin.request('GET', `/api/v1/reports/breakdown?${Q}&columns=nope`)).statusCode).toBe(400);
  });

  it('portal breakdown is restricted to the partner', async () => {
    const r = await partner.request(
      'GET',
      `/api/v1/portal/reports/breakdown?${Q}&groupBy=segment&columns=clicks`,
    );
    expect(r.statusCode).toBe(200);
    expect(r.json().rows).toEqual([
      { key: 'affiliate', label: 'affiliate', values: { clicks: 100 } },
      { key: 'ib', label: 'ib', values: { clicks: 50 } },
    ]);
    expect((await admin.request('GET', `/api/v1/portal/reports/breakdown?${Q}`)).statusCode).toBe(403);
  });

  it('task queue lists the groups; tier weights change the weighted count', async () => {
    const t = await manager.request('GET', '/api/v1/reports/tasks');
    expect(t.statusCode).toBe(200);
    expect(t.json().groups.map((g: { kind: string }) => g.kind)).toEqual([
      'applications',
      'documents',
      'held_commissions',
      'payout_approvals',
      'failing_postbacks',
      'claims',
    ]);
    const w = await admin.request('PUT', `/api/v1/reports/tier-weights/${brand}`, {
      weights: [
        { tier: 'standard', weight: 1 },
        { tier: 'gold', weight: 10 },
      ],
    });
    expect(w.statusCode).toBe(200);
    const k = await admin.request('GET', `/api/v1/reports/kpis?${Q}`);
    expect(kpiMap(k.json()).weightedOnboardings).toEqual([10, 1]);
    expect(
      (await manager.request('PUT', `/api/v1/reports/tier-weights/${brand}`, { weights: [] })).statusCode,
    ).toBe(403);
  });
});

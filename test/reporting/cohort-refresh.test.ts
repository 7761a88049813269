import { sql } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type JobRunner, startJobs } from '../../src/platform/jobs/job-runner.js';
import { cohortRefreshJob } from '../../src/reporting/jobs.js';
import { createTestContext, type Session, type TestContext } from '../helpers/test-app.js';
import { ENGINE } from '../helpers/test-db.js';

let ctx: TestContext;
let jobs: JobRunner;
let admin: Session;
let brand: string;
let partner: string;

const cohortRows = async () =>
  (
    await sql<{ cohort: string; segment: string; currency: string; customers: string; revenue: string }>`
      select cohort, segment, currency, customers::text, revenue::text from reporting_customer_cohorts
      order by cohort, currency`.execute(ctx.services.db)
  ).rows;

beforeAll(async () => {
  ctx = await createTestContext();
  admin = await ctx.loginAs('admin');
  brand = await ctx.createBrand('ltv', 'igaming');
  partner = await ctx.createPartner({ name: 'Cohort partner' });
  const db = ctx.services.db;
  // setup (not under test): two customers registered in April, one in May, with NGR on their gaming days
  for (const [ext, registered, ngrDays] of [
    ['a', '2026-04-03T10:00:00Z', [['2026-04-04', 10_000, 7_000]]],
    ['b', '2026-04-20T10:00:00Z', [['2026-04-21', 5_000, 6_000]]],
    [
      'c',
      '2026-05-02T10:00:00Z',
      [
        ['2026-05-02', 20_000, 15_000],
        ['2026-05-03', 8_000, 4_000],
      ],
    ],
  ] as const) {
    const id = uuidv7();
    await sql`insert into customers (id, brand_id, external_id, public_id, owner_partner_id, owner_segment, attribution_source,
        attributed_at, registered_at, created_at, updated_at)
      values (${id}::uuid, ${brand}::uuid, ${ext}, ${`cu_${ext}`}, ${partner}::uuid, 'affiliate', 'click',
        ${registered}::timestamptz, ${registered}::timestamptz, ${registered}::timestamptz, ${registered}::timestamptz)`.execute(
      db,
    );
    for (const [day, stakes, wins] of ngrDays)
      await sql`insert into igaming_days (brand_id, customer_id, day, currency, stakes, wins, bonuses, jackpot_contributions,
          gaming_tax, payment_fees, chargebacks, admin_fee, deposits, bets, version, received_at)
        values (${brand}::uuid, ${id}::uuid, ${day}::date, 'EUR', ${stakes}, ${wins}, 0, 0, 0, 0, 0, 0, 0, 1, 1, now())`.execute(
        db,
      );
  }
  jobs = await startJobs(ctx.services, [cohortRefreshJob]);
});
afterAll(async () => {
  await jobs.stop();
  await ctx.close();
});

async function runJob(): Promise<void> {
  const id = await jobs.send('reports.refresh-cohorts');
  expect(id).toBeTruthy();
  await vi.waitFor(
    async () => {
      const job = await jobs.boss.getJobById('reports.refresh-cohorts', id!);
      expect(job?.state).toBe('completed');
    },
    { timeout: 20_000, interval: 100 },
  );
}

describe(`customer-cohort refresh [${ENGINE}]`, () => {
  it('is scheduled nightly', async () => {
    const schedules = await jobs.boss.getSchedules();
    expect(schedules.find((s) => s.name === 'reports.refresh-cohorts')?.cron).toBe('45 2 * * *');
  });

  it('the LTV KPI has no value before the first refresh', async () => {
    const r = await admin.request(
      'GET',
      `/api/v1/reports/kpis?from=2026-04-01&to=2026-05-01&brandId=${brand}`,
    );
    expect(r.statusCode).toBe(200);
    const body = r.json() as { ltvRefreshedAt: string | null; kpis: { key: string; value: unknown }[] };
    expect(body.ltvRefreshedAt).toBeNull();
    expect(body.kpis.find((k) => k.key === 'customerLtv')?.value).toBeNull();
  });

  it('the job rebuilds the aggregate from the activity, audited as the job, and the KPI reads it', async () => {
    await runJob();
    expect(await cohortRows()).toEqual([
      { cohort: '2026-04', segment: 'affiliate', currency: 'EUR', customers: '2', revenue: '2000' },
      { cohort: '2026-05', segment: 'affiliate', currency: 'EUR', customers: '1', revenue: '9000' },
    ]);
    const audited = await ctx.services.db
      .selectFrom('audit_log')
      .select(['actor_type', 'actor_id', 'entity_type', 'diff'])
      .where('action', '=', 'reports.cohorts_refreshed')
      .execute();
    expect(audited).toHaveLength(1);
    expect(audited[0]).toMatchObject({
      actor_type: 'job',
      actor_id: 'reports.refresh-cohorts',
      entity_type: 'reporting_customer_cohorts',
    });
    const diff = audited[0]!.diff as unknown;
    expect(typeof diff === 'string' ? JSON.parse(diff) : diff).toEqual({ rows: 2, trigger: 'nightly' });
    const r = await admin.request(
      'GET',
      `/api/v1/reports/kpis?from=2026-04-01&to=2026-05-01&brandId=${brand}`,
    );
    const body = r.json() as { ltvRefreshedAt: string | null; kpis: { key: string; value: unknown }[] };
    expect(body.ltvRefreshedAt).not.toBeNull();
    // April cohort: (10000 − 7000 + 5000 − 6000) / 2 customers = 1000 minor units
    expect(body.kpis.find((k) => k.key === 'customerLtv')?.value).toBe('1000');
  });

  it('is idempotent: a second run leaves the same rows; late activity is picked up by the next run', async () => {
    const before = await cohortRows();
    await runJob();
    expect(await cohortRows()).toEqual(before);
    const c = await ctx.services.db
      .selectFrom('customers')
      .select('id')
      .where('external_id', '=', 'a')
      .executeTakeFirstOrThrow();
    await sql`insert into igaming_days (brand_id, customer_id, day, currency, stakes, wins, bonuses, jackpot_contributions,
        gaming_tax, payment_fees, chargebacks, admin_fee, deposits, bets, version, received_at)
      values (${brand}::uuid, ${c.id}::uuid, '2026-05-10', 'EUR', 4000, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, now())`.execute(
      ctx.services.db,
    );
    await runJob();
    expect((await cohortRows())[0]).toMatchObject({ cohort: '2026-04', customers: '2', revenue: '6000' });
  });

  it('POST /reports/refresh does the same for admins and analysts, audited as the user; others are refused', async () => {
    const r = await admin.request('POST', '/api/v1/reports/refresh');
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ rows: 2, refreshedAt: expect.any(String) });
    const analyst = await ctx.loginAs('analyst');
    expect((await analyst.request('POST', '/api/v1/reports/refresh')).statusCode).toBe(200);
    const pm = await ctx.loginAs('partner_manager');
    expect((await pm.request('POST', '/api/v1/reports/refresh')).statusCode).toBe(403);
    const manual = await ctx.services.db
      .selectFrom('audit_log')
      .select(['actor_type', 'actor_id'])
      .where('action', '=', 'reports.cohorts_refreshed')
      .where('actor_type', '=', 'user')
      .orderBy('id')
      .execute();
    expect(manual).toEqual([
      { actor_type: 'user', actor_id: admin.userId },
      { actor_type: 'user', actor_id: analyst.userId },
    ]);
  });
});

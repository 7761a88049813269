/**
 * `npm run bench:reports [-- --quick]`: the Overview's KPI request (GET /api/v1/reports/kpis, last 30 days, all
 * partners, no filter: the heaviest case) timed through app.inject() on a seeded database.
 *
 * Data (deterministic, set-based SQL with generate_series — no click rows are written): 10,000 partners in
 * 1–3 segments across 3 brands and 20 managers, each with an accepted contract; 1,000,000 partner-owned
 * customers; daily rollups whose clicks sum to 10,000,000 over 365 days (as if 10M clicks had been rolled
 * up); the customer-cohort aggregate; 5,000 NPS answers; 10,000 overlaps. `--quick`: a tenth of each.
 * Hourly rollups, commission lines and audit records are not seeded (the KPI call does not read hourly
 * rollups; commission-bound KPIs run on empty tables here).
 *
 * DATABASE_URL set: a scratch database is created on that server and dropped afterwards; else in-memory PGlite.
 * Last line: {"bench":"reports","db":"postgres|pglite","quick":…,"p50_ms":…,"p95_ms":…}
 */
import { sql } from 'kysely';
import pg from 'pg';
import { buildApp } from '../src/app.js';
import { writeAudited } from '../src/audit/write-audited.js';
import { createUser } from '../src/auth/user-store.js';
import { loadConfig } from '../src/platform/config.js';
import { closeServices, createServices } from '../src/platform/create-services.js';
import { openDatabase } from '../src/platform/db/database.js';
import { createLogger } from '../src/platform/logging.js';

const quick = process.argv.includes('--quick');
const scale = quick ? 10 : 1;
const N_PARTNERS = 10_000 / scale;
const N_CUSTOMERS = 1_000_000 / scale;
const N_CLICKS = 10_000_000 / scale;
const N_REQUESTS = quick ? 20 : 60;
const DAYS = 365;
const END = '2026-11-01'; // the KPI period: [2026-10-02, 2026-11-01)
const log = (m: string) => process.stderr.write(`${m}\n`);
const uid = (expr: string, prefix: string) => `('${prefix}' || lpad(to_hex(${expr}), 12, '0'))::uuid`;
const PARTNER = (e: string) => uid(e, '00000000-0000-4000-8000-');
const CUSTOMER = (e: string) => uid(e, '00000000-0000-4000-9000-');
const BRAND = (e: string) => uid(e, '00000000-0000-4000-a000-');
const PASSWORD = 'bench-password-long-enough';

async function scratch(url: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `consort_bench_reports_${process.pid}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const u = new URL(url);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

async function main() {
  const base = process.env.DATABASE_URL;
  const target = base ? await scratch(base) : undefined;
  try {
    await run(target?.url);
  } finally {
    await target?.drop();
  }
}

async function run(url: string | undefined) {
  const database = await openDatabase(url ? { databaseUrl: url, poolSize: 10 } : {});
  const config = loadConfig({ logLevel: 'silent', databaseUrl: url }, {});
  const services = await createServices(config, { database, logger: createLogger('silent') });
  const db = services.db;
  const t0 = performance.now();

  const managers: string[] = [];
  for (let i = 0; i < 20; i++) {
    const u = await writeAudited(services, (trx, now) =>
      createUser(
        trx,
        { type: 'system', id: 'bench' },
        { email: `m${i}@bench.example`, password: PASSWORD, role: 'partner_manager' },
        now,
      ),
    );
    managers.push(u.id);
  }
  await writeAudited(services, (trx, now) =>
    createUser(
      trx,
      { type: 'system', id: 'bench' },
      { email: 'admin@bench.example', password: PASSWORD, role: 'admin' },
      now,
    ),
  );
  const exec = (q: string) => sql.raw(q).execute(db);
  await exec(`insert into brands (id, code, name, vertical, currency, landing_url_template, fallback_url)
    select ${BRAND('b')}, 'b' || b, 'Brand ' || b, (array['igaming','forex','prop'])[b], 'EUR', 'https://x.example/{click_id}', 'https://x.example/'
    from generate_series(1, 3) b`);
  const mgr = `(array[${managers.map((m) => `'${m}'::uuid`).join(',')}])`;
  const SEGS = `array['affiliate','ib','influencer','ambassador','integrator','reseller']`;
  // segments: 1 to 3 of six; onboarded over the two years before END
  await exec(`insert into partners (id, display_name, status, segments, manager_user_id, tier, onboarded_at, country)
    select ${PARTNER('i')}, 'P' || i, 'active',
      (${SEGS})[1 + i % 6 : 1 + i % 6 + (i % 3)],
      ${mgr}[1 + i % 20], (array['standard','silver','gold'])[1 + (i * 7) % 3],
      timestamptz '${END}' - ((i * 37) % 730) * interval '1 day' - (i % 24) * interval '1 hour',
      (array['DE','GB','MT','CY','BR'])[1 + i % 5]
    from generate_series(1, ${N_PARTNERS}) i`);
  await exec(`insert into partner_brands (partner_id, brand_id, joined_at)
    select ${PARTNER('i')}, ${BRAND('1 + i % 3')}, now() from generate_series(1, ${N_PARTNERS}) i`);
  await exec(`insert into contracts (id, partner_id, brand_id, version, segments, template_ids, tier, terms, rendered_text,
      rendered_sha256, effective_from, status, issued_at, accepted_at)
    select gen_random_uuid(), p.id, ${BRAND('1 + i % 3')}, 1, p.segments, '{}', p.tier, '{}', 'x', 'x', '2024-01-01', 'accepted',
      p.onboarded_at, p.onboarded_at
    from generate_series(1, ${N_PARTNERS}) i join partners p on p.id = ${PARTNER('i')}`);
  log(`partners ${N_PARTNERS} ${(performance.now() - t0).toFixed(0)} ms`);

  await exec(`insert into customers (id, brand_id, external_id, public_id, owner_partner_id, owner_segment, attribution_source,
      registered_at, country)
    select ${CUSTOMER('c')}, ${BRAND('1 + (c % ' + N_PARTNERS + ') % 3')}, 'x' || c, 'C' || c, ${PARTNER('1 + c % ' + N_PARTNERS)},
      p.segments[1], 'click', timestamptz '${END}' - ((c * 13) % ${DAYS}) * interval '1 day', 'DE'
    from generate_series(1, ${N_CUSTOMERS}) c join partners p on p.id = ${PARTNER('1 + c % ' + N_PARTNERS)}`);
  log(`customers ${N_CUSTOMERS} ${(performance.now() - t0).toFixed(0)} ms`);

  // Daily rollups: each partner has a row on every third day (offset by partner) in its first segment, and on
  // every ninth day in its second one; clicks chosen so that the grand total is exactly N_CLICKS.
  await exec(`create temporary table bench_rows as
    select row_number() over () as n, (date '${END}' - g)::date as day, s.i, s.seg
    from (
      select i, x.segments[1] as seg, 3 as every from generate_series(1, ${N_PARTNERS}) i join partners x on x.id = ${PARTNER('i')}
      union all
      select i, x.segments[2], 9 from generate_series(1, ${N_PARTNERS}) i join partners x on x.id = ${PARTNER('i')}
      where i % 2 = 0 and cardinality(x.segments) >= 2
    ) s cross join generate_series(1, ${DAYS}) g
    where (g + s.i) % s.every = 0`);
  const rows = Number(
    (await sql<{ n: string }>`select count(*)::text as n from bench_rows`.execute(db)).rows[0]!.n,
  );
  const per = Math.floor(N_CLICKS / rows);
  const extra = N_CLICKS - per * rows;
  await exec(`insert into rollups_daily (day, brand_id, partner_id, segment, link_id, sub_id, currency, clicks, unique_clicks,
      registrations, ftds, ftd_amount, deposits, deposit_amount, purchases, purchase_amount, revenue)
    select day, ${BRAND('1 + i % 3')}, ${PARTNER('i')}, seg, null, '', 'EUR', c, c * 8 / 10, (c + n % 10) / 10, (c + n % 40) / 40, ((c + n % 40) / 40) * 5000,
      c / 20, (c / 20) * 4000, case when i % 3 = 2 then c / 50 else 0 end, case when i % 3 = 2 then (c / 50) * 9900 else 0 end,
      ((n * 7919) % 20000) - 4000
    from (select *, ${per} + (case when n <= ${extra} then 1 else 0 end) as c from bench_rows) x`);
  const clicks = (await sql<{ n: string }>`select sum(clicks)::text as n from rollups_daily`.execute(db))
    .rows[0]!.n;
  log(`rollups_daily ${rows} rows, ${clicks} clicks ${(performance.now() - t0).toFixed(0)} ms`);

  await exec(`insert into reporting_customer_cohorts (brand_id, partner_id, segment, cohort, currency, customers, revenue, refreshed_at)
    select brand_id, owner_partner_id, owner_segment, to_char(registered_at, 'YYYY-MM'), 'EUR', count(*), sum((hashtext(id::text) % 5000) + 2000), now()
    from customers group by 1, 2, 3, 4`);
  await exec(
    `insert into nps_surveys (id, question, opened_at) values ('00000000-0000-4000-b000-000000000001', 'Q', '2025-01-01')`,
  );
  await exec(`insert into nps_answers (survey_id, partner_id, score, answered_at)
    select '00000000-0000-4000-b000-000000000001', ${PARTNER('i')}, i % 11, timestamptz '${END}' - (i % 60) * interval '1 day'
    from generate_series(1, ${N_PARTNERS / 2}) i`);
  await exec(`insert into attribution_overlaps (id, customer_id, brand_id, owner_partner_id, owner_segment, competing_partner_id,
      competing_segment, source, detected_at)
    select gen_random_uuid(), cu.id, cu.brand_id, cu.owner_partner_id, cu.owner_segment, ${PARTNER('1 + (k + 1) % ' + N_PARTNERS)},
      'affiliate', 'click', timestamptz '${END}' - (k % 90) * interval '1 day'
    from generate_series(1, ${N_PARTNERS}) k join customers cu on cu.id = ${CUSTOMER('k * 7')}`);
  await exec('analyze');
  log(`seeded in ${(performance.now() - t0).toFixed(0)} ms`);

  const app = await buildApp(config, { services });
  await app.ready();
  const login = await app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { email: 'admin@bench.example', password: PASSWORD },
  });
  if (login.statusCode !== 200) throw new Error(`login ${login.statusCode} ${login.body}`);
  const cookie = login.cookies.find((c) => c.name === 'consort_session')!;
  const url30 = '/api/v1/reports/kpis?from=2026-10-02&to=2026-11-01';
  const once = async () => {
    const t = performance.now();
    const r = await app.inject({ method: 'GET', url: url30, cookies: { consort_session: cookie.value } });
    const ms = performance.now() - t;
    if (r.statusCode !== 200) throw new Error(`kpis ${r.statusCode} ${r.body}`);
    return { ms, body: r.json() as { kpis: Array<{ key: string; value: unknown }> } };
  };
  const warm = await once();
  log(`kpis: ${JSON.stringify(Object.fromEntries(warm.body.kpis.map((k) => [k.key, k.value])))}`);
  for (let i = 0; i < 2; i++) await once();
  const times: number[] = [];
  for (let i = 0; i < N_REQUESTS; i++) times.push((await once()).ms);
  times.sort((a, b) => a - b);
  const pct = (p: number) => times[Math.min(times.length - 1, Math.ceil((p / 100) * times.length) - 1)]!;
  await app.close();
  await closeServices(services);
  log(`${N_REQUESTS} requests, sequential`);
  process.stdout.write(
    `${JSON.stringify({ bench: 'reports', db: url ? 'postgres' : 'pglite', quick, p50_ms: Math.round(pct(50) * 10) / 10, p95_ms: Math.round(pct(95) * 10) / 10 })}\n`,
  );
}

main().catch((e) => {
  log(String(e?.stack ?? e));
  process.exit(1);
});

import { type Kysely, type RawBuilder, sql } from 'kysely';
import { findFxRate } from '../fx/fx-store.js';
import type { Database } from '../platform/db/schema.js';
import {
  type AuditLineFacts,
  addDays,
  type CohortMember,
  calculateMonthSplit,
  type LtvCohortRow,
  type Onboarding,
  type OverlapClaim,
  type PartnerSegmentRevenue,
  type Period,
  type PeriodFacts,
  type TierWeights,
} from './calculate-kpis.js';

type Db = Kysely<Database>;

/** Report filters; `managerId` restricts to one portfolio, `partnerId` to one partner (the portal). */
export interface ReportFilter {
  brandId?: string | undefined;
  segment?: string | undefined;
  managerId?: string | undefined;
  partnerId?: string | undefined;
}

/** Rollup rows (alias r) of the filter in [from, to). Partners by manager through a semi-join. */
export function rollupWhere(f: ReportFilter, p: Period): RawBuilder<unknown> {
  return sql`r.day >= ${p.from}::date and r.day < ${p.to}::date
    ${f.brandId ? sql`and r.brand_id = ${f.brandId}::uuid` : sql``}
    ${f.segment ? sql`and r.segment = ${f.segment}` : sql``}
    ${f.partnerId ? sql`and r.partner_id = ${f.partnerId}::uuid` : sql``}
    ${f.managerId ? sql`and r.partner_id in (select id from partners where manager_user_id = ${f.managerId}::uuid)` : sql``}`;
}

/** Partners (alias p) of the filter: manager, segment (any of its segments), single partner. */
export function partnerWhere(f: ReportFilter): RawBuilder<unknown> {
  return sql`${f.segment ? sql`and ${f.segment} = any(p.segments)` : sql``}
    ${f.partnerId ? sql`and p.id = ${f.partnerId}::uuid` : sql``}
    ${f.managerId ? sql`and p.manager_user_id = ${f.managerId}::uuid` : sql``}`;
}

/** A revenue event in a daily rollup row: an FTD, a purchase, or (forex brands) revenue from closed trades. */
const ACTIVE_ROW = sql`(r.ftds > 0 or r.purchases > 0 or (r.revenue <> 0 and r.brand_id in (select id from brands where vertical = 'forex')))`;

/** Brand, segment, partner and manager conditions on a table (alias `a`) with brand_id, partner_id and segment. */
function scopeWhere(f: ReportFilter, a: string): RawBuilder<unknown> {
  const c = (col: string) => sql.ref(`${a}.${col}`);
  return sql`${f.brandId ? sql`and ${c('brand_id')} = ${f.brandId}::uuid` : sql``}
    ${f.segment ? sql`and ${c('segment')} = ${f.segment}` : sql``}
    ${f.partnerId ? sql`and ${c('partner_id')} = ${f.partnerId}::uuid` : sql``}
    ${f.managerId ? sql`and ${c('partner_id')} in (select id from partners where manager_user_id = ${f.managerId}::uuid)` : sql``}`;
}

function dayRanges(ranges: Period[]): RawBuilder<unknown> {
  return sql`(${sql.join(
    ranges.map((x) => sql`(r.day >= ${x.from}::date and r.day < ${x.to}::date)`),
    sql` or `,
  )})`;
}

/**
 * Revenue and activity per partner segment and currency in the period, read from the partner-month aggregate
 * (`reporting_partner_months`, kept equal to the daily rollups by triggers) for the months the period covers
 * more than half of, corrected by the daily rows of the days outside (subtracted) or read from the daily rows
 * for the other months (`calculateMonthSplit`). A partner segment and currency has a row when it has a daily
 * rollup row in the period; it is active when one of them has an FTD, a purchase, or (forex) non-zero revenue
 * (the aggregate counts such rows: active when the count over the period is above 0).
 */
export async function loadPartnerSegmentRevenue(
  db: Db,
  f: ReportFilter,
  p: Period,
): Promise<PartnerSegmentRevenue[]> {
  const split = calculateMonthSplit(p);
  const daily = (ranges: Period[], sign: 1 | -1) =>
    ranges.length === 0
      ? []
      : [
          sql`select r.partner_id, r.segment, r.currency, ${sql.lit(sign)}::int4 as n,
            ${sql.lit(sign)}::int4 * ${ACTIVE_ROW}::int4 as a, ${sql.lit(sign)}::int8 * r.revenue as revenue
          from rollups_daily r where ${dayRanges(ranges)} ${scopeWhere(f, 'r')}`,
        ];
  const parts = [
    ...(split.months.length === 0
      ? []
      : [
          sql`select m.partner_id, m.segment, m.currency, m.day_rows as n, m.active_rows as a, m.revenue
          from reporting_partner_months m where m.month = any(${split.months}::date[]) ${scopeWhere(f, 'm')}`,
        ]),
    ...daily(split.add, 1),
    ...daily(split.subtract, -1),
  ];
  const r = await sql<{
    partner_id: string;
    segment: string;
    currency: string;
    revenue: string;
    active: boolean;
  }>`
    select x.partner_id, x.segment, x.currency, sum(x.revenue)::text as revenue, sum(x.a) > 0 as active
    from (${sql.join(parts, sql` union all `)}) x
    group by x.partner_id, x.segment, x.currency
    having sum(x.n) > 0`.execute(db);
  return r.rows.map((x) => ({
    partnerId: x.partner_id,
    segment: x.segment,
    currency: x.currency,
    revenue: BigInt(x.revenue),
    active: x.active,
  }));
}

/** First accepted contract of each partner onboarded in the period (brand and tier of that contract). */
export async function loadOnboardings(db: Db, f: ReportFilter, p: Period): Promise<Onboarding[]> {
  const r = await sql<{ partner_id: string; brand_id: string; tier: string; accepted_at: Date }>`
    select p.id as partner_id, c.brand_id, c.tier, c.accepted_at
    from partners p
    join lateral (
      select brand_id, tier, accepted_at from contracts c
      where c.partner_id = p.id and c.accepted_at is not null order by c.accepted_at, c.id limit 1
    ) c on true
    where p.onboarded_at >= ${p.from}::date and p.onboarded_at < ${p.to}::date ${partnerWhere(f)}
      ${f.brandId ? sql`and c.brand_id = ${f.brandId}::uuid` : sql``}`.execute(db);
  return r.rows.map((x) => ({
    partnerId: x.partner_id,
    brandId: x.brand_id,
    tier: x.tier,
    onboardedAt: new Date(x.accepted_at),
  }));
}

/** Cohort of the period's onboardings with each member's first active day in its 91-day window. */
export async function loadCohort(
  db: Db,
  f: ReportFilter,
  onboardings: Onboarding[],
): Promise<CohortMember[]> {
  if (onboardings.length === 0) return [];
  const ids = onboardings.map((o) => o.partnerId);
  const days = onboardings.map((o) => o.onboardedAt.toISOString().slice(0, 10));
  const r = await sql<{ partner_id: string; first: string | null }>`
    select o.partner_id, (
      select min(r.day)::text from rollups_daily r
      where r.partner_id = o.partner_id and r.day >= o.day and r.day <= o.day + 90 and ${ACTIVE_ROW}
        ${f.brandId ? sql`and r.brand_id = ${f.brandId}::uuid` : sql``}
        ${f.segment ? sql`and r.segment = ${f.segment}` : sql``}
    ) as first
    from unnest(${ids}::uuid[], ${days}::date[]) as o (partner_id, day)`.execute(db);
  const first = new Map(r.rows.map((x) => [x.partner_id, x.first]));
  return onboardings.map((o, i) => ({
    partnerId: o.partnerId,
    onboardedOn: days[i]!,
    firstActiveOn: first.get(o.partnerId) ?? null,
  }));
}

function month(day: string): string {
  return day.slice(0, 7);
}

/** Customer cohorts (registration months overlapping the period) from the refreshed aggregate. */
export async function loadLtvCohorts(db: Db, f: ReportFilter, p: Period): Promise<LtvCohortRow[]> {
  const r = await sql<{ cohort: string; currency: string; customers: string; revenue: string }>`
    select r.cohort, r.currency, sum(r.customers)::text as customers, sum(r.revenue)::text as revenue
    from reporting_customer_cohorts r
    where r.cohort >= ${month(p.from)} and r.cohort <= ${month(addDays(p.to, -1))}
      ${f.brandId ? sql`and r.brand_id = ${f.brandId}::uuid` : sql``}
      ${f.segment ? sql`and r.segment = ${f.segment}` : sql``}
      ${f.partnerId ? sql`and r.partner_id = ${f.partnerId}::uuid` : sql``}
      ${f.managerId ? sql`and r.partner_id in (select id from partners where manager_user_id = ${f.managerId}::uuid)` : sql``}
    group by r.cohort, r.currency`.execute(db);
  return r.rows.map((x) => ({
    cohort: x.cohort,
    currency: x.currency,
    customers: Number(x.customers),
    revenue: BigInt(x.revenue),
  }));
}

/**
 * Rebuilds the customer-cohort aggregate from customers and the activity tables (NGR, trading revenue,
 * prop purchases less refunds), in the caller's transaction. Run through `refreshCohortsAudited` (jobs.ts: the
 * nightly job, `POST /reports/refresh`, the demo seed); reports read the aggregate, never the activity.
 */
export async function refreshCustomerCohorts(db: Db, now: Date): Promise<{ rows: number }> {
  await sql`delete from reporting_customer_cohorts`.execute(db);
  const r = await sql`
    with cu as (
      select c.id, c.brand_id, c.owner_partner_id, c.owner_segment, to_char(c.registered_at at time zone 'UTC', 'YYYY-MM') as cohort
      from customers c where c.owner_partner_id is not null and c.owner_segment is not null and c.registered_at is not null
    ),
    rev as (
      select customer_id, currency, sum(revenue) as revenue from (
        select customer_id, currency, stakes - wins - bonuses - jackpot_contributions - gaming_tax - payment_fees - chargebacks - admin_fee as revenue from igaming_days
        union all select customer_id, currency, round(lots * (spread_per_lot + markup_per_lot))::int8 + commission from trades
        union all select customer_id, currency, amount_paid from prop_purchases
        union all select customer_id, currency, -amount from prop_refunds
      ) x group by 1, 2
    ),
    rows as (
      select cu.brand_id, cu.owner_partner_id as partner_id, cu.owner_segment as segment, cu.cohort, b.currency,
        count(*) as customers, 0::int8 as revenue
      from cu join brands b on b.id = cu.brand_id group by 1, 2, 3, 4, 5
      union all
      select cu.brand_id, cu.owner_partner_id, cu.owner_segment, cu.cohort, rev.currency, 0, sum(rev.revenue)::int8
      from cu join rev on rev.customer_id = cu.id group by 1, 2, 3, 4, 5
    )
    insert into reporting_customer_cohorts (brand_id, partner_id, segment, cohort, currency, customers, revenue, refreshed_at)
    select brand_id, partner_id, segment, cohort, currency, sum(customers), sum(revenue), ${now}::timestamptz
    from rows group by 1, 2, 3, 4, 5`.execute(db);
  return { rows: Number(r.numAffectedRows ?? 0n) };
}

/** When the cohort aggregate was last refreshed (null: never). */
export async function loadCohortsRefreshedAt(db: Db): Promise<Date | null> {
  const r = await sql<{
    at: Date | null;
  }>`select max(refreshed_at) as at from reporting_customer_cohorts`.execute(db);
  return r.rows[0]?.at ? new Date(r.rows[0].at) : null;
}

/** Competing claims detected in the period, each with the owner's commission for that customer in the period. */
export async function loadOverlapClaims(db: Db, f: ReportFilter, p: Period): Promise<OverlapClaim[]> {
  const r = await sql<{ customer_id: string; currency: string | null; amount: string | null }>`
    with o as (
      select distinct o.customer_id, cu.public_id, o.owner_partner_id, o.competing_partner_id, o.competing_segment
      from attribution_overlaps o join customers cu on cu.id = o.customer_id
      where o.detected_at >= ${p.from}::date and o.detected_at < ${p.to}::date
        ${f.brandId ? sql`and o.brand_id = ${f.brandId}::uuid` : sql``}
        ${f.segment ? sql`and o.owner_segment = ${f.segment}` : sql``}
        ${f.partnerId ? sql`and o.owner_partner_id = ${f.partnerId}::uuid` : sql``}
        ${f.managerId ? sql`and o.owner_partner_id in (select id from partners where manager_user_id = ${f.managerId}::uuid)` : sql``}
    )
    select o.customer_id, o.competing_partner_id || '/' || o.competing_segment as claim, l.currency, l.amount::text as amount
    from o left join lateral (
      select cl.currency, sum(cl.amount) as amount from commission_lines cl
      where cl.customer_id in (o.public_id, o.customer_id::text) and cl.partner_id = o.owner_partner_id and cl.payee = 'partner'
        and cl.state not in ('rejected', 'reversed')
        and cl.source_period >= ${month(p.from)} and cl.source_period <= ${month(addDays(p.to, -1))}
      group by cl.currency
    ) l on true`.execute(db);
  const claims = new Map<string, OverlapClaim>();
  for (const x of r.rows as Array<(typeof r.rows)[number] & { claim: string }>) {
    const k = `${x.customer_id}|${x.claim}`;
    const c = claims.get(k) ?? { customerId: x.customer_id, commission: [] };
    if (x.currency && x.amount) c.commission.push({ currency: x.currency, amount: BigInt(x.amount) });
    claims.set(k, c);
  }
  return [...claims.values()];
}

/**
 * The period's commission lines (source months overlapping it) with which inputs have audit records: the
 * close (`period.closed`/`period.adjusted` of its ledger period), the ownership decision of its customer
 * (`customer.attributed`/`customer.reassigned`; a line names its customer by public id; none needed without one), the deal version
 * (`contract.accepted` of an accepted contract of the partner and brand) and, for approved, payable or paid
 * lines, the approval (`commission_lines.approve` naming the line).
 */
export async function loadAuditLineFacts(
  db: Db,
  f: ReportFilter,
  p: Period,
): Promise<{ lines: AuditLineFacts[]; chainVerified: boolean }> {
  const r = await sql<{
    id: string;
    booked: boolean;
    ownership: boolean;
    deal: boolean;
    approval: boolean;
  }>`
    select l.id,
      exists (select 1 from audit_log a where a.entity_type = 'ledger_period' and a.entity_id = l.period_id::text
        and a.action in ('period.closed', 'period.adjusted')) as booked,
      (l.customer_id is null or exists (select 1 from audit_log a where a.entity_type = 'customer'
        and a.action in ('customer.attributed', 'customer.reassigned')
        and a.entity_id in ((select cu.id::text from customers cu where cu.public_id = l.customer_id), l.customer_id))) as ownership,
      exists (select 1 from contracts c join audit_log a on a.entity_type = 'contract' and a.entity_id = c.id::text
        and a.action = 'contract.accepted'
        where c.partner_id = l.partner_id and c.brand_id = l.brand_id and c.accepted_at is not null) as deal,
      (l.state not in ('approved', 'payable', 'paid') or exists (select 1 from audit_log a
        where a.entity_type = 'commission_line' and a.action = 'commission_lines.approve'
          and (a.entity_id = l.id::text or a.diff::text like '%' || l.id::text || '%'))) as approval
    from commission_lines l
    where l.source_period >= ${month(p.from)} and l.source_period <= ${month(addDays(p.to, -1))}
      ${f.brandId ? sql`and l.brand_id = ${f.brandId}::uuid` : sql``}
      ${f.segment ? sql`and l.segment = ${f.segment}` : sql``}
      ${f.partnerId ? sql`and l.partner_id = ${f.partnerId}::uuid` : sql``}
      ${f.managerId ? sql`and l.partner_id in (select id from partners where manager_user_id = ${f.managerId}::uuid)` : sql``}`.execute(
    db,
  );
  // the verification must cover every record of the kinds the facts read (closes, ownership decisions, contract
  // acceptances, approvals) up to the period's end; sign-ins and other records after it do not undo it
  const v = await sql<{ ok: boolean | null; covered: boolean | null }>`
    select v.ok, v.head_seq >= coalesce((select max(c.seq) from audit_chain c join audit_log a on a.id = c.audit_id
      where a.occurred_at < ${addDays(p.to, 0)}::date
        and a.action in ('period.closed', 'period.adjusted', 'customer.attributed', 'customer.reassigned',
          'contract.accepted', 'commission_lines.approve')), 0) as covered
    from audit_verifications v order by v.verified_at desc, v.id desc limit 1`.execute(db);
  const last = v.rows[0];
  return {
    lines: r.rows.map((x) => ({
      lineId: x.id,
      booked: x.booked,
      ownership: x.ownership,
      dealVersion: x.deal,
      approval: x.approval,
    })),
    chainVerified: Boolean(last?.ok && last.covered),
  };
}

export async function loadNpsScores(db: Db, f: ReportFilter, p: Period): Promise<number[]> {
  const r = await sql<{ score: number }>`
    select a.score from nps_answers a join partners p on p.id = a.partner_id
    where a.answered_at >= ${p.from}::date and a.answered_at < ${p.to}::date ${partnerWhere(f)}
      ${f.brandId ? sql`and exists (select 1 from partner_brands pb where pb.partner_id = p.id and pb.brand_id = ${f.brandId}::uuid)` : sql``}`.execute(
    db,
  );
  return r.rows.map((x) => Number(x.score));
}

export async function loadTierWeights(db: Db): Promise<TierWeights> {
  const r = await sql<{ brand_id: string; tier: string; weight: number }>`
    select brand_id, tier, weight from kpi_tier_weights`.execute(db);
  const m = new Map<string, Map<string, number>>();
  for (const x of r.rows) {
    const b = m.get(x.brand_id) ?? new Map<string, number>();
    b.set(x.tier, Number(x.weight));
    m.set(x.brand_id, b);
  }
  return m;
}

/** Replaces a brand's tier weights (empty: back to the default order). */
export async function saveTierWeights(
  db: Db,
  brandId: string,
  weights: Array<{ tier: string; weight: number }>,
  now: Date,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await sql`delete from kpi_tier_weights where brand_id = ${brandId}::uuid`.execute(trx);
    for (const w of weights)
      await sql`insert into kpi_tier_weights (brand_id, tier, weight, updated_at)
        values (${brandId}::uuid, ${w.tier}, ${w.weight}, ${now}::timestamptz)`.execute(trx);
  });
}

/** All facts of one period, loaded concurrently (the pool runs them in parallel on PostgreSQL). */
export async function loadPeriodFacts(db: Db, f: ReportFilter, p: Period): Promise<PeriodFacts> {
  const [onboardings, revenue, ltv, overlaps, audit, npsScores] = await Promise.all([
    loadOnboardings(db, f, p),
    loadPartnerSegmentRevenue(db, f, p),
    loadLtvCohorts(db, f, p),
    loadOverlapClaims(db, f, p),
    loadAuditLineFacts(db, f, p),
    loadNpsScores(db, f, p),
  ]);
  const cohort = await loadCohort(db, f, onboardings);
  return {
    period: p,
    onboardings,
    cohort,
    revenue,
    ltv,
    overlaps,
    auditLines: audit.lines,
    chainVerified: audit.chainVerified,
    npsScores,
  };
}

/**
 * Rates into the reporting currency for every currency of the rollups and commission lines, at `date`
 * (the period's last day): one rate per currency and period. Missing or stale rates are left out.
 */
export async function loadRates(
  db: Db,
  currencies: Iterable<string>,
  to: string,
  date: string,
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const c of new Set(currencies)) {
    if (c === to) continue;
    const r = await findFxRate(db, c, to, date, 31);
    if (r.kind === 'rate') out.set(c, r.rate);
  }
  return out;
}

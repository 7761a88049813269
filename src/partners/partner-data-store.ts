import { type Kysely, sql } from 'kysely';
import type { Database } from '../platform/db/schema.js';
import { loadLedgerSettings } from '../ledger/settings-store.js';
import {
  ACTIVE_WITHIN_DAYS,
  type CustomerStatus,
  decideCustomerStatus,
  decideNextPayoutDate,
} from './decide-customer-status.js';
import { subPartnerTree } from './routes.js';

type Db = Kysely<Database>;

export interface Period {
  from: string;
  to: string;
}

export interface Amount {
  currency: string;
  amountMinor: string;
}

const amounts = (rows: Array<{ currency: string; amount: string | bigint }>): Amount[] =>
  rows
    .filter((r) => BigInt(r.amount) !== 0n)
    .map((r) => ({ currency: r.currency, amountMinor: BigInt(r.amount).toString() }))
    .sort((a, b) => a.currency.localeCompare(b.currency));

/**
 * A customer as a partner (or its manager) sees it: pseudonymous id and stages only. No operator id, no
 * country, no name, e-mail or address: nothing that identifies the person (docs/roles.md).
 */
export interface CustomerView {
  publicId: string;
  brandId: string;
  brandName: string;
  segment: string | null;
  linkCode: string | null;
  subId: string | null;
  source: string;
  registeredAt: string | null;
  firstDepositAt: string | null;
  lastActivityAt: string | null;
  status: CustomerStatus;
  ftd: boolean;
  active: boolean;
  qualified: boolean;
}

/** The SQL twin of decideCustomerStatus (for filtering a page by status); the test checks they agree. */
const statusSql = (now: Date) => sql<string>`case
  when f.qualified then 'qualified'
  when f.last_activity_at >= ${new Date(now.getTime() - ACTIVE_WITHIN_DAYS * 86_400_000)} then 'active'
  when f.first_deposit_at is not null then 'ftd'
  else 'registered' end`;

/** The partner's own customers (owned now), newest registration first. */
export async function listPartnerCustomers(
  db: Db,
  partnerId: string,
  q: { status?: CustomerStatus | undefined; brandId?: string | undefined; limit: number; offset: number },
  now: Date,
): Promise<{ items: CustomerView[]; total: number }> {
  const r = await sql<{
    public_id: string;
    brand_id: string;
    brand_name: string;
    owner_segment: string | null;
    link_code: string | null;
    owner_sub_id: string | null;
    attribution_source: string;
    registered_at: Date | null;
    first_deposit_at: Date | null;
    last_activity_at: Date | string | null;
    qualified: boolean;
    total: string;
  }>`
    with f as (
      select c.public_id, c.brand_id, b.name as brand_name, c.owner_segment, l.code as link_code, c.owner_sub_id,
        c.attribution_source, c.registered_at, c.first_deposit_at,
        greatest(
          (select max(e.occurred_at) from events e where e.customer_id = c.id),
          (select max(g.day)::timestamptz from igaming_days g where g.customer_id = c.id),
          (select max(t.closed_at) from trades t where t.customer_id = c.id),
          (select max(pp.day)::timestamptz from prop_purchases pp where pp.customer_id = c.id)
        ) as last_activity_at,
        exists (
          select 1 from commission_lines cl
          where cl.customer_id in (c.public_id, c.id::text) and cl.partner_id = ${partnerId}::uuid
            and cl.kind in ('cpa', 'fx_cpa') and cl.state not in ('rejected', 'reversed')
        ) as qualified
      from customers c
      join brands b on b.id = c.brand_id
      left join tracking_links l on l.id = c.owner_link_id
      where c.owner_partner_id = ${partnerId}::uuid
        ${q.brandId ? sql`and c.brand_id = ${q.brandId}::uuid` : sql``}
    )
    select f.*, count(*) over ()::text as total from f
    ${q.status ? sql`where ${statusSql(now)} = ${q.status}` : sql``}
    order by f.registered_at desc nulls last, f.public_id
    limit ${q.limit} offset ${q.offset}`.execute(db);
  const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());
  return {
    total: Number(r.rows[0]?.total ?? 0),
    items: r.rows.map((x) => {
      const last = x.last_activity_at === null ? null : new Date(x.last_activity_at);
      return {
        publicId: x.public_id,
        brandId: x.brand_id,
        brandName: x.brand_name,
        segment: x.owner_segment,
        linkCode: x.link_code,
        subId: x.owner_sub_id,
        source: x.attribution_source,
        registeredAt: iso(x.registered_at),
        firstDepositAt: iso(x.first_deposit_at),
        lastActivityAt: iso(last),
        ...decideCustomerStatus(
          {
            registeredAt: x.registered_at,
            firstDepositAt: x.first_deposit_at,
            lastActivityAt: last,
            qualified: x.qualified,
          },
          now,
        ),
      };
    }),
  };
}

export interface CustomerEventView {
  type: string;
  status: string;
  occurredAt: string;
  amountMinor: string | null;
  currency: string | null;
}

/** The events of one of the partner's own customers (by pseudonymous id), newest first; null when not its own. */
export async function loadCustomerEvents(
  db: Db,
  partnerId: string,
  publicId: string,
): Promise<CustomerEventView[] | null> {
  const c = await db
    .selectFrom('customers')
    .select('id')
    .where('public_id', '=', publicId)
    .where('owner_partner_id', '=', partnerId)
    .executeTakeFirst();
  if (!c) return null;
  const rows = await db
    .selectFrom('events')
    .select(['type', 'status', 'occurred_at', 'amount', 'currency'])
    .where('customer_id', '=', c.id)
    .orderBy('occurred_at', 'desc')
    .limit(500)
    .execute();
  return rows.map((e) => ({
    type: e.type,
    status: e.status,
    occurredAt: e.occurred_at.toISOString(),
    amountMinor: e.amount === null ? null : String(e.amount),
    currency: e.currency,
  }));
}

/** Commission a partner earned from its sub-partners (hierarchy lines: splits and overrides), per sub-partner. */
export async function loadOverrideEarnings(db: Db, partnerId: string, p: Period) {
  const r = await sql<{ partner_id: string; display_name: string; currency: string; amount: string }>`
    select src.partner_id, sp.display_name, l.currency, sum(l.amount)::text as amount
    from commission_lines l
    join commission_lines src on src.id::text = l.derived_from
    join partners sp on sp.id = src.partner_id
    where l.partner_id = ${partnerId}::uuid and l.derived_from is not null and src.partner_id <> l.partner_id
      and l.payee = 'partner' and l.state not in ('rejected', 'reversed')
      and l.source_period >= ${p.from.slice(0, 7)} and l.source_period < ${p.to.slice(0, 7)}
    group by 1, 2, 3 order by 2, 3`.execute(db);
  const by = new Map<string, { partnerId: string; displayName: string; earnings: Amount[] }>();
  for (const x of r.rows) {
    const e = by.get(x.partner_id) ?? { partnerId: x.partner_id, displayName: x.display_name, earnings: [] };
    e.earnings.push(...amounts([x]));
    by.set(x.partner_id, e);
  }
  return [...by.values()];
}

/**
 * The sub-partner tree (every depth, per brand) with each sub-partner's own totals in the period: clicks,
 * registrations and FTDs from the daily rollups, revenue and its own commission per currency.
 */
export async function loadSubPartnerTotals(db: Db, partnerId: string, p: Period) {
  const tree = await subPartnerTree(db, partnerId, true);
  if (tree.length === 0) return [];
  const ids = [...new Set(tree.map((t) => t.partnerId))];
  const roll = await sql<{
    partner_id: string;
    brand_id: string;
    currency: string;
    clicks: string;
    registrations: string;
    ftds: string;
    revenue: string;
  }>`
    select partner_id, brand_id, currency, sum(clicks)::text as clicks, sum(registrations)::text as registrations,
      sum(ftds)::text as ftds, sum(revenue)::text as revenue
    from rollups_daily
    where partner_id in (${sql.join(ids.map((i) => sql`${i}::uuid`))}) and day >= ${p.from}::date and day < ${p.to}::date
    group by 1, 2, 3`.execute(db);
  const comm = await sql<{ partner_id: string; brand_id: string; currency: string; amount: string }>`
    select partner_id, brand_id, currency, sum(amount)::text as amount from commission_lines
    where partner_id in (${sql.join(ids.map((i) => sql`${i}::uuid`))}) and payee = 'partner'
      and state not in ('rejected', 'reversed')
      and source_period >= ${p.from.slice(0, 7)} and source_period < ${p.to.slice(0, 7)}
    group by 1, 2, 3`.execute(db);
  return tree.map((t) => {
    const mine = roll.rows.filter((x) => x.partner_id === t.partnerId && x.brand_id === t.brandId);
    const sum = (k: 'clicks' | 'registrations' | 'ftds') => mine.reduce((a, x) => a + Number(x[k]), 0);
    return {
      ...t,
      clicks: sum('clicks'),
      registrations: sum('registrations'),
      ftds: sum('ftds'),
      revenue: amounts(mine.map((x) => ({ currency: x.currency, amount: x.revenue }))),
      commission: amounts(comm.rows.filter((x) => x.partner_id === t.partnerId && x.brand_id === t.brandId)),
    };
  });
}

/**
 * The balance card: per currency the pending (booked, awaiting approval), approved (approved, held until
 * its date), payable and in-payout commission of the partner's lines; per brand the payout threshold and
 * the estimated next payout date.
 */
export async function loadBalanceSummary(db: Db, partnerId: string, today: string) {
  const lines = await db
    .selectFrom('commission_lines')
    .select(['currency', 'state', sql<string>`sum(amount)::text`.as('amount')])
    .where('partner_id', '=', partnerId)
    .where('payee', '=', 'partner')
    .where('state', 'in', ['pending', 'approved', 'payable'])
    .groupBy(['currency', 'state'])
    .execute();
  const inPayout = await db
    .selectFrom('commission_lines')
    .select(['currency', sql<string>`sum(amount)::text`.as('amount')])
    .where('partner_id', '=', partnerId)
    .where('payee', '=', 'partner')
    .where('state', '=', 'payable')
    .where('payout_line_id', 'is not', null)
    .groupBy('currency')
    .execute();
  const currencies = [...new Set(lines.map((l) => l.currency))].sort();
  const pick = (c: string, s: string) =>
    BigInt(lines.find((l) => l.currency === c && l.state === s)?.amount ?? 0);
  const balances = currencies.map((c) => {
    const queued = BigInt(inPayout.find((x) => x.currency === c)?.amount ?? 0);
    return {
      currency: c,
      pendingMinor: pick(c, 'pending').toString(),
      approvedMinor: pick(c, 'approved').toString(),
      payableMinor: (pick(c, 'payable') - queued).toString(),
      inPayoutMinor: queued.toString(),
    };
  });
  const brands = await db
    .selectFrom('partner_brands as pb')
    .innerJoin('brands as b', 'b.id', 'pb.brand_id')
    .select(['b.id', 'b.name', 'b.currency'])
    .where('pb.partner_id', '=', partnerId)
    .orderBy('b.name')
    .execute();
  const payouts = [];
  for (const b of brands) {
    const s = await loadLedgerSettings(db, b.id);
    payouts.push({
      brandId: b.id,
      brandName: b.name,
      currency: b.currency,
      thresholdMinor: s.minPayout.toString(),
      schedule: s.schedule,
      netDays: s.netDays,
      nextPayoutDate: decideNextPayoutDate(s.schedule, s.netDays, today),
    });
  }
  return { balances, payouts };
}

export type IbGroupBy = 'date' | 'month' | 'sub_ib';

/**
 * IB volume of the period (trades closed in [from, to)): lots and trades of the partner's own clients and
 * of its sub-IBs' clients (every depth, every brand). Grouped by day, month, or by sub-IB (own clients
 * under the partner itself). Lots are exact decimals (text).
 */
export async function loadIbVolume(db: Db, partnerId: string, p: Period, groupBy: IbGroupBy) {
  const key =
    groupBy === 'date'
      ? sql`to_char(t.closed_at at time zone 'UTC', 'YYYY-MM-DD')`
      : groupBy === 'month'
        ? sql`to_char(t.closed_at at time zone 'UTC', 'YYYY-MM')`
        : sql`c.owner_partner_id::text`;
  const r = await sql<{ key: string; own: boolean; lots: string; trades: string }>`
    with recursive tree(partner_id, brand_id, depth) as (
      select partner_id, brand_id, 1 from partner_brands where parent_partner_id = ${partnerId}::uuid
      union all
      select pb.partner_id, pb.brand_id, t.depth + 1 from partner_brands pb
        join tree t on pb.parent_partner_id = t.partner_id and pb.brand_id = t.brand_id
        where t.depth < 50
    ), owners(partner_id, brand_id, own) as (
      select ${partnerId}::uuid, null::uuid, true
      union all
      select distinct partner_id, brand_id, false from tree
    )
    select ${key} as key, o.own, coalesce(sum(t.lots), 0)::text as lots, count(*)::text as trades
    from trades t
    join customers c on c.id = t.customer_id
    join owners o on o.partner_id = c.owner_partner_id and (o.brand_id is null or o.brand_id = c.brand_id)
    where t.closed_at >= ${p.from}::date and t.closed_at < ${p.to}::date
    group by 1, 2 order by 1`.execute(db);
  const names =
    groupBy === 'sub_ib' && r.rows.length > 0
      ? await db
          .selectFrom('partners')
          .select(['id', 'display_name'])
          .where(
            'id',
            'in',
            r.rows.map((x) => x.key),
          )
          .execute()
      : [];
  const by = new Map<
    string,
    { key: string; label: string; lots: string; trades: number; subIbLots: string; subIbTrades: number }
  >();
  for (const x of r.rows) {
    const row = by.get(x.key) ?? {
      key: x.key,
      label:
        groupBy === 'sub_ib'
          ? x.key === partnerId
            ? 'Own clients'
            : (names.find((n) => n.id === x.key)?.display_name ?? x.key)
          : x.key,
      lots: '0',
      trades: 0,
      subIbLots: '0',
      subIbTrades: 0,
    };
    if (x.own) {
      row.lots = x.lots;
      row.trades = Number(x.trades);
    } else {
      row.subIbLots = x.lots;
      row.subIbTrades = Number(x.trades);
    }
    by.set(x.key, row);
  }
  return [...by.values()];
}

/**
 * The partner's customers by their country (registered in [from, to)): registrations, FTDs and first
 * deposits per currency. Clicks are not broken down by country (the rollups carry no country).
 */
export async function loadCountryReport(db: Db, partnerId: string, p: Period) {
  const r = await sql<{
    country: string;
    registrations: string;
    ftds: string;
    currency: string | null;
    amount: string | null;
  }>`
    select coalesce(c.country, '') as country, count(*)::text as registrations,
      count(c.first_deposit_at)::text as ftds, c.first_deposit_currency as currency,
      sum(c.first_deposit_amount)::text as amount
    from customers c
    where c.owner_partner_id = ${partnerId}::uuid and c.registered_at >= ${p.from}::date and c.registered_at < ${p.to}::date
    group by 1, 4 order by 1, 4`.execute(db);
  const by = new Map<
    string,
    { country: string; registrations: number; ftds: number; firstDeposits: Amount[] }
  >();
  for (const x of r.rows) {
    const row = by.get(x.country) ?? { country: x.country, registrations: 0, ftds: 0, firstDeposits: [] };
    row.registrations += Number(x.registrations);
    row.ftds += Number(x.ftds);
    if (x.currency && x.amount)
      row.firstDeposits.push(...amounts([{ currency: x.currency, amount: x.amount }]));
    by.set(x.country, row);
  }
  return [...by.values()];
}

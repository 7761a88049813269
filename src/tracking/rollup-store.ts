import { type Kysely, sql, type Transaction } from 'kysely';
import type { RollupDelta } from '../attribution/calculate-event-effects.js';
import type { Database, Segment } from '../platform/db/schema.js';

type Db = Kysely<Database> | Transaction<Database>;

/**
 * Adds a delta to the hourly (UTC hour) and daily (brand-local day) rollups of one partner segment, link
 * and sub-id. Rollups are maintained as data arrives, so reports never scan raw clicks or events.
 */
export async function applyRollupDelta(
  db: Db,
  input: {
    at: Date;
    brandId: string;
    partnerId: string;
    segment: Segment;
    linkId: string | null;
    subId: string | null;
    currency: string;
    delta: RollupDelta;
  },
): Promise<void> {
  const d = input.delta;
  const values = sql`${input.brandId}::uuid, ${input.partnerId}::uuid, ${input.segment}, ${input.linkId}::uuid,
    ${input.subId ?? ''}, ${input.currency}, ${String(d.registrations)}::int8, ${String(d.ftds)}::int8,
    ${String(d.ftdAmount)}::int8, ${String(d.deposits)}::int8, ${String(d.depositAmount)}::int8,
    ${String(d.purchases)}::int8, ${String(d.purchaseAmount)}::int8, ${String(d.refundAmount)}::int8,
    ${String(d.revenue)}::int8`;
  const set = sql`registrations = r.registrations + excluded.registrations, ftds = r.ftds + excluded.ftds,
    ftd_amount = r.ftd_amount + excluded.ftd_amount, deposits = r.deposits + excluded.deposits,
    deposit_amount = r.deposit_amount + excluded.deposit_amount, purchases = r.purchases + excluded.purchases,
    purchase_amount = r.purchase_amount + excluded.purchase_amount,
    refund_amount = r.refund_amount + excluded.refund_amount, revenue = r.revenue + excluded.revenue`;
  const cols = sql`brand_id, partner_id, segment, link_id, sub_id, currency, registrations, ftds, ftd_amount, deposits,
    deposit_amount, purchases, purchase_amount, refund_amount, revenue`;
  await sql`
    with h as (
      insert into rollups_hourly as r (hour, ${cols})
      values (date_trunc('hour', ${input.at}::timestamptz), ${values})
      on conflict on constraint rollups_hour_key do update set ${set}
      returning 1
    )
    insert into rollups_daily as r (day, ${cols})
    select (${input.at}::timestamptz at time zone b.timezone)::date, ${values} from brands b where b.id = ${input.brandId}
    on conflict on constraint rollups_day_key do update set ${set}`.execute(db);
}

export interface RollupFilter {
  grain: 'hour' | 'day';
  brandId?: string | undefined;
  partnerId?: string | undefined;
  from: string;
  to: string;
}

/** Rollup rows in [from, to), totals per bucket, brand, partner segment, link, sub-id and currency. */
export async function listRollups(db: Db, f: RollupFilter) {
  const table = f.grain === 'hour' ? 'rollups_hourly' : 'rollups_daily';
  const bucket = f.grain === 'hour' ? 'hour' : 'day';
  const r = await sql<Record<string, unknown>>`
    select ${sql.ref(bucket)}::text as bucket, brand_id, partner_id, segment, link_id, sub_id, currency,
      clicks, unique_clicks, registrations, ftds, ftd_amount, deposits, deposit_amount, purchases, purchase_amount,
      refund_amount, revenue
    from ${sql.table(table)}
    where ${sql.ref(bucket)} >= ${f.from} and ${sql.ref(bucket)} < ${f.to}
      ${f.brandId ? sql`and brand_id = ${f.brandId}` : sql``}
      ${f.partnerId ? sql`and partner_id = ${f.partnerId}` : sql``}
    order by 1, brand_id, partner_id, segment, link_id, sub_id, currency
    limit 10000`.execute(db);
  return r.rows;
}

/**
 * Recomputes every rollup (and the unique-click markers) from the stored clicks, events and activity: for
 * seeded demo data and for repairs. Rollups are otherwise maintained as data arrives. Run it when no
 * traffic is being written.
 */
export async function rebuildRollups(db: Db): Promise<void> {
  const source = sql`
    with c as (
      select k.*, b.currency, (k.clicked_at at time zone b.timezone)::date as day,
        row_number() over (partition by (k.clicked_at at time zone b.timezone)::date, coalesce(k.link_id, k.promo_code_id),
          k.visitor_id order by k.clicked_at, k.id) as nth
      from clicks k join brands b on b.id = k.brand_id where not k.is_bot
    ),
    ev as (
      select e.*, cu.owner_partner_id, cu.owner_segment, cu.owner_link_id, cu.owner_sub_id
      from events e join customers cu on cu.id = e.customer_id
      where cu.owner_partner_id is not null and e.status in ('approved', 'completed', 'success')
    ),
    src as (
      select clicked_at as at, day as local_day, brand_id, partner_id, segment, link_id, coalesce(sub1, '') as sub_id,
        currency, 1 as clicks, (nth = 1)::int as unique_clicks, 0 as registrations, 0 as ftds, 0::int8 as ftd_amount,
        0 as deposits, 0::int8 as deposit_amount, 0 as purchases, 0::int8 as purchase_amount, 0::int8 as refund_amount,
        0::int8 as revenue
      from c
      union all
      select occurred_at, (occurred_at at time zone b.timezone)::date, brand_id, owner_partner_id, owner_segment,
        owner_link_id, coalesce(owner_sub_id, ''),
        coalesce(ev.currency, b.currency), 0, 0, (type = 'registration')::int, (type = 'ftd')::int,
        case when type = 'ftd' then amount else 0 end, (type in ('ftd', 'deposit'))::int,
        case when type in ('ftd', 'deposit') then amount else 0 end, (type = 'purchase')::int,
        case when type = 'purchase' then amount else 0 end,
        case when type in ('refund', 'chargeback') then amount else 0 end, 0
      from ev join brands b on b.id = ev.brand_id
      union all
      select x.at, x.local_day, x.brand_id, cu.owner_partner_id, cu.owner_segment, cu.owner_link_id,
        coalesce(cu.owner_sub_id, ''), x.currency, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, x.revenue
      from (
        select brand_id, customer_id, day::timestamp as at, day as local_day, currency,
          stakes - wins - bonuses - jackpot_contributions - gaming_tax - payment_fees - chargebacks - admin_fee as revenue
        from igaming_days
        union all
        select t.brand_id, customer_id, closed_at, (closed_at at time zone tb.timezone)::date, t.currency,
          round(lots * (spread_per_lot + markup_per_lot))::int8 + commission
        from trades t join brands tb on tb.id = t.brand_id
        union all
        select brand_id, customer_id, day::timestamp, day, currency, amount_paid from prop_purchases
        union all
        select brand_id, customer_id, day::timestamp, day, currency, -amount from prop_refunds
      ) x join customers cu on cu.id = x.customer_id where cu.owner_partner_id is not null
    )`;
  const sums = sql`sum(clicks), sum(unique_clicks), sum(registrations), sum(ftds), sum(ftd_amount), sum(deposits),
    sum(deposit_amount), sum(purchases), sum(purchase_amount), sum(refund_amount), sum(revenue)`;
  const cols = sql`brand_id, partner_id, segment, link_id, sub_id, currency, clicks, unique_clicks, registrations, ftds,
    ftd_amount, deposits, deposit_amount, purchases, purchase_amount, refund_amount, revenue`;
  await sql`delete from rollups_hourly`.execute(db);
  await sql`delete from rollups_daily`.execute(db);
  await sql`delete from click_uniques`.execute(db);
  await sql`insert into click_uniques (day, link_id, visitor_id)
    select distinct (k.clicked_at at time zone b.timezone)::date, coalesce(k.link_id, k.promo_code_id), k.visitor_id
    from clicks k join brands b on b.id = k.brand_id where not k.is_bot`.execute(db);
  await sql`${source} insert into rollups_hourly (hour, ${cols})
    select date_trunc('hour', at), brand_id, partner_id, segment, link_id, sub_id, currency, ${sums}
    from src group by 1, 2, 3, 4, 5, 6, 7`.execute(db);
  // the brand-local day: day-based activity (iGaming days, prop purchases and refunds) is already dated in the
  // brand's calendar, exactly as the intake books it; timestamps are converted to the brand's time zone
  await sql`${source} insert into rollups_daily (day, ${cols})
    select local_day, brand_id, partner_id, segment, link_id, sub_id, currency, ${sums}
    from src group by 1, 2, 3, 4, 5, 6, 7`.execute(db);
}

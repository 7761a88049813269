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

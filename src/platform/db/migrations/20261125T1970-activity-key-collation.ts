import { type Kysely, sql } from 'kysely';

/**
 * The operator's external ids of activity rows (trade, purchase, refund and payout ids) compare byte-wise
 * (`collate "C"`): they are opaque keys, and the primary keys `(brand_id, <id>)` that make imports
 * idempotent are probed and grown for every imported row. Under a linguistic collation (the database
 * default, e.g. en_US.UTF-8 or C.UTF-8) every comparison goes through strcoll; byte-wise it is a memcmp.
 * Equality is unchanged; only the order of these ids (keyset pages of the close) becomes byte order.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const statements = [
    sql`alter table trades alter column trade_id type text collate "C"`,
    sql`alter table prop_purchases alter column purchase_id type text collate "C"`,
    sql`alter table prop_refunds alter column refund_id type text collate "C"`,
    sql`alter table funded_payouts alter column payout_id type text collate "C"`,
  ];
  for (const s of statements) await s.execute(db);
}

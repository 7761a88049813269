import { type Kysely, sql } from 'kysely';

/**
 * Reporting (issue 7): per-brand tier weights for the weighted-onboardings KPI, the customer-cohort
 * aggregate behind customer LTV (refreshed from the activity tables, never read per request from them),
 * and the indexes the KPI and report queries use so that they read rollups and small tables only.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const statements = [
    // Weight of each tier per brand; a brand without rows uses the default order (1 for the lowest, +1 above).
    sql`create table kpi_tier_weights (
      brand_id uuid not null references brands (id),
      tier text not null,
      weight int not null check (weight > 0),
      updated_at timestamptz not null,
      primary key (brand_id, tier)
    )`,
    // Partner-attributed customers by registration month ('YYYY-MM') and their revenue to date, per currency:
    // customers are counted on the brand-currency row; other currencies carry revenue only.
    sql`create table reporting_customer_cohorts (
      brand_id uuid not null,
      partner_id uuid not null,
      segment text not null,
      cohort text not null check (cohort ~ '^[0-9]{4}-[0-9]{2}$'),
      currency text not null,
      customers int8 not null default 0,
      -- revenue to date, minor units of currency
      revenue int8 not null default 0,
      refreshed_at timestamptz not null,
      primary key (cohort, brand_id, partner_id, segment, currency)
    )`,
    sql`create index rollups_daily_partner_day_idx on rollups_daily (partner_id, day)`,
    sql`create index partners_onboarded_idx on partners (onboarded_at) where onboarded_at is not null`,
    sql`create index contracts_accepted_idx on contracts (partner_id, accepted_at) where accepted_at is not null`,
    sql`create index attribution_overlaps_detected_idx on attribution_overlaps (detected_at)`,
    sql`create index commission_lines_customer_idx on commission_lines (customer_id) where customer_id is not null`,
    sql`create index nps_answers_answered_idx on nps_answers (answered_at)`,
    sql`create index customers_registered_idx on customers (registered_at) where owner_partner_id is not null`,
  ];
  for (const s of statements) await s.execute(db);
}

import { type Kysely, sql } from 'kysely';

/**
 * Daily provisional accruals (issue 6): the month-to-date result of the engine over a brand's open period,
 * kept apart from the ledger. One run row per brand and period and its totals per partner segment and
 * currency; each run replaces the previous one. Never ledger entries, never commission lines.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const statements = [
    sql`create table accrual_runs (
      brand_id uuid not null references brands (id),
      period text not null check (period ~ '^[0-9]{4}-[0-9]{2}$'),
      -- the last day (brand time zone) whose activity is included
      as_of date not null,
      rows_read int8 not null,
      lines int not null,
      issues jsonb not null,
      totals jsonb not null,
      run_at timestamptz not null,
      primary key (brand_id, period)
    )`,
    sql`create table accrual_totals (
      brand_id uuid not null,
      period text not null,
      partner_id uuid not null references partners (id),
      segment text not null,
      currency text not null,
      -- minor units of currency, provisional
      amount int8 not null,
      lines int not null,
      primary key (brand_id, period, partner_id, segment, currency),
      foreign key (brand_id, period) references accrual_runs (brand_id, period) on delete cascade
    )`,
    sql`create index accrual_totals_partner_idx on accrual_totals (partner_id)`,
  ];
  for (const s of statements) await s.execute(db);
}

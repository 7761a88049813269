import { type Kysely, sql } from 'kysely';

/**
 * Reporting (issue 7): the partner-month aggregate the KPI request reads instead of the daily rollups, and the
 * staff users' saved reports.
 *
 * `reporting_partner_months` holds, per calendar month of the rollup day (brand-local), brand, partner segment
 * and currency: how many daily rollup rows there are, how many of them are active (an FTD, a purchase, or on a
 * forex brand non-zero revenue: the KPI definition; a brand's vertical is fixed) and their revenue.
 * Statement-level triggers on `rollups_daily` keep it equal to the aggregation of the daily rows in the writing
 * transaction, whoever writes them (intake, click flush, activity, rebuild, repairs): inserts add, deletes
 * subtract, updates add the new rows and subtract the old ones (nothing is written when neither changes).
 * Rows whose count falls to 0 after a delete are removed; readers ignore rows with `day_rows = 0`.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const active = (t: string) =>
    `(${t}.ftds > 0 or ${t}.purchases > 0 or (${t}.revenue <> 0 and exists (select 1 from brands b where b.id = ${t}.brand_id and b.vertical = 'forex')))`;
  const upsert = `on conflict (month, brand_id, partner_id, segment, currency) do update set
          day_rows = m.day_rows + excluded.day_rows, active_rows = m.active_rows + excluded.active_rows,
          revenue = m.revenue + excluded.revenue`;
  const statements = [
    sql`create table reporting_partner_months (
      month date not null check (extract(day from month) = 1),
      brand_id uuid not null,
      partner_id uuid not null,
      segment text not null,
      currency text not null,
      -- daily rollup rows of the month, and those that are active
      day_rows int4 not null default 0,
      active_rows int4 not null default 0,
      -- minor units of currency
      revenue int8 not null default 0,
      primary key (month, brand_id, partner_id, segment, currency)
    )`,
    sql`create index reporting_partner_months_partner_idx on reporting_partner_months (partner_id, month)`,
    // One function for the three triggers: each names only the transition tables its event has.
    sql.raw(`create function reporting_partner_months_apply() returns trigger language plpgsql as $fn$
    begin
      if tg_op = 'INSERT' then
        insert into reporting_partner_months as m (month, brand_id, partner_id, segment, currency, day_rows,
          active_rows, revenue)
        select date_trunc('month', n.day)::date, n.brand_id, n.partner_id, n.segment, n.currency, count(*),
          count(*) filter (where ${active('n')}), sum(n.revenue)
        from rollups_months_new n group by 1, 2, 3, 4, 5 order by 1, 2, 3, 4, 5
        ${upsert};
      elsif tg_op = 'UPDATE' then
        insert into reporting_partner_months as m (month, brand_id, partner_id, segment, currency, day_rows,
          active_rows, revenue)
        select month, brand_id, partner_id, segment, currency, sum(d), sum(a), sum(r) from (
          select date_trunc('month', n.day)::date as month, n.brand_id, n.partner_id, n.segment, n.currency, 1 as d,
            ${active('n')}::int as a, n.revenue as r
          from rollups_months_new n
          union all
          select date_trunc('month', o.day)::date, o.brand_id, o.partner_id, o.segment, o.currency, -1,
            -${active('o')}::int, -o.revenue
          from rollups_months_old o
        ) x group by 1, 2, 3, 4, 5
        having sum(d) <> 0 or sum(a) <> 0 or sum(r) <> 0
        order by 1, 2, 3, 4, 5
        ${upsert};
      else
        update reporting_partner_months m set day_rows = m.day_rows - x.d, active_rows = m.active_rows - x.a,
          revenue = m.revenue - x.r
        from (
          select date_trunc('month', o.day)::date as month, o.brand_id, o.partner_id, o.segment, o.currency,
            count(*) as d, count(*) filter (where ${active('o')}) as a, sum(o.revenue) as r
          from rollups_months_old o group by 1, 2, 3, 4, 5
        ) x
        where m.month = x.month and m.brand_id = x.brand_id and m.partner_id = x.partner_id
          and m.segment = x.segment and m.currency = x.currency;
        delete from reporting_partner_months m using (
          select distinct date_trunc('month', o.day)::date as month, o.brand_id, o.partner_id, o.segment, o.currency
          from rollups_months_old o
        ) x
        where m.day_rows = 0 and m.month = x.month and m.brand_id = x.brand_id and m.partner_id = x.partner_id
          and m.segment = x.segment and m.currency = x.currency;
      end if;
      return null;
    end
    $fn$`),
    sql`create trigger rollups_daily_months_insert after insert on rollups_daily
      referencing new table as rollups_months_new for each statement execute function reporting_partner_months_apply()`,
    sql`create trigger rollups_daily_months_update after update on rollups_daily
      referencing old table as rollups_months_old new table as rollups_months_new
      for each statement execute function reporting_partner_months_apply()`,
    sql`create trigger rollups_daily_months_delete after delete on rollups_daily
      referencing old table as rollups_months_old for each statement execute function reporting_partner_months_apply()`,
    // the rollups already written
    sql.raw(`insert into reporting_partner_months (month, brand_id, partner_id, segment, currency, day_rows,
        active_rows, revenue)
      select date_trunc('month', r.day)::date, r.brand_id, r.partner_id, r.segment, r.currency, count(*),
        count(*) filter (where ${active('r')}), sum(r.revenue)
      from rollups_daily r group by 1, 2, 3, 4, 5`),

    // A staff user's saved report definitions (the Reports page's group-by, columns, filters, comparison).
    sql`create table saved_reports (
      id uuid primary key,
      user_id uuid not null references users (id),
      name text not null check (length(name) between 1 and 100),
      definition jsonb not null,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      constraint saved_reports_name_key unique (user_id, name)
    )`,
  ];
  for (const s of statements) await s.execute(db);
}

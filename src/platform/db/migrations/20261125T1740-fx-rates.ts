import { type Kysely, sql } from 'kysely';

/** Exchange rates: 1 base = rate quote on rate_date, with the source (ECB reference rates, an import, the API). */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create table fx_rates (
    rate_date date not null,
    base char(3) not null check (base ~ '^[A-Z]{3}$'),
    quote char(3) not null check (quote ~ '^[A-Z]{3}$' and quote <> base),
    rate numeric(28, 10) not null check (rate > 0),
    source text not null,
    imported_at timestamptz not null,
    primary key (base, quote, rate_date)
  )`.execute(db);
}

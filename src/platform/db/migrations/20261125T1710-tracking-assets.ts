import { type Kysely, sql } from 'kysely';

/**
 * Tracking assets: links (carrying sub-ids) and promo codes, each tying traffic to one partner in one
 * segment for one brand. Codes are unique across links and promo codes of every partner (case-insensitive).
 */
export async function up(db: Kysely<any>): Promise<void> {
  const statements = [
    sql`create table tracking_links (
      id uuid primary key,
      code text not null check (code ~ '^[A-Za-z0-9_-]{3,64}$'),
      partner_id uuid not null references partners (id),
      segment text not null check (segment in ('affiliate', 'ib', 'ambassador', 'influencer', 'integrator', 'reseller')),
      brand_id uuid not null references brands (id),
      kind text not null default 'custom' check (kind in ('default', 'custom', 'recruitment')),
      name text not null default '',
      landing_url text,
      sub_ids jsonb not null default '{}',
      status text not null default 'active' check (status in ('active', 'paused')),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`,
    sql`create unique index tracking_links_code_key on tracking_links (lower(code))`,
    sql`create index tracking_links_partner_idx on tracking_links (partner_id)`,
    sql`create table promo_codes (
      id uuid primary key,
      code text not null check (code ~ '^[A-Z0-9-]{3,32}$'),
      partner_id uuid not null references partners (id),
      segment text not null check (segment in ('affiliate', 'ib', 'ambassador', 'influencer', 'integrator', 'reseller')),
      brand_id uuid not null references brands (id),
      status text not null default 'active' check (status in ('active', 'paused')),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`,
    sql`create unique index promo_codes_code_key on promo_codes (code)`,
    sql`create index promo_codes_partner_idx on promo_codes (partner_id)`,
  ];
  for (const s of statements) await s.execute(db);
}

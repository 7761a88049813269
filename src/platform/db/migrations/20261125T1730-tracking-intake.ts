import { type Kysely, sql } from 'kysely';

/**
 * Tracking, attribution and activity intake (issue 5): clicks, customers and their ownership, overlaps,
 * flags, inbound events with versions, the engine's activity tables, hourly/daily rollups and outbound
 * partner postbacks. Amounts are int8 minor units of the row's `currency`; lots are numeric.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const statements = [
    // Per-brand attribution settings (DOMAIN.md): a missing row means the defaults.
    sql`create table attribution_settings (
      brand_id uuid primary key references brands (id),
      model text not null default 'last_click' check (model in ('last_click', 'first_click')),
      window_days int not null default 30 check (window_days between 1 and 365),
      code_overrides_link boolean not null default true,
      lock_on text not null default 'registration' check (lock_on in ('registration', 'first_purchase')),
      -- days the lock lasts; null = for good
      lock_days int check (lock_days is null or lock_days > 0),
      updated_at timestamptz not null default now()
    )`,

    // Per-brand HMAC secret for signed postbacks (kept in clear: verifying an HMAC needs the secret).
    sql`create table event_signing_secrets (
      brand_id uuid primary key references brands (id),
      secret text not null,
      created_at timestamptz not null
    )`,

    // Clicks: written in batches from the redirect's buffer; no foreign keys (insert speed), ids are UUIDv7.
    sql`create table clicks (
      id uuid primary key,
      clicked_at timestamptz not null,
      link_id uuid,
      promo_code_id uuid,
      partner_id uuid not null,
      segment text not null,
      brand_id uuid not null,
      -- HMAC-SHA256 of the client address with the install's salt (never the address itself)
      ip_hash text not null,
      -- first-party visitor cookie, or a hash of address + user agent when the cookie is absent
      visitor_id text not null,
      user_agent text,
      referer text,
      country text,
      sub1 text, sub2 text, sub3 text, sub4 text, sub5 text,
      is_bot boolean not null default false
    )`,
    sql`create index clicks_visitor_idx on clicks (visitor_id, clicked_at)`,
    // One row per (day, link, visitor): the unique-click counter.
    sql`create table click_uniques (
      day date not null,
      link_id uuid not null,
      visitor_id text not null,
      primary key (day, link_id, visitor_id)
    )`,
    // Redirects that found no active link: unknown code, paused link or partner not active.
    sql`create table redirect_misses (
      hour timestamptz not null,
      code text not null,
      reason text not null check (reason in ('unknown', 'paused', 'partner_inactive')),
      count int8 not null default 0,
      primary key (hour, code, reason)
    )`,

    sql`create table customers (
      id uuid primary key,
      brand_id uuid not null references brands (id),
      -- the operator's id of the customer (never shown to partners)
      external_id text not null,
      -- pseudonymous id shown to partners and used by the engine
      public_id text not null unique,
      owner_partner_id uuid references partners (id),
      owner_segment text,
      owner_link_id uuid,
      owner_promo_code_id uuid,
      owner_click_id uuid,
      owner_sub_id text,
      attribution_source text not null default 'none' check (attribution_source in ('none', 'click', 'code', 'staff')),
      attributed_at timestamptz,
      registered_at timestamptz,
      first_deposit_at timestamptz,
      first_deposit_amount int8,
      first_deposit_currency text,
      first_purchase_at timestamptz,
      -- ownership locked from this time (registration, or first purchase in prop)
      locked_at timestamptz,
      country text,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (brand_id, external_id)
    )`,
    sql`create index customers_owner_idx on customers (owner_partner_id, owner_segment)`,
    sql`create table customer_ownership_history (
      id uuid primary key,
      customer_id uuid not null references customers (id),
      partner_id uuid,
      segment text,
      source text not null check (source in ('click', 'code', 'staff', 'none')),
      -- 'attribution' (automatic) or 'staff' (reassignment, with reason)
      decided_by text not null check (decided_by in ('attribution', 'staff')),
      reason text,
      event_id uuid,
      actor_id text,
      decided_at timestamptz not null
    )`,
    sql`create index customer_ownership_history_customer_idx on customer_ownership_history (customer_id, decided_at)`,
    sql`create table attribution_overlaps (
      id uuid primary key,
      customer_id uuid not null references customers (id),
      brand_id uuid not null,
      owner_partner_id uuid,
      owner_segment text,
      competing_partner_id uuid not null,
      competing_segment text not null,
      source text not null check (source in ('click', 'code')),
      click_id uuid,
      promo_code_id uuid,
      event_id uuid,
      detected_at timestamptz not null
    )`,
    sql`create unique index attribution_overlaps_claim_key on attribution_overlaps (customer_id, competing_partner_id, competing_segment, event_id) nulls not distinct`,
    sql`create table customer_flags (
      id uuid primary key,
      customer_id uuid not null references customers (id),
      flag text not null check (flag in ('self_excluded', 'duplicate', 'fraud')),
      reason text not null,
      set_by text,
      set_at timestamptz not null,
      cleared_at timestamptz,
      cleared_by text,
      clear_reason text
    )`,
    sql`create unique index customer_flags_active_key on customer_flags (customer_id, flag) where cleared_at is null`,

    // Inbound events (postbacks); idempotent on (brand, external id); every change is a new version.
    sql`create table events (
      id uuid primary key,
      brand_id uuid not null references brands (id),
      external_id text not null,
      type text not null check (type in ('registration', 'ftd', 'deposit', 'purchase', 'refund', 'chargeback', 'qualification')),
      status text not null default 'approved',
      customer_id uuid not null references customers (id),
      occurred_at timestamptz not null,
      amount int8,
      currency text,
      click_id uuid,
      promo_code text,
      version int not null default 1,
      content_hash text not null,
      payload jsonb not null,
      -- unknown query/body parameters, kept as sent
      extra jsonb not null default '{}',
      received_at timestamptz not null,
      updated_at timestamptz not null,
      unique (brand_id, external_id)
    )`,
    sql`create index events_customer_idx on events (customer_id, occurred_at)`,
    sql`create table event_versions (
      event_id uuid not null references events (id),
      version int not null,
      content_hash text not null,
      payload jsonb not null,
      extra jsonb not null,
      received_at timestamptz not null,
      actor_id text,
      primary key (event_id, version)
    )`,

    // ---- activity for the commission engine (one row per external id; changed re-sends bump version) ----
    // No foreign keys here: bulk imports resolve customers by join, and FK checks would halve COPY speed.
    sql`create table igaming_days (
      brand_id uuid not null,
      customer_id uuid not null,
      day date not null,
      currency text not null,
      stakes int8 not null,
      wins int8 not null,
      bonuses int8 not null default 0,
      jackpot_contributions int8 not null default 0,
      gaming_tax int8 not null default 0,
      payment_fees int8 not null default 0,
      chargebacks int8 not null default 0,
      admin_fee int8 not null default 0,
      deposits int8 not null default 0,
      bets int not null default 0,
      version int not null default 1,
      received_at timestamptz not null,
      primary key (brand_id, customer_id, day, currency)
    )`,
    sql`create table trades (
      brand_id uuid not null,
      trade_id text not null,
      customer_id uuid not null,
      symbol text not null,
      instrument_class text not null,
      account_type text not null,
      side text not null check (side in ('buy', 'sell')),
      lots numeric(18, 4) not null check (lots > 0),
      opened_at timestamptz not null,
      closed_at timestamptz not null,
      currency text not null,
      -- money per lot, minor units
      spread_per_lot int8 not null default 0,
      markup_per_lot int8 not null default 0,
      -- commission charged to the client for the trade, minor units
      commission int8 not null default 0,
      equity int8,
      credit int8,
      version int not null default 1,
      received_at timestamptz not null,
      primary key (brand_id, trade_id)
    )`,
    sql`create index trades_customer_idx on trades (customer_id, closed_at)`,
    sql`create table prop_purchases (
      brand_id uuid not null,
      purchase_id text not null,
      customer_id uuid not null,
      day date not null,
      currency text not null,
      amount_paid int8 not null,
      list_price int8 not null,
      purchase_kind text not null check (purchase_kind in ('first', 'reset', 'retake', 'subscription')),
      promo_code text,
      version int not null default 1,
      received_at timestamptz not null,
      primary key (brand_id, purchase_id)
    )`,
    sql`create table prop_refunds (
      brand_id uuid not null,
      refund_id text not null,
      purchase_id text not null,
      customer_id uuid not null,
      day date not null,
      currency text not null,
      amount int8 not null,
      reason text not null check (reason in ('refund', 'chargeback')),
      version int not null default 1,
      received_at timestamptz not null,
      primary key (brand_id, refund_id)
    )`,
    sql`create table funded_payouts (
      brand_id uuid not null,
      payout_id text not null,
      customer_id uuid not null,
      day date not null,
      currency text not null,
      amount int8 not null,
      version int not null default 1,
      received_at timestamptz not null,
      primary key (brand_id, payout_id)
    )`,
    sql`create table activity_imports (
      id uuid primary key,
      brand_id uuid not null references brands (id),
      kind text not null,
      source text not null,
      rows_read int8 not null,
      rows_inserted int8 not null,
      rows_updated int8 not null,
      rows_unchanged int8 not null,
      rows_rejected int8 not null,
      started_at timestamptz not null,
      finished_at timestamptz not null
    )`,

    // ---- rollups: amounts per currency (the brand's, unless activity came in another) ----
    ...['hour', 'day'].map(
      (grain) => sql`create table ${sql.raw(`rollups_${grain === 'hour' ? 'hourly' : 'daily'}`)} (
      ${sql.raw(grain === 'hour' ? 'hour timestamptz' : 'day date')} not null,
      brand_id uuid not null,
      partner_id uuid not null,
      segment text not null,
      link_id uuid,
      sub_id text not null default '',
      currency text not null,
      clicks int8 not null default 0,
      unique_clicks int8 not null default 0,
      registrations int8 not null default 0,
      ftds int8 not null default 0,
      ftd_amount int8 not null default 0,
      deposits int8 not null default 0,
      deposit_amount int8 not null default 0,
      purchases int8 not null default 0,
      purchase_amount int8 not null default 0,
      refund_amount int8 not null default 0,
      revenue int8 not null default 0,
      constraint ${sql.raw(`rollups_${grain}_key`)} unique nulls not distinct (${sql.raw(grain)}, brand_id, partner_id, segment, link_id, sub_id, currency)
    )`,
    ),

    // ---- outbound partner postbacks ----
    sql`create table partner_postbacks (
      id uuid primary key,
      partner_id uuid not null references partners (id),
      brand_id uuid references brands (id),
      event_type text not null check (event_type in ('registration', 'ftd', 'deposit', 'purchase', 'refund', 'chargeback', 'qualification')),
      url text not null,
      enabled boolean not null default true,
      consecutive_failures int not null default 0,
      disabled_at timestamptz,
      disabled_reason text,
      created_at timestamptz not null,
      updated_at timestamptz not null
    )`,
    sql`create index partner_postbacks_partner_idx on partner_postbacks (partner_id, event_type)`,
    sql`create table postback_deliveries (
      id uuid primary key,
      postback_id uuid not null references partner_postbacks (id),
      partner_id uuid not null,
      event_id uuid not null,
      event_version int not null,
      url text not null,
      status text not null default 'pending' check (status in ('pending', 'delivered', 'failed', 'skipped')),
      attempts int not null default 0,
      last_status_code int,
      last_error text,
      created_at timestamptz not null,
      enqueued_at timestamptz,
      finished_at timestamptz,
      unique (postback_id, event_id, event_version)
    )`,
    sql`create index postback_deliveries_partner_idx on postback_deliveries (partner_id, created_at)`,
    sql`create index postback_deliveries_pending_idx on postback_deliveries (created_at) where status = 'pending'`,
  ];
  for (const s of statements) await s.execute(db);
}

import { type Kysely, sql } from 'kysely';

/** Foundation: brands, a minimal partner record, users, sessions, API keys and the hash-chained audit trail. */
export async function up(db: Kysely<any>): Promise<void> {
  const statements = [
    sql`create table brands (
      id uuid primary key,
      code text not null unique check (code ~ '^[a-z0-9][a-z0-9-]{1,39}$'),
      name text not null,
      vertical text not null check (vertical in ('igaming', 'forex', 'prop')),
      currency char(3) not null check (currency ~ '^[A-Z]{3}$'),
      timezone text not null default 'UTC',
      jurisdictions text[] not null default '{}',
      landing_url_template text not null,
      fallback_url text not null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`,
    sql`create table partners (
      id uuid primary key,
      display_name text not null,
      email text,
      country char(2),
      status text not null default 'applied',
      segments text[] not null default '{}',
      manager_user_id uuid,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`,
    sql`create table users (
      id uuid primary key,
      email text not null,
      display_name text not null,
      password_hash text not null,
      role text not null check (role in ('admin', 'partner_manager', 'finance', 'compliance', 'analyst', 'partner')),
      partner_id uuid references partners (id),
      totp_secret text,
      totp_enabled_at timestamptz,
      totp_last_step bigint,
      failed_login_count integer not null default 0,
      locked_until timestamptz,
      disabled_at timestamptz,
      password_changed_at timestamptz not null default now(),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      check ((role = 'partner') = (partner_id is not null))
    )`,
    sql`create unique index users_email_key on users (lower(email))`,
    sql`alter table partners add foreign key (manager_user_id) references users (id)`,
    sql`create table sessions (
      id text primary key,
      user_id uuid not null references users (id),
      csrf_token text not null,
      mfa_pending boolean not null default false,
      ip text,
      user_agent text,
      created_at timestamptz not null default now(),
      expires_at timestamptz not null,
      revoked_at timestamptz
    )`,
    sql`create index sessions_user_idx on sessions (user_id)`,
    sql`create table password_resets (
      token_hash text primary key,
      user_id uuid not null references users (id),
      expires_at timestamptz not null,
      used_at timestamptz,
      created_at timestamptz not null default now()
    )`,
    sql`create table api_keys (
      id uuid primary key,
      prefix text not null unique,
      secret_hash text not null,
      name text not null,
      kind text not null check (kind in ('operator', 'partner')),
      scopes text[] not null,
      brand_ids uuid[] not null default '{}',
      partner_id uuid references partners (id),
      created_by uuid references users (id),
      created_at timestamptz not null default now(),
      expires_at timestamptz,
      revoked_at timestamptz,
      last_used_at timestamptz,
      check ((kind = 'partner') = (partner_id is not null))
    )`,
    sql`create table audit_log (
      id bigserial primary key,
      occurred_at timestamptz not null,
      actor_type text not null,
      actor_id text,
      action text not null,
      entity_type text not null,
      entity_id text,
      diff jsonb,
      request_id text,
      ip text
    )`,
    sql`create index audit_log_entity_idx on audit_log (entity_type, entity_id)`,
    sql`create index audit_log_occurred_idx on audit_log (occurred_at)`,
    sql`create table audit_chain (
      seq bigint primary key,
      audit_id bigint not null unique,
      prev_hash text not null,
      hash text not null,
      chained_at timestamptz not null default now()
    )`,
    sql`create table audit_verifications (
      id bigserial primary key,
      verified_at timestamptz not null,
      ok boolean not null,
      checked bigint not null,
      head_seq bigint,
      head_hash text,
      first_broken_seq bigint,
      message text not null,
      trigger text not null
    )`,
    // The trail is append-only: ordinary SQL cannot change or remove a record. (A superuser can still
    // disable the trigger, which is what the chain verification is there to catch.)
    sql`create function consort_refuse_change() returns trigger language plpgsql as $$
      begin
        raise exception 'the audit trail is append-only (% on %)', tg_op, tg_table_name
          using errcode = 'insufficient_privilege';
      end
    $$`,
    sql`create trigger audit_log_append_only before update or delete on audit_log
      for each row execute function consort_refuse_change()`,
    sql`create trigger audit_chain_append_only before update or delete on audit_chain
      for each row execute function consort_refuse_change()`,
    sql`create trigger audit_log_no_truncate before truncate on audit_log
      for each statement execute function consort_refuse_change()`,
    sql`create trigger audit_chain_no_truncate before truncate on audit_chain
      for each statement execute function consort_refuse_change()`,
  ];
  for (const s of statements) await s.execute(db);
}

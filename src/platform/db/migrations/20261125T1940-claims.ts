import { type Kysely, sql } from 'kysely';

/**
 * Missing-commission claims (issue 7) and view-as markers. A claim is filed by a partner and triaged by staff
 * (open → in_review → accepted | rejected) before `due_at`; an accepted claim books a manual adjustment line
 * (`adjustment_line_id`). A view-as marker lets one staff session read one partner's portal, read-only, until
 * it expires or is ended.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const statements = [
    sql`create table commission_claims (
      id uuid primary key,
      partner_id uuid not null references partners (id),
      brand_id uuid not null references brands (id),
      -- the pseudonymous customer id (cu_…) the partner sees, or the partner's own reference
      customer_ref text not null,
      -- minor units of currency
      expected_amount int8 not null check (expected_amount > 0),
      currency text not null,
      reason text not null,
      period text check (period ~ '^[0-9]{4}-[0-9]{2}$'),
      state text not null default 'open' check (state in ('open', 'in_review', 'accepted', 'rejected')),
      due_at timestamptz not null,
      accepted_amount int8 check (accepted_amount > 0),
      response text,
      adjustment_line_id uuid references commission_lines (id),
      filed_by text,
      decided_by text,
      decided_at timestamptz,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      check ((state = 'accepted') = (adjustment_line_id is not null and accepted_amount is not null)),
      check (state <> 'rejected' or response is not null)
    )`,
    sql`create index commission_claims_partner_idx on commission_claims (partner_id, created_at)`,
    sql`create index commission_claims_open_idx on commission_claims (due_at) where state in ('open', 'in_review')`,
    sql`create table view_as_grants (
      id uuid primary key,
      -- the staff session (sessions.id) the marker is bound to
      session_id text not null,
      user_id uuid not null references users (id),
      partner_id uuid not null references partners (id),
      created_at timestamptz not null,
      expires_at timestamptz not null,
      ended_at timestamptz
    )`,
    sql`create index view_as_grants_session_idx on view_as_grants (session_id)`,
  ];
  for (const s of statements) await s.execute(db);
}

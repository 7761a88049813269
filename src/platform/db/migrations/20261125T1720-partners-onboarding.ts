import { type Kysely, sql } from 'kysely';

/**
 * Partners and unified onboarding (issue 4): the partner record grows contact, company, tier, tags and
 * workflow columns; payment details live apart; per-brand membership carries the sub-partner tree; status
 * history, applications (custom fields per brand and segment), invitations, encrypted documents, the
 * vetting checklist, deal templates, contracts (immutable once accepted), notes, the timeline and NPS.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const SEGMENT_CHECK = `('affiliate', 'ib', 'ambassador', 'influencer', 'integrator', 'reseller')`;
  const statements = [
    sql`alter table partners
      add column legal_name text,
      add column contact_name text,
      add column phone text,
      add column website text,
      add column company_name text,
      add column company_number text,
      add column vat_number text,
      add column address jsonb,
      add column tier text not null default 'standard',
      add column tags text[] not null default '{}',
      add column notes text,
      add column tax_form_status text not null default 'missing'
        check (tax_form_status in ('missing', 'w9', 'w8ben', 'w8bene', 'other', 'not_required')),
      add column status_reason text,
      add column status_changed_at timestamptz,
      add column onboarded_at timestamptz,
      add column activated_at timestamptz,
      add column erased_at timestamptz,
      add column commission_held boolean generated always as (status = 'suspended') stored,
      add column payouts_blocked boolean generated always as (status = 'suspended') stored`,
    sql`alter table partners add constraint partners_status_check check (status in
      ('applied', 'in_review', 'approved', 'rejected', 'contracted', 'active', 'suspended', 'terminated'))`,
    sql`create index partners_manager_idx on partners (manager_user_id)`,
    sql`create index partners_status_idx on partners (status)`,
    sql`create unique index partners_email_key on partners (lower(email)) where email is not null`,
    sql`create table partner_payment_details (
      partner_id uuid primary key references partners (id),
      method text not null check (method in ('bank_transfer', 'crypto', 'ewallet')),
      currency char(3) not null,
      details jsonb not null,
      updated_by text,
      updated_at timestamptz not null
    )`,
    sql`create table partner_brands (
      partner_id uuid not null references partners (id),
      brand_id uuid not null references brands (id),
      parent_partner_id uuid references partners (id),
      joined_at timestamptz not null,
      primary key (partner_id, brand_id),
      check (parent_partner_id is null or parent_partner_id <> partner_id)
    )`,
    sql`create index partner_brands_parent_idx on partner_brands (parent_partner_id, brand_id)`,
    sql`create index partner_brands_brand_idx on partner_brands (brand_id)`,
    sql`create table partner_status_history (
      id uuid primary key,
      partner_id uuid not null references partners (id),
      from_status text,
      to_status text not null,
      reason text,
      actor_type text not null,
      actor_id text,
      occurred_at timestamptz not null
    )`,
    sql`create index partner_status_history_partner_idx on partner_status_history (partner_id, occurred_at)`,
    sql`create table partner_events (
      id uuid primary key,
      partner_id uuid not null references partners (id),
      occurred_at timestamptz not null,
      kind text not null,
      summary text not null,
      detail jsonb not null default '{}',
      actor_type text not null,
      actor_id text
    )`,
    sql`create index partner_events_partner_idx on partner_events (partner_id, occurred_at, id)`,
    sql`create table partner_notes (
      id uuid primary key,
      partner_id uuid not null references partners (id),
      body text not null,
      remind_on date,
      done_at timestamptz,
      author_user_id uuid references users (id),
      created_at timestamptz not null
    )`,
    sql`create index partner_notes_partner_idx on partner_notes (partner_id)`,
    sql.raw(`create table application_forms (
      brand_id uuid not null references brands (id),
      segment text not null check (segment in ${SEGMENT_CHECK}),
      fields jsonb not null,
      updated_at timestamptz not null,
      primary key (brand_id, segment)
    )`),
    sql`create table applications (
      id uuid primary key,
      partner_id uuid not null references partners (id),
      brand_id uuid not null references brands (id),
      segments text[] not null,
      answers jsonb not null default '{}',
      source text not null check (source in ('public', 'invitation', 'recruitment', 'staff', 'import')),
      ip text,
      user_agent text,
      created_at timestamptz not null
    )`,
    sql`create index applications_partner_idx on applications (partner_id)`,
    sql`create table invitations (
      id uuid primary key,
      token_hash text not null unique,
      email text,
      brand_id uuid not null references brands (id),
      segments text[] not null,
      parent_partner_id uuid references partners (id),
      manager_user_id uuid references users (id),
      invited_by text,
      expires_at timestamptz not null,
      used_at timestamptz,
      partner_id uuid references partners (id),
      created_at timestamptz not null
    )`,
    sql`create table documents (
      id uuid primary key,
      partner_id uuid not null references partners (id),
      type text not null check (type in
        ('identity', 'proof_of_address', 'company_registration', 'bank_proof', 'tax_form', 'marketing_approval', 'other')),
      file_name text not null,
      mime text not null,
      size_bytes bigint not null check (size_bytes > 0),
      sha256 text not null,
      storage_key text,
      expires_on date,
      review_status text not null default 'pending' check (review_status in ('pending', 'approved', 'rejected')),
      review_note text,
      reviewed_by uuid references users (id),
      reviewed_at timestamptz,
      uploaded_by_type text not null,
      uploaded_by text,
      created_at timestamptz not null,
      erased_at timestamptz
    )`,
    sql`create index documents_partner_idx on documents (partner_id, type)`,
    sql.raw(`create table vetting_requirements (
      id uuid primary key,
      segment text not null check (segment in ${SEGMENT_CHECK}),
      jurisdiction text not null default '*',
      document_type text not null,
      note text not null default '',
      unique (segment, jurisdiction, document_type)
    )`),
    sql.raw(`create table deal_templates (
      id uuid primary key,
      brand_id uuid not null references brands (id),
      segment text not null check (segment in ${SEGMENT_CHECK}),
      tier text not null default '*',
      version integer not null check (version > 0),
      name text not null,
      terms jsonb not null,
      legal_text text not null,
      created_by text,
      created_at timestamptz not null,
      unique (brand_id, segment, tier, version)
    )`),
    sql`create table contracts (
      id uuid primary key,
      partner_id uuid not null references partners (id),
      brand_id uuid not null references brands (id),
      version integer not null check (version > 0),
      segments text[] not null,
      template_ids uuid[] not null,
      tier text not null,
      terms jsonb not null,
      rendered_text text not null,
      rendered_sha256 text not null,
      effective_from date not null,
      status text not null default 'issued' check (status in ('issued', 'accepted', 'withdrawn')),
      issued_by text,
      issued_at timestamptz not null,
      accepted_at timestamptz,
      accepted_by_user_id uuid references users (id),
      accepted_ip text,
      accepted_user_agent text,
      accepted_sha256 text,
      unique (partner_id, brand_id, version),
      check ((status = 'accepted') = (accepted_at is not null))
    )`,
    // An accepted contract is a legal record: ordinary SQL cannot change or remove it (a change is a new version).
    sql`create function consort_contract_immutable() returns trigger language plpgsql as $$
      begin
        if old.accepted_at is not null then
          raise exception 'an accepted contract is immutable (% on contract %)', tg_op, old.id
            using errcode = 'insufficient_privilege';
        end if;
        if tg_op = 'DELETE' then return old; end if;
        return new;
      end
    $$`,
    sql`create trigger contracts_immutable before update or delete on contracts
      for each row execute function consort_contract_immutable()`,
    sql`create table nps_surveys (
      id uuid primary key,
      question text not null,
      segment text,
      opened_by text,
      opened_at timestamptz not null,
      closes_at timestamptz
    )`,
    sql`create table nps_answers (
      survey_id uuid not null references nps_surveys (id),
      partner_id uuid not null references partners (id),
      score smallint not null check (score between 0 and 10),
      comment text,
      answered_by uuid references users (id),
      answered_at timestamptz not null,
      primary key (survey_id, partner_id)
    )`,
  ];
  for (const s of statements) await s.execute(db);

  // The default vetting checklist (editable by compliance): identity, bank proof and a tax form for everyone;
  // company registration for resellers and integrators; proof of address for IBs under CySEC.
  const { v7 } = await import('uuid');
  const rows: Array<[string, string, string, string]> = [];
  for (const seg of ['affiliate', 'ib', 'ambassador', 'influencer', 'integrator', 'reseller']) {
    rows.push([seg, '*', 'identity', 'Government-issued photo ID']);
    rows.push([seg, '*', 'bank_proof', 'Bank statement or letter proving the payout account']);
    rows.push([seg, '*', 'tax_form', 'W-9, W-8BEN or W-8BEN-E, or the local equivalent']);
  }
  rows.push(['reseller', '*', 'company_registration', 'Certificate of incorporation']);
  rows.push(['integrator', '*', 'company_registration', 'Certificate of incorporation']);
  rows.push(['ib', 'CySEC', 'proof_of_address', 'Utility bill or bank statement under 3 months old']);
  rows.push(['affiliate', 'UKGC', 'marketing_approval', 'Signed marketing-compliance undertaking (LCCP)']);
  for (const [segment, jurisdiction, type, note] of rows) {
    await sql`insert into vetting_requirements (id, segment, jurisdiction, document_type, note)
      values (${v7()}, ${segment}, ${jurisdiction}, ${type}, ${note})`.execute(db);
  }
}

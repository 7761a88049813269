import { type Kysely, sql } from 'kysely';

/**
 * Deliverables of ambassadors and influencers (a video, a post, an event appearance) that a deal pays a flat
 * fee for (`deliverable_fee`). The partner submits one (or staff record it); staff approve or reject it with a
 * reason; the close of the brand period in which it was delivered pays every approved one, once.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const statements = [
    sql`create table deliverables (
      id uuid primary key,
      partner_id uuid not null references partners (id),
      brand_id uuid not null references brands (id),
      segment text not null,
      -- matches a deal's deliverableTypes, e.g. youtube_video, tiktok_post, event_appearance
      deliverable_type text not null check (deliverable_type ~ '^[a-z0-9_]{1,64}$'),
      -- the submitter's own reference: one deliverable per (partner, brand, type, reference)
      external_ref text not null,
      title text not null,
      url text,
      -- the day it was delivered, in the brand's calendar: the period that pays it
      delivered_on date not null,
      status text not null default 'submitted' check (status in ('submitted', 'approved', 'rejected')),
      decided_by uuid references users (id),
      decided_at timestamptz,
      decision_reason text,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (partner_id, brand_id, deliverable_type, external_ref)
    )`,
    sql`create index deliverables_brand_day_idx on deliverables (brand_id, delivered_on) where status = 'approved'`,
    sql`create index deliverables_status_idx on deliverables (status, created_at)`,
  ];
  for (const s of statements) await s.execute(db);
}

import { type Kysely, sql } from 'kysely';

/**
 * Notifications and messages (issue 7): in-app notifications per user with their e-mail delivery state
 * (sent after commit by a pg-boss job), operator overrides of the default templates, each user's
 * preferences per event, and the message thread between a partner and its partner manager.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const statements = [
    sql`create table notifications (
      id uuid primary key,
      user_id uuid not null references users (id),
      event text not null,
      title text not null,
      body text not null,
      -- a path inside the web app (e.g. /portal/messages), or null
      link text,
      -- idempotency of scheduled notifications (e.g. document_expiring:<id>:<date>); null: none
      dedupe_key text,
      -- false when the user turned in-app notifications off for this event (the row still records the e-mail)
      in_app boolean not null,
      read_at timestamptz,
      -- off: the user does not want this e-mail; pending: to send (or retrying); sent; failed (retries exhausted)
      email_status text not null check (email_status in ('off', 'pending', 'sent', 'failed')),
      email_attempts int not null default 0,
      email_last_error text,
      email_enqueued_at timestamptz,
      email_sent_at timestamptz,
      created_at timestamptz not null,
      unique (user_id, dedupe_key)
    )`,
    sql`create index notifications_user_idx on notifications (user_id, created_at desc)`,
    sql`create index notifications_email_pending_idx on notifications (created_at) where email_status = 'pending'`,
    sql`create table notification_templates (
      event text primary key,
      subject text not null,
      body text not null,
      updated_by uuid references users (id),
      updated_at timestamptz not null
    )`,
    sql`create table notification_preferences (
      user_id uuid not null references users (id),
      event text not null,
      in_app boolean not null,
      email boolean not null,
      updated_at timestamptz not null,
      primary key (user_id, event)
    )`,
    sql`create table messages (
      id uuid primary key,
      partner_id uuid not null references partners (id),
      sender_user_id uuid not null references users (id),
      sender_side text not null check (sender_side in ('partner', 'staff')),
      body text not null,
      -- when the other side read it
      read_at timestamptz,
      created_at timestamptz not null
    )`,
    sql`create index messages_partner_idx on messages (partner_id, created_at)`,
  ];
  for (const s of statements) await s.execute(db);
}

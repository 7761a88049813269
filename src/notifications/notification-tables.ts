import type { ColumnType, Generated } from 'kysely';

/** Kysely's view of the notification and message tables (migration 20261125T1930-notifications). */
type Timestamp = ColumnType<Date, Date | string, Date | string>;

export type EmailStatus = 'off' | 'pending' | 'sent' | 'failed';

export interface NotificationTable {
  id: string;
  user_id: string;
  event: string;
  title: string;
  body: string;
  /** A path inside the web app, or null. */
  link: string | null;
  /** Idempotency key of scheduled notifications (unique per user); null: none. */
  dedupe_key: string | null;
  /** false: the user turned in-app off for this event (the row still records the e-mail). */
  in_app: boolean;
  read_at: Timestamp | null;
  email_status: EmailStatus;
  email_attempts: Generated<number>;
  email_last_error: string | null;
  email_enqueued_at: Timestamp | null;
  email_sent_at: Timestamp | null;
  created_at: Timestamp;
}

/** An operator's override of an event's default template (src/notifications/events.ts). */
export interface NotificationTemplateTable {
  event: string;
  subject: string;
  body: string;
  updated_by: string | null;
  updated_at: Timestamp;
}

/** A user's choice per event; no row: both on. */
export interface NotificationPreferenceTable {
  user_id: string;
  event: string;
  in_app: boolean;
  email: boolean;
  updated_at: Timestamp;
}

/** One message of the thread between a partner and its partner manager (staff). */
export interface MessageTable {
  id: string;
  partner_id: string;
  sender_user_id: string;
  sender_side: 'partner' | 'staff';
  body: string;
  /** When the other side read it. */
  read_at: Timestamp | null;
  created_at: Timestamp;
}

export interface NotificationTables {
  notifications: NotificationTable;
  notification_templates: NotificationTemplateTable;
  notification_preferences: NotificationPreferenceTable;
  messages: MessageTable;
}

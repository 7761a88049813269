import type { Kysely, Selectable, Transaction } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { Database } from '../platform/db/schema.js';
import { type TemplateData, renderTemplate } from './calculate-template.js';
import { kickEmailDispatch } from './email-dispatch.js';
import { EVENT_DEFINITIONS, NOTIFICATION_EVENTS, type NotificationEvent } from './events.js';
import type { NotificationTable } from './notification-tables.js';

type Db = Kysely<Database> | Transaction<Database>;
export type NotificationRow = Selectable<NotificationTable>;

export interface NotifyInput {
  event: NotificationEvent;
  /** Recipients by login id (staff or partner users). */
  userIds?: readonly string[];
  /** Every enabled login of this partner (also fills the `{partnerName}` placeholder). */
  partnerId?: string;
  /** Placeholder values (see EVENT_DEFINITIONS[event].placeholders); missing ones render empty. */
  data?: TemplateData;
  /** A path inside the web app that the notification opens (e.g. `/portal/messages`). */
  link?: string | null;
  /** Makes the call idempotent per recipient: a second notification with the same key is not created. */
  dedupeKey?: string;
}

/**
 * Notifies users of an event: per recipient, renders the operator's template (or the default) and records an
 * in-app notification and/or a pending e-mail according to the recipient's preferences. Call it with the
 * transaction of the business write, so nothing is notified for a rolled-back write; e-mails are sent after
 * commit by the `notifications.deliver` job, never in the request. Disabled logins are skipped.
 * Returns the ids of the notifications created.
 */
export async function notify(db: Db, input: NotifyInput, now: Date): Promise<string[]> {
  const ids = new Set(input.userIds ?? []);
  let partnerName: string | undefined;
  if (input.partnerId) {
    const [partner, logins] = await Promise.all([
      db.selectFrom('partners').select('display_name').where('id', '=', input.partnerId).executeTakeFirst(),
      db
        .selectFrom('users')
        .select('id')
        .where('partner_id', '=', input.partnerId)
        .where('disabled_at', 'is', null)
        .execute(),
    ]);
    partnerName = partner?.display_name;
    for (const l of logins) ids.add(l.id);
  }
  if (ids.size === 0) return [];
  const [users, prefs, template] = await Promise.all([
    db
      .selectFrom('users')
      .select(['id', 'display_name'])
      .where('id', 'in', [...ids])
      .where('disabled_at', 'is', null)
      .execute(),
    db
      .selectFrom('notification_preferences')
      .select(['user_id', 'in_app', 'email'])
      .where('user_id', 'in', [...ids])
      .where('event', '=', input.event)
      .execute(),
    loadTemplate(db, input.event),
  ]);
  const prefOf = new Map(prefs.map((p) => [p.user_id, p]));
  const created: string[] = [];
  let emails = 0;
  for (const u of users) {
    const pref = prefOf.get(u.id) ?? { in_app: true, email: true };
    if (!pref.in_app && !pref.email) continue;
    const data: TemplateData = {
      recipientName: u.display_name,
      ...(partnerName !== undefined ? { partnerName } : {}),
      ...input.data,
    };
    const row = await db
      .insertInto('notifications')
      .values({
        id: uuidv7(),
        user_id: u.id,
        event: input.event,
        title: renderTemplate(template.subject, data).slice(0, 300),
        body: renderTemplate(template.body, data).slice(0, 10_000),
        link: input.link ?? null,
        dedupe_key: input.dedupeKey ?? null,
        in_app: pref.in_app,
        read_at: null,
        email_status: pref.email ? 'pending' : 'off',
        email_last_error: null,
        email_enqueued_at: null,
        email_sent_at: null,
        created_at: now,
      })
      .onConflict((oc) => oc.columns(['user_id', 'dedupe_key']).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!row) continue;
    created.push(row.id);
    if (pref.email) emails += 1;
  }
  if (emails > 0) kickEmailDispatch();
  return created;
}

/** The template in force for an event: the operator's override, else the default shipped in code. */
export async function loadTemplate(
  db: Db,
  event: NotificationEvent,
): Promise<{ subject: string; body: string; overridden: boolean; updatedAt: Date | null }> {
  const o = await db
    .selectFrom('notification_templates')
    .selectAll()
    .where('event', '=', event)
    .executeTakeFirst();
  if (o) return { subject: o.subject, body: o.body, overridden: true, updatedAt: o.updated_at };
  const d = EVENT_DEFINITIONS[event];
  return { subject: d.subject, body: d.body, overridden: false, updatedAt: null };
}

/** A user's preferences for every event (no row: both on). */
export async function loadPreferences(db: Db, userId: string) {
  const rows = await db
    .selectFrom('notification_preferences')
    .selectAll()
    .where('user_id', '=', userId)
    .execute();
  const byEvent = new Map(rows.map((r) => [r.event, r]));
  return NOTIFICATION_EVENTS.map((event) => ({
    event,
    label: EVENT_DEFINITIONS[event].label,
    inApp: byEvent.get(event)?.in_app ?? true,
    email: byEvent.get(event)?.email ?? true,
  }));
}

export function notificationView(n: NotificationRow) {
  return {
    id: n.id,
    event: n.event,
    title: n.title,
    body: n.body,
    link: n.link,
    readAt: n.read_at?.toISOString() ?? null,
    createdAt: n.created_at.toISOString(),
    emailStatus: n.email_status,
  };
}

/** The user's unread in-app notifications. */
export async function countUnread(db: Db, userId: string): Promise<number> {
  const r = await db
    .selectFrom('notifications')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('user_id', '=', userId)
    .where('in_app', '=', true)
    .where('read_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/**
 * GDPR erasure of a partner: the text of its logins' notifications and of staff notifications about it (those
 * linking to the partner) is replaced; the rows stay (delivery state). Call it in the erasure's transaction.
 */
export async function eraseNotificationsAbout(db: Db, partnerId: string): Promise<void> {
  await db
    .updateTable('notifications')
    .set({ title: '[erased]', body: '[erased]' })
    .where((eb) =>
      eb.or([
        eb('user_id', 'in', eb.selectFrom('users').select('id').where('partner_id', '=', partnerId)),
        eb('link', '=', `/partners/${partnerId}`),
        eb('link', 'like', `/partners/${partnerId}?%`),
      ]),
    )
    .execute();
}

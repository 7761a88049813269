import type { Kysely, Transaction } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { type Actor, appendAudit } from '../audit/audit-store.js';
import { notify } from '../notifications/notification-store.js';
import type { Database } from '../platform/db/schema.js';
import { AppError } from '../platform/http/errors.js';
import type { PartnerRow } from '../partners/partner-store.js';
import { recordPartnerEvent } from '../partners/partner-store.js';

type Db = Kysely<Database> | Transaction<Database>;
export type Side = 'partner' | 'staff';

/** The thread of a partner, oldest first, seen from `viewer`'s side (`mine`, unread from the other side). */
export async function loadThread(db: Db, partnerId: string, viewer: { side: Side; userId: string }) {
  const rows = await db
    .selectFrom('messages as m')
    .innerJoin('users as u', 'u.id', 'm.sender_user_id')
    .select([
      'm.id',
      'm.partner_id',
      'm.sender_side',
      'm.sender_user_id',
      'm.body',
      'm.read_at',
      'm.created_at',
      'u.display_name',
    ])
    .where('m.partner_id', '=', partnerId)
    .orderBy('m.created_at')
    .orderBy('m.id')
    .limit(1000)
    .execute();
  const items = rows.map((r) => ({
    id: r.id,
    partnerId: r.partner_id,
    side: r.sender_side,
    senderName: r.display_name,
    mine: r.sender_user_id === viewer.userId,
    body: r.body,
    readAt: r.read_at?.toISOString() ?? null,
    createdAt: r.created_at.toISOString(),
  }));
  const unread = rows.filter((r) => r.sender_side !== viewer.side && r.read_at === null).length;
  return { items, unread };
}

/**
 * Appends a message to a partner's thread and notifies the other side in the same transaction: the partner's
 * logins, or its partner manager (all admins when the partner has no manager). Audited; on the timeline.
 */
export async function sendMessage(
  trx: Transaction<Database>,
  actor: Actor,
  partner: PartnerRow,
  input: { side: Side; senderUserId: string; senderName: string; body: string },
  now: Date,
) {
  const body = input.body.trim();
  if (!body)
    throw new AppError('VALIDATION_FAILED', undefined, {
      fields: [{ path: '/body', message: 'is empty', in: 'body' }],
    });
  if (partner.erased_at)
    throw new AppError('INVALID_TRANSITION', 'This partner was erased: the thread is closed.', {
      currentStatus: partner.status,
    });
  const row = await trx
    .insertInto('messages')
    .values({
      id: uuidv7(),
      partner_id: partner.id,
      sender_user_id: input.senderUserId,
      sender_side: input.side,
      body,
      read_at: null,
      created_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  const preview = body.length > 280 ? `${body.slice(0, 277)}...` : body;
  const data = { senderName: input.senderName, preview };
  if (input.side === 'staff') {
    await notify(
      trx,
      { event: 'message_received', partnerId: partner.id, data, link: '/portal/messages' },
      now,
    );
  } else {
    const staff = partner.manager_user_id
      ? [partner.manager_user_id]
      : (
          await trx
            .selectFrom('users')
            .select('id')
            .where('role', '=', 'admin')
            .where('disabled_at', 'is', null)
            .execute()
        ).map((u) => u.id);
    await notify(
      trx,
      {
        event: 'message_received',
        userIds: staff,
        data: { ...data, partnerName: partner.display_name },
        link: `/partners/${partner.id}?tab=messages`,
      },
      now,
    );
  }
  await recordPartnerEvent(
    trx,
    actor,
    partner.id,
    'message',
    `message from ${input.side === 'partner' ? 'the partner' : input.senderName}`,
    { messageId: row.id },
    now,
  );
  await appendAudit(
    trx,
    actor,
    {
      action: 'message.sent',
      entityType: 'message',
      entityId: row.id,
      detail: { partnerId: partner.id, side: input.side, length: body.length },
    },
    now,
  );
  return row;
}

/** Marks the other side's messages in the thread read; returns how many. Audited when any changed. */
export async function markThreadRead(
  trx: Transaction<Database>,
  actor: Actor,
  partnerId: string,
  readerSide: Side,
  now: Date,
): Promise<number> {
  const rows = await trx
    .updateTable('messages')
    .set({ read_at: now })
    .where('partner_id', '=', partnerId)
    .where('sender_side', '!=', readerSide)
    .where('read_at', 'is', null)
    .returning('id')
    .execute();
  if (rows.length)
    await appendAudit(
      trx,
      actor,
      {
        action: 'message.read',
        entityType: 'partner',
        entityId: partnerId,
        detail: { side: readerSide, count: rows.length },
      },
      now,
    );
  return rows.length;
}

/** GDPR erasure of a partner: every message of its thread keeps its row and read state, not its text. */
export async function eraseThread(db: Db, partnerId: string): Promise<void> {
  await db.updateTable('messages').set({ body: '[erased]' }).where('partner_id', '=', partnerId).execute();
}

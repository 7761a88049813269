import type { Kysely, Selectable, Transaction } from 'kysely';
import { type Actor, appendAudit } from '../audit/audit-store.js';
import type {
  Database,
  PartnerPaymentDetailsTable,
  PromoCodeTable,
  TrackingLinkTable,
} from '../platform/db/schema.js';
import { recordPartnerEvent } from './partner-store.js';

type Db = Kysely<Database> | Transaction<Database>;

export function linkView(l: Selectable<TrackingLinkTable>) {
  return {
    id: l.id,
    code: l.code,
    brandId: l.brand_id,
    segment: l.segment,
    kind: l.kind,
    name: l.name,
    landingUrl: l.landing_url,
    subIds: l.sub_ids,
    status: l.status,
    createdAt: l.created_at.toISOString(),
  };
}

export function promoView(c: Selectable<PromoCodeTable>) {
  return {
    id: c.id,
    code: c.code,
    brandId: c.brand_id,
    segment: c.segment,
    status: c.status,
    createdAt: c.created_at.toISOString(),
  };
}

export function paymentView(d: Selectable<PartnerPaymentDetailsTable>) {
  return {
    partnerId: d.partner_id,
    method: d.method,
    currency: d.currency,
    details: d.details,
    updatedAt: d.updated_at.toISOString(),
  };
}

/** Masks a value for the audit trail: the last 4 characters only. */
function mask(v: string): string {
  return v.length <= 4 ? '****' : `****${v.slice(-4)}`;
}

/** Saves a partner's payment details (audited with masked values; the timeline says they changed). */
export async function savePaymentDetails(
  trx: Transaction<Database>,
  actor: Actor,
  partnerId: string,
  body: { method: 'bank_transfer' | 'crypto' | 'ewallet'; currency: string; details: Record<string, string> },
  now: Date,
) {
  const row = await trx
    .insertInto('partner_payment_details')
    .values({
      partner_id: partnerId,
      method: body.method,
      currency: body.currency,
      details: JSON.stringify(body.details),
      updated_by: actor.id,
      updated_at: now,
    })
    .onConflict((oc) =>
      oc.column('partner_id').doUpdateSet({
        method: body.method,
        currency: body.currency,
        details: JSON.stringify(body.details),
        updated_by: actor.id,
        updated_at: now,
      }),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordPartnerEvent(trx, actor, partnerId, 'payment', `payment details set (${body.method})`, {}, now);
  await appendAudit(
    trx,
    actor,
    {
      action: 'partner.payment_details_set',
      entityType: 'partner',
      entityId: partnerId,
      detail: {
        method: body.method,
        currency: body.currency,
        details: Object.fromEntries(Object.entries(body.details).map(([k, v]) => [k, mask(v)])),
      },
    },
    now,
  );
  return row;
}

/** The partner timeline, oldest first. */
export async function loadTimeline(db: Db, partnerId: string, limit: number, offset: number) {
  const rows = await db
    .selectFrom('partner_events')
    .selectAll()
    .where('partner_id', '=', partnerId)
    .orderBy('occurred_at')
    .orderBy('id')
    .limit(limit)
    .offset(offset)
    .execute();
  return rows.map((e) => ({
    id: e.id,
    occurredAt: e.occurred_at.toISOString(),
    kind: e.kind,
    summary: e.summary,
    detail: e.detail,
    actorType: e.actor_type,
    actorId: e.actor_id,
  }));
}

import { randomBytes } from 'node:crypto';
import { type Kysely, sql, type Transaction } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { type Actor, appendAudit } from '../audit/audit-store.js';
import type { CustomerFlag, Database, Segment } from '../platform/db/schema.js';
import { AppError, notFound } from '../platform/http/errors.js';
import {
  type AttributionDecision,
  type AttributionSettings,
  type Claim,
  DEFAULT_ATTRIBUTION,
} from './calculate-attribution.js';

type Db = Kysely<Database> | Transaction<Database>;

/** A pseudonymous customer id for partners: `cu_` + 16 random base32 characters. */
export function newPublicCustomerId(): string {
  const alphabet = 'abcdefghijkmnpqrstuvwxyz23456789';
  const bytes = randomBytes(16);
  let s = 'cu_';
  for (const b of bytes) s += alphabet[b % 32];
  return s;
}

export async function loadAttributionSettings(db: Db, brandId: string): Promise<AttributionSettings> {
  const r = await db
    .selectFrom('attribution_settings')
    .selectAll()
    .where('brand_id', '=', brandId)
    .executeTakeFirst();
  if (!r) {
    const b = await db.selectFrom('brands').select('vertical').where('id', '=', brandId).executeTakeFirst();
    return { ...DEFAULT_ATTRIBUTION, lockOn: b?.vertical === 'prop' ? 'first_purchase' : 'registration' };
  }
  return {
    model: r.model,
    windowDays: r.window_days,
    codeOverridesLink: r.code_overrides_link,
    lockOn: r.lock_on,
    lockDays: r.lock_days,
  };
}

/** The customer of (brand, operator id), created unowned when new; locked FOR UPDATE in `trx`. */
export async function ensureCustomerForUpdate(
  trx: Transaction<Database>,
  brandId: string,
  externalId: string,
  now: Date,
  country: string | null,
) {
  await trx
    .insertInto('customers')
    .values({
      id: uuidv7(),
      brand_id: brandId,
      external_id: externalId,
      public_id: newPublicCustomerId(),
      attribution_source: 'none',
      country,
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) => oc.columns(['brand_id', 'external_id']).doNothing())
    .execute();
  return trx
    .selectFrom('customers')
    .selectAll()
    .where('brand_id', '=', brandId)
    .where('external_id', '=', externalId)
    .forUpdate()
    .executeTakeFirstOrThrow();
}

/**
 * The claims an event brings: its click (and the same visitor's other clicks inside the window, which
 * compete), and its promo code. Bot clicks, paused assets and inactive partners are ineligible.
 */
export async function collectClaims(
  db: Db,
  input: {
    brandId: string;
    clickId: string | null;
    promoCode: string | null;
    eventAt: Date;
    windowDays: number;
  },
): Promise<{ claims: Claim[]; unknown: Array<{ path: string; message: string }> }> {
  const claims: Claim[] = [];
  const unknown: Array<{ path: string; message: string }> = [];
  if (input.clickId) {
    const from = new Date(input.eventAt.getTime() - input.windowDays * 86_400_000);
    // the event's click by primary key, then the same visitor's latest clicks in the window (bounded)
    const rows = await sql<{
      id: string;
      clicked_at: Date;
      link_id: string | null;
      promo_code_id: string | null;
      partner_id: string;
      segment: Segment;
      sub1: string | null;
      is_bot: boolean;
      partner_status: string;
      own: boolean;
    }>`
      with c as (select id, visitor_id from clicks where id = ${input.clickId} and brand_id = ${input.brandId}),
      k as (
        (select * from clicks where id = (select id from c))
        union
        (select * from clicks
          where visitor_id = (select visitor_id from c) and clicked_at >= ${from} and clicked_at <= ${input.eventAt}
          order by visitor_id desc, clicked_at desc limit 200)
      )
      select k.id, k.clicked_at, k.link_id, k.promo_code_id, k.partner_id, k.segment, k.sub1, k.is_bot,
        p.status as partner_status, k.id = (select id from c) as own
      from k join partners p on p.id = k.partner_id
      where k.brand_id = ${input.brandId}`.execute(db);
    if (!rows.rows.some((r) => r.own))
      unknown.push({ path: '/click_id', message: 'is not a click of this brand' });
    for (const r of rows.rows) {
      claims.push({
        source: 'click',
        partnerId: r.partner_id,
        segment: r.segment,
        at: new Date(r.clicked_at),
        clickId: r.id,
        linkId: r.link_id,
        promoCodeId: r.promo_code_id,
        subId: r.sub1,
        eligible: !r.is_bot && r.partner_status === 'active',
      });
    }
  }
  if (input.promoCode) {
    const c = await db
      .selectFrom('promo_codes as c')
      .innerJoin('partners as p', 'p.id', 'c.partner_id')
      .select(['c.id', 'c.partner_id', 'c.segment', 'c.status', 'p.status as partner_status'])
      .where('c.code', '=', input.promoCode.toUpperCase())
      .where('c.brand_id', '=', input.brandId)
      .executeTakeFirst();
    if (!c) unknown.push({ path: '/promo_code', message: 'is not a promo code of this brand' });
    else
      claims.push({
        source: 'code',
        partnerId: c.partner_id,
        segment: c.segment,
        at: input.eventAt,
        promoCodeId: c.id,
        eligible: c.status === 'active' && c.partner_status === 'active',
      });
  }
  return { claims, unknown };
}

/** Persists an attribution decision: the owner (and lock), its history row and every overlap. */
export async function saveAttribution(
  trx: Transaction<Database>,
  actor: Actor,
  customer: { id: string; brand_id: string; owner_partner_id: string | null; owner_segment: Segment | null },
  decision: AttributionDecision,
  eventId: string | null,
  now: Date,
  eventAt: Date,
): Promise<{ partnerId: string | null; segment: Segment | null }> {
  let owner = { partnerId: customer.owner_partner_id, segment: customer.owner_segment };
  if (decision.kind === 'assign') {
    const o = decision.owner;
    await trx
      .updateTable('customers')
      .set({
        owner_partner_id: o.partnerId,
        owner_segment: o.segment,
        owner_link_id: o.linkId ?? null,
        owner_promo_code_id: o.promoCodeId ?? null,
        owner_click_id: o.clickId ?? null,
        owner_sub_id: o.subId ?? null,
        attribution_source: o.source,
        attributed_at: now,
        ...(decision.lock ? { locked_at: eventAt } : {}),
        updated_at: now,
      })
      .where('id', '=', customer.id)
      .execute();
    await trx
      .insertInto('customer_ownership_history')
      .values({
        id: uuidv7(),
        customer_id: customer.id,
        partner_id: o.partnerId,
        segment: o.segment,
        source: o.source,
        decided_by: 'attribution',
        reason: decision.explanation,
        event_id: eventId,
        actor_id: actor.id,
        decided_at: now,
      })
      .execute();
    await appendAudit(
      trx,
      actor,
      {
        action: 'customer.attributed',
        entityType: 'customer',
        entityId: customer.id,
        before: { partnerId: customer.owner_partner_id, segment: customer.owner_segment },
        after: {
          partnerId: o.partnerId,
          segment: o.segment,
          source: o.source,
          eventId,
          rule: decision.explanation,
        },
      },
      now,
    );
    owner = { partnerId: o.partnerId, segment: o.segment };
  } else if (decision.lock) {
    await trx
      .updateTable('customers')
      .set({ locked_at: eventAt, updated_at: now })
      .where('id', '=', customer.id)
      .where('locked_at', 'is', null)
      .execute();
  }
  for (const c of decision.overlaps) {
    await trx
      .insertInto('attribution_overlaps')
      .values({
        id: uuidv7(),
        customer_id: customer.id,
        brand_id: customer.brand_id,
        owner_partner_id: owner.partnerId,
        owner_segment: owner.segment,
        competing_partner_id: c.partnerId,
        competing_segment: c.segment,
        source: c.source,
        click_id: c.clickId ?? null,
        promo_code_id: c.promoCodeId ?? null,
        event_id: eventId,
        detected_at: now,
      })
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
  return owner;
}

/** Staff reassignment of a customer to another partner segment (or to nobody), with a reason; audited. */
export async function reassignCustomer(
  trx: Transaction<Database>,
  actor: Actor,
  input: { customerId: string; partnerId: string | null; segment: Segment | null; reason: string },
  now: Date,
) {
  const c = await trx
    .selectFrom('customers')
    .selectAll()
    .where('id', '=', input.customerId)
    .forUpdate()
    .executeTakeFirst();
  if (!c) throw notFound('Customer');
  if (input.partnerId) {
    const p = await trx
      .selectFrom('partners')
      .select(['id', 'segments'])
      .where('id', '=', input.partnerId)
      .executeTakeFirst();
    if (!p)
      throw new AppError('VALIDATION_FAILED', undefined, {
        fields: [{ path: '/partnerId', message: 'is not a partner', in: 'body' }],
      });
    if (!p.segments.includes(input.segment!))
      throw new AppError('VALIDATION_FAILED', undefined, {
        fields: [{ path: '/segment', message: 'is not a segment of that partner', in: 'body' }],
      });
  }
  const after = await trx
    .updateTable('customers')
    .set({
      owner_partner_id: input.partnerId,
      owner_segment: input.partnerId ? input.segment : null,
      owner_link_id: null,
      owner_promo_code_id: null,
      owner_click_id: null,
      owner_sub_id: null,
      attribution_source: input.partnerId ? 'staff' : 'none',
      attributed_at: now,
      locked_at: c.locked_at ?? now,
      updated_at: now,
    })
    .where('id', '=', c.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await trx
    .insertInto('customer_ownership_history')
    .values({
      id: uuidv7(),
      customer_id: c.id,
      partner_id: input.partnerId,
      segment: input.partnerId ? input.segment : null,
      source: input.partnerId ? 'staff' : 'none',
      decided_by: 'staff',
      reason: input.reason,
      event_id: null,
      actor_id: actor.id,
      decided_at: now,
    })
    .execute();
  await appendAudit(
    trx,
    actor,
    {
      action: 'customer.reassigned',
      entityType: 'customer',
      entityId: c.id,
      before: { partnerId: c.owner_partner_id, segment: c.owner_segment },
      after: { partnerId: after.owner_partner_id, segment: after.owner_segment, reason: input.reason },
    },
    now,
  );
  return after;
}

/** Sets a flag (self-excluded, duplicate, fraud) with a reason; a flag already set is a 409. Audited. */
export async function setCustomerFlag(
  trx: Transaction<Database>,
  actor: Actor,
  input: { customerId: string; flag: CustomerFlag; reason: string },
  now: Date,
) {
  const c = await trx
    .selectFrom('customers')
    .select('id')
    .where('id', '=', input.customerId)
    .executeTakeFirst();
  if (!c) throw notFound('Customer');
  const row = await trx
    .insertInto('customer_flags')
    .values({
      id: uuidv7(),
      customer_id: c.id,
      flag: input.flag,
      reason: input.reason,
      set_by: actor.id,
      set_at: now,
    })
    .onConflict((oc) => oc.columns(['customer_id', 'flag']).where('cleared_at', 'is', null).doNothing())
    .returningAll()
    .executeTakeFirst();
  if (!row) throw new AppError('CONFLICT', `The customer is already flagged ${input.flag}.`);
  await appendAudit(
    trx,
    actor,
    {
      action: 'customer.flagged',
      entityType: 'customer',
      entityId: c.id,
      after: { flag: input.flag, reason: input.reason },
    },
    now,
  );
  return row;
}

/** Clears an active flag with a reason (audited); 404 when the flag is not set. */
export async function clearCustomerFlag(
  trx: Transaction<Database>,
  actor: Actor,
  input: { customerId: string; flag: CustomerFlag; reason: string },
  now: Date,
) {
  const row = await trx
    .updateTable('customer_flags')
    .set({ cleared_at: now, cleared_by: actor.id, clear_reason: input.reason })
    .where('customer_id', '=', input.customerId)
    .where('flag', '=', input.flag)
    .where('cleared_at', 'is', null)
    .returningAll()
    .executeTakeFirst();
  if (!row) throw notFound('Flag');
  await appendAudit(
    trx,
    actor,
    {
      action: 'customer.flag_cleared',
      entityType: 'customer',
      entityId: input.customerId,
      before: { flag: input.flag },
      after: { reason: input.reason },
    },
    now,
  );
  return row;
}

export interface CustomerFlags {
  selfExcluded: boolean;
  duplicate: boolean;
  fraud: boolean;
}

/**
 * Active flags of customers (by internal id), for the engine's CPA qualification: a customer missing from
 * the map has no flag.
 */
export async function loadCustomerFlags(
  db: Db,
  customerIds: readonly string[],
): Promise<Map<string, CustomerFlags>> {
  const out = new Map<string, CustomerFlags>();
  if (customerIds.length === 0) return out;
  const rows = await db
    .selectFrom('customer_flags')
    .select(['customer_id', 'flag'])
    .where('customer_id', 'in', [...customerIds])
    .where('cleared_at', 'is', null)
    .execute();
  for (const r of rows) {
    const f = out.get(r.customer_id) ?? { selfExcluded: false, duplicate: false, fraud: false };
    if (r.flag === 'self_excluded') f.selfExcluded = true;
    if (r.flag === 'duplicate') f.duplicate = true;
    if (r.flag === 'fraud') f.fraud = true;
    out.set(r.customer_id, f);
  }
  return out;
}

/**
 * The engine's `Ownership` inputs for a brand: every owned customer with its owner, registration date,
 * country, first deposit, flags and the competing claims recorded as overlaps. `customerId` is the
 * pseudonymous public id; `internalId` joins the activity tables.
 */
export async function loadOwnerships(db: Db, brandId: string) {
  const rows = await db
    .selectFrom('customers')
    .selectAll()
    .where('brand_id', '=', brandId)
    .where('owner_partner_id', 'is not', null)
    .execute();
  const ids = rows.map((r) => r.id);
  const flags = await loadCustomerFlags(db, ids);
  const overlaps =
    ids.length === 0
      ? []
      : await db
          .selectFrom('attribution_overlaps')
          .select(['customer_id', 'competing_partner_id', 'competing_segment'])
          .where('brand_id', '=', brandId)
          .execute();
  const claims = new Map<string, Array<{ partnerId: string; segment: Segment }>>();
  for (const o of overlaps) {
    const l = claims.get(o.customer_id) ?? [];
    if (!l.some((x) => x.partnerId === o.competing_partner_id && x.segment === o.competing_segment))
      l.push({ partnerId: o.competing_partner_id, segment: o.competing_segment });
    claims.set(o.customer_id, l);
  }
  return rows.map((r) => ({
    internalId: r.id,
    brandId: r.brand_id,
    customerId: r.public_id,
    partnerId: r.owner_partner_id!,
    segment: r.owner_segment!,
    registeredAt: (r.registered_at ?? r.created_at).toISOString().slice(0, 10),
    country: r.country ?? undefined,
    firstDeposit:
      r.first_deposit_at && r.first_deposit_amount !== null && r.first_deposit_currency
        ? {
            date: r.first_deposit_at.toISOString().slice(0, 10),
            amount: BigInt(r.first_deposit_amount),
            currency: r.first_deposit_currency,
          }
        : undefined,
    flags: flags.get(r.id),
    otherClaims: claims.get(r.id) ?? [],
  }));
}

import { createHash } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import { type Actor, appendAudit } from '../audit/audit-store.js';
import { calculateAttribution } from '../attribution/calculate-attribution.js';
import {
  calculateDelta,
  calculateEventContribution,
  isZeroDelta,
} from '../attribution/calculate-event-effects.js';
import {
  collectClaims,
  ensureCustomerForUpdate,
  loadAttributionSettings,
  saveAttribution,
} from '../attribution/attribution-store.js';
import { parseMoney } from '../money/index.js';
import type { Brand } from '../platform/db/schema.js';
import { AppError } from '../platform/http/errors.js';
import type { Services } from '../platform/services.js';
import { applyRollupDelta } from '../tracking/rollup-store.js';
import type { ParsedEvent } from './parse-event.js';
import { dispatchDeliveries, queueDeliveries } from './partner-postbacks.js';

export interface EventResult {
  id: string;
  duplicate: boolean;
  version: number;
  customerId: string;
  owner: { partnerId: string; segment: string } | null;
}

function stableJson(o: Record<string, unknown>): string {
  return JSON.stringify(Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : 1))));
}

/**
 * Takes one inbound event: idempotent on (brand, external id) — an identical repeat changes nothing and
 * says `duplicate`; changed content is a new version (audited) whose rollup delta (new − old) follows.
 * Attribution runs on every event that brings a click or code or locks the owner. Race-safe: the unique
 * key and ON CONFLICT decide, then the event row is locked for the comparison.
 */
export async function ingestEvent(
  s: Services,
  actor: Actor,
  brand: Brand,
  ev: ParsedEvent,
  where: 'querystring' | 'body',
): Promise<EventResult> {
  const currency = ev.currency ?? brand.currency;
  let amount: bigint | null = null;
  if (ev.amountText !== null) {
    const m = parseMoney(ev.amountText, currency);
    if (m.kind === 'error')
      throw new AppError('VALIDATION_FAILED', undefined, {
        fields: [{ path: '/amount', message: `has more decimals than ${currency} allows`, in: where }],
      });
    amount = m.money.amount;
  }
  const payload = {
    type: ev.type,
    customer_id: ev.customerExternalId,
    click_id: ev.clickId,
    promo_code: ev.promoCode,
    amount: amount === null ? null : String(amount),
    currency: amount === null ? null : currency,
    status: ev.status,
    occurred_at: ev.occurredAt?.toISOString() ?? null,
    country: ev.country,
  };
  const contentHash = createHash('sha256')
    .update(stableJson(payload))
    .update('\n')
    .update(stableJson(ev.extra))
    .digest('hex');

  let deliveries: string[] = [];
  const result = await s.db.transaction().execute(async (trx) => {
    const now = s.clock();
    const occurredAt = ev.occurredAt ?? now;
    const customer = await ensureCustomerForUpdate(trx, brand.id, ev.customerExternalId, now, ev.country);
    const id = uuidv7();
    const inserted = await trx
      .insertInto('events')
      .values({
        id,
        brand_id: brand.id,
        external_id: ev.externalId,
        type: ev.type,
        status: ev.status,
        customer_id: customer.id,
        occurred_at: occurredAt,
        amount: amount === null ? null : String(amount),
        currency: amount === null ? null : currency,
        click_id: ev.clickId,
        promo_code: ev.promoCode,
        version: 1,
        content_hash: contentHash,
        payload: JSON.stringify(payload),
        extra: JSON.stringify(ev.extra),
        received_at: now,
        updated_at: now,
      })
      .onConflict((oc) => oc.columns(['brand_id', 'external_id']).doNothing())
      .returning(['id'])
      .executeTakeFirst();
    let eventId = id;
    let version = 1;
    let previous: { type: typeof ev.type; status: string; amount: bigint; occurredAt: Date } | null = null;
    if (!inserted) {
      const existing = await trx
        .selectFrom('events')
        .selectAll()
        .where('brand_id', '=', brand.id)
        .where('external_id', '=', ev.externalId)
        .forUpdate()
        .executeTakeFirstOrThrow();
      const owner =
        customer.owner_partner_id && customer.owner_segment
          ? { partnerId: customer.owner_partner_id, segment: customer.owner_segment }
          : null;
      if (existing.content_hash === contentHash)
        return {
          id: existing.id,
          duplicate: true,
          version: existing.version,
          customerId: customer.public_id,
          owner,
        };
      if (existing.customer_id !== customer.id)
        throw new AppError('VALIDATION_FAILED', 'An event cannot move to another customer.', {
          fields: [
            { path: '/customer_id', message: 'differs from the first version of this event', in: where },
          ],
        });
      previous = {
        type: existing.type,
        status: existing.status,
        amount: BigInt(existing.amount ?? '0'),
        occurredAt: existing.occurred_at,
      };
      eventId = existing.id;
      version = existing.version + 1;
      await trx
        .updateTable('events')
        .set({
          type: ev.type,
          status: ev.status,
          occurred_at: occurredAt,
          amount: amount === null ? null : String(amount),
          currency: amount === null ? null : currency,
          click_id: ev.clickId,
          promo_code: ev.promoCode,
          version,
          content_hash: contentHash,
          payload: JSON.stringify(payload),
          extra: JSON.stringify(ev.extra),
          updated_at: now,
        })
        .where('id', '=', eventId)
        .execute();
      await appendAudit(
        trx,
        actor,
        {
          action: 'event.updated',
          entityType: 'event',
          entityId: eventId,
          before: { version: existing.version, ...(existing.payload as Record<string, unknown>) },
          after: { version, ...payload },
        },
        now,
      );
    }
    await trx
      .insertInto('event_versions')
      .values({
        event_id: eventId,
        version,
        content_hash: contentHash,
        payload: JSON.stringify(payload),
        extra: JSON.stringify(ev.extra),
        received_at: now,
        actor_id: actor.id,
      })
      .execute();

    // attribution: every event with a click or code is a claim; registration (or first purchase) locks
    const settings = await loadAttributionSettings(trx, brand.id);
    const isRegistrationLike =
      ev.type === 'registration' ||
      (customer.registered_at === null && (ev.type === 'ftd' || ev.type === 'deposit'));
    const locking =
      settings.lockOn === 'registration'
        ? isRegistrationLike || (customer.registered_at === null && ev.type === 'purchase')
        : ev.type === 'purchase' && customer.first_purchase_at === null;
    const { claims, unknown } = await collectClaims(trx, {
      brandId: brand.id,
      clickId: ev.clickId,
      promoCode: ev.promoCode,
      eventAt: occurredAt,
      windowDays: settings.windowDays,
    });
    if (unknown.length > 0)
      throw new AppError('VALIDATION_FAILED', undefined, {
        fields: unknown.map((u) => ({ ...u, in: where })),
      });
    let owner = { partnerId: customer.owner_partner_id, segment: customer.owner_segment };
    if (claims.length > 0 || (locking && customer.locked_at === null)) {
      const decision = calculateAttribution({
        settings,
        current: {
          partnerId: customer.owner_partner_id,
          segment: customer.owner_segment,
          lockedAt: customer.locked_at,
        },
        claims,
        eventAt: occurredAt,
        locking,
      });
      owner = await saveAttribution(trx, actor, customer, decision, eventId, now, occurredAt);
    }
    // customer facts
    const facts: Record<string, unknown> = {};
    if (isRegistrationLike && customer.registered_at === null) facts.registered_at = occurredAt;
    if (ev.type === 'ftd' && customer.first_deposit_at === null && amount !== null) {
      facts.first_deposit_at = occurredAt;
      facts.first_deposit_amount = String(amount);
      facts.first_deposit_currency = currency;
    }
    if (ev.type === 'purchase' && customer.first_purchase_at === null) facts.first_purchase_at = occurredAt;
    if (Object.keys(facts).length > 0)
      await trx
        .updateTable('customers')
        .set({ ...facts, updated_at: now })
        .where('id', '=', customer.id)
        .execute();

    // rollups follow (new − old), credited to the owner with the owner's link and sub-id
    const fresh = await trx
      .selectFrom('customers')
      .select(['owner_link_id', 'owner_sub_id'])
      .where('id', '=', customer.id)
      .executeTakeFirstOrThrow();
    if (owner.partnerId && owner.segment) {
      const next = calculateEventContribution({ type: ev.type, status: ev.status, amount: amount ?? 0n });
      const prev = calculateEventContribution(previous);
      const sameBucket = previous === null || previous.occurredAt.getTime() === occurredAt.getTime();
      const target = {
        brandId: brand.id,
        partnerId: owner.partnerId,
        segment: owner.segment,
        linkId: fresh.owner_link_id,
        subId: fresh.owner_sub_id,
        currency,
      };
      // hot rollup rows are locked until commit: write them last
      const click = ev.clickId
        ? await trx
            .selectFrom('clicks')
            .select(['sub1', 'sub2', 'sub3', 'sub4', 'sub5'])
            .where('id', '=', ev.clickId)
            .executeTakeFirst()
        : undefined;
      deliveries = await queueDeliveries(
        trx,
        {
          partnerId: owner.partnerId,
          brandId: brand.id,
          eventId,
          version,
          type: ev.type,
          amount: ev.amountText,
          currency: amount === null ? null : currency,
          clickId: ev.clickId,
          subs: click ? [click.sub1, click.sub2, click.sub3, click.sub4, click.sub5] : [],
          customerPublicId: customer.public_id,
        },
        now,
      );
      if (sameBucket) {
        const delta = calculateDelta(next, prev);
        if (!isZeroDelta(delta)) await applyRollupDelta(trx, { ...target, at: occurredAt, delta });
      } else {
        const neg = calculateDelta(calculateEventContribution(null), prev);
        if (!isZeroDelta(neg))
          await applyRollupDelta(trx, { ...target, at: previous!.occurredAt, delta: neg });
        if (!isZeroDelta(next)) await applyRollupDelta(trx, { ...target, at: occurredAt, delta: next });
      }
    }
    return {
      id: eventId,
      duplicate: false,
      version,
      customerId: customer.public_id,
      owner: owner.partnerId && owner.segment ? { partnerId: owner.partnerId, segment: owner.segment } : null,
    };
  });
  s.auditChainer.kick();
  if (deliveries.length > 0) await dispatchDeliveries(s, deliveries);
  return result;
}

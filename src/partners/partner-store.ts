import type { Kysely, Selectable, Transaction } from 'kysely';
import { sql } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { type Actor, appendAudit } from '../audit/audit-store.js';
import { calculateVetting, type VettingResult } from '../onboarding/calculate-vetting.js';
import type { Database, PartnerTable, Segment } from '../platform/db/schema.js';
import { notify } from '../notifications/notification-store.js';
import { AppError, notFound } from '../platform/http/errors.js';
import { createPromoCode, createTrackingLink } from '../tracking/tracking-asset-store.js';
import { decideStatusTransition, isPartnerStatus, type PartnerStatus } from './decide-status-transition.js';

type Db = Kysely<Database> | Transaction<Database>;
export type PartnerRow = Selectable<PartnerTable>;

export const SEGMENTS = ['affiliate', 'ib', 'ambassador', 'influencer', 'integrator', 'reseller'] as const;
export const TAX_FORM_STATUSES = ['missing', 'w9', 'w8ben', 'w8bene', 'other', 'not_required'] as const;

/**
 * Who may reach which partners: everything (admin, finance, compliance, analyst), a manager's portfolio,
 * or a partner's own record. Outside the reach a partner does not exist (404).
 */
export type Reach =
  | { kind: 'all' }
  | { kind: 'portfolio'; managerUserId: string }
  | { kind: 'own'; partnerId: string };

export function reachFor(identity: { role: string; userId: string; partnerId: string | null }): Reach {
  if (identity.role === 'partner') return { kind: 'own', partnerId: identity.partnerId! };
  if (identity.role === 'partner_manager') return { kind: 'portfolio', managerUserId: identity.userId };
  return { kind: 'all' };
}

/** The partner if it is within reach, else 404 (the same answer as for an unknown id). */
export async function loadPartnerOrThrow(
  db: Db,
  reach: Reach,
  id: string,
  opts: { forUpdate?: boolean } = {},
): Promise<PartnerRow> {
  let q = db.selectFrom('partners').selectAll().where('id', '=', id);
  if (reach.kind === 'portfolio') q = q.where('manager_user_id', '=', reach.managerUserId);
  if (reach.kind === 'own') q = q.where('id', '=', reach.partnerId);
  const p = await (opts.forUpdate ? q.forUpdate() : q).executeTakeFirst();
  if (!p) throw notFound('Partner');
  return p;
}

/** The staff view of a partner (never payment details). */
export function partnerView(p: PartnerRow) {
  return {
    id: p.id,
    displayName: p.display_name,
    email: p.email,
    country: p.country,
    status: p.status,
    statusReason: p.status_reason,
    segments: p.segments,
    managerUserId: p.manager_user_id,
    legalName: p.legal_name,
    contactName: p.contact_name,
    phone: p.phone,
    website: p.website,
    companyName: p.company_name,
    companyNumber: p.company_number,
    vatNumber: p.vat_number,
    address: p.address,
    tier: p.tier,
    tags: p.tags,
    notes: p.notes,
    taxFormStatus: p.tax_form_status,
    commissionHeld: p.commission_held,
    payoutsBlocked: p.payouts_blocked,
    statusChangedAt: p.status_changed_at?.toISOString() ?? null,
    onboardedAt: p.onboarded_at?.toISOString() ?? null,
    activatedAt: p.activated_at?.toISOString() ?? null,
    erasedAt: p.erased_at?.toISOString() ?? null,
    createdAt: p.created_at.toISOString(),
  };
}

/** What a partner sees of itself in the portal: no internal notes, tags or manager. */
export function portalView(p: PartnerRow) {
  const v = partnerView(p);
  const notice =
    p.status === 'suspended'
      ? `Your account is suspended: ${p.status_reason ?? 'contact your partner manager'}. Your links and codes send traffic to the brand's default page, new commission is held and payouts are paused.`
      : p.status === 'terminated'
        ? `Your partnership has ended: ${p.status_reason ?? ''}`.trim()
        : null;
  return {
    id: v.id,
    displayName: v.displayName,
    email: v.email,
    country: v.country,
    status: v.status,
    statusReason: v.statusReason,
    notice,
    segments: v.segments,
    legalName: v.legalName,
    contactName: v.contactName,
    phone: v.phone,
    website: v.website,
    companyName: v.companyName,
    companyNumber: v.companyNumber,
    vatNumber: v.vatNumber,
    address: v.address,
    tier: v.tier,
    taxFormStatus: v.taxFormStatus,
    commissionHeld: v.commissionHeld,
    payoutsBlocked: v.payoutsBlocked,
    onboardedAt: v.onboardedAt,
    activatedAt: v.activatedAt,
    createdAt: v.createdAt,
  };
}

/** Appends one entry to the partner's timeline (in the transaction of the change it describes). */
export async function recordPartnerEvent(
  trx: Db,
  actor: Actor,
  partnerId: string,
  kind: string,
  summary: string,
  detail: Record<string, unknown>,
  now: Date,
): Promise<void> {
  await trx
    .insertInto('partner_events')
    .values({
      id: uuidv7(),
      partner_id: partnerId,
      occurred_at: now,
      kind,
      summary,
      detail: JSON.stringify(detail),
      actor_type: actor.type,
      actor_id: actor.id,
    })
    .execute();
}

/** Jurisdictions of the brands a partner works with. */
export async function partnerJurisdictions(db: Db, partnerId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('partner_brands as pb')
    .innerJoin('brands as b', 'b.id', 'pb.brand_id')
    .select('b.jurisdictions')
    .where('pb.partner_id', '=', partnerId)
    .execute();
  return [...new Set(rows.flatMap((r) => r.jurisdictions))].sort();
}

/** The vetting checklist evaluated for a partner today. */
export async function evaluateVetting(db: Db, partner: PartnerRow, now: Date): Promise<VettingResult> {
  const [requirements, documents, jurisdictions] = await Promise.all([
    db.selectFrom('vetting_requirements').selectAll().execute(),
    db
      .selectFrom('documents')
      .select(['id', 'type', 'review_status', 'expires_on', 'created_at'])
      .where('partner_id', '=', partner.id)
      .where('erased_at', 'is', null)
      .execute(),
    partnerJurisdictions(db, partner.id),
  ]);
  return calculateVetting({
    segments: partner.segments,
    jurisdictions,
    requirements: requirements.map((r) => ({
      segment: r.segment,
      jurisdiction: r.jurisdiction,
      documentType: r.document_type,
      note: r.note,
    })),
    documents: documents.map((d) => ({
      id: d.id,
      type: d.type,
      reviewStatus: d.review_status,
      expiresOn: d.expires_on,
      createdAt: d.created_at.toISOString(),
    })),
    today: now.toISOString().slice(0, 10),
  });
}

async function hasAcceptedContract(db: Db, partnerId: string): Promise<boolean> {
  const c = await db
    .selectFrom('contracts')
    .select('id')
    .where('partner_id', '=', partnerId)
    .where('status', '=', 'accepted')
    .limit(1)
    .executeTakeFirst();
  return Boolean(c);
}

/**
 * Changes a partner's status through the workflow (409 INVALID_TRANSITION with the current state, or
 * ACTIVATION_BLOCKED listing the documents), records history, timeline and audit; activation generates
 * the tracking assets. Suspension takes effect through the status itself: the redirect pauses the
 * partner's links and codes, and the ledger reads `commission_held` / `payouts_blocked`.
 */
export async function changePartnerStatus(
  trx: Transaction<Database>,
  actor: Actor,
  partner: PartnerRow,
  to: PartnerStatus,
  reason: string | null,
  now: Date,
  trigger: 'manual' | 'contract_accepted' = 'manual',
): Promise<PartnerRow> {
  const from = partner.status;
  if (!isPartnerStatus(from)) throw new Error(`partner ${partner.id} has unknown status ${from}`);
  const needsChecks = to === 'active' || to === 'contracted';
  const decision = decideStatusTransition(from, to, {
    trigger,
    reason,
    hasAcceptedContract: needsChecks ? await hasAcceptedContract(trx, partner.id) : false,
    documentProblems: to === 'active' ? (await evaluateVetting(trx, partner, now)).problems : [],
  });
  switch (decision.kind) {
    case 'invalid_transition':
      throw new AppError('INVALID_TRANSITION', `A partner cannot go from ${from} to ${to}.`, {
        currentStatus: from,
        requestedStatus: to,
        allowed: decision.allowed,
      });
    case 'reason_required':
      throw new AppError('VALIDATION_FAILED', `A reason is required to record "${decision.move}".`, {
        fields: [{ path: '/reason', message: 'is required for this change', in: 'body' }],
      });
    case 'needs_accepted_contract':
      throw new AppError('INVALID_TRANSITION', 'The partner has not accepted a contract yet.', {
        currentStatus: from,
        requestedStatus: to,
        missing: 'accepted_contract',
      });
    case 'documents_not_in_order':
      throw new AppError('ACTIVATION_BLOCKED', undefined, {
        currentStatus: from,
        documents: decision.problems,
      });
  }
  const firstActivation = to === 'active' && !partner.activated_at;
  const updated = await trx
    .updateTable('partners')
    .set({
      status: to,
      status_reason: reason,
      status_changed_at: now,
      updated_at: now,
      ...(firstActivation ? { activated_at: now } : {}),
    })
    .where('id', '=', partner.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await trx
    .insertInto('partner_status_history')
    .values({
      id: uuidv7(),
      partner_id: partner.id,
      from_status: from,
      to_status: to,
      reason,
      actor_type: actor.type,
      actor_id: actor.id,
      occurred_at: now,
    })
    .execute();
  await recordPartnerEvent(
    trx,
    actor,
    partner.id,
    'status',
    `${decision.move}: ${from} → ${to}${reason ? ` (${reason})` : ''}`,
    { from, to, move: decision.move, reason },
    now,
  );
  await appendAudit(
    trx,
    actor,
    {
      action: `partner.${decision.move}`,
      entityType: 'partner',
      entityId: partner.id,
      before: { status: from, statusReason: partner.status_reason },
      after: { status: to, statusReason: reason },
    },
    now,
  );
  if (to === 'approved' || to === 'rejected')
    await notify(
      trx,
      {
        event: 'application_decision',
        partnerId: partner.id,
        data: { decision: to, reason: reason ?? '' },
        link: '/portal/onboarding',
      },
      now,
    );
  if (to === 'active') await generateTrackingAssets(trx, actor, updated, now);
  return updated;
}

/**
 * The tracking assets of an active partner, made once: per active segment and brand a default link and a
 * promo code, and per brand a sub-partner recruitment link. Re-running (reinstatement) adds only what is missing.
 */
export async function generateTrackingAssets(
  trx: Transaction<Database>,
  actor: Actor,
  partner: PartnerRow,
  now: Date,
): Promise<{ links: number; codes: number }> {
  const brands = await trx
    .selectFrom('partner_brands as pb')
    .innerJoin('brands as b', 'b.id', 'pb.brand_id')
    .select(['b.id', 'b.code'])
    .where('pb.partner_id', '=', partner.id)
    .orderBy('b.code')
    .execute();
  const [links, codes] = await Promise.all([
    trx
      .selectFrom('tracking_links')
      .select(['segment', 'brand_id', 'kind'])
      .where('partner_id', '=', partner.id)
      .execute(),
    trx
      .selectFrom('promo_codes')
      .select(['segment', 'brand_id'])
      .where('partner_id', '=', partner.id)
      .execute(),
  ]);
  const prefix = partner.display_name.split(/\s+/)[0] ?? '';
  let madeLinks = 0;
  let madeCodes = 0;
  for (const b of brands) {
    for (const seg of partner.segments as Segment[]) {
      if (!links.some((l) => l.kind === 'default' && l.segment === seg && l.brand_id === b.id)) {
        await createTrackingLink(
          trx,
          actor,
          { partnerId: partner.id, segment: seg, brandId: b.id, kind: 'default', name: `${b.code} ${seg}` },
          now,
        );
        madeLinks++;
      }
      if (!codes.some((c) => c.segment === seg && c.brand_id === b.id)) {
        await createPromoCode(
          trx,
          actor,
          { partnerId: partner.id, segment: seg, brandId: b.id, prefix },
          now,
        );
        madeCodes++;
      }
    }
    const first = partner.segments[0] as Segment | undefined;
    if (first && !links.some((l) => l.kind === 'recruitment' && l.brand_id === b.id)) {
      await createTrackingLink(
        trx,
        actor,
        {
          partnerId: partner.id,
          segment: first,
          brandId: b.id,
          kind: 'recruitment',
          name: `${b.code} sub-partner recruitment`,
        },
        now,
      );
      madeLinks++;
    }
  }
  if (madeLinks + madeCodes > 0) {
    await recordPartnerEvent(
      trx,
      actor,
      partner.id,
      'tracking',
      `tracking assets generated: ${madeLinks} link(s), ${madeCodes} promo code(s)`,
      { links: madeLinks, codes: madeCodes },
      now,
    );
  }
  return { links: madeLinks, codes: madeCodes };
}

/** Adds a partner to a brand's program, optionally under a parent (the sub-partner tree is per brand). */
export async function joinBrand(
  trx: Transaction<Database>,
  actor: Actor,
  partnerId: string,
  brandId: string,
  parentPartnerId: string | null,
  now: Date,
): Promise<void> {
  if (parentPartnerId) await assertNoCycle(trx, partnerId, brandId, parentPartnerId);
  const existing = await trx
    .selectFrom('partner_brands')
    .selectAll()
    .where('partner_id', '=', partnerId)
    .where('brand_id', '=', brandId)
    .executeTakeFirst();
  if (existing) {
    if (existing.parent_partner_id === parentPartnerId) return;
    await trx
      .updateTable('partner_brands')
      .set({ parent_partner_id: parentPartnerId })
      .where('partner_id', '=', partnerId)
      .where('brand_id', '=', brandId)
      .execute();
  } else {
    await trx
      .insertInto('partner_brands')
      .values({
        partner_id: partnerId,
        brand_id: brandId,
        parent_partner_id: parentPartnerId,
        joined_at: now,
      })
      .execute();
  }
  await recordPartnerEvent(
    trx,
    actor,
    partnerId,
    'hierarchy',
    parentPartnerId ? `joined brand program under parent ${parentPartnerId}` : 'joined brand program',
    { brandId, parentPartnerId, before: existing?.parent_partner_id ?? null },
    now,
  );
  await appendAudit(
    trx,
    actor,
    {
      action: existing ? 'partner.parent_changed' : 'partner.brand_joined',
      entityType: 'partner',
      entityId: partnerId,
      before: existing ? { brandId, parentPartnerId: existing.parent_partner_id } : undefined,
      after: { brandId, parentPartnerId },
    },
    now,
  );
}

async function assertNoCycle(db: Db, partnerId: string, brandId: string, parentId: string): Promise<void> {
  const parent = await db
    .selectFrom('partner_brands')
    .select('partner_id')
    .where('partner_id', '=', parentId)
    .where('brand_id', '=', brandId)
    .executeTakeFirst();
  if (!parent)
    throw new AppError('VALIDATION_FAILED', 'The parent partner is not in this brand program.', {
      fields: [{ path: '/parentPartnerId', message: 'is not in this brand program', in: 'body' }],
    });
  const r = await sql<{ partner_id: string }>`
    with recursive up(partner_id, depth) as (
      select ${parentId}::uuid, 0
      union all
      select pb.parent_partner_id, up.depth + 1 from partner_brands pb
        join up on pb.partner_id = up.partner_id
        where pb.brand_id = ${brandId}::uuid and pb.parent_partner_id is not null and up.depth < 100
    )
    select partner_id from up where partner_id = ${partnerId}::uuid limit 1`.execute(db);
  if (r.rows.length > 0)
    throw new AppError('VALIDATION_FAILED', 'That parent would make a cycle in the sub-partner tree.', {
      fields: [{ path: '/parentPartnerId', message: 'is a descendant of this partner', in: 'body' }],
    });
}

/** Assigns (or clears) a partner's manager: audited and on the timeline. */
export async function assignManager(
  trx: Transaction<Database>,
  actor: Actor,
  partner: PartnerRow,
  managerUserId: string | null,
  reason: string | null,
  now: Date,
): Promise<PartnerRow> {
  if (managerUserId) {
    const m = await trx
      .selectFrom('users')
      .select(['role', 'disabled_at'])
      .where('id', '=', managerUserId)
      .executeTakeFirst();
    if (m?.role !== 'partner_manager' || m.disabled_at)
      throw new AppError('VALIDATION_FAILED', undefined, {
        fields: [{ path: '/managerUserId', message: 'is not an enabled partner manager', in: 'body' }],
      });
  }
  const after = await trx
    .updateTable('partners')
    .set({ manager_user_id: managerUserId, updated_at: now })
    .where('id', '=', partner.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordPartnerEvent(
    trx,
    actor,
    partner.id,
    'assignment',
    managerUserId ? `assigned to manager ${managerUserId}` : 'manager removed',
    { from: partner.manager_user_id, to: managerUserId, reason },
    now,
  );
  await appendAudit(
    trx,
    actor,
    {
      action: 'partner.manager_assigned',
      entityType: 'partner',
      entityId: partner.id,
      before: { managerUserId: partner.manager_user_id },
      after: { managerUserId, reason },
    },
    now,
  );
  return after;
}

export interface PartnerFilter {
  segment?: string | undefined;
  status?: string | undefined;
  managerUserId?: string | undefined;
  brandId?: string | undefined;
  country?: string | undefined;
  tier?: string | undefined;
  tag?: string | undefined;
  /** Free text over name, legal name, company and e-mail. */
  q?: string | undefined;
  limit: number;
  offset: number;
}

/** Searches partners within reach, ordered by name, with the total for pagination. */
export async function searchPartners(db: Db, reach: Reach, f: PartnerFilter) {
  let q = db.selectFrom('partners');
  if (reach.kind === 'portfolio') q = q.where('manager_user_id', '=', reach.managerUserId);
  if (reach.kind === 'own') q = q.where('id', '=', reach.partnerId);
  if (f.segment) q = q.where(sql<boolean>`${f.segment} = any(segments)`);
  if (f.status) q = q.where('status', '=', f.status);
  if (f.managerUserId) q = q.where('manager_user_id', '=', f.managerUserId);
  if (f.country) q = q.where('country', '=', f.country);
  if (f.tier) q = q.where('tier', '=', f.tier);
  if (f.tag) q = q.where(sql<boolean>`${f.tag} = any(tags)`);
  if (f.brandId) {
    const brandId = f.brandId;
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom('partner_brands as pb')
          .select('pb.partner_id')
          .whereRef('pb.partner_id', '=', 'partners.id')
          .where('pb.brand_id', '=', brandId),
      ),
    );
  }
  if (f.q) {
    const like = `%${f.q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
    q = q.where((eb) =>
      eb.or([
        eb('display_name', 'ilike', like),
        eb('legal_name', 'ilike', like),
        eb('company_name', 'ilike', like),
        eb('email', 'ilike', like),
      ]),
    );
  }
  const [rows, count] = await Promise.all([
    q.selectAll().orderBy('display_name').orderBy('id').limit(f.limit).offset(f.offset).execute(),
    q.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

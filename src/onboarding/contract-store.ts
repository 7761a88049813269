import { createHash } from 'node:crypto';
import type { Selectable, Transaction } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { type Actor, appendAudit } from '../audit/audit-store.js';
import { validateDealTerms } from '../deals/index.js';
import { changePartnerStatus, type PartnerRow, recordPartnerEvent } from '../partners/partner-store.js';
import { notify } from '../notifications/notification-store.js';
import type { ContractTable, Database, DealTemplateTable } from '../platform/db/schema.js';
import { AppError } from '../platform/http/errors.js';
import { calculateUnifiedTerms, renderContract, type TemplateInput } from './calculate-contract.js';

export type ContractRow = Selectable<ContractTable>;
export type TemplateRow = Selectable<DealTemplateTable>;

export function templateView(t: TemplateRow) {
  return {
    id: t.id,
    brandId: t.brand_id,
    segment: t.segment,
    tier: t.tier,
    version: t.version,
    name: t.name,
    terms: t.terms,
    legalText: t.legal_text,
    createdAt: t.created_at.toISOString(),
  };
}

export function contractView(c: ContractRow) {
  return {
    id: c.id,
    partnerId: c.partner_id,
    brandId: c.brand_id,
    version: c.version,
    segments: c.segments,
    tier: c.tier,
    templateIds: c.template_ids,
    terms: c.terms,
    renderedText: c.rendered_text,
    renderedSha256: c.rendered_sha256,
    effectiveFrom: c.effective_from,
    status: c.status,
    issuedAt: c.issued_at.toISOString(),
    acceptedAt: c.accepted_at?.toISOString() ?? null,
    acceptedByUserId: c.accepted_by_user_id,
    acceptedIp: c.accepted_ip,
    acceptedUserAgent: c.accepted_user_agent,
    acceptedSha256: c.accepted_sha256,
  };
}

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

/** Saves a new version of the deal template of a brand, segment and tier (terms validated by the deal engine). */
export async function saveDealTemplate(
  trx: Transaction<Database>,
  actor: Actor,
  input: {
    brandId: string;
    segment: TemplateRow['segment'];
    tier: string;
    name: string;
    terms: Record<string, unknown>;
    legalText: string;
  },
  now: Date,
): Promise<TemplateRow> {
  const brand = await trx
    .selectFrom('brands')
    .select(['id', 'jurisdictions'])
    .where('id', '=', input.brandId)
    .executeTakeFirst();
  if (!brand)
    throw new AppError('VALIDATION_FAILED', undefined, {
      fields: [{ path: '/brandId', message: 'is not a brand', in: 'body' }],
    });
  const check = validateDealTerms(input.terms, { brandJurisdictions: { [brand.id]: brand.jurisdictions } });
  if (!check.ok)
    throw new AppError('VALIDATION_FAILED', 'The deal terms are invalid.', {
      fields: check.errors.map((e) => ({ path: `/terms${e.path}`, message: e.message, in: 'body' })),
    });
  const segs = (input.terms.segments as string[] | undefined) ?? [];
  if (!segs.includes(input.segment))
    throw new AppError('VALIDATION_FAILED', undefined, {
      fields: [{ path: '/terms/segments', message: `must include ${input.segment}`, in: 'body' }],
    });
  const last = await trx
    .selectFrom('deal_templates')
    .select((eb) => eb.fn.max('version').as('v'))
    .where('brand_id', '=', input.brandId)
    .where('segment', '=', input.segment)
    .where('tier', '=', input.tier)
    .executeTakeFirst();
  const row = await trx
    .insertInto('deal_templates')
    .values({
      id: uuidv7(),
      brand_id: input.brandId,
      segment: input.segment,
      tier: input.tier,
      version: Number(last?.v ?? 0) + 1,
      name: input.name,
      terms: JSON.stringify(input.terms),
      legal_text: input.legalText,
      created_by: actor.id,
      created_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await appendAudit(
    trx,
    actor,
    {
      action: 'deal_template.created',
      entityType: 'deal_template',
      entityId: row.id,
      after: {
        brandId: row.brand_id,
        segment: row.segment,
        tier: row.tier,
        version: row.version,
        name: row.name,
      },
    },
    now,
  );
  return row;
}

/** The template that applies to a segment at a tier: the latest version for that tier, else for every tier (`*`). */
async function templateFor(trx: Transaction<Database>, brandId: string, segment: string, tier: string) {
  const rows = await trx
    .selectFrom('deal_templates')
    .selectAll()
    .where('brand_id', '=', brandId)
    .where('segment', '=', segment as TemplateRow['segment'])
    .where('tier', 'in', [tier, '*'])
    .orderBy('version', 'desc')
    .execute();
  return rows.find((r) => r.tier === tier) ?? rows.find((r) => r.tier === '*');
}

/**
 * Issues a contract: one unified contract for the given segments of a partner at one brand, rendered from
 * the latest templates with the partner's terms. It is the next version for that partner and brand; an
 * earlier version not yet accepted is withdrawn.
 */
export async function issueContract(
  trx: Transaction<Database>,
  actor: Actor,
  partner: PartnerRow,
  input: { brandId: string; segments: string[]; effectiveFrom: string; reason: string },
  now: Date,
): Promise<ContractRow> {
  if (partner.erased_at || partner.status === 'terminated' || partner.status === 'rejected')
    throw new AppError('INVALID_TRANSITION', `No contract can be issued to a ${partner.status} partner.`, {
      currentStatus: partner.status,
    });
  const notMine = input.segments.filter((s) => !partner.segments.includes(s));
  if (notMine.length)
    throw new AppError('VALIDATION_FAILED', undefined, {
      fields: [{ path: '/segments', message: `partner is not in ${notMine.join(', ')}`, in: 'body' }],
    });
  const brand = await trx
    .selectFrom('brands')
    .select(['id', 'name', 'jurisdictions'])
    .where('id', '=', input.brandId)
    .executeTakeFirst();
  if (!brand)
    throw new AppError('VALIDATION_FAILED', undefined, {
      fields: [{ path: '/brandId', message: 'is not a brand', in: 'body' }],
    });
  const templates: TemplateInput[] = [];
  const missing: string[] = [];
  for (const seg of input.segments) {
    const t = await templateFor(trx, brand.id, seg, partner.tier);
    if (!t) missing.push(seg);
    else
      templates.push({
        id: t.id,
        segment: seg,
        version: t.version,
        name: t.name,
        terms: t.terms,
        legalText: t.legal_text,
      });
  }
  if (missing.length)
    throw new AppError('VALIDATION_FAILED', 'No deal template for some segments at this brand.', {
      fields: [{ path: '/segments', message: `no template for ${missing.join(', ')}`, in: 'body' }],
    });
  const unified = calculateUnifiedTerms({ brandId: brand.id, brandName: brand.name, templates });
  if (unified.kind === 'invalid')
    throw new AppError('VALIDATION_FAILED', 'The templates cannot be combined.', {
      fields: unified.errors.map((e) => ({ ...e, in: 'body' })),
    });
  const check = validateDealTerms(unified.terms, { brandJurisdictions: { [brand.id]: brand.jurisdictions } });
  if (!check.ok)
    throw new AppError('VALIDATION_FAILED', 'The combined deal terms are invalid.', {
      fields: check.errors.map((e) => ({ path: `/terms${e.path}`, message: e.message, in: 'body' })),
    });
  const last = await trx
    .selectFrom('contracts')
    .select((eb) => eb.fn.max('version').as('v'))
    .where('partner_id', '=', partner.id)
    .where('brand_id', '=', brand.id)
    .executeTakeFirst();
  const version = Number(last?.v ?? 0) + 1;
  await trx
    .updateTable('contracts')
    .set({ status: 'withdrawn' })
    .where('partner_id', '=', partner.id)
    .where('brand_id', '=', brand.id)
    .where('status', '=', 'issued')
    .execute();
  const text = renderContract({
    brandName: brand.name,
    partner: {
      id: partner.id,
      displayName: partner.display_name,
      legalName: partner.legal_name,
      country: partner.country,
    },
    tier: partner.tier,
    version,
    effectiveFrom: input.effectiveFrom,
    templates,
    terms: unified.terms,
  });
  const row = await trx
    .insertInto('contracts')
    .values({
      id: uuidv7(),
      partner_id: partner.id,
      brand_id: brand.id,
      version,
      segments: input.segments,
      template_ids: templates.map((t) => t.id),
      tier: partner.tier,
      terms: JSON.stringify(unified.terms),
      rendered_text: text,
      rendered_sha256: sha256(text),
      effective_from: input.effectiveFrom,
      status: 'issued',
      issued_by: actor.id,
      issued_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordPartnerEvent(
    trx,
    actor,
    partner.id,
    'contract',
    `contract v${version} issued (${input.segments.join(', ')}; ${input.reason})`,
    { contractId: row.id, version, brandId: brand.id, segments: input.segments, sha256: row.rendered_sha256 },
    now,
  );
  await appendAudit(
    trx,
    actor,
    {
      action: 'contract.issued',
      entityType: 'contract',
      entityId: row.id,
      after: {
        partnerId: partner.id,
        brandId: brand.id,
        version,
        segments: input.segments,
        tier: partner.tier,
        effectiveFrom: input.effectiveFrom,
        renderedSha256: row.rendered_sha256,
        reason: input.reason,
      },
    },
    now,
  );
  await notify(
    trx,
    {
      event: 'contract_to_accept',
      partnerId: partner.id,
      data: { brandName: brand.name, version, segments: input.segments.join(', ') },
      link: '/portal/onboarding',
    },
    now,
  );
  return row;
}

/**
 * The partner accepts a contract version in the portal: who, when, IP, user agent and the hash of the
 * exact text are recorded, after which the row is immutable. The first acceptance onboards the partner
 * and moves an approved partner to contracted.
 */
export async function acceptContract(
  trx: Transaction<Database>,
  actor: Actor,
  partner: PartnerRow,
  contract: ContractRow,
  /** `userId` null: accepted outside the portal (on paper, imported). */
  by: { userId: string | null; ip: string | null; userAgent: string | null; sha256: string },
  now: Date,
): Promise<ContractRow> {
  if (contract.status !== 'issued')
    throw new AppError('INVALID_TRANSITION', `This contract is ${contract.status}.`, {
      currentStatus: contract.status,
    });
  if (by.sha256 !== contract.rendered_sha256)
    throw new AppError(
      'CONFLICT',
      'The contract text changed since it was shown: reload it and accept again.',
      {
        fields: [{ path: '/sha256', message: 'does not match the contract text', in: 'body' }],
      },
    );
  if (!['approved', 'contracted', 'active', 'suspended'].includes(partner.status))
    throw new AppError('INVALID_TRANSITION', `A ${partner.status} partner cannot accept a contract.`, {
      currentStatus: partner.status,
    });
  const row = await trx
    .updateTable('contracts')
    .set({
      status: 'accepted',
      accepted_at: now,
      accepted_by_user_id: by.userId,
      accepted_ip: by.ip,
      accepted_user_agent: by.userAgent?.slice(0, 500) ?? null,
      accepted_sha256: by.sha256,
    })
    .where('id', '=', contract.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordPartnerEvent(
    trx,
    actor,
    partner.id,
    'contract',
    `contract v${contract.version} accepted`,
    { contractId: contract.id, version: contract.version, sha256: by.sha256, ip: by.ip },
    now,
  );
  await appendAudit(
    trx,
    actor,
    {
      action: 'contract.accepted',
      entityType: 'contract',
      entityId: contract.id,
      after: {
        partnerId: partner.id,
        version: contract.version,
        acceptedByUserId: by.userId,
        ip: by.ip,
        userAgent: row.accepted_user_agent,
        sha256: by.sha256,
      },
    },
    now,
  );
  let p = partner;
  if (!p.onboarded_at) {
    p = await trx
      .updateTable('partners')
      .set({ onboarded_at: now, updated_at: now })
      .where('id', '=', p.id)
      .returningAll()
      .executeTakeFirstOrThrow();
  }
  if (p.status === 'approved')
    await changePartnerStatus(trx, actor, p, 'contracted', null, now, 'contract_accepted');
  return row;
}

/** After a tier change: a new version of each brand's current accepted contract, at the new tier. */
export async function reissueForTier(
  trx: Transaction<Database>,
  actor: Actor,
  partner: PartnerRow,
  now: Date,
): Promise<ContractRow[]> {
  const accepted = await trx
    .selectFrom('contracts')
    .selectAll()
    .where('partner_id', '=', partner.id)
    .where('status', '=', 'accepted')
    .orderBy('version', 'desc')
    .execute();
  const latestPerBrand = new Map<string, ContractRow>();
  for (const c of accepted) if (!latestPerBrand.has(c.brand_id)) latestPerBrand.set(c.brand_id, c);
  const out: ContractRow[] = [];
  for (const c of latestPerBrand.values()) {
    out.push(
      await issueContract(
        trx,
        actor,
        partner,
        {
          brandId: c.brand_id,
          segments: c.segments.filter((s) => partner.segments.includes(s)),
          effectiveFrom: now.toISOString().slice(0, 10),
          reason: `tier changed to ${partner.tier}`,
        },
        now,
      ),
    );
  }
  return out;
}

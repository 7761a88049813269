import type { Transaction } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { Actor } from '../audit/audit-store.js';
import { acceptContract, issueContract, saveDealTemplate } from '../onboarding/contract-store.js';
import { generateTrackingAssets, recordPartnerEvent } from '../partners/partner-store.js';
import type { Database, Segment } from '../platform/db/schema.js';

const SEGMENTS: Segment[] = ['affiliate', 'ib', 'ambassador', 'influencer', 'integrator', 'reseller'];
const STATUSES = [
  'applied',
  'in_review',
  'approved',
  'rejected',
  'contracted',
  'active',
  'active',
  'active',
  'suspended',
  'terminated',
];
const COUNTRIES = ['GB', 'MT', 'CY', 'DE', 'ES', 'IE', 'NL', 'SE', 'AT', 'PL'];
const FIRST = ['Nova', 'Orbit', 'Delta', 'Lumen', 'Vega', 'Atlas', 'Echo', 'Pioneer', 'Zenith', 'Harbor'];
const SECOND = ['Media', 'Capital', 'Streams', 'Partners', 'Labs', 'Traders', 'Digital', 'Network'];
const DAY = 86_400_000;

/** The demo's history starts this many days before the seed day (deal templates, the first partners). */
export const DEMO_HISTORY_DAYS = 130;

/**
 * Days before the seed day at which generated partner `i` applied and reached its status (onboarding,
 * contract acceptance, activation): spread over the last ~four months, so onboardings, cohorts and
 * contracts in force have a history. Deterministic.
 */
export function demoPartnerAgeDays(i: number): number {
  return 4 + ((i * 53) % 115);
}

function termsFor(segment: Segment, currency: string): Record<string, unknown> {
  const base = { schemaVersion: 1, name: `${segment} standard`, currency, segments: [segment] };
  if (segment === 'ib')
    return {
      ...base,
      components: [
        {
          id: 'rebate',
          kind: 'forex_rebate',
          method: { kind: 'per_lot', rates: [{ instrumentClass: 'fx', perLot: '4' }] },
        },
      ],
    };
  if (segment === 'ambassador' || segment === 'integrator' || segment === 'reseller')
    return {
      ...base,
      components: [{ id: 'retainer', kind: 'fixed_fee', fee: 'monthly_retainer', amount: '500' }],
    };
  return {
    ...base,
    components: [
      {
        id: 'rs',
        kind: 'igaming_revshare',
        ngr: { deductions: [] },
        rate: '30',
        carryover: { enabled: false },
      },
    ],
  };
}

/**
 * Demo partners (issue 4): about 50 across every segment and status, some in two or three segments, sub-partner
 * trees, both managers' portfolios, deal templates per brand and segment, documents (metadata) and contracts
 * (accepted for contracted and later partners), and the tracking assets of active ones. Deterministic.
 */
export async function seedDemoPartners(
  trx: Transaction<Database>,
  actor: Actor,
  managers: string[],
  now: Date,
): Promise<void> {
  const brands = await trx.selectFrom('brands').select(['id', 'code', 'currency']).orderBy('code').execute();
  const dayStart = Math.floor(now.getTime() / DAY) * DAY;
  const historyStart = new Date(dayStart - DEMO_HISTORY_DAYS * DAY + 9 * 3_600_000);
  for (const b of brands)
    for (const seg of SEGMENTS)
      await saveDealTemplate(
        trx,
        actor,
        {
          brandId: b.id,
          segment: seg,
          tier: '*',
          name: `${b.code} ${seg} standard`,
          terms: termsFor(seg, b.currency),
          legalText:
            'This {{segment}} agreement is made between {{brand.name}} and {{partner.legalName}} ({{partner.country}}), tier {{tier}}.\n' +
            'The partner markets the brand only with approved material and follows the rules of every jurisdiction it targets.',
        },
        historyStart,
      );
  const ids: Array<{ id: string; brandId: string }> = [];
  for (let i = 0; i < 48; i++) {
    const segs = [SEGMENTS[i % 6]!];
    if (i % 5 === 0) segs.push(SEGMENTS[(i + 1) % 6]!);
    if (i % 10 === 0) segs.push(SEGMENTS[(i + 2) % 6]!);
    const status = STATUSES[i % STATUSES.length]!;
    const brand = brands[i % brands.length]!;
    const name = `${FIRST[i % 10]} ${SECOND[i % 8]} ${i + 1}`;
    const id = uuidv7();
    // this partner's history: it applied a week before it reached its status (both in the past)
    const at = new Date(dayStart - demoPartnerAgeDays(i) * DAY + (9 + (i % 8)) * 3_600_000);
    const appliedAt = new Date(at.getTime() - 7 * DAY);
    await trx
      .insertInto('partners')
      .values({
        id,
        display_name: name,
        legal_name: `${name} Ltd`,
        email: `partner${i + 1}@partners.example`,
        country: COUNTRIES[i % 10]!,
        status,
        status_reason:
          status === 'suspended'
            ? 'Unapproved bonus wording in ads'
            : status === 'rejected'
              ? 'Incomplete due diligence'
              : null,
        segments: segs,
        tier: i % 7 === 0 ? 'gold' : 'standard',
        tags: i % 4 === 0 ? ['priority'] : [],
        tax_form_status: i % 3 === 0 ? 'w8ben' : 'missing',
        manager_user_id: managers[i % 2] ?? null,
        status_changed_at: at,
        onboarded_at: ['contracted', 'active', 'suspended', 'terminated'].includes(status) ? at : null,
        activated_at: ['active', 'suspended', 'terminated'].includes(status) ? at : null,
        created_at: appliedAt,
        updated_at: at,
      })
      .execute();
    // trees: every partner after the first six may sit under an earlier active partner of the same brand
    const parent = ids.find(
      (p, j) =>
        p.brandId === brand.id &&
        STATUSES[j % STATUSES.length] === 'active' &&
        i > 6 &&
        j < i &&
        (i + j) % 3 === 0,
    );
    await trx
      .insertInto('partner_brands')
      .values({ partner_id: id, brand_id: brand.id, parent_partner_id: parent?.id ?? null, joined_at: at })
      .execute();
    ids.push({ id, brandId: brand.id });
    await trx
      .insertInto('partner_status_history')
      .values({
        id: uuidv7(),
        partner_id: id,
        from_status: null,
        to_status: status,
        reason: 'demo',
        actor_type: actor.type,
        actor_id: actor.id,
        occurred_at: at,
      })
      .execute();
    await recordPartnerEvent(trx, actor, id, 'status', `demo partner (${status})`, {}, at);
    if (status !== 'applied') {
      for (const type of ['identity', 'bank_proof', 'tax_form'])
        await trx
          .insertInto('documents')
          .values({
            id: uuidv7(),
            partner_id: id,
            type,
            file_name: `${type}.pdf`,
            mime: 'application/pdf',
            size_bytes: 24_000,
            sha256: '0'.repeat(64),
            storage_key: null,
            expires_on: type === 'identity' ? (i % 9 === 0 ? '2026-01-31' : '2030-12-31') : null,
            review_status: status === 'in_review' ? 'pending' : 'approved',
            uploaded_by_type: 'system',
            uploaded_by: 'seed-demo',
            created_at: appliedAt,
          })
          .execute();
    }
    if (['contracted', 'active', 'suspended', 'terminated'].includes(status)) {
      const p = await trx.selectFrom('partners').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      const c = await issueContract(
        trx,
        actor,
        { ...p, status: 'approved' },
        { brandId: brand.id, segments: segs, effectiveFrom: at.toISOString().slice(0, 10), reason: 'demo' },
        at,
      );
      // accepted through the product's store (audited `contract.accepted`), on paper: no portal login; a partner
      // that is suspended or terminated today accepted while it was active
      await acceptContract(
        trx,
        actor,
        { ...p, status: status === 'contracted' ? 'contracted' : 'active' },
        c,
        { userId: null, ip: '192.0.2.10', userAgent: 'demo', sha256: c.rendered_sha256 },
        at,
      );
      if (status !== 'contracted') await generateTrackingAssets(trx, actor, p, at);
    }
  }
}

import fastifyMultipart from '@fastify/multipart';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { v7 as uuidv7 } from 'uuid';
import { appendAudit } from '../audit/audit-store.js';
import { writeAudited } from '../audit/write-audited.js';
import { actorOf, userOf } from '../auth/guard.js';
import { reissueForTier } from '../onboarding/contract-store.js';
import { documentStorageFor } from '../onboarding/document-storage.js';
import { onboardingRoutes } from '../onboarding/routes.js';
import { AppError, notFound } from '../platform/http/errors.js';
import { Email, errors, IdParams, Uuid } from '../platform/http/schemas.js';
import { calculateNps } from './calculate-nps.js';
import { PARTNER_STATUSES } from './decide-status-transition.js';
import { openNpsSurvey } from './nps-store.js';
import { erasePartner } from './erasure-store.js';
import {
  assignManager,
  changePartnerStatus,
  joinBrand,
  loadPartnerOrThrow,
  type PartnerRow,
  partnerView,
  type Reach,
  reachFor,
  recordPartnerEvent,
  SEGMENTS,
  searchPartners,
} from './partner-store.js';
import { portalPagesRoutes } from './portal-pages-routes.js';
import { portalRoutes } from './portal-routes.js';
import {
  ContactFields,
  Country,
  IsoDate,
  LinkView,
  PartnerView,
  PaymentDetailsBody,
  PaymentDetailsView,
  PromoCodeView,
  SegmentT,
  Tag,
  TaxFormStatusT,
  Tier,
  TimelineEntry,
} from './schemas.js';
import { linkView, loadTimeline, paymentView, promoView, savePaymentDetails } from './views.js';

export { SEGMENTS };

const STAFF_READ = ['admin', 'partner_manager', 'finance', 'compliance', 'analyst'] as const;
const EDITORS = ['admin', 'partner_manager'] as const;

/** The caller's reach over partners (404 outside it). */
export function reachOf(req: FastifyRequest): Reach {
  return reachFor(userOf(req));
}

async function withBrands(
  s: { db: import('kysely').Kysely<import('../platform/db/schema.js').Database> },
  p: PartnerRow,
) {
  const brands = await s.db
    .selectFrom('partner_brands')
    .select(['brand_id', 'parent_partner_id'])
    .where('partner_id', '=', p.id)
    .orderBy('joined_at')
    .execute();
  return {
    ...partnerView(p),
    brands: brands.map((b) => ({ brandId: b.brand_id, parentPartnerId: b.parent_partner_id })),
  };
}

/** Partners: records, workflow, portfolios, hierarchy, timeline, payment details, erasure, NPS. */
export const partnerRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const s = app.services;
  // Document uploads (this plugin's routes only): one file, limits checked while streaming.
  // preservePath: see the name as sent, so path tricks are refused rather than silently stripped.
  await app.register(fastifyMultipart, {
    preservePath: true,
    limits: { fileSize: s.config.documents.maxBytes, files: 1, fields: 5, parts: 6, fieldSize: 1000 },
  });

  app.get(
    '/partners',
    {
      config: { auth: { roles: [...STAFF_READ] } },
      schema: {
        tags: ['partners'],
        summary: 'Search partners (a partner manager sees their portfolio only)',
        querystring: Type.Object(
          {
            segment: Type.Optional(SegmentT),
            status: Type.Optional(Type.Union(PARTNER_STATUSES.map((x) => Type.Literal(x)))),
            managerUserId: Type.Optional(Uuid),
            brandId: Type.Optional(Uuid),
            country: Type.Optional(Country),
            tier: Type.Optional(Tier),
            tag: Type.Optional(Tag),
            q: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
            limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
            offset: Type.Integer({ minimum: 0, default: 0 }),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ items: Type.Array(PartnerView), total: Type.Integer() }),
          ...errors(400, 401, 403),
        },
      },
    },
    async (req) => {
      const { rows, total } = await searchPartners(s.db, reachOf(req), req.query);
      return { items: rows.map(partnerView), total };
    },
  );

  app.get(
    '/partners/:id',
    {
      config: { auth: { roles: [...STAFF_READ, 'partner'] } },
      schema: {
        tags: ['partners'],
        summary: 'One partner, with its brand programs and parents (404 outside your reach)',
        params: IdParams,
        response: { 200: PartnerView, ...errors(401, 403, 404) },
      },
    },
    async (req) => withBrands(s, await loadPartnerOrThrow(s.db, reachOf(req), req.params.id)),
  );

  app.post(
    '/partners',
    {
      config: { auth: { roles: [...EDITORS] } },
      schema: {
        tags: ['partners'],
        summary: 'Create a partner record (a partner manager creates into their own portfolio)',
        body: Type.Object(
          {
            displayName: ContactFields.displayName,
            email: Type.Optional(Email),
            country: Type.Optional(Country),
            segments: Type.Array(SegmentT, { minItems: 1, uniqueItems: true }),
            managerUserId: Type.Optional(Uuid),
            brandIds: Type.Optional(Type.Array(Uuid, { uniqueItems: true, maxItems: 50 })),
            tier: Type.Optional(Tier),
          },
          { additionalProperties: false },
        ),
        response: { 201: PartnerView, ...errors(400, 401, 403, 409) },
      },
    },
    async (req, reply) => {
      const me = userOf(req);
      const b = req.body;
      const manager = me.role === 'partner_manager' ? me.userId : (b.managerUserId ?? null);
      const row = await writeAudited(s, async (trx, now) => {
        if (manager && me.role === 'admin') {
          const m = await trx.selectFrom('users').select('role').where('id', '=', manager).executeTakeFirst();
          if (m?.role !== 'partner_manager') {
            throw new AppError('VALIDATION_FAILED', undefined, {
              fields: [{ path: '/managerUserId', message: 'is not a partner manager', in: 'body' }],
            });
          }
        }
        const created = await trx
          .insertInto('partners')
          .values({
            id: uuidv7(),
            display_name: b.displayName,
            email: b.email ?? null,
            country: b.country ?? null,
            status: 'applied',
            segments: b.segments,
            manager_user_id: manager,
            tier: b.tier ?? 'standard',
            created_at: now,
            updated_at: now,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        await appendAudit(
          trx,
          actorOf(req),
          {
            action: 'partner.created',
            entityType: 'partner',
            entityId: created.id,
            after: partnerView(created),
          },
          now,
        );
        await recordPartnerEvent(
          trx,
          actorOf(req),
          created.id,
          'status',
          'created by staff (applied)',
          {},
          now,
        );
        for (const brandId of b.brandIds ?? [])
          await joinBrand(trx, actorOf(req), created.id, brandId, null, now);
        return created;
      });
      return reply.status(201).send(await withBrands(s, row));
    },
  );

  app.patch(
    '/partners/:id',
    {
      config: { auth: { roles: [...EDITORS, 'compliance', 'finance'] } },
      schema: {
        tags: ['partners'],
        summary:
          'Change a partner: contact and company details, segments, tier (a tier change issues new contract versions), tags, notes (managers and admins); tax-form status (also finance and compliance)',
        params: IdParams,
        body: Type.Object(
          {
            ...Object.fromEntries(Object.entries(ContactFields).map(([k, v]) => [k, Type.Optional(v)])),
            email: Type.Optional(Type.Union([Email, Type.Null()])),
            segments: Type.Optional(Type.Array(SegmentT, { minItems: 1, uniqueItems: true })),
            tier: Type.Optional(Tier),
            tags: Type.Optional(Type.Array(Tag, { maxItems: 30, uniqueItems: true })),
            notes: Type.Optional(Type.Union([Type.String({ maxLength: 10_000 }), Type.Null()])),
            taxFormStatus: Type.Optional(TaxFormStatusT),
          },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: PartnerView, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (req) => {
      const me = userOf(req);
      const b = req.body as Record<string, unknown>;
      if (
        (me.role === 'finance' || me.role === 'compliance') &&
        Object.keys(b).some((k) => k !== 'taxFormStatus')
      )
        throw new AppError('FORBIDDEN', 'Finance and compliance may change the tax-form status only.');
      const map: Record<string, string> = {
        displayName: 'display_name',
        legalName: 'legal_name',
        contactName: 'contact_name',
        phone: 'phone',
        website: 'website',
        companyName: 'company_name',
        companyNumber: 'company_number',
        vatNumber: 'vat_number',
        address: 'address',
        country: 'country',
        email: 'email',
        segments: 'segments',
        tier: 'tier',
        tags: 'tags',
        notes: 'notes',
        taxFormStatus: 'tax_form_status',
      };
      const row = await writeAudited(s, async (trx, now) => {
        const before = await loadPartnerOrThrow(trx, reachOf(req), req.params.id, { forUpdate: true });
        if (before.erased_at) throw new AppError('CONFLICT', 'An erased partner cannot be changed.');
        const set: Record<string, unknown> = { updated_at: now };
        for (const [k, v] of Object.entries(b))
          set[map[k]!] = k === 'address' && v !== null ? JSON.stringify(v) : v;
        const after = await trx
          .updateTable('partners')
          .set(set as never)
          .where('id', '=', before.id)
          .returningAll()
          .executeTakeFirstOrThrow();
        const pick = (v: ReturnType<typeof partnerView>) =>
          Object.fromEntries(Object.keys(b).map((k) => [k, (v as Record<string, unknown>)[k]]));
        await appendAudit(
          trx,
          actorOf(req),
          {
            action: 'partner.updated',
            entityType: 'partner',
            entityId: before.id,
            before: pick(partnerView(before)),
            after: pick(partnerView(after)),
          },
          now,
        );
        await recordPartnerEvent(
          trx,
          actorOf(req),
          before.id,
          'profile',
          `profile changed: ${Object.keys(b).join(', ')}`,
          { fields: Object.keys(b) },
          now,
        );
        if (b.tier !== undefined && b.tier !== before.tier)
          await reissueForTier(trx, actorOf(req), after, now);
        return after;
      });
      return withBrands(s, row);
    },
  );

  app.post(
    '/partners/:id/status',
    {
      config: { auth: { roles: [...EDITORS, 'compliance'] } },
      schema: {
        tags: ['partners'],
        summary:
          'Move a partner through the workflow (applied → in_review → approved | rejected → contracted → active → suspended | terminated; suspended → active reinstates). 409 INVALID_TRANSITION names the current status; activation is refused (409 ACTIVATION_BLOCKED) while a required document is missing, unreviewed or expired',
        params: IdParams,
        body: Type.Object(
          {
            status: Type.Union(PARTNER_STATUSES.map((x) => Type.Literal(x))),
            reason: Type.Optional(Type.String({ minLength: 1, maxLength: 1000 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: PartnerView, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (req) => {
      const row = await writeAudited(s, async (trx, now) => {
        const p = await loadPartnerOrThrow(trx, reachOf(req), req.params.id, { forUpdate: true });
        return changePartnerStatus(trx, actorOf(req), p, req.body.status, req.body.reason ?? null, now);
      });
      return withBrands(s, row);
    },
  );

  app.put(
    '/partners/:id/manager',
    {
      config: { auth: { roles: ['admin'] } },
      schema: {
        tags: ['partners'],
        summary: 'Assign or reassign the partner manager (audited, on the timeline)',
        params: IdParams,
        body: Type.Object(
          {
            managerUserId: Type.Union([Uuid, Type.Null()]),
            reason: Type.Optional(Type.String({ maxLength: 500 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: PartnerView, ...errors(400, 401, 403, 404) },
      },
    },
    async (req) => {
      const row = await writeAudited(s, async (trx, now) => {
        const p = await loadPartnerOrThrow(trx, reachOf(req), req.params.id, { forUpdate: true });
        return assignManager(trx, actorOf(req), p, req.body.managerUserId, req.body.reason ?? null, now);
      });
      return withBrands(s, row);
    },
  );

  app.put(
    '/partners/:id/brands/:brandId',
    {
      config: { auth: { roles: [...EDITORS] } },
      schema: {
        tags: ['partners'],
        summary:
          "Add the partner to a brand's program, or change its parent in that brand's sub-partner tree",
        params: Type.Object({ id: Uuid, brandId: Uuid }, { additionalProperties: false }),
        body: Type.Object(
          { parentPartnerId: Type.Union([Uuid, Type.Null()]) },
          { additionalProperties: false },
        ),
        response: { 200: PartnerView, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (req) => {
      await writeAudited(s, async (trx, now) => {
        const p = await loadPartnerOrThrow(trx, reachOf(req), req.params.id, { forUpdate: true });
        const brand = await trx
          .selectFrom('brands')
          .select('id')
          .where('id', '=', req.params.brandId)
          .executeTakeFirst();
        if (!brand) throw notFound('Brand');
        await joinBrand(trx, actorOf(req), p.id, brand.id, req.body.parentPartnerId, now);
      });
      return withBrands(s, await loadPartnerOrThrow(s.db, reachOf(req), req.params.id));
    },
  );

  app.get(
    '/partners/:id/sub-partners',
    {
      config: { auth: { roles: [...STAFF_READ] } },
      schema: {
        tags: ['partners'],
        summary: "The partner's sub-partner tree, per brand (every depth)",
        params: IdParams,
        response: {
          200: Type.Object({
            items: Type.Array(
              Type.Object({
                partnerId: Type.String(),
                displayName: Type.String(),
                brandId: Type.String(),
                parentPartnerId: Type.String(),
                depth: Type.Integer(),
                status: Type.String(),
              }),
            ),
          }),
          ...errors(401, 403, 404),
        },
      },
    },
    async (req) => {
      const p = await loadPartnerOrThrow(s.db, reachOf(req), req.params.id);
      return { items: await subPartnerTree(s.db, p.id, true) };
    },
  );

  app.get(
    '/partners/:id/timeline',
    {
      config: { auth: { roles: [...STAFF_READ] } },
      schema: {
        tags: ['partners'],
        summary: 'Status changes, documents, contracts, notes, assignments and tracking assets, oldest first',
        params: IdParams,
        querystring: Type.Object(
          {
            limit: Type.Integer({ minimum: 1, maximum: 1000, default: 200 }),
            offset: Type.Integer({ minimum: 0, default: 0 }),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ items: Type.Array(TimelineEntry) }), ...errors(401, 403, 404) },
      },
    },
    async (req) => {
      const p = await loadPartnerOrThrow(s.db, reachOf(req), req.params.id);
      return { items: await loadTimeline(s.db, p.id, req.query.limit, req.query.offset) };
    },
  );

  app.post(
    '/partners/:id/notes',
    {
      config: { auth: { roles: [...EDITORS, 'compliance', 'finance'] } },
      schema: {
        tags: ['partners'],
        summary: 'Add a note (optionally a reminder date) to the partner timeline',
        params: IdParams,
        body: Type.Object(
          { body: Type.String({ minLength: 1, maxLength: 5000 }), remindOn: Type.Optional(IsoDate) },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object({
            id: Type.String(),
            body: Type.String(),
            remindOn: Type.Union([Type.String(), Type.Null()]),
            createdAt: Type.String(),
          }),
          ...errors(400, 401, 403, 404),
        },
      },
    },
    async (req, reply) => {
      const me = userOf(req);
      const note = await writeAudited(s, async (trx, now) => {
        const p = await loadPartnerOrThrow(trx, reachOf(req), req.params.id);
        const n = await trx
          .insertInto('partner_notes')
          .values({
            id: uuidv7(),
            partner_id: p.id,
            body: req.body.body,
            remind_on: req.body.remindOn ?? null,
            author_user_id: me.userId,
            created_at: now,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        await recordPartnerEvent(
          trx,
          actorOf(req),
          p.id,
          'note',
          req.body.body.slice(0, 200),
          { noteId: n.id, remindOn: n.remind_on },
          now,
        );
        await appendAudit(
          trx,
          actorOf(req),
          { action: 'partner.note_added', entityType: 'partner', entityId: p.id, detail: { noteId: n.id } },
          now,
        );
        return n;
      });
      return reply.status(201).send({
        id: note.id,
        body: note.body,
        remindOn: note.remind_on,
        createdAt: note.created_at.toISOString(),
      });
    },
  );

  app.get(
    '/partners/:id/payment-details',
    {
      config: { auth: { roles: ['finance'] } },
      schema: {
        tags: ['partners'],
        summary: "A partner's payment details (finance only; the partner sees its own in the portal)",
        params: IdParams,
        response: { 200: PaymentDetailsView, ...errors(401, 403, 404) },
      },
    },
    async (req) => {
      const p = await loadPartnerOrThrow(s.db, reachOf(req), req.params.id);
      const d = await s.db
        .selectFrom('partner_payment_details')
        .selectAll()
        .where('partner_id', '=', p.id)
        .executeTakeFirst();
      if (!d) throw notFound('Payment details');
      return paymentView(d);
    },
  );

  app.put(
    '/partners/:id/payment-details',
    {
      config: { auth: { roles: ['finance'] } },
      schema: {
        tags: ['partners'],
        summary: "Set a partner's payment details (finance only)",
        params: IdParams,
        body: PaymentDetailsBody,
        response: { 200: PaymentDetailsView, ...errors(400, 401, 403, 404) },
      },
    },
    async (req) => {
      const d = await writeAudited(s, async (trx, now) => {
        const p = await loadPartnerOrThrow(trx, reachOf(req), req.params.id);
        return savePaymentDetails(trx, actorOf(req), p.id, req.body, now);
      });
      return paymentView(d);
    },
  );

  app.post(
    '/partners/:id/erase',
    {
      config: { auth: { roles: ['admin', 'compliance'] } },
      schema: {
        tags: ['partners'],
        summary:
          'Erase the personal data of a rejected or terminated partner (GDPR): pseudonymised, financial and regulatory records kept; audited',
        params: IdParams,
        body: Type.Object(
          { reason: Type.String({ minLength: 3, maxLength: 1000 }) },
          { additionalProperties: false },
        ),
        response: { 200: PartnerView, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (req) => {
      const r = await writeAudited(s, async (trx, now) => {
        const p = await loadPartnerOrThrow(trx, reachOf(req), req.params.id, { forUpdate: true });
        return erasePartner(trx, actorOf(req), p, req.body.reason, now);
      });
      const storage = documentStorageFor(s.config, s.logger);
      for (const key of r.storageKeys) {
        try {
          await storage.delete(key);
        } catch (err) {
          s.logger.error({ err, key }, 'could not delete an erased document file');
        }
      }
      return withBrands(s, r.partner);
    },
  );

  app.get(
    '/partners/:id/tracking',
    {
      config: { auth: { roles: [...STAFF_READ] } },
      schema: {
        tags: ['partners'],
        summary: "The partner's tracking links and promo codes",
        params: IdParams,
        response: {
          200: Type.Object({ links: Type.Array(LinkView), promoCodes: Type.Array(PromoCodeView) }),
          ...errors(401, 403, 404),
        },
      },
    },
    async (req) => {
      const p = await loadPartnerOrThrow(s.db, reachOf(req), req.params.id);
      const [links, codes] = await Promise.all([
        s.db
          .selectFrom('tracking_links')
          .selectAll()
          .where('partner_id', '=', p.id)
          .orderBy('created_at')
          .execute(),
        s.db
          .selectFrom('promo_codes')
          .selectAll()
          .where('partner_id', '=', p.id)
          .orderBy('created_at')
          .execute(),
      ]);
      return { links: links.map(linkView), promoCodes: codes.map(promoView) };
    },
  );

  // ---------- NPS ----------

  const SurveyView = Type.Object({
    id: Type.String(),
    question: Type.String(),
    segment: Type.Union([Type.String(), Type.Null()]),
    openedAt: Type.String(),
    closesAt: Type.Union([Type.String(), Type.Null()]),
    responses: Type.Integer(),
    promoters: Type.Integer(),
    passives: Type.Integer(),
    detractors: Type.Integer(),
    nps: Type.Union([Type.Number(), Type.Null()]),
  });

  async function surveyView(id: string) {
    const sv = await s.db.selectFrom('nps_surveys').selectAll().where('id', '=', id).executeTakeFirst();
    if (!sv) throw notFound('Survey');
    const scores = await s.db.selectFrom('nps_answers').select('score').where('survey_id', '=', id).execute();
    return {
      id: sv.id,
      question: sv.question,
      segment: sv.segment,
      openedAt: sv.opened_at.toISOString(),
      closesAt: sv.closes_at?.toISOString() ?? null,
      ...calculateNps(scores.map((x) => x.score)),
    };
  }

  app.post(
    '/nps-surveys',
    {
      config: { auth: { roles: ['admin', 'partner_manager'] } },
      schema: {
        tags: ['partners'],
        summary:
          'Open a 0–10 NPS survey for partners (optionally one segment); partners answer once in the portal',
        body: Type.Object(
          {
            question: Type.String({ minLength: 5, maxLength: 500 }),
            segment: Type.Optional(SegmentT),
            closesAt: Type.Optional(Type.String({ format: 'date-time' })),
          },
          { additionalProperties: false },
        ),
        response: { 201: SurveyView, ...errors(400, 401, 403) },
      },
    },
    async (req, reply) => {
      const id = await writeAudited(s, (trx, now) => openNpsSurvey(trx, actorOf(req), req.body, now));
      return reply.status(201).send(await surveyView(id));
    },
  );

  app.get(
    '/nps-surveys',
    {
      config: { auth: { roles: [...STAFF_READ] } },
      schema: {
        tags: ['partners'],
        summary: 'NPS surveys with their scores (promoters % − detractors %)',
        response: { 200: Type.Object({ items: Type.Array(SurveyView) }), ...errors(401, 403) },
      },
    },
    async () => {
      const ids = await s.db.selectFrom('nps_surveys').select('id').orderBy('opened_at', 'desc').execute();
      const items = [];
      for (const { id } of ids) items.push(await surveyView(id));
      return { items };
    },
  );

  await app.register(portalRoutes);
  await app.register(portalPagesRoutes);
  await app.register(onboardingRoutes);
};

/** Descendants of a partner in every brand's tree, with their depth (1 = direct). */
export async function subPartnerTree(
  db: import('kysely').Kysely<import('../platform/db/schema.js').Database>,
  partnerId: string,
  allDepths: boolean,
) {
  const { sql } = await import('kysely');
  const r = await sql<{
    partner_id: string;
    display_name: string;
    brand_id: string;
    parent_partner_id: string;
    depth: number;
    status: string;
  }>`
    with recursive tree(partner_id, brand_id, parent_partner_id, depth) as (
      select partner_id, brand_id, parent_partner_id, 1 from partner_brands where parent_partner_id = ${partnerId}::uuid
      union all
      select pb.partner_id, pb.brand_id, pb.parent_partner_id, t.depth + 1 from partner_brands pb
        join tree t on pb.parent_partner_id = t.partner_id and pb.brand_id = t.brand_id
        where t.depth < ${allDepths ? 50 : 1}
    )
    select t.partner_id, p.display_name, t.brand_id, t.parent_partner_id, t.depth, p.status
    from tree t join partners p on p.id = t.partner_id
    order by t.brand_id, t.depth, p.display_name`.execute(db);
  return r.rows.map((x) => ({
    partnerId: x.partner_id,
    displayName: x.display_name,
    brandId: x.brand_id,
    parentPartnerId: x.parent_partner_id,
    depth: Number(x.depth),
    status: x.status,
  }));
}

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { appendAudit } from '../audit/audit-store.js';
import { writeAudited } from '../audit/write-audited.js';
import { actorOf, userOf } from '../auth/guard.js';
import { acceptContract, contractView } from '../onboarding/contract-store.js';
import { documentStorageFor } from '../onboarding/document-storage.js';
import { documentView, readDocument } from '../onboarding/document-store.js';
import { receiveDocumentUpload } from '../onboarding/upload.js';
import type { Segment } from '../platform/db/schema.js';
import { AppError, notFound } from '../platform/http/errors.js';
import { errors, IdParams, Uuid } from '../platform/http/schemas.js';
import { createTrackingLink } from '../tracking/tracking-asset-store.js';
import { evaluateVetting, loadPartnerOrThrow, portalView, recordPartnerEvent } from './partner-store.js';
import { answerNpsSurvey } from './nps-store.js';
import { subPartnerTree } from './routes.js';
import {
  ContactFields,
  LinkView,
  PaymentDetailsBody,
  PaymentDetailsView,
  PortalPartnerView,
  PromoCodeView,
  SegmentT,
} from './schemas.js';
import { linkView, paymentView, promoView, savePaymentDetails } from './views.js';

const PARTNER = { auth: { roles: ['partner' as const] } };

/**
 * The partner portal API (role `partner`): only the signed-in partner's own data, and never customer PII.
 * Anything of another partner is 404.
 */
export const portalRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const s = app.services;
  const own = (req: Parameters<typeof userOf>[0]) => ({
    kind: 'own' as const,
    partnerId: userOf(req).partnerId!,
  });

  app.get(
    '/portal/profile',
    {
      config: PARTNER,
      schema: {
        tags: ['portal'],
        summary: "The signed-in partner's own record; when suspended, `notice` says why and what it means",
        response: { 200: PortalPartnerView, ...errors(401, 403) },
      },
    },
    async (req) => portalView(await loadPartnerOrThrow(s.db, own(req), userOf(req).partnerId!)),
  );

  app.patch(
    '/portal/profile',
    {
      config: PARTNER,
      schema: {
        tags: ['portal'],
        summary: 'Change own contact and company details',
        body: Type.Object(
          Object.fromEntries(Object.entries(ContactFields).map(([k, v]) => [k, Type.Optional(v)])),
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: PortalPartnerView, ...errors(400, 401, 403, 409) },
      },
    },
    async (req) => {
      const b = req.body as Record<string, unknown>;
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
      };
      const row = await writeAudited(s, async (trx, now) => {
        const p = await loadPartnerOrThrow(trx, own(req), userOf(req).partnerId!, { forUpdate: true });
        const set: Record<string, unknown> = { updated_at: now };
        for (const [k, v] of Object.entries(b))
          set[map[k]!] = k === 'address' && v !== null ? JSON.stringify(v) : v;
        const after = await trx
          .updateTable('partners')
          .set(set as never)
          .where('id', '=', p.id)
          .returningAll()
          .executeTakeFirstOrThrow();
        await appendAudit(
          trx,
          actorOf(req),
          {
            action: 'partner.profile_updated',
            entityType: 'partner',
            entityId: p.id,
            detail: { fields: Object.keys(b) },
          },
          now,
        );
        await recordPartnerEvent(
          trx,
          actorOf(req),
          p.id,
          'profile',
          `partner changed ${Object.keys(b).join(', ')}`,
          {},
          now,
        );
        return after;
      });
      return portalView(row);
    },
  );

  app.get(
    '/portal/payment-details',
    {
      config: PARTNER,
      schema: {
        tags: ['portal'],
        summary: 'Own payment details',
        response: { 200: PaymentDetailsView, ...errors(401, 403, 404) },
      },
    },
    async (req) => {
      const d = await s.db
        .selectFrom('partner_payment_details')
        .selectAll()
        .where('partner_id', '=', userOf(req).partnerId!)
        .executeTakeFirst();
      if (!d) throw notFound('Payment details');
      return paymentView(d);
    },
  );

  app.put(
    '/portal/payment-details',
    {
      config: PARTNER,
      schema: {
        tags: ['portal'],
        summary: 'Set own payment details',
        body: PaymentDetailsBody,
        response: { 200: PaymentDetailsView, ...errors(400, 401, 403) },
      },
    },
    async (req) => {
      const d = await writeAudited(s, (trx, now) =>
        savePaymentDetails(trx, actorOf(req), userOf(req).partnerId!, req.body, now),
      );
      return paymentView(d);
    },
  );

  const DocumentView = Type.Object({
    id: Type.String(),
    partnerId: Type.String(),
    type: Type.String(),
    fileName: Type.String(),
    mime: Type.String(),
    sizeBytes: Type.Integer(),
    sha256: Type.String(),
    expiresOn: Type.Union([Type.String(), Type.Null()]),
    reviewStatus: Type.String(),
    reviewNote: Type.Union([Type.String(), Type.Null()]),
    reviewedAt: Type.Union([Type.String(), Type.Null()]),
    createdAt: Type.String(),
    erased: Type.Boolean(),
  });

  app.get(
    '/portal/documents',
    {
      config: PARTNER,
      schema: {
        tags: ['portal'],
        summary: 'Own documents and the vetting checklist (what is still missing, unreviewed or expired)',
        response: {
          200: Type.Object({
            items: Type.Array(DocumentView),
            checklist: Type.Array(Type.Object({}, { additionalProperties: true })),
          }),
          ...errors(401, 403),
        },
      },
    },
    async (req) => {
      const p = await loadPartnerOrThrow(s.db, own(req), userOf(req).partnerId!);
      const docs = await s.db
        .selectFrom('documents')
        .selectAll()
        .where('partner_id', '=', p.id)
        .orderBy('created_at')
        .execute();
      const v = await evaluateVetting(s.db, p, s.clock());
      return { items: docs.map(documentView), checklist: v.items };
    },
  );

  app.post(
    '/portal/documents',
    {
      config: PARTNER,
      schema: {
        tags: ['portal'],
        summary:
          'Upload a document (multipart: type, expiresOn?, file; PDF, PNG, JPEG or WebP, checked on content)',
        consumes: ['multipart/form-data'],
        response: { 201: DocumentView, ...errors(400, 401, 403, 413, 415) },
      },
    },
    async (req, reply) => {
      const d = await receiveDocumentUpload(s, req, userOf(req).partnerId!);
      return reply.status(201).send(documentView(d));
    },
  );

  app.get(
    '/portal/documents/:id/content',
    {
      config: PARTNER,
      schema: {
        tags: ['portal'],
        summary: 'Download an own document',
        params: IdParams,
        response: errors(401, 403, 404),
      },
    },
    async (req, reply) => {
      const d = await s.db
        .selectFrom('documents')
        .selectAll()
        .where('id', '=', req.params.id)
        .where('partner_id', '=', userOf(req).partnerId!)
        .executeTakeFirst();
      if (!d) throw notFound('Document');
      const bytes = await readDocument(documentStorageFor(s.config, s.logger), d);
      return reply
        .header('content-type', d.mime)
        .header('content-disposition', `attachment; filename="${d.file_name.replace(/[^\w.-]/g, '_')}"`)
        .send(bytes as never);
    },
  );

  const ContractView = Type.Object({}, { additionalProperties: true });

  app.get(
    '/portal/contracts',
    {
      config: PARTNER,
      schema: {
        tags: ['portal'],
        summary: 'Own contracts (every version), with the exact text and its SHA-256',
        response: { 200: Type.Object({ items: Type.Array(ContractView) }), ...errors(401, 403) },
      },
    },
    async (req) => {
      const rows = await s.db
        .selectFrom('contracts')
        .selectAll()
        .where('partner_id', '=', userOf(req).partnerId!)
        .orderBy('brand_id')
        .orderBy('version')
        .execute();
      return { items: rows.map(contractView) };
    },
  );

  app.post(
    '/portal/contracts/:id/accept',
    {
      config: PARTNER,
      schema: {
        tags: ['portal'],
        summary:
          'Accept an issued contract: send the SHA-256 of the text you were shown; who, when, IP, user agent and the hash are recorded and the version becomes immutable',
        params: IdParams,
        body: Type.Object(
          { sha256: Type.String({ pattern: '^[0-9a-f]{64}$' }) },
          { additionalProperties: false },
        ),
        response: { 200: ContractView, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (req) => {
      const me = userOf(req);
      const c = await writeAudited(s, async (trx, now) => {
        const p = await loadPartnerOrThrow(trx, own(req), me.partnerId!, { forUpdate: true });
        const contract = await trx
          .selectFrom('contracts')
          .selectAll()
          .where('id', '=', req.params.id)
          .where('partner_id', '=', p.id)
          .forUpdate()
          .executeTakeFirst();
        if (!contract) throw notFound('Contract');
        return acceptContract(
          trx,
          actorOf(req),
          p,
          contract,
          {
            userId: me.userId,
            ip: req.ip,
            userAgent: (req.headers['user-agent'] as string | undefined) ?? null,
            sha256: req.body.sha256,
          },
          now,
        );
      });
      return contractView(c);
    },
  );

  app.get(
    '/portal/tracking',
    {
      config: PARTNER,
      schema: {
        tags: ['portal'],
        summary: 'Own tracking links (with sub-ids) and promo codes',
        response: {
          200: Type.Object({ links: Type.Array(LinkView), promoCodes: Type.Array(PromoCodeView) }),
          ...errors(401, 403),
        },
      },
    },
    async (req) => {
      const pid = userOf(req).partnerId!;
      const [links, codes] = await Promise.all([
        s.db
          .selectFrom('tracking_links')
          .selectAll()
          .where('partner_id', '=', pid)
          .orderBy('created_at')
          .execute(),
        s.db
          .selectFrom('promo_codes')
          .selectAll()
          .where('partner_id', '=', pid)
          .orderBy('created_at')
          .execute(),
      ]);
      return { links: links.map(linkView), promoCodes: codes.map(promoView) };
    },
  );

  app.post(
    '/portal/links',
    {
      config: PARTNER,
      schema: {
        tags: ['portal'],
        summary: 'Create a tracking link with sub-ids for one of own segments and brands (active partners)',
        body: Type.Object(
          {
            brandId: Uuid,
            segment: SegmentT,
            name: Type.String({ minLength: 1, maxLength: 100 }),
            code: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{3,64}$' })),
            subIds: Type.Optional(
              Type.Record(Type.String({ pattern: '^sub[1-5]$' }), Type.String({ maxLength: 100 }), {
                maxProperties: 5,
              }),
            ),
          },
          { additionalProperties: false },
        ),
        response: { 201: LinkView, ...errors(400, 401, 403, 409) },
      },
    },
    async (req, reply) => {
      const b = req.body;
      const link = await writeAudited(s, async (trx, now) => {
        const p = await loadPartnerOrThrow(trx, own(req), userOf(req).partnerId!);
        if (p.status !== 'active')
          throw new AppError('INVALID_TRANSITION', 'Only an active partner can create links.', {
            currentStatus: p.status,
          });
        if (!p.segments.includes(b.segment))
          throw new AppError('VALIDATION_FAILED', undefined, {
            fields: [{ path: '/segment', message: 'is not one of your segments', in: 'body' }],
          });
        const member = await trx
          .selectFrom('partner_brands')
          .select('brand_id')
          .where('partner_id', '=', p.id)
          .where('brand_id', '=', b.brandId)
          .executeTakeFirst();
        if (!member)
          throw new AppError('VALIDATION_FAILED', undefined, {
            fields: [{ path: '/brandId', message: 'is not one of your brands', in: 'body' }],
          });
        const l = await createTrackingLink(
          trx,
          actorOf(req),
          {
            partnerId: p.id,
            segment: b.segment as Segment,
            brandId: b.brandId,
            kind: 'custom',
            name: b.name,
            ...(b.code ? { code: b.code } : {}),
            subIds: b.subIds ?? {},
          },
          now,
        );
        await recordPartnerEvent(
          trx,
          actorOf(req),
          p.id,
          'tracking',
          `link created: ${l.code}`,
          { linkId: l.id },
          now,
        );
        return l;
      });
      return reply.status(201).send(linkView(link));
    },
  );

  app.get(
    '/portal/sub-partners',
    {
      config: PARTNER,
      schema: {
        tags: ['portal'],
        summary: 'Own sub-partners (every depth, per brand): names and status only',
        response: {
          200: Type.Object({ items: Type.Array(Type.Object({}, { additionalProperties: true })) }),
          ...errors(401, 403),
        },
      },
    },
    async (req) => ({ items: await subPartnerTree(s.db, userOf(req).partnerId!, true) }),
  );

  app.get(
    '/portal/nps',
    {
      config: PARTNER,
      schema: {
        tags: ['portal'],
        summary: 'Open NPS surveys for the partner, and whether it answered',
        response: {
          200: Type.Object({
            items: Type.Array(
              Type.Object({
                id: Type.String(),
                question: Type.String(),
                answered: Type.Boolean(),
                score: Type.Union([Type.Integer(), Type.Null()]),
              }),
            ),
          }),
          ...errors(401, 403),
        },
      },
    },
    async (req) => {
      const p = await loadPartnerOrThrow(s.db, own(req), userOf(req).partnerId!);
      const now = s.clock();
      const rows = await s.db
        .selectFrom('nps_surveys as sv')
        .leftJoin('nps_answers as a', (j) =>
          j.onRef('a.survey_id', '=', 'sv.id').on('a.partner_id', '=', p.id),
        )
        .select(['sv.id', 'sv.question', 'sv.segment', 'sv.closes_at', 'a.score'])
        .orderBy('sv.opened_at', 'desc')
        .execute();
      return {
        items: rows
          .filter(
            (r) =>
              (r.segment === null || p.segments.includes(r.segment)) && (!r.closes_at || r.closes_at > now),
          )
          .map((r) => ({
            id: r.id,
            question: r.question,
            answered: r.score !== null,
            score: r.score ?? null,
          })),
      };
    },
  );

  app.post(
    '/portal/nps/:id/answer',
    {
      config: PARTNER,
      schema: {
        tags: ['portal'],
        summary: 'Answer an NPS survey once (0–10)',
        params: IdParams,
        body: Type.Object(
          {
            score: Type.Integer({ minimum: 0, maximum: 10 }),
            comment: Type.Optional(Type.String({ maxLength: 2000 })),
          },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object({ surveyId: Type.String(), score: Type.Integer() }),
          ...errors(400, 401, 403, 404, 409),
        },
      },
    },
    async (req, reply) => {
      const me = userOf(req);
      await writeAudited(s, async (trx, now) => {
        const p = await loadPartnerOrThrow(trx, own(req), me.partnerId!);
        await answerNpsSurvey(
          trx,
          actorOf(req),
          {
            partner: p,
            surveyId: req.params.id,
            score: req.body.score,
            comment: req.body.comment,
            userId: me.userId,
          },
          now,
        );
      });
      return reply.status(201).send({ surveyId: req.params.id, score: req.body.score });
    },
  );
};

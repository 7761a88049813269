import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { v7 as uuidv7 } from 'uuid';
import { appendAudit } from '../audit/audit-store.js';
import { writeAudited } from '../audit/write-audited.js';
import { actorOf, userOf } from '../auth/guard.js';
import { evaluateVetting, loadPartnerOrThrow, reachFor } from '../partners/partner-store.js';
import { IsoDate, SegmentT, Tier } from '../partners/schemas.js';
import type { Segment } from '../platform/db/schema.js';
import { AppError, notFound } from '../platform/http/errors.js';
import { Email, errors, IdParams, Uuid } from '../platform/http/schemas.js';
import {
  checkFormToken,
  createApplication,
  formsOf,
  hashToken,
  issueFormToken,
  MIN_FILL_SECONDS,
  newToken,
} from './application-store.js';
import { contractView, issueContract, saveDealTemplate, templateView } from './contract-store.js';
import { documentStorageFor } from './document-storage.js';
import { DOCUMENT_TYPES, documentView, readDocument, reviewDocument } from './document-store.js';
import { receiveDocumentUpload } from './upload.js';

const STAFF = ['admin', 'partner_manager', 'finance', 'compliance', 'analyst'] as const;
/** Staff who may see KYC documents (not the read-only analyst). */
const DOC_READERS = ['admin', 'partner_manager', 'finance', 'compliance'] as const;
const Obj = Type.Object({}, { additionalProperties: true });

const CustomFieldT = Type.Object(
  {
    key: Type.String({ pattern: '^[a-z][a-z0-9_]{0,39}$' }),
    label: Type.String({ minLength: 1, maxLength: 200 }),
    type: Type.Union(['text', 'number', 'url', 'email', 'select', 'boolean'].map((x) => Type.Literal(x))),
    required: Type.Boolean(),
    options: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { minItems: 1, maxItems: 50 }),
    ),
    maxLength: Type.Optional(Type.Integer({ minimum: 1, maximum: 5000 })),
  },
  { additionalProperties: false },
);

const ApplicantFields = {
  displayName: Type.String({ minLength: 1, maxLength: 200 }),
  password: Type.String({ minLength: 10, maxLength: 200 }),
  country: Type.Optional(Type.String({ pattern: '^[A-Z]{2}$' })),
  legalName: Type.Optional(Type.String({ maxLength: 200 })),
  companyName: Type.Optional(Type.String({ maxLength: 200 })),
  phone: Type.Optional(Type.String({ pattern: '^\\+?[0-9 ()-]{5,30}$' })),
  website: Type.Optional(Type.String({ pattern: '^https?://[^\\s]+$', maxLength: 500 })),
  customFields: Type.Optional(Type.Record(Type.String(), Obj)),
  formToken: Type.String({ maxLength: 200 }),
  /** Honeypot: hidden in the form; people leave it empty. */
  homepage: Type.Optional(Type.String({ maxLength: 500 })),
};

/** Public forms: 10 submissions per minute per client address. */
const PUBLIC_LIMIT = { max: 10, timeWindow: '1 minute' };

/** Onboarding: applications, invitations, documents and vetting, deal templates and contracts. */
export const onboardingRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const s = app.services;
  const reach = (req: Parameters<typeof userOf>[0]) => reachFor(userOf(req));

  // ---------- applications (public) ----------

  async function brandByCode(code: string) {
    const b = await s.db.selectFrom('brands').selectAll().where('code', '=', code).executeTakeFirst();
    if (!b) throw notFound('Brand');
    return b;
  }

  app.get(
    '/public/brands/:code/application-form',
    {
      config: { auth: { public: true }, rateLimit: { max: 60, timeWindow: '1 minute' } },
      schema: {
        tags: ['onboarding'],
        summary:
          'The application form of a brand: its custom fields per segment and a form token (submit it after at least 3 s)',
        params: Type.Object(
          { code: Type.String({ pattern: '^[a-z0-9-]{2,40}$' }) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            brand: Type.Object({ code: Type.String(), name: Type.String(), vertical: Type.String() }),
            segments: Type.Record(Type.String(), Type.Array(Obj)),
            formToken: Type.String(),
            minFillSeconds: Type.Integer(),
          }),
          ...errors(404, 429),
        },
      },
    },
    async (req) => {
      const b = await brandByCode(req.params.code);
      const forms = await formsOf(s.db, b.id);
      const segments = Object.fromEntries(
        ['affiliate', 'ib', 'ambassador', 'influencer', 'integrator', 'reseller'].map((x) => [
          x,
          forms[x] ?? [],
        ]),
      );
      return {
        brand: { code: b.code, name: b.name, vertical: b.vertical },
        segments,
        formToken: issueFormToken(s.config, s.logger, s.clock()),
        minFillSeconds: MIN_FILL_SECONDS,
      };
    },
  );

  app.post(
    '/public/brands/:code/applications',
    {
      config: { auth: { public: true }, rateLimit: PUBLIC_LIMIT },
      schema: {
        tags: ['onboarding'],
        summary:
          'Apply to a brand’s partner program (no login; rate-limited; a form token at least 3 s old; `recruitmentCode` from a sub-partner recruitment link sets the parent)',
        params: Type.Object(
          { code: Type.String({ pattern: '^[a-z0-9-]{2,40}$' }) },
          { additionalProperties: false },
        ),
        body: Type.Object(
          {
            ...ApplicantFields,
            email: Email,
            segments: Type.Array(SegmentT, { minItems: 1, uniqueItems: true }),
            recruitmentCode: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{3,64}$' })),
          },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object({ applicationReceived: Type.Boolean(), partnerId: Type.String() }),
          ...errors(400, 404, 409, 429),
        },
      },
    },
    async (req, reply) => {
      const b = req.body;
      const brand = await brandByCode(req.params.code);
      if (b.homepage) {
        // A bot filled the hidden field: answer like a success, store nothing.
        req.log.warn({ brand: brand.code }, 'application honeypot filled: discarded');
        return reply.status(201).send({ applicationReceived: true, partnerId: uuidv7() });
      }
      checkFormToken(s.config, s.logger, b.formToken, s.clock());
      const r = await writeAudited(s, async (trx, now) => {
        let parent: string | null = null;
        if (b.recruitmentCode) {
          const link = await trx
            .selectFrom('tracking_links as l')
            .innerJoin('partners as p', 'p.id', 'l.partner_id')
            .select(['l.partner_id'])
            .where((eb) => eb(eb.fn('lower', ['l.code']), '=', b.recruitmentCode!.toLowerCase()))
            .where('l.kind', '=', 'recruitment')
            .where('l.brand_id', '=', brand.id)
            .where('p.status', '=', 'active')
            .executeTakeFirst();
          if (!link)
            throw new AppError('VALIDATION_FAILED', undefined, {
              fields: [
                {
                  path: '/recruitmentCode',
                  message: 'is not an active recruitment link of this brand',
                  in: 'body',
                },
              ],
            });
          parent = link.partner_id;
        }
        return createApplication(
          trx,
          actorOf(req),
          {
            brandId: brand.id,
            displayName: b.displayName,
            email: b.email,
            password: b.password,
            country: b.country ?? null,
            segments: b.segments,
            legalName: b.legalName ?? null,
            companyName: b.companyName ?? null,
            phone: b.phone ?? null,
            website: b.website ?? null,
            ...(b.customFields ? { customFields: b.customFields } : {}),
            parentPartnerId: parent,
            managerUserId: null,
            source: parent ? 'recruitment' : 'public',
            ip: req.ip,
            userAgent: (req.headers['user-agent'] as string | undefined) ?? null,
          },
          now,
        );
      });
      return reply.status(201).send({ applicationReceived: true, partnerId: r.partnerId });
    },
  );

  app.put(
    '/brands/:id/application-form/:segment',
    {
      config: { auth: { roles: ['admin'] } },
      schema: {
        tags: ['onboarding'],
        summary: "Set a brand's custom application fields for one segment",
        params: Type.Object({ id: Uuid, segment: SegmentT }, { additionalProperties: false }),
        body: Type.Object(
          { fields: Type.Array(CustomFieldT, { maxItems: 40 }) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ fields: Type.Array(Obj) }), ...errors(400, 401, 403, 404) },
      },
    },
    async (req) => {
      const keys = req.body.fields.map((f) => f.key);
      if (new Set(keys).size !== keys.length)
        throw new AppError('VALIDATION_FAILED', undefined, {
          fields: [{ path: '/fields', message: 'field keys must be unique', in: 'body' }],
        });
      for (const [i, f] of req.body.fields.entries())
        if (f.type === 'select' && !f.options?.length)
          throw new AppError('VALIDATION_FAILED', undefined, {
            fields: [{ path: `/fields/${i}/options`, message: 'is required for a select', in: 'body' }],
          });
      await writeAudited(s, async (trx, now) => {
        const b = await trx
          .selectFrom('brands')
          .select('id')
          .where('id', '=', req.params.id)
          .executeTakeFirst();
        if (!b) throw notFound('Brand');
        await trx
          .insertInto('application_forms')
          .values({
            brand_id: b.id,
            segment: req.params.segment as Segment,
            fields: JSON.stringify(req.body.fields),
            updated_at: now,
          })
          .onConflict((oc) =>
            oc
              .columns(['brand_id', 'segment'])
              .doUpdateSet({ fields: JSON.stringify(req.body.fields), updated_at: now }),
          )
          .execute();
        await appendAudit(
          trx,
          actorOf(req),
          {
            action: 'application_form.updated',
            entityType: 'brand',
            entityId: b.id,
            after: { segment: req.params.segment, fields: req.body.fields },
          },
          now,
        );
      });
      return { fields: req.body.fields };
    },
  );

  app.get(
    '/partners/:id/applications',
    {
      config: { auth: { roles: [...STAFF] } },
      schema: {
        tags: ['onboarding'],
        summary: "A partner's applications with their answers",
        params: IdParams,
        response: { 200: Type.Object({ items: Type.Array(Obj) }), ...errors(401, 403, 404) },
      },
    },
    async (req) => {
      const p = await loadPartnerOrThrow(s.db, reach(req), req.params.id);
      const rows = await s.db.selectFrom('applications').selectAll().where('partner_id', '=', p.id).execute();
      return {
        items: rows.map((a) => ({
          id: a.id,
          brandId: a.brand_id,
          segments: a.segments,
          answers: a.answers,
          source: a.source,
          createdAt: a.created_at.toISOString(),
        })),
      };
    },
  );

  // ---------- invitations ----------

  app.post(
    '/invitations',
    {
      config: { auth: { roles: ['admin', 'partner_manager'] } },
      schema: {
        tags: ['onboarding'],
        summary:
          'Invite a partner by e-mail: a one-time link (stored hashed) to apply to a brand, optionally under a parent; a manager’s invitees join their portfolio',
        body: Type.Object(
          {
            email: Email,
            brandId: Uuid,
            segments: Type.Array(SegmentT, { minItems: 1, uniqueItems: true }),
            parentPartnerId: Type.Optional(Uuid),
            expiresInDays: Type.Integer({ minimum: 1, maximum: 60, default: 14 }),
          },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object({ id: Type.String(), email: Type.String(), expiresAt: Type.String() }),
          ...errors(400, 401, 403, 404),
        },
      },
    },
    async (req, reply) => {
      const me = userOf(req);
      const b = req.body;
      const token = newToken();
      const inv = await writeAudited(s, async (trx, now) => {
        const brand = await trx
          .selectFrom('brands')
          .select(['id', 'name'])
          .where('id', '=', b.brandId)
          .executeTakeFirst();
        if (!brand)
          throw new AppError('VALIDATION_FAILED', undefined, {
            fields: [{ path: '/brandId', message: 'is not a brand', in: 'body' }],
          });
        if (b.parentPartnerId) await loadPartnerOrThrow(trx, reach(req), b.parentPartnerId);
        const expiresAt = new Date(now.getTime() + b.expiresInDays * 86_400_000);
        const row = await trx
          .insertInto('invitations')
          .values({
            id: uuidv7(),
            token_hash: hashToken(token),
            email: b.email,
            brand_id: brand.id,
            segments: b.segments,
            parent_partner_id: b.parentPartnerId ?? null,
            manager_user_id: me.role === 'partner_manager' ? me.userId : null,
            invited_by: me.userId,
            expires_at: expiresAt,
            created_at: now,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        await appendAudit(
          trx,
          actorOf(req),
          {
            action: 'invitation.created',
            entityType: 'invitation',
            entityId: row.id,
            after: { brandId: brand.id, segments: b.segments, parentPartnerId: b.parentPartnerId ?? null },
          },
          now,
        );
        return { row, brandName: brand.name };
      });
      await s.mailer.send({
        to: b.email,
        subject: `Your invitation to the ${inv.brandName} partner program`,
        text:
          `You are invited to join the ${inv.brandName} partner program as ${b.segments.join(', ')}.\n\n` +
          `Accept the invitation (valid until ${inv.row.expires_at.toISOString().slice(0, 10)}, usable once):\n` +
          `${s.config.publicUrl}/join?token=${token}\n`,
      });
      return reply
        .status(201)
        .send({ id: inv.row.id, email: b.email, expiresAt: inv.row.expires_at.toISOString() });
    },
  );

  async function liveInvitation(token: string) {
    const inv = await s.db
      .selectFrom('invitations as i')
      .innerJoin('brands as b', 'b.id', 'i.brand_id')
      .select([
        'i.id',
        'i.email',
        'i.segments',
        'i.brand_id',
        'i.parent_partner_id',
        'i.manager_user_id',
        'i.expires_at',
        'i.used_at',
        'b.name',
        'b.code',
      ])
      .where('i.token_hash', '=', hashToken(token))
      .executeTakeFirst();
    if (!inv || inv.used_at || inv.expires_at <= s.clock())
      throw new AppError('NOT_FOUND', 'This invitation is unknown, used or expired.');
    return inv;
  }

  const TokenParams = Type.Object(
    { token: Type.String({ pattern: '^[A-Za-z0-9_-]{20,100}$' }) },
    { additionalProperties: false },
  );

  app.get(
    '/public/invitations/:token',
    {
      config: { auth: { public: true }, rateLimit: { max: 30, timeWindow: '1 minute' } },
      schema: {
        tags: ['onboarding'],
        summary: 'What an invitation is for (404 when unknown, used or expired), with a form token',
        params: TokenParams,
        response: {
          200: Type.Object({
            brand: Type.Object({ code: Type.String(), name: Type.String() }),
            email: Type.Union([Type.String(), Type.Null()]),
            segments: Type.Array(Type.String()),
            customFields: Type.Record(Type.String(), Type.Array(Obj)),
            formToken: Type.String(),
          }),
          ...errors(400, 404, 429),
        },
      },
    },
    async (req) => {
      const inv = await liveInvitation(req.params.token);
      const forms = await formsOf(s.db, inv.brand_id);
      return {
        brand: { code: inv.code, name: inv.name },
        email: inv.email,
        segments: inv.segments,
        customFields: Object.fromEntries(inv.segments.map((x) => [x, forms[x] ?? []])),
        formToken: issueFormToken(s.config, s.logger, s.clock()),
      };
    },
  );

  app.post(
    '/public/invitations/:token/accept',
    {
      config: { auth: { public: true }, rateLimit: PUBLIC_LIMIT },
      schema: {
        tags: ['onboarding'],
        summary:
          'Accept an invitation: creates the application and the partner login; the token then stops working',
        params: TokenParams,
        body: Type.Object(ApplicantFields, { additionalProperties: false }),
        response: {
          201: Type.Object({ applicationReceived: Type.Boolean(), partnerId: Type.String() }),
          ...errors(400, 404, 409, 429),
        },
      },
    },
    async (req, reply) => {
      const b = req.body;
      const inv = await liveInvitation(req.params.token);
      if (b.homepage) return reply.status(201).send({ applicationReceived: true, partnerId: uuidv7() });
      checkFormToken(s.config, s.logger, b.formToken, s.clock());
      const r = await writeAudited(s, async (trx, now) => {
        const used = await trx
          .updateTable('invitations')
          .set({ used_at: now })
          .where('id', '=', inv.id)
          .where('used_at', 'is', null)
          .returning('id')
          .executeTakeFirst();
        if (!used) throw new AppError('NOT_FOUND', 'This invitation is unknown, used or expired.');
        const created = await createApplication(
          trx,
          actorOf(req),
          {
            brandId: inv.brand_id,
            displayName: b.displayName,
            email: inv.email!,
            password: b.password,
            country: b.country ?? null,
            segments: inv.segments,
            legalName: b.legalName ?? null,
            companyName: b.companyName ?? null,
            phone: b.phone ?? null,
            website: b.website ?? null,
            ...(b.customFields ? { customFields: b.customFields } : {}),
            parentPartnerId: inv.parent_partner_id,
            managerUserId: inv.manager_user_id,
            source: 'invitation',
            ip: req.ip,
            userAgent: (req.headers['user-agent'] as string | undefined) ?? null,
          },
          now,
        );
        await trx
          .updateTable('invitations')
          .set({ partner_id: created.partnerId })
          .where('id', '=', inv.id)
          .execute();
        return created;
      });
      return reply.status(201).send({ applicationReceived: true, partnerId: r.partnerId });
    },
  );

  // ---------- documents and vetting ----------

  const DocumentView = Obj;

  app.get(
    '/partners/:id/documents',
    {
      config: { auth: { roles: [...DOC_READERS] } },
      schema: {
        tags: ['onboarding'],
        summary:
          "A partner's documents and its vetting checklist (per segment and its brands' jurisdictions)",
        params: IdParams,
        response: {
          200: Type.Object({
            items: Type.Array(DocumentView),
            checklist: Type.Array(Obj),
            blocking: Type.Array(Obj),
          }),
          ...errors(401, 403, 404),
        },
      },
    },
    async (req) => {
      const p = await loadPartnerOrThrow(s.db, reach(req), req.params.id);
      const docs = await s.db
        .selectFrom('documents')
        .selectAll()
        .where('partner_id', '=', p.id)
        .orderBy('created_at')
        .execute();
      const v = await evaluateVetting(s.db, p, s.clock());
      return { items: docs.map(documentView), checklist: v.items, blocking: v.problems };
    },
  );

  app.post(
    '/partners/:id/documents',
    {
      config: { auth: { roles: ['admin', 'partner_manager', 'compliance'] } },
      schema: {
        tags: ['onboarding'],
        summary:
          'Upload a document for a partner (multipart: type, expiresOn?, file; PDF, PNG, JPEG or WebP by content)',
        params: IdParams,
        consumes: ['multipart/form-data'],
        response: { 201: DocumentView, ...errors(400, 401, 403, 404, 413, 415) },
      },
    },
    async (req, reply) => {
      const p = await loadPartnerOrThrow(s.db, reach(req), req.params.id);
      const d = await receiveDocumentUpload(s, req, p.id);
      return reply.status(201).send(documentView(d));
    },
  );

  async function documentInReach(req: Parameters<typeof userOf>[0], id: string) {
    const d = await s.db.selectFrom('documents').selectAll().where('id', '=', id).executeTakeFirst();
    if (!d) throw notFound('Document');
    try {
      await loadPartnerOrThrow(s.db, reach(req), d.partner_id);
    } catch {
      throw notFound('Document');
    }
    return d;
  }

  app.get(
    '/documents/:id/content',
    {
      config: { auth: { roles: [...DOC_READERS] } },
      schema: {
        tags: ['onboarding'],
        summary: 'Download a document (decrypted, hash-checked)',
        params: IdParams,
        response: errors(401, 403, 404),
      },
    },
    async (req, reply) => {
      const d = await documentInReach(req, req.params.id);
      const bytes = await readDocument(documentStorageFor(s.config, s.logger), d);
      await writeAudited(s, (trx, now) =>
        appendAudit(
          trx,
          actorOf(req),
          { action: 'document.downloaded', entityType: 'document', entityId: d.id },
          now,
        ),
      );
      return reply
        .header('content-type', d.mime)
        .header('content-disposition', `attachment; filename="${d.file_name.replace(/[^\w.-]/g, '_')}"`)
        .send(bytes as never);
    },
  );

  app.post(
    '/documents/:id/review',
    {
      config: { auth: { roles: ['compliance', 'admin'] } },
      schema: {
        tags: ['onboarding'],
        summary:
          'Compliance review of a document against the vetting checklist: approve or reject (with a note), set its expiry',
        params: IdParams,
        body: Type.Object(
          {
            decision: Type.Union([Type.Literal('approved'), Type.Literal('rejected')]),
            note: Type.Optional(Type.String({ maxLength: 1000 })),
            expiresOn: Type.Optional(Type.Union([IsoDate, Type.Null()])),
          },
          { additionalProperties: false },
        ),
        response: { 200: DocumentView, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (req) => {
      const me = userOf(req);
      if (req.body.decision === 'rejected' && !req.body.note)
        throw new AppError('VALIDATION_FAILED', undefined, {
          fields: [{ path: '/note', message: 'is required when rejecting', in: 'body' }],
        });
      const d = await documentInReach(req, req.params.id);
      const after = await writeAudited(s, (trx, now) =>
        reviewDocument(
          trx,
          actorOf(req),
          d,
          {
            decision: req.body.decision,
            note: req.body.note ?? null,
            ...(req.body.expiresOn !== undefined ? { expiresOn: req.body.expiresOn } : {}),
            userId: me.userId,
          },
          now,
        ),
      );
      return documentView(after);
    },
  );

  app.get(
    '/documents/attention',
    {
      config: { auth: { roles: ['admin', 'partner_manager', 'compliance'] } },
      schema: {
        tags: ['onboarding'],
        summary:
          'Partners (past application) whose required documents are missing, unreviewed, rejected, expired or expiring within `withinDays`: the reminder list',
        querystring: Type.Object(
          { withinDays: Type.Integer({ minimum: 0, maximum: 365, default: 30 }) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ items: Type.Array(Obj) }), ...errors(400, 401, 403) },
      },
    },
    async (req) => {
      const r = reach(req);
      let q = s.db
        .selectFrom('partners')
        .selectAll()
        .where('status', 'in', ['in_review', 'approved', 'contracted', 'active', 'suspended'])
        .where('erased_at', 'is', null);
      if (r.kind === 'portfolio') q = q.where('manager_user_id', '=', r.managerUserId);
      const partners = await q.orderBy('display_name').execute();
      const now = s.clock();
      const items = [];
      for (const p of partners) {
        const v = await evaluateVetting(s.db, p, now);
        const soon = new Date(now.getTime() + req.query.withinDays * 86_400_000).toISOString().slice(0, 10);
        const due = v.items.filter((i) => i.state !== 'ok' || (i.expiresOn !== null && i.expiresOn <= soon));
        const flagged = due.filter((i) => i.state !== 'ok' || i.expiresOn !== null);
        if (flagged.length)
          items.push({
            partnerId: p.id,
            displayName: p.display_name,
            status: p.status,
            managerUserId: p.manager_user_id,
            documents: flagged.map((i) => ({
              documentType: i.documentType,
              state: i.state === 'ok' ? 'expiring' : i.state,
              expiresOn: i.expiresOn,
            })),
          });
      }
      return { items };
    },
  );

  const RequirementView = Type.Object({
    id: Type.String(),
    segment: Type.String(),
    jurisdiction: Type.String(),
    documentType: Type.String(),
    note: Type.String(),
  });

  app.get(
    '/vetting-requirements',
    {
      config: { auth: { roles: [...STAFF] } },
      schema: {
        tags: ['onboarding'],
        summary: 'The vetting checklist: document types each segment needs, per jurisdiction (`*` = all)',
        response: { 200: Type.Object({ items: Type.Array(RequirementView) }), ...errors(401, 403) },
      },
    },
    async () => {
      const rows = await s.db
        .selectFrom('vetting_requirements')
        .selectAll()
        .orderBy('segment')
        .orderBy('jurisdiction')
        .orderBy('document_type')
        .execute();
      return {
        items: rows.map((r) => ({
          id: r.id,
          segment: r.segment,
          jurisdiction: r.jurisdiction,
          documentType: r.document_type,
          note: r.note,
        })),
      };
    },
  );

  app.post(
    '/vetting-requirements',
    {
      config: { auth: { roles: ['compliance', 'admin'] } },
      schema: {
        tags: ['onboarding'],
        summary: 'Add a line to the vetting checklist',
        body: Type.Object(
          {
            segment: SegmentT,
            jurisdiction: Type.String({ pattern: '^(\\*|[A-Z][A-Za-z/]{1,19})$' }),
            documentType: Type.Union(DOCUMENT_TYPES.map((x) => Type.Literal(x))),
            note: Type.Optional(Type.String({ maxLength: 500 })),
          },
          { additionalProperties: false },
        ),
        response: { 201: RequirementView, ...errors(400, 401, 403, 409) },
      },
    },
    async (req, reply) => {
      const id = uuidv7();
      await writeAudited(s, async (trx, now) => {
        await trx
          .insertInto('vetting_requirements')
          .values({
            id,
            segment: req.body.segment as Segment,
            jurisdiction: req.body.jurisdiction,
            document_type: req.body.documentType,
            note: req.body.note ?? '',
          })
          .execute();
        await appendAudit(
          trx,
          actorOf(req),
          {
            action: 'vetting_requirement.added',
            entityType: 'vetting_requirement',
            entityId: id,
            after: { ...req.body },
          },
          now,
        );
      });
      return reply.status(201).send({ id, ...req.body, note: req.body.note ?? '' });
    },
  );

  app.delete(
    '/vetting-requirements/:id',
    {
      config: { auth: { roles: ['compliance', 'admin'] } },
      schema: {
        tags: ['onboarding'],
        summary: 'Remove a line from the vetting checklist',
        params: IdParams,
        response: { 200: Type.Object({ deleted: Type.Boolean() }), ...errors(401, 403, 404) },
      },
    },
    async (req) => {
      await writeAudited(s, async (trx, now) => {
        const r = await trx
          .deleteFrom('vetting_requirements')
          .where('id', '=', req.params.id)
          .returningAll()
          .executeTakeFirst();
        if (!r) throw notFound('Requirement');
        await appendAudit(
          trx,
          actorOf(req),
          {
            action: 'vetting_requirement.removed',
            entityType: 'vetting_requirement',
            entityId: r.id,
            before: { ...r },
          },
          now,
        );
      });
      return { deleted: true };
    },
  );

  // ---------- deal templates and contracts ----------

  app.get(
    '/deal-templates',
    {
      config: { auth: { roles: [...STAFF] } },
      schema: {
        tags: ['onboarding'],
        summary: 'Deal templates (every version), per brand, segment and tier',
        querystring: Type.Object(
          { brandId: Type.Optional(Uuid), segment: Type.Optional(SegmentT) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ items: Type.Array(Obj) }), ...errors(400, 401, 403) },
      },
    },
    async (req) => {
      let q = s.db.selectFrom('deal_templates').selectAll();
      if (req.query.brandId) q = q.where('brand_id', '=', req.query.brandId);
      if (req.query.segment) q = q.where('segment', '=', req.query.segment as Segment);
      const rows = await q
        .orderBy('brand_id')
        .orderBy('segment')
        .orderBy('tier')
        .orderBy('version')
        .execute();
      return { items: rows.map(templateView) };
    },
  );

  app.post(
    '/deal-templates',
    {
      config: { auth: { roles: ['admin'] } },
      schema: {
        tags: ['onboarding'],
        summary:
          'Save a new version of a deal template: engine deal terms (validated) plus legal text with {{placeholders}}',
        body: Type.Object(
          {
            brandId: Uuid,
            segment: SegmentT,
            tier: Type.Optional(Type.Union([Tier, Type.Literal('*')])),
            name: Type.String({ minLength: 1, maxLength: 200 }),
            terms: Obj,
            legalText: Type.String({ minLength: 1, maxLength: 100_000 }),
          },
          { additionalProperties: false },
        ),
        response: { 201: Obj, ...errors(400, 401, 403) },
      },
    },
    async (req, reply) => {
      const t = await writeAudited(s, (trx, now) =>
        saveDealTemplate(
          trx,
          actorOf(req),
          {
            brandId: req.body.brandId,
            segment: req.body.segment as Segment,
            tier: req.body.tier ?? '*',
            name: req.body.name,
            terms: req.body.terms as Record<string, unknown>,
            legalText: req.body.legalText,
          },
          now,
        ),
      );
      return reply.status(201).send(templateView(t));
    },
  );

  app.post(
    '/partners/:id/contracts',
    {
      config: { auth: { roles: ['admin', 'partner_manager'] } },
      schema: {
        tags: ['onboarding'],
        summary:
          'Issue a contract: one unified contract for one or more of the partner’s segments at a brand, rendered from the latest templates; the next version',
        params: IdParams,
        body: Type.Object(
          {
            brandId: Uuid,
            segments: Type.Array(SegmentT, { minItems: 1, uniqueItems: true }),
            effectiveFrom: Type.Optional(IsoDate),
          },
          { additionalProperties: false },
        ),
        response: { 201: Obj, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (req, reply) => {
      const c = await writeAudited(s, async (trx, now) => {
        const p = await loadPartnerOrThrow(trx, reach(req), req.params.id, { forUpdate: true });
        return issueContract(
          trx,
          actorOf(req),
          p,
          {
            brandId: req.body.brandId,
            segments: req.body.segments,
            effectiveFrom: req.body.effectiveFrom ?? now.toISOString().slice(0, 10),
            reason: 'issued by staff',
          },
          now,
        );
      });
      return reply.status(201).send(contractView(c));
    },
  );

  app.get(
    '/partners/:id/contracts',
    {
      config: { auth: { roles: [...STAFF] } },
      schema: {
        tags: ['onboarding'],
        summary: "A partner's contracts (every version, with acceptance records)",
        params: IdParams,
        response: { 200: Type.Object({ items: Type.Array(Obj) }), ...errors(401, 403, 404) },
      },
    },
    async (req) => {
      const p = await loadPartnerOrThrow(s.db, reach(req), req.params.id);
      const rows = await s.db
        .selectFrom('contracts')
        .selectAll()
        .where('partner_id', '=', p.id)
        .orderBy('brand_id')
        .orderBy('version')
        .execute();
      return { items: rows.map(contractView) };
    },
  );
};

import { randomBytes } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { appendAudit } from '../audit/audit-store.js';
import { writeAudited } from '../audit/write-audited.js';
import { actorOf, userOf } from '../auth/guard.js';
import { STAFF_ROLES } from '../auth/identity.js';
import type { Segment } from '../platform/db/schema.js';
import { notFound } from '../platform/http/errors.js';
import { errors, IdParams, Uuid } from '../platform/http/schemas.js';
import {
  clearCustomerFlag,
  loadCustomerFlags,
  reassignCustomer,
  setCustomerFlag,
} from './attribution-store.js';

const SegmentT = Type.Union(
  ['affiliate', 'ib', 'ambassador', 'influencer', 'integrator', 'reseller'].map((s) => Type.Literal(s)),
);
const FlagT = Type.Union([Type.Literal('self_excluded'), Type.Literal('duplicate'), Type.Literal('fraud')]);
const AnyObject = Type.Object({}, { additionalProperties: true });
const WRITERS = ['admin', 'partner_manager'] as const;
const FLAGGERS = ['admin', 'partner_manager', 'compliance'] as const;

export const attributionRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const s = app.services;

  /** 404 unless the caller reaches the customer: a partner manager only those owned by their portfolio. */
  async function assertCustomerReach(req: FastifyRequest, id: string): Promise<void> {
    const me = userOf(req);
    if (me.role !== 'partner_manager') return;
    const ok = await s.db
      .selectFrom('customers')
      .innerJoin('partners', 'partners.id', 'customers.owner_partner_id')
      .select('customers.id')
      .where('customers.id', '=', id)
      .where('partners.manager_user_id', '=', me.userId)
      .executeTakeFirst();
    if (!ok) throw notFound('Customer');
  }

  async function customerView(id: string) {
    const c = await s.db.selectFrom('customers').selectAll().where('id', '=', id).executeTakeFirst();
    if (!c) throw notFound('Customer');
    const flags = await s.db
      .selectFrom('customer_flags')
      .select(['flag', 'reason', 'set_at', 'set_by'])
      .where('customer_id', '=', id)
      .where('cleared_at', 'is', null)
      .execute();
    const overlaps = await s.db
      .selectFrom('attribution_overlaps')
      .select(['competing_partner_id', 'competing_segment', 'source', 'event_id', 'detected_at'])
      .where('customer_id', '=', id)
      .orderBy('detected_at')
      .execute();
    const history = await s.db
      .selectFrom('customer_ownership_history')
      .select(['partner_id', 'segment', 'source', 'decided_by', 'reason', 'decided_at'])
      .where('customer_id', '=', id)
      .orderBy('decided_at')
      .execute();
    return {
      id: c.id,
      publicId: c.public_id,
      brandId: c.brand_id,
      externalId: c.external_id,
      owner: c.owner_partner_id ? { partnerId: c.owner_partner_id, segment: c.owner_segment } : null,
      attributionSource: c.attribution_source,
      lockedAt: c.locked_at?.toISOString() ?? null,
      registeredAt: c.registered_at?.toISOString() ?? null,
      flags: flags.map((f) => ({ flag: f.flag, reason: f.reason, setAt: f.set_at.toISOString() })),
      overlaps: overlaps.map((o) => ({
        partnerId: o.competing_partner_id,
        segment: o.competing_segment,
        source: o.source,
        eventId: o.event_id,
        detectedAt: o.detected_at.toISOString(),
      })),
      history: history.map((h) => ({ ...h, decided_at: h.decided_at.toISOString() })),
    };
  }

  app.get(
    '/customers',
    {
      config: { auth: { roles: STAFF_ROLES } },
      schema: {
        tags: ['attribution'],
        summary: 'Find customers by brand and operator id or pseudonymous id',
        querystring: Type.Object(
          {
            brandId: Type.Optional(Uuid),
            externalId: Type.Optional(Type.String({ maxLength: 128 })),
            publicId: Type.Optional(Type.String({ maxLength: 40 })),
            partnerId: Type.Optional(Uuid),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: AnyObject, ...errors(400, 401, 403) },
      },
    },
    async (req) => {
      const q = req.query;
      const me = userOf(req);
      let sel = s.db
        .selectFrom('customers')
        .select(['id', 'public_id', 'brand_id', 'owner_partner_id', 'owner_segment', 'registered_at']);
      if (q.brandId) sel = sel.where('brand_id', '=', q.brandId);
      if (q.externalId) sel = sel.where('external_id', '=', q.externalId);
      if (q.publicId) sel = sel.where('public_id', '=', q.publicId);
      if (q.partnerId) sel = sel.where('owner_partner_id', '=', q.partnerId);
      // A partner manager sees only customers owned by partners in their portfolio.
      if (me.role === 'partner_manager') {
        sel = sel.where('owner_partner_id', 'in', (eb) =>
          eb.selectFrom('partners').select('partners.id').where('partners.manager_user_id', '=', me.userId),
        );
      }
      const rows = await sel
        .orderBy('id')
        .limit(q.limit ?? 100)
        .execute();
      return { items: rows };
    },
  );

  app.get(
    '/customers/:id',
    {
      config: { auth: { roles: STAFF_ROLES } },
      schema: {
        tags: ['attribution'],
        summary: 'A customer: owner, lock, flags, overlaps, ownership history',
        params: IdParams,
        response: { 200: AnyObject, ...errors(401, 403, 404) },
      },
    },
    async (req) => {
      await assertCustomerReach(req, req.params.id);
      return customerView(req.params.id);
    },
  );

  app.post(
    '/customers/:id/reassign',
    {
      config: { auth: { roles: WRITERS } },
      schema: {
        tags: ['attribution'],
        summary: 'Reassign a customer to another partner segment (or to nobody) with a reason; audited',
        params: IdParams,
        body: Type.Object(
          {
            partnerId: Type.Union([Uuid, Type.Null()]),
            segment: Type.Optional(SegmentT),
            reason: Type.String({ minLength: 3, maxLength: 1000 }),
          },
          { additionalProperties: false },
        ),
        response: { 200: AnyObject, ...errors(400, 401, 403, 404) },
      },
    },
    async (req) => {
      await assertCustomerReach(req, req.params.id);
      const b = req.body;
      await writeAudited(s, (trx, now) =>
        reassignCustomer(
          trx,
          actorOf(req),
          {
            customerId: req.params.id,
            partnerId: b.partnerId,
            segment: (b.segment ?? null) as Segment | null,
            reason: b.reason,
          },
          now,
        ),
      );
      return customerView(req.params.id);
    },
  );

  app.post(
    '/customers/:id/flags',
    {
      config: { auth: { roles: FLAGGERS } },
      schema: {
        tags: ['attribution'],
        summary: 'Flag a customer (self-excluded, duplicate, fraud) with a reason; audited',
        params: IdParams,
        body: Type.Object(
          { flag: FlagT, reason: Type.String({ minLength: 3, maxLength: 1000 }) },
          { additionalProperties: false },
        ),
        response: { 201: AnyObject, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (req, reply) => {
      await assertCustomerReach(req, req.params.id);
      await writeAudited(s, (trx, now) =>
        setCustomerFlag(
          trx,
          actorOf(req),
          { customerId: req.params.id, flag: req.body.flag, reason: req.body.reason },
          now,
        ),
      );
      return reply.status(201).send(await customerView(req.params.id));
    },
  );

  app.post(
    '/customers/:id/flags/:flag/clear',
    {
      config: { auth: { roles: FLAGGERS } },
      schema: {
        tags: ['attribution'],
        summary: 'Clear a flag with a reason; audited',
        params: Type.Object({ id: Uuid, flag: FlagT }, { additionalProperties: false }),
        body: Type.Object(
          { reason: Type.String({ minLength: 3, maxLength: 1000 }) },
          { additionalProperties: false },
        ),
        response: { 200: AnyObject, ...errors(400, 401, 403, 404) },
      },
    },
    async (req) => {
      await assertCustomerReach(req, req.params.id);
      await writeAudited(s, (trx, now) =>
        clearCustomerFlag(
          trx,
          actorOf(req),
          { customerId: req.params.id, flag: req.params.flag, reason: req.body.reason },
          now,
        ),
      );
      const flags = await loadCustomerFlags(s.db, [req.params.id]);
      return { flags: flags.get(req.params.id) ?? { selfExcluded: false, duplicate: false, fraud: false } };
    },
  );

  app.get(
    '/overlaps',
    {
      config: { auth: { roles: STAFF_ROLES } },
      schema: {
        tags: ['attribution'],
        summary: 'Competing claims recorded against owned customers',
        querystring: Type.Object(
          { brandId: Type.Optional(Uuid), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })) },
          { additionalProperties: false },
        ),
        response: { 200: AnyObject, ...errors(400, 401, 403) },
      },
    },
    async (req) => {
      let q = s.db.selectFrom('attribution_overlaps').selectAll();
      if (req.query.brandId) q = q.where('brand_id', '=', req.query.brandId);
      return {
        items: await q
          .orderBy('detected_at', 'desc')
          .limit(req.query.limit ?? 200)
          .execute(),
      };
    },
  );

  const Settings = Type.Object(
    {
      model: Type.Union([Type.Literal('last_click'), Type.Literal('first_click')]),
      windowDays: Type.Integer({ minimum: 1, maximum: 365 }),
      codeOverridesLink: Type.Boolean(),
      lockOn: Type.Union([Type.Literal('registration'), Type.Literal('first_purchase')]),
      lockDays: Type.Union([Type.Integer({ minimum: 1 }), Type.Null()]),
    },
    { additionalProperties: false },
  );
  app.put(
    '/brands/:id/attribution',
    {
      config: { auth: { roles: ['admin'] } },
      schema: {
        tags: ['attribution'],
        summary: "Set a brand's attribution rules; audited",
        params: IdParams,
        body: Settings,
        response: { 200: Settings, ...errors(400, 401, 403, 404) },
      },
    },
    async (req) => {
      const b = req.body;
      await writeAudited(s, async (trx, now) => {
        const brand = await trx
          .selectFrom('brands')
          .select('id')
          .where('id', '=', req.params.id)
          .executeTakeFirst();
        if (!brand) throw notFound('Brand');
        const v = {
          model: b.model,
          window_days: b.windowDays,
          code_overrides_link: b.codeOverridesLink,
          lock_on: b.lockOn,
          lock_days: b.lockDays,
          updated_at: now,
        };
        await trx
          .insertInto('attribution_settings')
          .values({ brand_id: brand.id, ...v })
          .onConflict((oc) => oc.column('brand_id').doUpdateSet(v))
          .execute();
        await appendAudit(
          trx,
          actorOf(req),
          {
            action: 'attribution_settings.updated',
            entityType: 'brand',
            entityId: brand.id,
            after: { ...b },
          },
          now,
        );
      });
      return b;
    },
  );

  app.post(
    '/brands/:id/event-secret',
    {
      config: { auth: { roles: ['admin'] } },
      schema: {
        tags: ['attribution'],
        summary: "Create or rotate the brand's postback signing secret (shown once)",
        params: IdParams,
        response: { 201: Type.Object({ secret: Type.String() }), ...errors(401, 403, 404) },
      },
    },
    async (req, reply) => {
      const secret = randomBytes(32).toString('hex');
      await writeAudited(s, async (trx, now) => {
        const brand = await trx
          .selectFrom('brands')
          .select('id')
          .where('id', '=', req.params.id)
          .executeTakeFirst();
        if (!brand) throw notFound('Brand');
        await trx
          .insertInto('event_signing_secrets')
          .values({ brand_id: brand.id, secret, created_at: now })
          .onConflict((oc) => oc.column('brand_id').doUpdateSet({ secret, created_at: now }))
          .execute();
        await appendAudit(
          trx,
          actorOf(req),
          { action: 'event_secret.rotated', entityType: 'brand', entityId: brand.id },
          now,
        );
      });
      return reply.status(201).send({ secret });
    },
  );
};

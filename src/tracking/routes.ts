import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { v7 as uuidv7 } from 'uuid';
import { appendAudit } from '../audit/audit-store.js';
import { writeAudited } from '../audit/write-audited.js';
import { actorOf } from '../auth/guard.js';
import { STAFF_ROLES } from '../auth/identity.js';
import { EVENT_TYPES } from '../intake/parse-event.js';
import type { EventType } from '../platform/db/schema.js';
import { AppError, notFound } from '../platform/http/errors.js';
import { errors, Uuid } from '../platform/http/schemas.js';
import { linkStatusRoutes } from './link-status-routes.js';
import { listRollups } from './rollup-store.js';
import {
  PostbackDeliveryFields,
  postbackDeliveryView,
  staffTrackingRoutes,
} from './staff-tracking-routes.js';

const AnyObject = Type.Object({}, { additionalProperties: true });
const EventTypeT = Type.Union(EVENT_TYPES.map((t) => Type.Literal(t)));

/** The partner a request may act for: a partner login or a partner API key. */
function ownPartnerId(req: FastifyRequest): string {
  const id = req.identity;
  const p = id?.partnerId;
  if (!p) throw new AppError('FORBIDDEN', 'Only a partner login or partner key has postbacks.');
  return p;
}

function postbackView(p: {
  id: string;
  event_type: string;
  url: string;
  brand_id: string | null;
  enabled: boolean;
  consecutive_failures: number;
  disabled_at: Date | null;
  disabled_reason: string | null;
}) {
  return {
    id: p.id,
    eventType: p.event_type,
    url: p.url,
    brandId: p.brand_id,
    enabled: p.enabled,
    consecutiveFailures: p.consecutive_failures,
    disabledAt: p.disabled_at?.toISOString() ?? null,
    disabledReason: p.disabled_reason,
  };
}

export const trackingRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const s = app.services;
  await app.register(staffTrackingRoutes);
  await app.register(linkStatusRoutes);

  app.get(
    '/reports/traffic',
    {
      config: { auth: { roles: [...STAFF_ROLES, 'partner'], scopes: ['reports:read'] } },
      schema: {
        tags: ['tracking'],
        summary:
          'Rollups (clicks, unique clicks, registrations, FTDs, deposits, purchases, revenue) by hour or day',
        description:
          'Per brand, partner segment, link, sub-id (sub1) and currency; amounts in minor units. Partners (login or key) see only their own rows; brand-restricted operator keys only their brands.',
        querystring: Type.Object(
          {
            grain: Type.Optional(Type.Union([Type.Literal('hour'), Type.Literal('day')])),
            from: Type.String({ format: 'date', description: 'inclusive, YYYY-MM-DD' }),
            to: Type.String({ format: 'date', description: 'exclusive' }),
            brandId: Type.Optional(Uuid),
            partnerId: Type.Optional(Uuid),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ items: Type.Array(AnyObject) }), ...errors(400, 401, 403) },
      },
    },
    async (req) => {
      const id = req.identity;
      const q = req.query;
      let partnerId = q.partnerId;
      if (id?.partnerId) partnerId = id.partnerId;
      if (id?.kind === 'api_key' && id.keyKind === 'operator' && id.brandIds.length > 0) {
        if (!q.brandId || !id.brandIds.includes(q.brandId)) throw new AppError('BRAND_FORBIDDEN');
      }
      const rows = await listRollups(s.db, {
        grain: q.grain ?? 'day',
        from: q.from,
        to: q.to,
        brandId: q.brandId,
        partnerId,
      });
      return { items: rows };
    },
  );

  app.get(
    '/portal/postbacks',
    {
      config: { auth: { roles: ['partner'], scopes: ['reports:read', 'leads:write'] } },
      schema: {
        tags: ['tracking'],
        summary: "The partner's own outbound postbacks",
        response: { 200: Type.Object({ items: Type.Array(AnyObject) }), ...errors(401, 403) },
      },
    },
    async (req) => {
      const rows = await s.db
        .selectFrom('partner_postbacks')
        .selectAll()
        .where('partner_id', '=', ownPartnerId(req))
        .orderBy('created_at')
        .execute();
      return { items: rows.map(postbackView) };
    },
  );

  app.post(
    '/portal/postbacks',
    {
      config: { auth: { roles: ['partner'], scopes: ['leads:write'] } },
      schema: {
        tags: ['tracking'],
        summary:
          'Add an outbound postback: a URL per event with macros {click_id} {sub1}…{sub5} {event} {amount} {currency} {commission} {customer_id}',
        body: Type.Object(
          {
            eventType: EventTypeT,
            url: Type.String({ pattern: '^https?://[^\\s]+$', maxLength: 2000 }),
            brandId: Type.Optional(Uuid),
          },
          { additionalProperties: false },
        ),
        response: { 201: AnyObject, ...errors(400, 401, 403) },
      },
    },
    async (req, reply) => {
      const partnerId = ownPartnerId(req);
      const b = req.body;
      const row = await writeAudited(s, async (trx, now) => {
        const r = await trx
          .insertInto('partner_postbacks')
          .values({
            id: uuidv7(),
            partner_id: partnerId,
            brand_id: b.brandId ?? null,
            event_type: b.eventType as EventType,
            url: b.url,
            enabled: true,
            consecutive_failures: 0,
            created_at: now,
            updated_at: now,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        await appendAudit(
          trx,
          actorOf(req),
          {
            action: 'partner_postback.created',
            entityType: 'partner_postback',
            entityId: r.id,
            after: postbackView(r),
          },
          now,
        );
        return r;
      });
      return reply.status(201).send(postbackView(row));
    },
  );

  app.patch(
    '/portal/postbacks/:id',
    {
      config: { auth: { roles: ['partner'], scopes: ['leads:write'] } },
      schema: {
        tags: ['tracking'],
        summary: 'Change or re-enable a postback (re-enabling resets its failure count)',
        params: Type.Object({ id: Uuid }, { additionalProperties: false }),
        body: Type.Object(
          {
            enabled: Type.Optional(Type.Boolean()),
            url: Type.Optional(Type.String({ pattern: '^https?://[^\\s]+$', maxLength: 2000 })),
          },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: AnyObject, ...errors(400, 401, 403, 404) },
      },
    },
    async (req) => {
      const partnerId = ownPartnerId(req);
      const b = req.body;
      const row = await writeAudited(s, async (trx, now) => {
        const before = await trx
          .selectFrom('partner_postbacks')
          .selectAll()
          .where('id', '=', req.params.id)
          .where('partner_id', '=', partnerId)
          .forUpdate()
          .executeTakeFirst();
        if (!before) throw notFound('Postback');
        const after = await trx
          .updateTable('partner_postbacks')
          .set({
            ...(b.url !== undefined ? { url: b.url } : {}),
            ...(b.enabled !== undefined ? { enabled: b.enabled } : {}),
            ...(b.enabled === true
              ? { consecutive_failures: 0, disabled_at: null, disabled_reason: null }
              : {}),
            updated_at: now,
          })
          .where('id', '=', before.id)
          .returningAll()
          .executeTakeFirstOrThrow();
        await appendAudit(
          trx,
          actorOf(req),
          {
            action: 'partner_postback.updated',
            entityType: 'partner_postback',
            entityId: before.id,
            before: postbackView(before),
            after: postbackView(after),
          },
          now,
        );
        return after;
      });
      return postbackView(row);
    },
  );

  app.get(
    '/portal/postback-deliveries',
    {
      config: { auth: { roles: ['partner'], scopes: ['reports:read', 'leads:write'] } },
      schema: {
        tags: ['tracking'],
        summary:
          "The partner's own delivery log (newest first), camelCase like the staff log; the event is Consort's id, never a customer's",
        querystring: Type.Object(
          { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object(
            {
              items: Type.Array(
                Type.Object(
                  {
                    ...PostbackDeliveryFields,
                    eventId: Type.String({ description: "Consort's id of the event the postback reported" }),
                    eventVersion: Type.Integer(),
                  },
                  { additionalProperties: false },
                ),
              ),
            },
            { additionalProperties: false },
          ),
          ...errors(400, 401, 403),
        },
      },
    },
    async (req) => {
      const rows = await s.db
        .selectFrom('postback_deliveries')
        .select([
          'id',
          'postback_id',
          'event_id',
          'event_version',
          'url',
          'status',
          'attempts',
          'last_status_code',
          'last_error',
          'created_at',
          'finished_at',
        ])
        .where('partner_id', '=', ownPartnerId(req))
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(req.query.limit ?? 100)
        .execute();
      return {
        items: rows.map((d) => ({
          ...postbackDeliveryView(d),
          eventId: d.event_id,
          eventVersion: d.event_version,
        })),
      };
    },
  );
};

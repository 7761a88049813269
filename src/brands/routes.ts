import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { v7 as uuidv7 } from 'uuid';
import { appendAudit } from '../audit/audit-store.js';
import { writeAudited } from '../audit/write-audited.js';
import { actorOf, assertBrandAllowed } from '../auth/guard.js';
import { STAFF_ROLES } from '../auth/identity.js';
import type { Brand } from '../platform/db/schema.js';
import { AppError, notFound } from '../platform/http/errors.js';
import { errors, IdParams } from '../platform/http/schemas.js';

const Vertical = Type.Union([Type.Literal('igaming'), Type.Literal('forex'), Type.Literal('prop')]);

const BrandView = Type.Object({
  id: Type.String(),
  code: Type.String(),
  name: Type.String(),
  vertical: Type.String(),
  currency: Type.String(),
  timezone: Type.String(),
  jurisdictions: Type.Array(Type.String()),
  landingUrlTemplate: Type.String(),
  fallbackUrl: Type.String(),
});

const BrandFields = {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  timezone: Type.String({ minLength: 1, maxLength: 64, description: 'IANA zone, e.g. Europe/Malta' }),
  jurisdictions: Type.Array(Type.String({ pattern: '^[A-Z][A-Za-z/]{1,19}$' }), {
    maxItems: 20,
    uniqueItems: true,
  }),
  landingUrlTemplate: Type.String({
    pattern: '^https?://[^\\s]+$',
    maxLength: 2000,
    description: 'May contain {click_id} and {sub1}…{sub5}',
  }),
  fallbackUrl: Type.String({ format: 'uri', maxLength: 2000 }),
};

export function brandView(b: Brand) {
  return {
    id: b.id,
    code: b.code,
    name: b.name,
    vertical: b.vertical,
    currency: b.currency,
    timezone: b.timezone,
    jurisdictions: b.jurisdictions,
    landingUrlTemplate: b.landing_url_template,
    fallbackUrl: b.fallback_url,
  };
}

function checkTimezone(tz: string): void {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
  } catch {
    throw new AppError('VALIDATION_FAILED', undefined, {
      fields: [{ path: '/timezone', message: 'is not an IANA time zone', in: 'body' }],
    });
  }
}

export const brandRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const s = app.services;

  app.get(
    '/brands',
    {
      config: { auth: { roles: STAFF_ROLES, scopes: ['reports:read', 'events:write', 'activity:write'] } },
      schema: {
        tags: ['brands'],
        summary: 'List brands (an API key restricted to brands sees only those)',
        response: { 200: Type.Object({ items: Type.Array(BrandView) }), ...errors(401, 403) },
      },
    },
    async (req) => {
      let q = s.db.selectFrom('brands').selectAll().orderBy('code');
      const id = req.identity;
      if (id?.kind === 'api_key' && id.brandIds.length > 0) q = q.where('id', 'in', id.brandIds);
      return { items: (await q.execute()).map(brandView) };
    },
  );

  app.get(
    '/brands/:id',
    {
      config: { auth: { roles: STAFF_ROLES, scopes: ['reports:read', 'events:write', 'activity:write'] } },
      schema: {
        tags: ['brands'],
        summary: 'One brand',
        params: IdParams,
        response: { 200: BrandView, ...errors(401, 403, 404) },
      },
    },
    async (req) => {
      const b = await s.db
        .selectFrom('brands')
        .selectAll()
        .where('id', '=', req.params.id)
        .executeTakeFirst();
      if (!b) throw notFound('Brand');
      assertBrandAllowed(req.identity, b.id);
      return brandView(b);
    },
  );

  app.post(
    '/brands',
    {
      config: { auth: { roles: ['admin'] } },
      schema: {
        tags: ['brands'],
        summary: 'Create a brand',
        body: Type.Object(
          {
            code: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{1,39}$' }),
            vertical: Vertical,
            currency: Type.String({ pattern: '^[A-Z]{3}$' }),
            ...BrandFields,
            timezone: Type.Optional(BrandFields.timezone),
            jurisdictions: Type.Optional(BrandFields.jurisdictions),
          },
          { additionalProperties: false },
        ),
        response: { 201: BrandView, ...errors(400, 401, 403, 409) },
      },
    },
    async (req, reply) => {
      const b = req.body;
      if (b.timezone) checkTimezone(b.timezone);
      const row = await writeAudited(s, async (trx, now) => {
        const taken = await trx
          .selectFrom('brands')
          .select('id')
          .where('code', '=', b.code)
          .executeTakeFirst();
        if (taken)
          throw new AppError('CONFLICT', `Brand code ${b.code} is taken.`, {
            fields: [{ path: '/code', message: 'is taken', in: 'body' }],
          });
        const created = await trx
          .insertInto('brands')
          .values({
            id: uuidv7(),
            code: b.code,
            name: b.name,
            vertical: b.vertical,
            currency: b.currency,
            timezone: b.timezone ?? 'UTC',
            jurisdictions: b.jurisdictions ?? [],
            landing_url_template: b.landingUrlTemplate,
            fallback_url: b.fallbackUrl,
            created_at: now,
            updated_at: now,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        await appendAudit(
          trx,
          actorOf(req),
          { action: 'brand.created', entityType: 'brand', entityId: created.id, after: brandView(created) },
          now,
        );
        return created;
      });
      return reply.status(201).send(brandView(row));
    },
  );

  app.patch(
    '/brands/:id',
    {
      config: { auth: { roles: ['admin'] } },
      schema: {
        tags: ['brands'],
        summary: 'Change a brand (code, vertical and currency are fixed)',
        params: IdParams,
        body: Type.Object(
          {
            name: Type.Optional(BrandFields.name),
            timezone: Type.Optional(BrandFields.timezone),
            jurisdictions: Type.Optional(BrandFields.jurisdictions),
            landingUrlTemplate: Type.Optional(BrandFields.landingUrlTemplate),
            fallbackUrl: Type.Optional(BrandFields.fallbackUrl),
          },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: BrandView, ...errors(400, 401, 403, 404) },
      },
    },
    async (req) => {
      const b = req.body;
      if (b.timezone) checkTimezone(b.timezone);
      const row = await writeAudited(s, async (trx, now) => {
        const before = await trx
          .selectFrom('brands')
          .selectAll()
          .where('id', '=', req.params.id)
          .forUpdate()
          .executeTakeFirst();
        if (!before) throw notFound('Brand');
        const after = await trx
          .updateTable('brands')
          .set({
            ...(b.name !== undefined ? { name: b.name } : {}),
            ...(b.timezone !== undefined ? { timezone: b.timezone } : {}),
            ...(b.jurisdictions !== undefined ? { jurisdictions: b.jurisdictions } : {}),
            ...(b.landingUrlTemplate !== undefined ? { landing_url_template: b.landingUrlTemplate } : {}),
            ...(b.fallbackUrl !== undefined ? { fallback_url: b.fallbackUrl } : {}),
            updated_at: now,
          })
          .where('id', '=', before.id)
          .returningAll()
          .executeTakeFirstOrThrow();
        await appendAudit(
          trx,
          actorOf(req),
          {
            action: 'brand.updated',
            entityType: 'brand',
            entityId: before.id,
            before: brandView(before),
            after: brandView(after),
          },
          now,
        );
        return after;
      });
      return brandView(row);
    },
  );
};

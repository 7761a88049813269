import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { sql } from 'kysely';
import { Type } from 'typebox';
import { v7 as uuidv7 } from 'uuid';
import { appendAudit } from '../audit/audit-store.js';
import { writeAudited } from '../audit/write-audited.js';
import { actorOf, userOf } from '../auth/guard.js';
import { AppError, notFound } from '../platform/http/errors.js';
import { Email, errors, IdParams } from '../platform/http/schemas.js';

export const SEGMENTS = ['affiliate', 'ib', 'ambassador', 'influencer', 'integrator', 'reseller'] as const;

const PartnerView = Type.Object({
  id: Type.String(),
  displayName: Type.String(),
  email: Type.Union([Type.String(), Type.Null()]),
  country: Type.Union([Type.String(), Type.Null()]),
  status: Type.String(),
  segments: Type.Array(Type.String()),
  managerUserId: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
});

type PartnerRow = {
  id: string;
  display_name: string;
  email: string | null;
  country: string | null;
  status: string;
  segments: string[];
  manager_user_id: string | null;
  created_at: Date;
};

function partnerView(p: PartnerRow) {
  return {
    id: p.id,
    displayName: p.display_name,
    email: p.email,
    country: p.country,
    status: p.status,
    segments: p.segments,
    managerUserId: p.manager_user_id,
    createdAt: p.created_at.toISOString(),
  };
}

/** A partner manager reaches only the partners in their portfolio; other staff reach all. */
function portfolioOf(req: FastifyRequest): string | null {
  const me = userOf(req);
  return me.role === 'partner_manager' ? me.userId : null;
}

/** Partners: the minimal record the foundation needs; onboarding (issue 4) grows it. */
export const partnerRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const s = app.services;

  app.get(
    '/partners',
    {
      config: { auth: { roles: ['admin', 'partner_manager', 'finance', 'compliance', 'analyst'] } },
      schema: {
        tags: ['partners'],
        summary: 'List partners (a partner manager sees their portfolio only)',
        querystring: Type.Object(
          {
            segment: Type.Optional(Type.Union(SEGMENTS.map((x) => Type.Literal(x)))),
            status: Type.Optional(Type.String({ maxLength: 30 })),
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
      const mine = portfolioOf(req);
      let q = s.db.selectFrom('partners');
      if (mine) q = q.where('manager_user_id', '=', mine);
      if (req.query.segment) q = q.where(sql<boolean>`${req.query.segment} = any(segments)`);
      if (req.query.status) q = q.where('status', '=', req.query.status);
      const [rows, count] = await Promise.all([
        q
          .selectAll()
          .orderBy('display_name')
          .orderBy('id')
          .limit(req.query.limit)
          .offset(req.query.offset)
          .execute(),
        q.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
      ]);
      return { items: rows.map(partnerView), total: Number(count.n) };
    },
  );

  app.get(
    '/partners/:id',
    {
      config: {
        auth: { roles: ['admin', 'partner_manager', 'finance', 'compliance', 'analyst', 'partner'] },
      },
      schema: {
        tags: ['partners'],
        summary: 'One partner (404 outside your reach)',
        params: IdParams,
        response: { 200: PartnerView, ...errors(401, 403, 404) },
      },
    },
    async (req) => {
      const me = userOf(req);
      let q = s.db.selectFrom('partners').selectAll().where('id', '=', req.params.id);
      if (me.role === 'partner') q = q.where('id', '=', me.partnerId!);
      const mine = portfolioOf(req);
      if (mine) q = q.where('manager_user_id', '=', mine);
      const p = await q.executeTakeFirst();
      if (!p) throw notFound('Partner');
      return partnerView(p);
    },
  );

  app.post(
    '/partners',
    {
      config: { auth: { roles: ['admin', 'partner_manager'] } },
      schema: {
        tags: ['partners'],
        summary: 'Create a partner record (a partner manager creates into their own portfolio)',
        body: Type.Object(
          {
            displayName: Type.String({ minLength: 1, maxLength: 200 }),
            email: Type.Optional(Email),
            country: Type.Optional(Type.String({ pattern: '^[A-Z]{2}$' })),
            segments: Type.Array(Type.Union(SEGMENTS.map((x) => Type.Literal(x))), {
              minItems: 1,
              uniqueItems: true,
            }),
            managerUserId: Type.Optional(Type.String({ format: 'uuid' })),
          },
          { additionalProperties: false },
        ),
        response: { 201: PartnerView, ...errors(400, 401, 403) },
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
        return created;
      });
      return reply.status(201).send(partnerView(row));
    },
  );

  app.get(
    '/portal/profile',
    {
      config: { auth: { roles: ['partner'] } },
      schema: {
        tags: ['partners'],
        summary: "The signed-in partner's own record",
        response: { 200: PartnerView, ...errors(401, 403) },
      },
    },
    async (req) => {
      const me = userOf(req);
      const p = await s.db
        .selectFrom('partners')
        .selectAll()
        .where('id', '=', me.partnerId!)
        .executeTakeFirstOrThrow();
      return partnerView(p);
    },
  );
};

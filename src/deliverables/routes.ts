import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { writeAudited } from '../audit/write-audited.js';
import { SEGMENTS } from '../deals/index.js';
import { actorOf, userOf } from '../auth/guard.js';
import { loadPartnerOrThrow } from '../partners/partner-store.js';
import { reachOf } from '../partners/routes.js';
import { AppError } from '../platform/http/errors.js';
import { errors, IdParams, Uuid } from '../platform/http/schemas.js';
import {
  decideDeliverableOrThrow,
  deliverableView,
  listDeliverables,
  recordDeliverable,
} from './deliverable-store.js';

const Status = Type.Union([Type.Literal('submitted'), Type.Literal('approved'), Type.Literal('rejected')]);
const Deliverable = Type.Object(
  {
    id: Type.String(),
    partnerId: Type.String(),
    brandId: Type.String(),
    brand: Type.Union([Type.String(), Type.Null()]),
    segment: Type.String(),
    type: Type.String(),
    externalRef: Type.String(),
    title: Type.String(),
    url: Type.Union([Type.String(), Type.Null()]),
    deliveredOn: Type.String({ description: 'YYYY-MM-DD, brand calendar: the period whose close pays it' }),
    status: Status,
    decidedBy: Type.Union([Type.String(), Type.Null()]),
    decidedAt: Type.Union([Type.String(), Type.Null()]),
    decisionReason: Type.Union([Type.String(), Type.Null()]),
    createdAt: Type.String(),
  },
  { additionalProperties: false },
);
const ListItem = Type.Object(
  { ...Deliverable.properties, partnerName: Type.String() },
  { additionalProperties: false },
);
const Page = Type.Object(
  { items: Type.Array(ListItem), total: Type.Integer() },
  { additionalProperties: false },
);
const Recorded = Type.Object(
  { ...Deliverable.properties, duplicate: Type.Boolean() },
  { additionalProperties: false },
);
const Body = Type.Object(
  {
    brand: Type.String({ minLength: 1, maxLength: 64, description: 'brand code or id' }),
    segment: Type.Union(SEGMENTS.map((s) => Type.Literal(s))),
    type: Type.String({ pattern: '^[a-z0-9_]{1,64}$', description: "matches the deal's deliverableTypes" }),
    externalRef: Type.String({
      minLength: 1,
      maxLength: 200,
      description: 'your reference; idempotency key',
    }),
    title: Type.String({ minLength: 1, maxLength: 300 }),
    url: Type.Optional(Type.String({ pattern: '^https?://[^\\s]+$', maxLength: 2000 })),
    deliveredOn: Type.String({ format: 'date' }),
  },
  { additionalProperties: false },
);
const ListQuery = Type.Object(
  {
    status: Type.Optional(Status),
    partnerId: Type.Optional(Uuid),
    brandId: Type.Optional(Uuid),
    limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
    offset: Type.Integer({ minimum: 0, default: 0 }),
  },
  { additionalProperties: false },
);

const STAFF_READ = ['admin', 'partner_manager', 'finance', 'compliance', 'analyst'] as const;
const DECIDERS = ['admin', 'partner_manager'] as const;

function ownPartnerId(req: FastifyRequest): string {
  const p = req.identity?.partnerId;
  if (!p) throw new AppError('FORBIDDEN', 'Only a partner login or partner key has deliverables.');
  return p;
}

/**
 * Deliverables that deals pay a flat fee for: partners submit them, staff approve or reject them, and the
 * close of the brand period they were delivered in pays each approved one once (docs/ledger.md).
 */
export const deliverableRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const s = app.services;
  const managerOf = (req: FastifyRequest) => {
    const reach = reachOf(req);
    return reach.kind === 'portfolio' ? reach.managerUserId : undefined;
  };

  app.get(
    '/deliverables',
    {
      config: { auth: { roles: [...STAFF_READ] } },
      schema: {
        tags: ['ledger'],
        summary:
          'Deliverables (filter status=submitted for the review queue); a partner manager sees their portfolio',
        querystring: ListQuery,
        response: { 200: Page, ...errors(400, 401, 403) },
      },
    },
    async (req) => listDeliverables(s.db, { ...req.query, managerId: managerOf(req) }),
  );

  app.post(
    '/partners/:id/deliverables',
    {
      config: { auth: { roles: [...DECIDERS] } },
      schema: {
        tags: ['ledger'],
        summary:
          "Record a partner's deliverable on their behalf (approved at once by the recording user; audited)",
        params: IdParams,
        body: Body,
        response: { 200: Recorded, 201: Recorded, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (req, reply) => {
      const user = userOf(req);
      const r = await writeAudited(s, async (trx, now) => {
        const partner = await loadPartnerOrThrow(trx, reachOf(req), req.params.id);
        return recordDeliverable(
          trx,
          actorOf(req),
          { ...req.body, partnerId: partner.id },
          { approvedBy: user.userId },
          now,
        );
      });
      return reply
        .status(r.duplicate ? 200 : 201)
        .send({ ...deliverableView(r.row, r.brandCode), duplicate: r.duplicate });
    },
  );

  app.post(
    '/deliverables/:id/decision',
    {
      config: { auth: { roles: [...DECIDERS] } },
      schema: {
        tags: ['ledger'],
        summary: 'Approve or reject a submitted deliverable (final; a rejection needs a reason; audited)',
        params: IdParams,
        body: Type.Object(
          {
            decision: Type.Union([Type.Literal('approve'), Type.Literal('reject')]),
            reason: Type.Optional(Type.String({ maxLength: 1000 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Deliverable, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (req) => {
      const user = userOf(req);
      const row = await writeAudited(s, (trx, now) =>
        decideDeliverableOrThrow(
          trx,
          actorOf(req),
          { id: req.params.id, ...req.body, userId: user.userId, managerId: managerOf(req) },
          now,
        ),
      );
      return deliverableView(row);
    },
  );

  app.get(
    '/portal/deliverables',
    {
      config: { auth: { roles: ['partner'], scopes: ['reports:read', 'leads:write'] } },
      schema: {
        tags: ['portal'],
        summary: 'Your deliverables and their review status',
        querystring: ListQuery,
        response: { 200: Page, ...errors(400, 401, 403) },
      },
    },
    async (req) => listDeliverables(s.db, { ...req.query, partnerId: ownPartnerId(req) }),
  );

  app.post(
    '/portal/deliverables',
    {
      config: { auth: { roles: ['partner'], scopes: ['leads:write'] } },
      schema: {
        tags: ['portal'],
        summary: 'Submit a deliverable for review (idempotent on brand, type and your reference)',
        body: Body,
        response: { 200: Recorded, 201: Recorded, ...errors(400, 401, 403, 409) },
      },
    },
    async (req, reply) => {
      const partnerId = ownPartnerId(req);
      const r = await writeAudited(s, (trx, now) =>
        recordDeliverable(trx, actorOf(req), { ...req.body, partnerId }, { approvedBy: null }, now),
      );
      return reply
        .status(r.duplicate ? 200 : 201)
        .send({ ...deliverableView(r.row, r.brandCode), duplicate: r.duplicate });
    },
  );
};

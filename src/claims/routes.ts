import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { writeAudited } from '../audit/write-audited.js';
import { actorOf, userOf } from '../auth/guard.js';
import { STAFF_ROLES } from '../auth/identity.js';
import type { LoginRole } from '../platform/config.js';
import { errors, IdParams, Uuid } from '../platform/http/schemas.js';
import {
  type ClaimReach,
  claimView,
  fileClaim,
  listClaims,
  loadClaimOrThrow,
  staffClaimView,
  transitionClaim,
} from './claim-store.js';

/** Who triages claims: admins, finance, and partner managers for their own portfolio (docs/roles.md). */
export const TRIAGE_ROLES: readonly LoginRole[] = ['admin', 'partner_manager', 'finance'];

const State = Type.Union([
  Type.Literal('open'),
  Type.Literal('in_review'),
  Type.Literal('accepted'),
  Type.Literal('rejected'),
]);
const Money = Type.String({ pattern: '^\\s*[0-9]+(\\.[0-9]+)?\\s*$', maxLength: 40 });
const Period = Type.String({ pattern: '^[0-9]{4}-(0[1-9]|1[0-2])$' });

const claimFields = {
  id: Uuid,
  partnerId: Uuid,
  brandId: Uuid,
  customerRef: Type.String(),
  expectedAmount: Type.String(),
  currency: Type.String(),
  reason: Type.String(),
  period: Type.Union([Type.String(), Type.Null()]),
  state: State,
  dueAt: Type.String({ format: 'date-time' }),
  overdue: Type.Boolean(),
  acceptedAmount: Type.Union([Type.String(), Type.Null()]),
  response: Type.Union([Type.String(), Type.Null()]),
  adjustmentLineId: Type.Union([Uuid, Type.Null()]),
  decidedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
};
export const ClaimView = Type.Object(claimFields, { additionalProperties: false });
export const StaffClaimView = Type.Object(
  {
    ...claimFields,
    partnerName: Type.String(),
    decidedBy: Type.Union([Type.String(), Type.Null()]),
  },
  { additionalProperties: false },
);

function staffReach(req: FastifyRequest): ClaimReach {
  const u = userOf(req);
  return u.role === 'partner_manager' ? { kind: 'portfolio', managerUserId: u.userId } : { kind: 'all' };
}

/**
 * Missing-commission claims (issue 7): a partner files one from the portal; staff triage it
 * (open → in_review → accepted | rejected) before its deadline; accepting books a manual adjustment.
 */
export const claimRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const s = app.services;
  const responseDays = s.config.claims.responseDays;

  app.post(
    '/portal/claims',
    {
      config: { auth: { roles: ['partner'] } },
      schema: {
        tags: ['portal'],
        summary: 'File a missing-commission claim (own; answered within the response deadline)',
        description:
          '`customerRef` is the pseudonymous customer id (`cu_…`) shown in the portal or a free reference. `expectedAmount` is a decimal string in `currency` with at most its minor digits. `brandId` may be left out when the partner has one brand.',
        body: Type.Object(
          {
            brandId: Type.Optional(Uuid),
            customerRef: Type.String({ minLength: 1, maxLength: 100, pattern: '\\S' }),
            expectedAmount: Money,
            currency: Type.String({ pattern: '^[A-Za-z]{3}$' }),
            reason: Type.String({ minLength: 3, maxLength: 2000, pattern: '\\S' }),
            period: Type.Optional(Period),
          },
          { additionalProperties: false },
        ),
        response: { 201: ClaimView, ...errors(400, 401, 403) },
      },
    },
    async (req, reply) => {
      const b = req.body;
      const row = await writeAudited(s, (trx, now) =>
        fileClaim(
          trx,
          actorOf(req),
          {
            partnerId: userOf(req).partnerId!,
            brandId: b.brandId,
            customerRef: b.customerRef,
            expectedAmount: b.expectedAmount,
            currency: b.currency,
            reason: b.reason,
            period: b.period,
            responseDays,
          },
          now,
        ),
      );
      return reply.status(201).send(claimView(row, s.clock()));
    },
  );

  app.get(
    '/portal/claims',
    {
      config: { auth: { roles: ['partner'] } },
      schema: {
        tags: ['portal'],
        summary:
          'Own claims, newest first, with state, deadline and the answer; own brands for the claim form',
        response: {
          200: Type.Object(
            {
              items: Type.Array(ClaimView),
              brands: Type.Array(
                Type.Object(
                  { id: Uuid, name: Type.String(), currency: Type.String() },
                  { additionalProperties: false },
                ),
              ),
              responseDays: Type.Integer(),
            },
            { additionalProperties: false },
          ),
          ...errors(401, 403),
        },
      },
    },
    async (req) => {
      const items = await listClaims(
        s.db,
        { kind: 'own', partnerId: userOf(req).partnerId! },
        { limit: 500 },
        s.clock(),
      );
      const brands = await s.db
        .selectFrom('partner_brands as pb')
        .innerJoin('brands as b', 'b.id', 'pb.brand_id')
        .select(['b.id', 'b.name', 'b.currency'])
        .where('pb.partner_id', '=', userOf(req).partnerId!)
        .orderBy('b.name')
        .execute();
      return {
        items: items.map(({ partnerName: _n, decidedBy: _d, ...c }) => c),
        brands,
        responseDays,
      };
    },
  );

  app.get(
    '/portal/claims/:id',
    {
      config: { auth: { roles: ['partner'] } },
      schema: {
        tags: ['portal'],
        summary: 'One own claim (another partner’s is 404)',
        params: IdParams,
        response: { 200: ClaimView, ...errors(401, 403, 404) },
      },
    },
    async (req) =>
      claimView(
        await loadClaimOrThrow(s.db, { kind: 'own', partnerId: userOf(req).partnerId! }, req.params.id),
        s.clock(),
      ),
  );

  app.get(
    '/claims',
    {
      config: { auth: { roles: STAFF_ROLES } },
      schema: {
        tags: ['ledger'],
        summary: 'Missing-commission claims (partner managers: their portfolio)',
        description:
          '`open=true`: open and in-review claims, the nearest deadline first; `overdue` marks late ones.',
        querystring: Type.Object(
          {
            partnerId: Type.Optional(Uuid),
            state: Type.Optional(State),
            open: Type.Optional(Type.Boolean()),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 200 })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ items: Type.Array(StaffClaimView) }, { additionalProperties: false }),
          ...errors(400, 401, 403),
        },
      },
    },
    async (req) => ({
      items: await listClaims(
        s.db,
        staffReach(req),
        {
          partnerId: req.query.partnerId,
          state: req.query.state,
          open: req.query.open,
          limit: req.query.limit ?? 200,
        },
        s.clock(),
      ),
    }),
  );

  app.get(
    '/claims/:id',
    {
      config: { auth: { roles: STAFF_ROLES } },
      schema: {
        tags: ['ledger'],
        summary: 'One claim (outside a manager’s portfolio: 404)',
        params: IdParams,
        response: { 200: StaffClaimView, ...errors(401, 403, 404) },
      },
    },
    async (req) => staffClaimView(await loadClaimOrThrow(s.db, staffReach(req), req.params.id), s.clock()),
  );

  const triage = (action: 'review' | 'accept' | 'reject') =>
    app.post(
      `/claims/:id/${action}`,
      {
        config: { auth: { roles: TRIAGE_ROLES } },
        schema: {
          tags: ['ledger'],
          summary:
            action === 'review'
              ? 'Start reviewing a claim (open → in_review)'
              : action === 'accept'
                ? 'Accept a claim with an amount: books a manual adjustment line for the partner'
                : 'Reject a claim with a response to the partner',
          params: IdParams,
          body:
            action === 'accept'
              ? Type.Object(
                  { amount: Money, response: Type.Optional(Type.String({ maxLength: 2000 })) },
                  { additionalProperties: false },
                )
              : action === 'reject'
                ? Type.Object(
                    { response: Type.String({ minLength: 3, maxLength: 2000, pattern: '\\S' }) },
                    { additionalProperties: false },
                  )
                : Type.Object({}, { additionalProperties: false }),
          response: { 200: StaffClaimView, ...errors(400, 401, 403, 404, 409) },
        },
      },
      async (req) => {
        const body = (req.body ?? {}) as { amount?: string; response?: string };
        const row = await writeAudited(s, (trx, now) =>
          transitionClaim(
            trx,
            actorOf(req),
            staffReach(req),
            { id: req.params.id, action, amount: body.amount, response: body.response },
            now,
          ),
        );
        return staffClaimView(row, s.clock());
      },
    );
  triage('review');
  triage('accept');
  triage('reject');
};

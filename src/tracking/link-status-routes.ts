import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { appendAudit } from '../audit/audit-store.js';
import { writeAudited } from '../audit/write-audited.js';
import { actorOf } from '../auth/guard.js';
import { loadPartnerOrThrow } from '../partners/partner-store.js';
import { reachOf } from '../partners/routes.js';
import { linkView, promoView } from '../partners/views.js';
import { AppError, notFound } from '../platform/http/errors.js';
import { errors, Uuid } from '../platform/http/schemas.js';
import { invalidateTrackingCode } from './link-cache.js';

const Status = Type.Union([Type.Literal('active'), Type.Literal('paused')]);
const Reason = Type.String({ minLength: 1, maxLength: 500 });
const IdParam = Type.Object({ id: Uuid }, { additionalProperties: false });
const SubIds = Type.Record(Type.String(), Type.String());
const LinkView = Type.Object(
  {
    id: Type.String(),
    code: Type.String(),
    brandId: Type.String(),
    segment: Type.String(),
    kind: Type.String(),
    name: Type.String(),
    landingUrl: Type.Union([Type.String(), Type.Null()]),
    subIds: SubIds,
    status: Status,
    createdAt: Type.String(),
  },
  { additionalProperties: false },
);
const PromoView = Type.Object(
  {
    id: Type.String(),
    code: Type.String(),
    brandId: Type.String(),
    segment: Type.String(),
    status: Status,
    createdAt: Type.String(),
  },
  { additionalProperties: false },
);

/** Who may pause or resume any partner's links and codes (a partner manager: their portfolio only). */
const STAFF_PAUSERS = ['admin', 'partner_manager', 'compliance'] as const;

function ownPartnerId(req: FastifyRequest): string {
  const p = req.identity?.partnerId;
  if (!p) throw new AppError('FORBIDDEN', 'Only a partner login or partner key has links.');
  return p;
}

/**
 * Pausing and resuming tracking links and promo codes. A paused asset's clicks go to the brand's fallback URL
 * (counted as `paused`) and it never wins attribution; this process's link cache drops it at once, other API
 * processes after the cache TTL (`CONSORT_LINK_CACHE_TTL_SECONDS`). Staff must give a reason to pause; every
 * change is audited with the before and after status.
 */
export const linkStatusRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const s = app.services;

  const setStatus = async (
    req: FastifyRequest,
    table: 'tracking_links' | 'promo_codes',
    id: string,
    status: 'active' | 'paused',
    reason: string | null,
    scope: { partnerId: string } | { staff: true },
  ) => {
    const entity = table === 'tracking_links' ? 'tracking_link' : 'promo_code';
    const result = await writeAudited(s, async (trx, now) => {
      let q = trx.selectFrom(table).selectAll().where('id', '=', id);
      if ('partnerId' in scope) q = q.where('partner_id', '=', scope.partnerId);
      const before = await q.forUpdate().executeTakeFirst();
      if (!before) throw notFound(table === 'tracking_links' ? 'Link' : 'Promo code');
      // a partner manager reaches the links of their portfolio only (404 outside it, as for the partner)
      if ('staff' in scope) await loadPartnerOrThrow(trx, reachOf(req), before.partner_id);
      if (before.status === status) return before;
      const after = await trx
        .updateTable(table)
        .set({ status, updated_at: now })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
      await appendAudit(
        trx,
        actorOf(req),
        {
          action: `${entity}.${status === 'paused' ? 'paused' : 'resumed'}`,
          entityType: entity,
          entityId: id,
          detail: {
            code: before.code,
            partnerId: before.partner_id,
            before: before.status,
            after: status,
            reason,
          },
        },
        now,
      );
      return after;
    });
    invalidateTrackingCode(result.code);
    return result;
  };

  const staffBody = Type.Object(
    {
      status: Status,
      reason: Type.Optional(Reason),
    },
    { additionalProperties: false },
  );
  const requireReason = (b: { status: string; reason?: string | undefined }) => {
    if (b.status === 'paused' && !b.reason?.trim())
      throw new AppError('VALIDATION_FAILED', 'Give a reason to pause.', {
        fields: [{ path: '/reason', message: 'required when pausing', in: 'body' }],
      });
    return b.reason?.trim() ?? null;
  };

  app.patch(
    '/links/:id',
    {
      config: { auth: { roles: [...STAFF_PAUSERS] } },
      schema: {
        tags: ['tracking'],
        summary: "Pause or resume a partner's tracking link (reason required to pause; audited)",
        params: IdParam,
        body: staffBody,
        response: { 200: LinkView, ...errors(400, 401, 403, 404) },
      },
    },
    async (req) => {
      const reason = requireReason(req.body);
      const row = await setStatus(req, 'tracking_links', req.params.id, req.body.status, reason, {
        staff: true,
      });
      return linkView(row as never);
    },
  );

  app.patch(
    '/promo-codes/:id',
    {
      config: { auth: { roles: [...STAFF_PAUSERS] } },
      schema: {
        tags: ['tracking'],
        summary: "Pause or resume a partner's promo code (reason required to pause; audited)",
        params: IdParam,
        body: staffBody,
        response: { 200: PromoView, ...errors(400, 401, 403, 404) },
      },
    },
    async (req) => {
      const reason = requireReason(req.body);
      const row = await setStatus(req, 'promo_codes', req.params.id, req.body.status, reason, {
        staff: true,
      });
      return promoView(row as never);
    },
  );

  app.patch(
    '/portal/links/:id',
    {
      config: { auth: { roles: ['partner'], scopes: ['leads:write'] } },
      schema: {
        tags: ['tracking'],
        summary: 'Pause or resume one of your own tracking links',
        params: IdParam,
        body: Type.Object({ status: Status }, { additionalProperties: false }),
        response: { 200: LinkView, ...errors(400, 401, 403, 404) },
      },
    },
    async (req) => {
      const partnerId = ownPartnerId(req);
      const row = await setStatus(req, 'tracking_links', req.params.id, req.body.status, null, { partnerId });
      return linkView(row as never);
    },
  );
};

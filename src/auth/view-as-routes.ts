import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { v7 as uuidv7 } from 'uuid';
import { appendAudit } from '../audit/audit-store.js';
import { writeAudited } from '../audit/write-audited.js';
import { loadPartnerOrThrow, reachFor } from '../partners/partner-store.js';
import type { LoginRole } from '../platform/config.js';
import { notFound } from '../platform/http/errors.js';
import { errors, IdParams, Uuid } from '../platform/http/schemas.js';
import { actorOf, userOf, VIEW_AS_HEADER } from './guard.js';

/** Who may view a partner's portal: admins (any partner) and partner managers (their portfolio). */
export const VIEW_AS_ROLES: readonly LoginRole[] = ['admin', 'partner_manager'];

const ViewAsGrant = Type.Object(
  {
    grantId: Uuid,
    partnerId: Uuid,
    partnerName: Type.String(),
    expiresAt: Type.String({ format: 'date-time' }),
    header: Type.String(),
  },
  { additionalProperties: false },
);

/**
 * "View as partner": a short-lived, read-only marker bound to the staff session. Requests carrying it in
 * `X-Consort-View-As` answer the portal routes as that partner; every write is refused (VIEW_AS_READ_ONLY).
 */
export const viewAsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const s = app.services;

  app.post(
    '/partners/:id/view-as',
    {
      config: { auth: { roles: VIEW_AS_ROLES } },
      schema: {
        tags: ['partners'],
        summary:
          "Start viewing a partner's portal read-only (audited); send the grant id in X-Consort-View-As",
        params: IdParams,
        response: { 201: ViewAsGrant, ...errors(401, 403, 404) },
      },
    },
    async (req, reply) => {
      const u = userOf(req);
      const minutes = s.config.claims.viewAsMinutes;
      const out = await writeAudited(s, async (trx, now) => {
        const p = await loadPartnerOrThrow(trx, reachFor(u), req.params.id);
        const id = uuidv7();
        const expiresAt = new Date(now.getTime() + minutes * 60_000);
        await trx
          .insertInto('view_as_grants')
          .values({
            id,
            session_id: u.sessionId,
            user_id: u.userId,
            partner_id: p.id,
            created_at: now,
            expires_at: expiresAt,
            ended_at: null,
          })
          .execute();
        await appendAudit(
          trx,
          actorOf(req),
          {
            action: 'partner.view_as_started',
            entityType: 'partner',
            entityId: p.id,
            detail: {
              grantId: id,
              staffUserId: u.userId,
              staffRole: u.role,
              expiresAt: expiresAt.toISOString(),
            },
          },
          now,
        );
        return {
          grantId: id,
          partnerId: p.id,
          partnerName: p.display_name,
          expiresAt: expiresAt.toISOString(),
        };
      });
      return reply.status(201).send({ ...out, header: 'X-Consort-View-As' });
    },
  );

  app.delete(
    '/view-as/:id',
    {
      config: { auth: { roles: VIEW_AS_ROLES } },
      schema: {
        tags: ['partners'],
        summary: 'End a view-as marker of the own session (audited)',
        params: IdParams,
        response: { 204: Type.Null(), ...errors(401, 403, 404) },
      },
    },
    async (req, reply) => {
      const u = userOf(req);
      await writeAudited(s, async (trx, now) => {
        const g = await trx
          .updateTable('view_as_grants')
          .set({ ended_at: now })
          .where('id', '=', req.params.id)
          .where('session_id', '=', u.sessionId)
          .where('ended_at', 'is', null)
          .returning(['id', 'partner_id'])
          .executeTakeFirst();
        if (!g) throw notFound('View-as marker');
        await appendAudit(
          trx,
          actorOf(req),
          {
            action: 'partner.view_as_ended',
            entityType: 'partner',
            entityId: g.partner_id,
            detail: { grantId: g.id },
          },
          now,
        );
      });
      return reply.status(204).send(null);
    },
  );
};

export { VIEW_AS_HEADER };

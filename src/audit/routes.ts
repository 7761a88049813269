import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { actorOf } from '../auth/guard.js';
import { errors } from '../platform/http/schemas.js';
import { listAudit } from './audit-store.js';
import { verifyAndRecord } from './verify-audit-chain.js';

const AuditRecord = Type.Object({
  id: Type.String(),
  occurredAt: Type.String(),
  actorType: Type.String(),
  actorId: Type.Union([Type.String(), Type.Null()]),
  action: Type.String(),
  entityType: Type.String(),
  entityId: Type.Union([Type.String(), Type.Null()]),
  diff: Type.Unknown(),
  requestId: Type.Union([Type.String(), Type.Null()]),
  ip: Type.Union([Type.String(), Type.Null()]),
  chainSeq: Type.Union([Type.String(), Type.Null()], {
    description: 'Position in the hash chain; null until linked (seconds).',
  }),
  hash: Type.Union([Type.String(), Type.Null()]),
});

const Verification = Type.Object({
  ok: Type.Boolean(),
  checked: Type.Integer(),
  headSeq: Type.Union([Type.String(), Type.Null()]),
  headHash: Type.Union([Type.String(), Type.Null()]),
  firstBreak: Type.Union([Type.Object({}, { additionalProperties: true }), Type.Null()]),
  message: Type.String(),
});

export const auditRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const s = app.services;

  app.get(
    '/audit',
    {
      config: { auth: { roles: ['admin', 'compliance'] } },
      schema: {
        tags: ['audit'],
        summary: 'Search the audit trail, newest first (keyset pagination with `before`)',
        querystring: Type.Object(
          {
            entityType: Type.Optional(Type.String({ maxLength: 100 })),
            entityId: Type.Optional(Type.String({ maxLength: 200 })),
            action: Type.Optional(Type.String({ maxLength: 100 })),
            actorId: Type.Optional(Type.String({ maxLength: 200 })),
            from: Type.Optional(Type.String({ format: 'date-time' })),
            to: Type.Optional(Type.String({ format: 'date-time' })),
            q: Type.Optional(Type.String({ maxLength: 200 })),
            before: Type.Optional(Type.String({ pattern: '^[0-9]{1,19}$' })),
            limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            items: Type.Array(AuditRecord),
            nextBefore: Type.Union([Type.String(), Type.Null()]),
          }),
          ...errors(400, 401, 403),
        },
      },
    },
    async (req) => {
      const q = req.query;
      const rows = await listAudit(s.db, {
        ...q,
        from: q.from ? new Date(q.from) : undefined,
        to: q.to ? new Date(q.to) : undefined,
        limit: q.limit,
      });
      return {
        items: rows.map((r) => ({
          id: r.id,
          occurredAt: r.occurred_at.toISOString(),
          actorType: r.actor_type,
          actorId: r.actor_id,
          action: r.action,
          entityType: r.entity_type,
          entityId: r.entity_id,
          diff: r.diff,
          requestId: r.request_id,
          ip: r.ip,
          chainSeq: r.seq,
          hash: r.hash,
        })),
        nextBefore: rows.length === q.limit ? (rows[rows.length - 1]?.id ?? null) : null,
      };
    },
  );

  app.post(
    '/audit/verify',
    {
      config: { auth: { roles: ['admin', 'compliance'] } },
      schema: {
        tags: ['audit'],
        summary: 'Verify the whole hash chain now; the result is recorded',
        response: { 200: Verification, ...errors(401, 403) },
      },
    },
    async (req) => {
      const result = await verifyAndRecord(s.db, actorOf(req), 'api', s.clock());
      s.auditChainer.kick();
      return result;
    },
  );

  app.get(
    '/audit/verifications',
    {
      config: { auth: { roles: ['admin', 'compliance'] } },
      schema: {
        tags: ['audit'],
        summary: 'Recent chain verifications (nightly job, CLI and API)',
        response: {
          200: Type.Object({
            items: Type.Array(
              Type.Object({
                verifiedAt: Type.String(),
                ok: Type.Boolean(),
                checked: Type.String(),
                message: Type.String(),
                trigger: Type.String(),
              }),
            ),
          }),
          ...errors(401, 403),
        },
      },
    },
    async () => {
      const rows = await s.db
        .selectFrom('audit_verifications')
        .selectAll()
        .orderBy('id', 'desc')
        .limit(50)
        .execute();
      return {
        items: rows.map((r) => ({
          verifiedAt: r.verified_at.toISOString(),
          ok: r.ok,
          checked: r.checked,
          message: r.message,
          trigger: r.trigger,
        })),
      };
    },
  );
};

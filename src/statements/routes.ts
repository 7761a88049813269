import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { writeAudited } from '../audit/write-audited.js';
import { actorOf, userOf } from '../auth/guard.js';
import { STAFF_ROLES } from '../auth/identity.js';
import { partnerInReach } from '../ledger/routes.js';
import { notFound } from '../platform/http/errors.js';
import { errors, IdParams } from '../platform/http/schemas.js';
import { formatStatementCsv, formatStatementHtml } from './calculate-statement.js';
import { StatementIssued, StatementList, StatementVerification } from '../payouts/schemas.js';
import { formatStatementPdf } from './statement-pdf.js';
import { issueStatement, statementContent, verifyStatement } from './statement-store.js';

const ALL = [...STAFF_ROLES, 'partner' as const];

/** Sealed statements: issue (finance), read as JSON/HTML/CSV and verify (staff in reach, the partner itself). */
export const statementRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const s = app.services;

  app.post(
    '/statements',
    {
      config: { auth: { roles: ['admin', 'finance'] } },
      schema: {
        tags: ['ledger'],
        summary: "Issue (seal) a partner's statement of a closed period; issuing again returns the same one",
        body: Type.Object(
          {
            brandId: Type.String({ format: 'uuid' }),
            partnerId: Type.String({ format: 'uuid' }),
            period: Type.String({ pattern: '^[0-9]{4}-[0-9]{2}$' }),
          },
          { additionalProperties: false },
        ),
        response: { 201: StatementIssued, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (req, reply) => {
      const row = await writeAudited(s, (trx, now) => issueStatement(trx, actorOf(req), req.body, now));
      return reply
        .status(201)
        .send({ id: row.id, sha256: row.sha256, issuedAt: row.issued_at.toISOString() });
    },
  );

  app.get(
    '/statements',
    {
      config: { auth: { roles: ALL } },
      schema: {
        tags: ['ledger'],
        summary: "A partner's statements",
        querystring: Type.Object({ partnerId: Type.Optional(Type.String({ format: 'uuid' })) }),
        response: { 200: StatementList, ...errors(401, 403, 404) },
      },
    },
    async (req) => {
      const u = userOf(req);
      const partnerId = u.role === 'partner' ? u.partnerId! : req.query.partnerId;
      if (!partnerId) return { items: [] };
      await partnerInReach(req, partnerId);
      const rows = await s.db
        .selectFrom('statements')
        .select(['id', 'brand_id', 'period', 'sha256', 'issued_at'])
        .where('partner_id', '=', partnerId)
        .orderBy('period')
        .execute();
      return {
        items: rows.map((r) => ({
          id: r.id,
          brandId: r.brand_id,
          period: r.period,
          sha256: r.sha256,
          issuedAt: r.issued_at.toISOString(),
        })),
      };
    },
  );

  const load = async (req: Parameters<typeof partnerInReach>[0], id: string) => {
    const st = await s.db.selectFrom('statements').selectAll().where('id', '=', id).executeTakeFirst();
    if (!st) throw notFound('Statement');
    await partnerInReach(req, st.partner_id);
    return st;
  };

  app.get(
    '/statements/:id',
    {
      config: { auth: { roles: ALL } },
      schema: {
        tags: ['ledger'],
        summary:
          'A sealed statement as JSON (the canonical content), HTML, CSV or PDF (each carries the seal)',
        params: IdParams,
        querystring: Type.Object({
          format: Type.Optional(
            Type.Union([
              Type.Literal('json'),
              Type.Literal('html'),
              Type.Literal('csv'),
              Type.Literal('pdf'),
            ]),
          ),
        }),
        response: { 200: Type.Any(), ...errors(401, 403, 404) },
      },
    },
    async (req, reply) => {
      const st = await load(req, req.params.id);
      const c = statementContent(st);
      const f = req.query.format ?? 'json';
      if (f === 'html')
        return reply
          .header('content-type', 'text/html; charset=utf-8')
          .send(formatStatementHtml(c, st.sha256));
      if (f === 'csv')
        return reply.header('content-type', 'text/csv; charset=utf-8').send(formatStatementCsv(c, st.sha256));
      if (f === 'pdf')
        return reply
          .header('content-type', 'application/pdf')
          .header('content-disposition', `inline; filename="statement-${c.period}-${st.id}.pdf"`)
          .send(await formatStatementPdf(c, st.sha256));
      return { id: st.id, sha256: st.sha256, content: c };
    },
  );

  app.get(
    '/statements/:id/verify',
    {
      config: { auth: { roles: ALL } },
      schema: {
        tags: ['ledger'],
        summary:
          'Verify a sealed statement: its seal, the audit record of the seal, and every line unchanged',
        params: IdParams,
        response: { 200: StatementVerification, ...errors(401, 403, 404) },
      },
    },
    async (req) => {
      await load(req, req.params.id);
      const r = await verifyStatement(s.db, req.params.id);
      return r.kind === 'intact'
        ? { ok: true, sha256: r.sha256, message: 'the statement is intact' }
        : { ok: false, sha256: r.sha256, changed: r.changed, missing: r.missing, message: r.message };
    },
  );
};

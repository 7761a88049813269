import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { writeAudited } from '../audit/write-audited.js';
import { actorOf } from '../auth/guard.js';
import { loadBrandByCodeOrThrow } from '../ledger/close-inputs-store.js';
import { errors } from '../platform/http/schemas.js';
import {
  addNote,
  markFinal,
  parseTotalsCsv,
  reconciliationReport,
  saveTotals,
} from './reconciliation-store.js';

const Period = Type.String({ pattern: '^[0-9]{4}-[0-9]{2}$' });

/** Reported totals, computed vs reported with differences traced, explanations and marking a period final. */
export const reconciliationRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const s = app.services;

  app.post(
    '/reconciliation/totals',
    {
      config: { auth: { roles: ['admin', 'finance'] } },
      schema: {
        tags: ['ledger'],
        summary: "Import the operator's totals (CSV text: brand,period,metric,currency,reported)",
        body: Type.Object({ csv: Type.String({ maxLength: 1_000_000 }) }, { additionalProperties: false }),
        response: { 200: Type.Any(), ...errors(400, 401, 403) },
      },
    },
    async (req) => {
      const rows = parseTotalsCsv(req.body.csv);
      return writeAudited(s, (trx, now) => saveTotals(trx, actorOf(req), rows, 'api', now));
    },
  );

  app.get(
    '/reconciliation',
    {
      config: { auth: { roles: ['admin', 'finance', 'analyst', 'compliance'] } },
      schema: {
        tags: ['ledger'],
        summary: 'Computed vs reported totals of a brand period, each difference traced',
        querystring: Type.Object({ brand: Type.String({ minLength: 1 }), period: Period }),
        response: { 200: Type.Any(), ...errors(401, 403, 404) },
      },
    },
    async (req) =>
      reconciliationReport(s.db, await loadBrandByCodeOrThrow(s.db, req.query.brand), req.query.period),
  );

  app.post(
    '/reconciliation/notes',
    {
      config: { auth: { roles: ['admin', 'finance'] } },
      schema: {
        tags: ['ledger'],
        summary: 'Explain a difference (it no longer blocks marking the period final)',
        body: Type.Object(
          {
            brand: Type.String({ minLength: 1 }),
            period: Period,
            metric: Type.String(),
            currency: Type.String(),
            explanation: Type.String({ minLength: 3, maxLength: 2000 }),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Any(), ...errors(400, 401, 403, 404) },
      },
    },
    async (req) => {
      const b = await loadBrandByCodeOrThrow(s.db, req.body.brand);
      await writeAudited(s, (trx, now) => addNote(trx, actorOf(req), { ...req.body, brandId: b.id }, now));
      return { ok: true };
    },
  );

  app.post(
    '/ledger/periods/final',
    {
      config: { auth: { roles: ['finance'] } },
      schema: {
        tags: ['ledger'],
        summary: 'Mark a closed period final (refused while an unexplained difference exceeds the tolerance)',
        body: Type.Object(
          { brand: Type.String({ minLength: 1 }), period: Period },
          { additionalProperties: false },
        ),
        response: { 200: Type.Any(), ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (req) => {
      const b = await loadBrandByCodeOrThrow(s.db, req.body.brand);
      const row = await writeAudited(s, (trx, now) => markFinal(trx, actorOf(req), b, req.body.period, now));
      return { period: row.period, state: row.state };
    },
  );
};

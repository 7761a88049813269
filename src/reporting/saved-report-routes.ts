import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { type Static, Type } from 'typebox';
import { writeAudited } from '../audit/write-audited.js';
import { actorOf, userOf } from '../auth/guard.js';
import { STAFF_ROLES } from '../auth/identity.js';
import { AppError } from '../platform/http/errors.js';
import { errors, IdParams, Uuid } from '../platform/http/schemas.js';
import { daysBetween } from './calculate-kpis.js';
import { REPORT_COLUMNS } from './calculate-report-rows.js';
import { GROUP_BYS } from './report-query-store.js';
import {
  deleteSavedReport,
  listSavedReports,
  MAX_SAVED_REPORTS,
  type SavedReportView,
  saveReport,
} from './saved-report-store.js';

const Day = Type.String({ format: 'date', description: 'YYYY-MM-DD' });
const nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

/** What the Reports page shows: group-by, columns, filters (period A) and the comparison period B. */
export const ReportDefinition = Type.Object(
  {
    groupBy: Type.Enum([...GROUP_BYS]),
    columns: Type.Array(Type.Enum([...REPORT_COLUMNS]), {
      minItems: 1,
      maxItems: REPORT_COLUMNS.length,
      uniqueItems: true,
    }),
    filters: Type.Object(
      {
        preset: Type.Enum(['7', '30', '90', 'month', 'quarter', 'year', 'custom'], {
          description:
            'a named period is recomputed from today when the report is opened; custom keeps from/to',
        }),
        from: Day,
        to: Type.String({ format: 'date', description: 'exclusive; at most 366 days after from' }),
        brandId: nullable(Uuid),
        segment: nullable(
          Type.Enum(['affiliate', 'ib', 'ambassador', 'influencer', 'integrator', 'reseller']),
        ),
        managerId: nullable(Uuid),
        currency: Type.String({ pattern: '^[A-Z]{3}$' }),
      },
      { additionalProperties: false },
    ),
    compare: Type.Boolean({ description: 'compare with period B of the same length' }),
    compareFrom: nullable(
      Type.String({ format: 'date', description: 'start of period B; null: the period just before' }),
    ),
  },
  { additionalProperties: false },
);

const SavedReport = Type.Object(
  {
    id: Uuid,
    name: Type.String(),
    definition: ReportDefinition,
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
);

const STAFF = { auth: { roles: STAFF_ROLES } };
/** The store keeps the definition as given (validated by ReportDefinition on the way in). */
const out = (r: SavedReportView) => r as Static<typeof SavedReport>;

/** Each staff user's own saved reports (never another user's: those are 404). */
export const savedReportRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const s = app.services;

  app.get(
    '/saved-reports',
    {
      config: STAFF,
      schema: {
        tags: ['reports'],
        summary: "The signed-in user's saved reports, by name",
        response: {
          200: Type.Object({ items: Type.Array(SavedReport) }, { additionalProperties: false }),
          ...errors(401, 403),
        },
      },
    },
    async (req) => ({ items: (await listSavedReports(s.db, userOf(req).userId)).map(out) }),
  );

  app.post(
    '/saved-reports',
    {
      config: STAFF,
      schema: {
        tags: ['reports'],
        summary: 'Save a report under a name (201), or replace your report of that name (200)',
        body: Type.Object(
          {
            name: Type.String({ minLength: 1, maxLength: 100, pattern: '\\S' }),
            definition: ReportDefinition,
          },
          { additionalProperties: false },
        ),
        response: { 200: SavedReport, 201: SavedReport, ...errors(400, 401, 403) },
      },
    },
    async (req, reply) => {
      const me = userOf(req);
      const d = req.body.definition;
      const len = daysBetween(d.filters.from, d.filters.to);
      const bad = (path: string, message: string) =>
        new AppError('VALIDATION_FAILED', undefined, { fields: [{ path, message, in: 'body' }] });
      if (len <= 0) throw bad('/definition/filters/to', 'must be after from');
      if (len > 366) throw bad('/definition/filters/to', 'at most 366 days after from');
      const name = req.body.name.trim();
      const r = await writeAudited(s, (trx, now) =>
        saveReport(trx, actorOf(req), { userId: me.userId, name, definition: d }, now),
      );
      if (r.kind === 'limited')
        throw bad('/name', `at most ${MAX_SAVED_REPORTS} saved reports; delete one first`);
      return reply.code(r.kind === 'created' ? 201 : 200).send(out(r.report));
    },
  );

  app.delete(
    '/saved-reports/:id',
    {
      config: STAFF,
      schema: {
        tags: ['reports'],
        summary: 'Delete one of your saved reports',
        params: IdParams,
        response: { 204: Type.Null(), ...errors(400, 401, 403, 404) },
      },
    },
    async (req, reply) => {
      const me = userOf(req);
      const ok = await writeAudited(s, (trx, now) =>
        deleteSavedReport(trx, actorOf(req), { userId: me.userId, id: req.params.id }, now),
      );
      if (!ok) throw new AppError('NOT_FOUND', 'Saved report not found.');
      return reply.code(204).send(null);
    },
  );
};

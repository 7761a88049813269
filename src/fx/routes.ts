import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { writeAudited } from '../audit/write-audited.js';
import { actorOf } from '../auth/guard.js';
import { STAFF_ROLES } from '../auth/identity.js';
import { AppError } from '../platform/http/errors.js';
import { errors } from '../platform/http/schemas.js';
import { calculateFxRows, type FxRow } from './calculate-fx-rows.js';
import { describeRateProblem, findFxRate, normaliseRate, saveFxRates } from './fx-store.js';

const Currency = Type.String({ pattern: '^[A-Z]{3}$' });
const DateStr = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' });
const ImportResult = Type.Object({
  format: Type.String(),
  rows: Type.Integer(),
  inserted: Type.Integer(),
  updated: Type.Integer(),
  unchanged: Type.Integer(),
  skipped: Type.Integer({ description: 'ECB cells marked N/A (no rate that day)' }),
  firstDate: Type.Union([Type.String(), Type.Null()]),
  lastDate: Type.Union([Type.String(), Type.Null()]),
});

/** Import files can be large (the ECB history is ~2 MB). */
const IMPORT_BODY_LIMIT = 50 * 1024 * 1024;

export const fxRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const s = app.services;
  app.addContentTypeParser(
    'text/csv',
    { parseAs: 'string', bodyLimit: IMPORT_BODY_LIMIT },
    (_req, body, done) => done(null, body),
  );

  app.get(
    '/fx-rates/lookup',
    {
      config: { auth: { roles: STAFF_ROLES } },
      schema: {
        tags: ['fx'],
        summary:
          'The rate used to convert on a date: the last one published on or before it, direct or through EUR',
        querystring: Type.Object(
          {
            from: Currency,
            to: Currency,
            date: DateStr,
            maxAgeDays: Type.Integer({ minimum: 0, maximum: 3650, default: 7 }),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            from: Type.String(),
            to: Type.String(),
            rate: Type.String(),
            date: Type.String(),
            source: Type.String(),
            derived: Type.Boolean(),
          }),
          ...errors(400, 401, 403, 404, 409),
        },
      },
    },
    async (req) => {
      const q = req.query;
      const r = await findFxRate(s.db, q.from, q.to, q.date, q.maxAgeDays);
      if (r.kind === 'missing') throw new AppError('NOT_FOUND', describeRateProblem(r));
      if (r.kind === 'stale')
        throw new AppError('CONFLICT', describeRateProblem(r), { lastDate: r.lastDate, ageDays: r.ageDays });
      const { kind: _k, ...rest } = r;
      return rest;
    },
  );

  app.get(
    '/fx-rates',
    {
      config: { auth: { roles: STAFF_ROLES } },
      schema: {
        tags: ['fx'],
        summary: 'Stored rates, newest first',
        querystring: Type.Object(
          {
            base: Type.Optional(Currency),
            quote: Type.Optional(Currency),
            from: Type.Optional(DateStr),
            to: Type.Optional(DateStr),
            limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
            offset: Type.Integer({ minimum: 0, default: 0 }),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            items: Type.Array(
              Type.Object({
                date: Type.String(),
                base: Type.String(),
                quote: Type.String(),
                rate: Type.String(),
                source: Type.String(),
              }),
            ),
          }),
          ...errors(400, 401, 403),
        },
      },
    },
    async (req) => {
      const q = req.query;
      let sel = s.db.selectFrom('fx_rates').select(['rate_date', 'base', 'quote', 'rate', 'source']);
      if (q.base) sel = sel.where('base', '=', q.base);
      if (q.quote) sel = sel.where('quote', '=', q.quote);
      if (q.from) sel = sel.where('rate_date', '>=', q.from);
      if (q.to) sel = sel.where('rate_date', '<=', q.to);
      const rows = await sel
        .orderBy('rate_date', 'desc')
        .orderBy('base')
        .orderBy('quote')
        .limit(q.limit)
        .offset(q.offset)
        .execute();
      return {
        items: rows.map((r) => ({
          date: r.rate_date,
          base: r.base,
          quote: r.quote,
          rate: normaliseRate(r.rate),
          source: r.source,
        })),
      };
    },
  );

  const importRows = async (rows: FxRow[], actor: ReturnType<typeof actorOf>) =>
    writeAudited(s, (trx, now) => saveFxRates(trx, actor, rows, now));

  app.post(
    '/fx-rates/import',
    {
      bodyLimit: IMPORT_BODY_LIMIT,
      config: { auth: { roles: ['admin', 'finance'] } },
      schema: {
        tags: ['fx'],
        summary:
          'Import a rates CSV (Content-Type: text/csv): the ECB reference-rate file as published, or date,from,to,rate[,source]. All or nothing: any bad row rejects the file, listing every bad row.',
        body: Type.String({ description: 'CSV text' }),
        response: { 200: ImportResult, ...errors(400, 401, 403, 415) },
      },
    },
    async (req) => {
      const parsed = calculateFxRows(req.body);
      if (parsed.kind === 'rejected') {
        throw new AppError(
          'VALIDATION_FAILED',
          `${parsed.rejects.length} row(s) rejected; nothing was imported.`,
          {
            rejects: parsed.rejects,
            fields: parsed.rejects
              .slice(0, 100)
              .map((r) => ({ path: `/line/${r.line}`, message: r.reason, in: 'body' })),
          },
        );
      }
      const result = await importRows(parsed.rows, actorOf(req));
      return { format: parsed.format, skipped: parsed.skipped, ...result };
    },
  );

  app.post(
    '/fx-rates',
    {
      config: { auth: { roles: ['admin', 'finance'] } },
      schema: {
        tags: ['fx'],
        summary: 'Add or correct rates (JSON); idempotent per pair and date',
        body: Type.Object(
          {
            rates: Type.Array(
              Type.Object(
                {
                  date: DateStr,
                  from: Currency,
                  to: Currency,
                  rate: Type.String({ pattern: '^[0-9]+(\\.[0-9]{1,10})?$' }),
                  source: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
                },
                { additionalProperties: false },
              ),
              { minItems: 1, maxItems: 10_000 },
            ),
          },
          { additionalProperties: false },
        ),
        response: { 200: ImportResult, ...errors(400, 401, 403) },
      },
    },
    async (req) => {
      const csv = [
        'date,from,to,rate,source',
        ...req.body.rates.map((r) => `${r.date},${r.from},${r.to},${r.rate},${r.source ?? 'api'}`),
      ].join('\n');
      const parsed = calculateFxRows(csv, 'api');
      if (parsed.kind === 'rejected') {
        throw new AppError('VALIDATION_FAILED', undefined, {
          fields: parsed.rejects.map((r) => ({
            path: `/rates/${r.line - 2}`,
            message: r.reason,
            in: 'body',
          })),
        });
      }
      const result = await importRows(parsed.rows, actorOf(req));
      return { format: 'json', skipped: 0, ...result };
    },
  );
};

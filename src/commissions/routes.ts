import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { STAFF_ROLES } from '../auth/identity.js';
import { formatScaled, minorDigits } from '../money/index.js';
import { loadPartnerOrThrow } from '../partners/partner-store.js';
import { reachOf } from '../partners/routes.js';
import { AppError } from '../platform/http/errors.js';
import { errors, IdParams } from '../platform/http/schemas.js';
import { BACKTEST_MAX_MONTHS, backtestMonths, loadBacktestInputs } from './backtest-store.js';
import { toJson } from './format-simulation.js';
import { parseActivity } from './parse-activity.js';
import { runBacktest } from './run-backtest.js';
import { runSimulation } from './run-simulation.js';
import type { DealVersion, HierarchyEdge } from './types.js';

/** POST /simulations: back-test a deal over sample activity (pure: nothing is stored). Staff only. */
export const commissionRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/simulations',
    {
      config: { auth: { roles: STAFF_ROLES } },
      schema: {
        tags: ['ledger'],
        summary: 'Simulate a deal over activity (CSV text or JSON rows); returns lines, totals and issues',
        body: Type.Object(
          {
            deal: Type.Object({}, { additionalProperties: true }),
            activity: Type.Union([
              Type.String({ maxLength: 5_000_000 }),
              Type.Array(Type.Any(), { maxItems: 100_000 }),
            ]),
            hierarchy: Type.Optional(
              Type.Object({
                edges: Type.Optional(Type.Array(Type.Any())),
                deals: Type.Optional(Type.Array(Type.Any())),
              }),
            ),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Any(), ...errors(400, 401, 403) },
      },
    },
    async (req) => {
      const b = req.body;
      const parsed =
        typeof b.activity === 'string'
          ? parseActivity(b.activity, 'csv')
          : parseActivity(JSON.stringify(b.activity), 'json');
      if (!parsed.ok)
        throw new AppError('VALIDATION_FAILED', 'The activity is invalid.', {
          fields: parsed.errors.map((e) => ({
            path: `/activity/${e.record}/${e.field}`,
            message: e.message,
            in: 'body',
          })),
        });
      const outcome = runSimulation({
        deal: b.deal,
        activity: parsed.rows,
        hierarchy: (b.hierarchy?.edges ?? []) as HierarchyEdge[],
        otherDeals: (b.hierarchy?.deals ?? []) as DealVersion[],
      });
      if (!outcome.ok)
        throw new AppError('VALIDATION_FAILED', 'The deal terms are invalid.', {
          fields: outcome.errors.map((e) => ({ path: `/deal${e.path}`, message: e.message, in: 'body' })),
        });
      return toJson(outcome.result);
    },
  );

  const Month = Type.String({ pattern: '^\\d{4}-(0[1-9]|1[0-2])$', description: 'YYYY-MM' });
  const Decimal = Type.String({ description: 'major units, exact decimal' });
  app.post(
    '/partners/:id/backtests',
    {
      config: { auth: { roles: STAFF_ROLES } },
      schema: {
        tags: ['ledger'],
        summary:
          "Back-test a draft deal on a partner's past activity, side by side with the partner's current deal (nothing is stored)",
        description: `Runs the draft and the partner's deal in force (at the end of the range) through the engine over the partner's own customers' activity on one brand, month by month (at most ${BACKTEST_MAX_MONTHS} months; no state carried in from before the first month; sub-partner overrides are not included). A partner manager reaches their portfolio only.`,
        params: IdParams,
        body: Type.Object(
          {
            brand: Type.String({ minLength: 1, maxLength: 64, description: 'brand code or id' }),
            from: Month,
            to: Month,
            deal: Type.Object({}, { additionalProperties: true }),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object(
            {
              partnerId: Type.String(),
              brand: Type.String(),
              months: Type.Array(Type.String()),
              activityRows: Type.Integer(),
              customers: Type.Integer(),
              current: Type.Union([
                Type.Object(
                  { dealId: Type.String(), version: Type.Integer(), name: Type.String() },
                  { additionalProperties: false },
                ),
                Type.Null(),
              ]),
              comparison: Type.Array(
                Type.Object(
                  {
                    periodId: Type.String(),
                    currency: Type.String(),
                    draft: Decimal,
                    current: Decimal,
                    difference: Decimal,
                    draftLines: Type.Integer(),
                    currentLines: Type.Integer(),
                  },
                  { additionalProperties: false },
                ),
              ),
              draftRun: Type.Any({ description: 'the draft run: lines with explanations, totals, issues' }),
              currentRun: Type.Any({ description: 'the current deal run, or null' }),
            },
            { additionalProperties: false },
          ),
          ...errors(400, 401, 403, 404, 409),
        },
      },
    },
    async (req) => {
      const s = app.services;
      const partner = await loadPartnerOrThrow(s.db, reachOf(req), req.params.id);
      const months = backtestMonths(req.body.from, req.body.to);
      const declared = (req.body.deal as { currency?: unknown }).currency;
      const draftCurrency = typeof declared === 'string' && /^[A-Z]{3,4}$/.test(declared) ? declared : null;
      const inputs = await loadBacktestInputs(s.db, {
        brandCode: req.body.brand,
        partnerId: partner.id,
        months,
        draftCurrency,
      });
      const outcome = runBacktest({ ...inputs, draft: req.body.deal });
      if (!outcome.ok) {
        if (outcome.side === 'current')
          throw new AppError('CONFLICT', "The partner's current deal could not be run.", {
            errors: outcome.errors,
          });
        throw new AppError('VALIDATION_FAILED', 'The deal terms are invalid.', {
          fields: outcome.errors.map((e) => ({ path: `/deal${e.path}`, message: e.message, in: 'body' })),
        });
      }
      const fmt = (v: bigint, currency: string) => formatScaled(v, minorDigits(currency));
      const r = outcome.result;
      return {
        partnerId: partner.id,
        brand: req.body.brand,
        months,
        activityRows: inputs.activity.length,
        customers: inputs.ownership.length,
        current: inputs.current
          ? {
              dealId: inputs.current.dealId,
              version: inputs.current.version,
              name: inputs.current.terms.name,
            }
          : null,
        comparison: r.months.map((m) => ({
          periodId: m.periodId,
          currency: m.currency,
          draft: fmt(m.draft, m.currency),
          current: fmt(m.current, m.currency),
          difference: fmt(m.difference, m.currency),
          draftLines: m.draftLines,
          currentLines: m.currentLines,
        })),
        draftRun: toJson(r.draft),
        currentRun: r.current ? toJson(r.current) : null,
      };
    },
  );
};

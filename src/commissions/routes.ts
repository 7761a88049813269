import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { STAFF_ROLES } from '../auth/identity.js';
import { AppError } from '../platform/http/errors.js';
import { errors } from '../platform/http/schemas.js';
import { toJson } from './format-simulation.js';
import { parseActivity } from './parse-activity.js';
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
};

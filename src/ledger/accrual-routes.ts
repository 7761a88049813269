import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { actorOf, userOf } from '../auth/guard.js';
import { STAFF_ROLES } from '../auth/identity.js';
import type { LoginRole } from '../platform/config.js';
import { notFound } from '../platform/http/errors.js';
import { errors, IdParams } from '../platform/http/schemas.js';
import { loadBrandAccruals, loadPartnerAccruals, runAccruals } from './accrual-store.js';
import { loadBrandByCodeOrThrow } from './close-inputs-store.js';
import { partnerInReach } from './routes.js';

const ALL_ROLES: readonly LoginRole[] = [...STAFF_ROLES, 'partner'];

/** Daily provisional (month-to-date) accruals: run now, read per brand (staff) or per partner (itself). */
export const accrualRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const s = app.services;

  app.post(
    '/ledger/accruals',
    {
      config: { auth: { roles: ['admin', 'finance'] } },
      schema: {
        tags: ['ledger'],
        summary:
          "Run the provisional month-to-date accruals of a brand now (replaces the period's previous run; no ledger entries)",
        body: Type.Object({ brand: Type.String({ minLength: 1 }) }, { additionalProperties: false }),
        response: { 200: Type.Any(), ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (req) => runAccruals(s, { brand: req.body.brand, actor: actorOf(req) }),
  );

  app.get(
    '/ledger/accruals',
    {
      config: { auth: { roles: STAFF_ROLES } },
      schema: {
        tags: ['ledger'],
        summary:
          "A brand's latest provisional accruals per partner segment and currency (a partner manager sees the portfolio)",
        querystring: Type.Object({
          brand: Type.String({ minLength: 1 }),
          period: Type.Optional(Type.String({ pattern: '^[0-9]{4}-[0-9]{2}$' })),
        }),
        response: { 200: Type.Any(), ...errors(400, 401, 403, 404) },
      },
    },
    async (req) => {
      const u = userOf(req);
      const brand = await loadBrandByCodeOrThrow(s.db, req.query.brand);
      const r = await loadBrandAccruals(s.db, brand.id, {
        period: req.query.period,
        managerUserId: u.role === 'partner_manager' ? u.userId : undefined,
      });
      if (!r) throw notFound('Accrual run');
      return r;
    },
  );

  app.get(
    '/partners/:id/accruals',
    {
      config: { auth: { roles: ALL_ROLES } },
      schema: {
        tags: ['ledger'],
        summary: "A partner's provisional month-to-date accruals (staff, or the partner itself)",
        params: IdParams,
        response: { 200: Type.Any(), ...errors(401, 403, 404) },
      },
    },
    async (req) => {
      const p = await partnerInReach(req, req.params.id);
      return loadPartnerAccruals(s.db, p.id);
    },
  );
};

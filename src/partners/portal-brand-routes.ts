import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { AppError } from '../platform/http/errors.js';
import { errors } from '../platform/http/schemas.js';

const PortalBrand = Type.Object(
  {
    id: Type.String(),
    code: Type.String(),
    name: Type.String(),
    vertical: Type.String(),
    currency: Type.String(),
    joinedAt: Type.String(),
  },
  { additionalProperties: false },
);

/** GET /portal/brands: the brand programs the partner belongs to (names for the portal's brand pickers). */
export const portalBrandRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const s = app.services;
  app.get(
    '/portal/brands',
    {
      config: { auth: { roles: ['partner'], scopes: ['reports:read', 'leads:write'] } },
      schema: {
        tags: ['portal'],
        summary: 'Your brand programs',
        response: {
          200: Type.Object({ items: Type.Array(PortalBrand) }, { additionalProperties: false }),
          ...errors(401, 403),
        },
      },
    },
    async (req) => {
      const partnerId = req.identity?.partnerId;
      if (!partnerId)
        throw new AppError('FORBIDDEN', 'Only a partner login or partner key has brand programs.');
      const rows = await s.db
        .selectFrom('partner_brands as pb')
        .innerJoin('brands as b', 'b.id', 'pb.brand_id')
        .select(['b.id', 'b.code', 'b.name', 'b.vertical', 'b.currency', 'pb.joined_at'])
        .where('pb.partner_id', '=', partnerId)
        .orderBy('b.name')
        .execute();
      return {
        items: rows.map((r) => ({
          id: r.id,
          code: r.code,
          name: r.name,
          vertical: r.vertical,
          currency: r.currency,
          joinedAt: new Date(r.joined_at).toISOString(),
        })),
      };
    },
  );
};

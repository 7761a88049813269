import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { sql } from 'kysely';
import { Type } from 'typebox';
import { userOf } from '../auth/guard.js';
import { errors, Uuid } from '../platform/http/schemas.js';

const STAFF_READ = ['admin', 'partner_manager', 'finance', 'compliance', 'analyst'] as const;
const AUTH = { auth: { roles: [...STAFF_READ] } };
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

/**
 * One postback delivery as both delivery logs answer it (camelCase): staff's `GET /tracking/postback-deliveries`
 * adds whose postback it was, the partner's `GET /portal/postback-deliveries` the event it reported.
 */
export const PostbackDeliveryFields = {
  id: Type.String(),
  postbackId: Type.String(),
  url: Type.String(),
  status: Type.Union([
    Type.Literal('pending'),
    Type.Literal('delivered'),
    Type.Literal('failed'),
    Type.Literal('skipped'),
  ]),
  attempts: Type.Integer(),
  lastStatusCode: Nullable(Type.Integer()),
  lastError: Nullable(Type.String()),
  createdAt: Type.String({ format: 'date-time' }),
  finishedAt: Nullable(Type.String({ format: 'date-time' })),
};

/** The shared fields of a `postback_deliveries` row, camelCase (never the event's payload or a customer id). */
export function postbackDeliveryView(d: {
  id: string;
  postback_id: string;
  url: string;
  status: 'pending' | 'delivered' | 'failed' | 'skipped';
  attempts: number;
  last_status_code: number | null;
  last_error: string | null;
  created_at: Date;
  finished_at: Date | null;
}) {
  return {
    id: d.id,
    postbackId: d.postback_id,
    url: d.url,
    status: d.status,
    attempts: d.attempts,
    lastStatusCode: d.last_status_code,
    lastError: d.last_error,
    createdAt: new Date(d.created_at).toISOString(),
    finishedAt: d.finished_at ? new Date(d.finished_at).toISOString() : null,
  };
}
const AmountT = Type.Object({ currency: Type.String(), amountMinor: Type.String() });
const SegmentT = Type.Union([
  Type.Literal('affiliate'),
  Type.Literal('ib'),
  Type.Literal('ambassador'),
  Type.Literal('influencer'),
  Type.Literal('integrator'),
  Type.Literal('reseller'),
]);

/** A partner manager sees only partners of their portfolio (SQL condition on a partner id column). */
function portfolio(req: FastifyRequest, column: string) {
  const me = userOf(req);
  if (me.role !== 'partner_manager') return sql`true`;
  return sql`${sql.ref(column)} in (select id from partners where manager_user_id = ${me.userId}::uuid)`;
}

/** Staff Tracking page: links and codes across partners, postback configurations and deliveries, overlaps. */
export const staffTrackingRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const s = app.services;

  app.get(
    '/tracking/assets',
    {
      config: AUTH,
      schema: {
        tags: ['tracking'],
        summary:
          'Tracking links and promo codes across partners (a partner manager: their portfolio), with filters',
        querystring: Type.Object(
          {
            kind: Type.Optional(Type.Union([Type.Literal('link'), Type.Literal('code')])),
            partnerId: Type.Optional(Uuid),
            brandId: Type.Optional(Uuid),
            segment: Type.Optional(SegmentT),
            status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('paused')])),
            q: Type.Optional(
              Type.String({ minLength: 1, maxLength: 64, description: 'code or link name contains' }),
            ),
            limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
            offset: Type.Integer({ minimum: 0, default: 0 }),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            total: Type.Integer(),
            items: Type.Array(
              Type.Object({
                id: Type.String(),
                kind: Type.Union([Type.Literal('link'), Type.Literal('code')]),
                code: Type.String(),
                name: Type.String(),
                linkKind: Nullable(Type.String()),
                partnerId: Type.String(),
                partnerName: Type.String(),
                brandId: Type.String(),
                brandName: Type.String(),
                segment: Type.String(),
                status: Type.String(),
                subIds: Type.Record(Type.String(), Type.String()),
                createdAt: Type.String(),
              }),
            ),
          }),
          ...errors(400, 401, 403),
        },
      },
    },
    async (req) => {
      const q = req.query;
      const like = q.q ? `%${q.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
      const r = await sql<{
        id: string;
        kind: 'link' | 'code';
        code: string;
        name: string;
        link_kind: string | null;
        partner_id: string;
        partner_name: string;
        brand_id: string;
        brand_name: string;
        segment: string;
        status: string;
        sub_ids: Record<string, string> | string | null;
        created_at: Date;
        total: string;
      }>`
      with a as (
        select l.id, 'link' as kind, l.code, l.name, l.kind as link_kind, l.partner_id, l.brand_id, l.segment,
          l.status, l.sub_ids, l.created_at
        from tracking_links l
        union all
        select c.id, 'code', c.code, '', null, c.partner_id, c.brand_id, c.segment, c.status, null, c.created_at
        from promo_codes c
      )
      select a.*, p.display_name as partner_name, b.name as brand_name, count(*) over ()::text as total
      from a join partners p on p.id = a.partner_id join brands b on b.id = a.brand_id
      where ${portfolio(req, 'a.partner_id')}
        ${q.kind ? sql`and a.kind = ${q.kind}` : sql``}
        ${q.partnerId ? sql`and a.partner_id = ${q.partnerId}::uuid` : sql``}
        ${q.brandId ? sql`and a.brand_id = ${q.brandId}::uuid` : sql``}
        ${q.segment ? sql`and a.segment = ${q.segment}` : sql``}
        ${q.status ? sql`and a.status = ${q.status}` : sql``}
        ${like ? sql`and (lower(a.code) like ${like} or lower(a.name) like ${like})` : sql``}
      order by a.created_at desc, a.id
      limit ${q.limit} offset ${q.offset}`.execute(s.db);
      return {
        total: Number(r.rows[0]?.total ?? 0),
        items: r.rows.map((x) => ({
          id: x.id,
          kind: x.kind,
          code: x.code,
          name: x.name,
          linkKind: x.link_kind,
          partnerId: x.partner_id,
          partnerName: x.partner_name,
          brandId: x.brand_id,
          brandName: x.brand_name,
          segment: x.segment,
          status: x.status,
          subIds: typeof x.sub_ids === 'string' ? JSON.parse(x.sub_ids) : (x.sub_ids ?? {}),
          createdAt: new Date(x.created_at).toISOString(),
        })),
      };
    },
  );

  app.get(
    '/tracking/postbacks',
    {
      config: AUTH,
      schema: {
        tags: ['tracking'],
        summary:
          "Partners' outbound postback configurations, failing or disabled first; `failing=true` keeps those with failures or disabled",
        querystring: Type.Object(
          {
            partnerId: Type.Optional(Uuid),
            failing: Type.Optional(Type.Boolean()),
            limit: Type.Integer({ minimum: 1, maximum: 500, default: 200 }),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            items: Type.Array(
              Type.Object({
                id: Type.String(),
                partnerId: Type.String(),
                partnerName: Type.String(),
                brandId: Nullable(Type.String()),
                eventType: Type.String(),
                url: Type.String(),
                enabled: Type.Boolean(),
                consecutiveFailures: Type.Integer(),
                disabledAt: Nullable(Type.String()),
                disabledReason: Nullable(Type.String()),
                deliveries: Type.Integer(),
                failedDeliveries: Type.Integer(),
                lastDeliveryAt: Nullable(Type.String()),
              }),
            ),
          }),
          ...errors(400, 401, 403),
        },
      },
    },
    async (req) => {
      const q = req.query;
      const r = await sql<{
        id: string;
        partner_id: string;
        partner_name: string;
        brand_id: string | null;
        event_type: string;
        url: string;
        enabled: boolean;
        consecutive_failures: number;
        disabled_at: Date | null;
        disabled_reason: string | null;
        deliveries: string;
        failed: string;
        last_at: Date | null;
      }>`
      select pb.id, pb.partner_id, p.display_name as partner_name, pb.brand_id, pb.event_type, pb.url, pb.enabled,
        pb.consecutive_failures, pb.disabled_at, pb.disabled_reason,
        (select count(*) from postback_deliveries d where d.postback_id = pb.id)::text as deliveries,
        (select count(*) from postback_deliveries d where d.postback_id = pb.id and d.status = 'failed')::text as failed,
        (select max(d.created_at) from postback_deliveries d where d.postback_id = pb.id) as last_at
      from partner_postbacks pb join partners p on p.id = pb.partner_id
      where ${portfolio(req, 'pb.partner_id')}
        ${q.partnerId ? sql`and pb.partner_id = ${q.partnerId}::uuid` : sql``}
        ${q.failing ? sql`and (pb.consecutive_failures > 0 or not pb.enabled)` : sql``}
      order by (not pb.enabled) desc, pb.consecutive_failures desc, pb.created_at desc
      limit ${q.limit}`.execute(s.db);
      const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);
      return {
        items: r.rows.map((x) => ({
          id: x.id,
          partnerId: x.partner_id,
          partnerName: x.partner_name,
          brandId: x.brand_id,
          eventType: x.event_type,
          url: x.url,
          enabled: x.enabled,
          consecutiveFailures: Number(x.consecutive_failures),
          disabledAt: iso(x.disabled_at),
          disabledReason: x.disabled_reason,
          deliveries: Number(x.deliveries),
          failedDeliveries: Number(x.failed),
          lastDeliveryAt: iso(x.last_at),
        })),
      };
    },
  );

  app.get(
    '/tracking/postback-deliveries',
    {
      config: AUTH,
      schema: {
        tags: ['tracking'],
        summary:
          'Postback delivery log across partners (newest first), filtered by status, partner or postback',
        querystring: Type.Object(
          {
            status: Type.Optional(
              Type.Union([
                Type.Literal('pending'),
                Type.Literal('delivered'),
                Type.Literal('failed'),
                Type.Literal('skipped'),
              ]),
            ),
            partnerId: Type.Optional(Uuid),
            postbackId: Type.Optional(Uuid),
            limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            items: Type.Array(
              Type.Object({
                ...PostbackDeliveryFields,
                partnerId: Type.String(),
                partnerName: Type.String(),
              }),
            ),
          }),
          ...errors(400, 401, 403),
        },
      },
    },
    async (req) => {
      const q = req.query;
      let sel = s.db
        .selectFrom('postback_deliveries as d')
        .innerJoin('partners as p', 'p.id', 'd.partner_id')
        .select([
          'd.id',
          'd.postback_id',
          'd.partner_id',
          'p.display_name',
          'd.url',
          'd.status',
          'd.attempts',
          'd.last_status_code',
          'd.last_error',
          'd.created_at',
          'd.finished_at',
        ])
        .where(portfolio(req, 'd.partner_id') as never);
      if (q.status) sel = sel.where('d.status', '=', q.status);
      if (q.partnerId) sel = sel.where('d.partner_id', '=', q.partnerId);
      if (q.postbackId) sel = sel.where('d.postback_id', '=', q.postbackId);
      const rows = await sel.orderBy('d.created_at', 'desc').orderBy('d.id', 'desc').limit(q.limit).execute();
      return {
        items: rows.map((d) => ({
          ...postbackDeliveryView(d),
          partnerId: d.partner_id,
          partnerName: d.display_name,
        })),
      };
    },
  );

  app.get(
    '/tracking/overlaps',
    {
      config: AUTH,
      schema: {
        tags: ['tracking'],
        summary:
          "Competing claims on owned customers, each with the owner's commission for that customer: what paying the competing partner too would have cost",
        querystring: Type.Object(
          {
            brandId: Type.Optional(Uuid),
            from: Type.Optional(Type.String({ format: 'date', description: 'detected on or after' })),
            to: Type.Optional(Type.String({ format: 'date', description: 'detected before' })),
            limit: Type.Integer({ minimum: 1, maximum: 1000, default: 200 }),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            items: Type.Array(
              Type.Object({
                id: Type.String(),
                customerPublicId: Type.String(),
                brandId: Type.String(),
                brandName: Type.String(),
                ownerPartnerId: Nullable(Type.String()),
                ownerPartnerName: Nullable(Type.String()),
                ownerSegment: Nullable(Type.String()),
                competingPartnerId: Type.String(),
                competingPartnerName: Type.String(),
                competingSegment: Type.String(),
                source: Type.String(),
                detectedAt: Type.String(),
                wouldHaveCost: Type.Array(AmountT),
              }),
            ),
            totals: Type.Object({
              claims: Type.Integer(),
              customers: Type.Integer(),
              wouldHaveCost: Type.Array(AmountT),
            }),
          }),
          ...errors(400, 401, 403),
        },
      },
    },
    async (req) => {
      const q = req.query;
      const me = userOf(req);
      const pm =
        me.role === 'partner_manager'
          ? sql`and (o.owner_partner_id in (select id from partners where manager_user_id = ${me.userId}::uuid)
              or o.competing_partner_id in (select id from partners where manager_user_id = ${me.userId}::uuid))`
          : sql``;
      const r = await sql<{
        id: string;
        public_id: string;
        customer_id: string;
        brand_id: string;
        brand_name: string;
        owner_partner_id: string | null;
        owner_name: string | null;
        owner_segment: string | null;
        competing_partner_id: string;
        competing_name: string;
        competing_segment: string;
        source: string;
        detected_at: Date;
        cost: Array<{ currency: string; amount: string }> | string | null;
      }>`
      select o.id, cu.public_id, o.customer_id, o.brand_id, b.name as brand_name, o.owner_partner_id,
        op.display_name as owner_name, o.owner_segment, o.competing_partner_id, cp.display_name as competing_name,
        o.competing_segment, o.source, o.detected_at,
        (select json_agg(json_build_object('currency', x.currency, 'amount', x.amount::text))
           from (select cl.currency, sum(cl.amount) as amount from commission_lines cl
                 where cl.customer_id in (cu.public_id, cu.id::text) and cl.partner_id = o.owner_partner_id
                   and cl.payee = 'partner' and cl.state not in ('rejected', 'reversed')
                 group by cl.currency) x) as cost
      from attribution_overlaps o
      join customers cu on cu.id = o.customer_id
      join brands b on b.id = o.brand_id
      left join partners op on op.id = o.owner_partner_id
      join partners cp on cp.id = o.competing_partner_id
      where true ${pm}
        ${q.brandId ? sql`and o.brand_id = ${q.brandId}::uuid` : sql``}
        ${q.from ? sql`and o.detected_at >= ${q.from}::date` : sql``}
        ${q.to ? sql`and o.detected_at < ${q.to}::date` : sql``}
      order by o.detected_at desc, o.id
      limit ${q.limit}`.execute(s.db);
      const totals = new Map<string, bigint>();
      const items = r.rows.map((x) => {
        const cost = (typeof x.cost === 'string' ? JSON.parse(x.cost) : (x.cost ?? [])) as Array<{
          currency: string;
          amount: string;
        }>;
        for (const c of cost) totals.set(c.currency, (totals.get(c.currency) ?? 0n) + BigInt(c.amount));
        return {
          id: x.id,
          customerPublicId: x.public_id,
          brandId: x.brand_id,
          brandName: x.brand_name,
          ownerPartnerId: x.owner_partner_id,
          ownerPartnerName: x.owner_name,
          ownerSegment: x.owner_segment,
          competingPartnerId: x.competing_partner_id,
          competingPartnerName: x.competing_name,
          competingSegment: x.competing_segment,
          source: x.source,
          detectedAt: new Date(x.detected_at).toISOString(),
          wouldHaveCost: cost
            .map((c) => ({ currency: c.currency, amountMinor: BigInt(c.amount).toString() }))
            .sort((a, b) => a.currency.localeCompare(b.currency)),
        };
      });
      return {
        items,
        totals: {
          claims: items.length,
          customers: new Set(r.rows.map((x) => x.customer_id)).size,
          wouldHaveCost: [...totals]
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([currency, v]) => ({ currency, amountMinor: v.toString() })),
        },
      };
    },
  );
};

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { actorOf } from '../auth/guard.js';
import { STAFF_ROLES } from '../auth/identity.js';
import type { Services } from '../platform/services.js';
import { AppError, validationError } from '../platform/http/errors.js';
import { errors, Uuid } from '../platform/http/schemas.js';
import {
  addDays,
  calculateConvertedTotal,
  calculateKpis,
  calculateSegmentRevenue,
  calculateActivePartners,
  daysBetween,
  type Period,
  previousPeriod,
} from './calculate-kpis.js';
import { refreshCohortsAudited } from './jobs.js';
import { calculateReportRows, formatReportCsv, REPORT_COLUMNS } from './calculate-report-rows.js';
import {
  GROUP_BYS,
  type GroupBy,
  loadCommissionByMonth,
  loadGroupedRollups,
  loadTasks,
} from './report-query-store.js';
import {
  loadCohortsRefreshedAt,
  loadPartnerSegmentRevenue,
  loadPeriodFacts,
  loadRates,
  loadTierWeights,
  type ReportFilter,
  saveTierWeights,
} from './report-store.js';
import { savedReportRoutes } from './saved-report-routes.js';

const AnyObject = Type.Object({}, { additionalProperties: true });
const Day = Type.String({ format: 'date' });
const Segment = Type.Union(
  ['affiliate', 'ib', 'ambassador', 'influencer', 'integrator', 'reseller'].map((s) => Type.Literal(s)),
);
const Currency = Type.String({ pattern: '^[A-Z]{3}$', description: 'reporting currency, default EUR' });
const PeriodQ = {
  from: Type.String({ format: 'date', description: 'inclusive, YYYY-MM-DD' }),
  to: Type.String({ format: 'date', description: 'exclusive, YYYY-MM-DD; at most 366 days after from' }),
  currency: Type.Optional(Currency),
};
const StaffFilterQ = {
  ...PeriodQ,
  brandId: Type.Optional(Uuid),
  segment: Type.Optional(Segment),
  managerId: Type.Optional(Uuid),
  partnerId: Type.Optional(Uuid),
};
const METRICS = ['clicks', 'registrations', 'ftds', 'revenue', 'commission'] as const;
const Metric = Type.Union(METRICS.map((m) => Type.Literal(m)));
const Grain = Type.Union([Type.Literal('day'), Type.Literal('week'), Type.Literal('month')]);
const STAFF = { auth: { roles: STAFF_ROLES } };
const DEFAULT_TOP_THRESHOLD = 1_000_000n;
void Day;

function periodOf(q: { from: string; to: string }): Period {
  const len = daysBetween(q.from, q.to);
  if (len <= 0)
    throw validationError([{ path: '/to', message: 'must be after from', in: 'querystring' } as never]);
  if (len > 366)
    throw validationError([
      { path: '/to', message: 'at most 366 days after from', in: 'querystring' } as never,
    ]);
  return { from: q.from, to: q.to };
}

/** Staff filter: a partner manager is held to their own portfolio whatever managerId says. */
function staffFilter(
  req: FastifyRequest,
  q: { brandId?: string; segment?: string; managerId?: string; partnerId?: string },
): ReportFilter {
  const id = req.identity;
  const own = id?.kind === 'user' && id.role === 'partner_manager' ? id.userId : undefined;
  return { brandId: q.brandId, segment: q.segment, managerId: own ?? q.managerId, partnerId: q.partnerId };
}

function portalFilter(req: FastifyRequest, q: { brandId?: string }): ReportFilter {
  const p = req.identity?.partnerId;
  if (!p) throw new AppError('FORBIDDEN', 'Only a partner login or partner key has portal reports.');
  return { brandId: q.brandId, partnerId: p };
}

const lastDay = (p: Period) => addDays(p.to, -1);

/** Grouped rollup report in the reporting currency (shared by the staff and portal routes). */
async function breakdown(
  s: Services,
  f: ReportFilter,
  p: Period,
  groupBy: GroupBy,
  currency: string,
): Promise<{ rows: ReturnType<typeof calculateReportRows>['rows']; missingRates: string[] }> {
  const raw = await loadGroupedRollups(s.db, f, p, groupBy);
  const rates = await loadRates(
    s.db,
    raw.map((r) => r.currency),
    currency,
    lastDay(p),
  );
  return calculateReportRows(
    raw.map((r) => ({ ...r, counts: r.counts, amounts: r.amounts })),
    currency,
    rates,
  );
}

async function timeseries(
  s: Services,
  f: ReportFilter,
  p: Period,
  metric: (typeof METRICS)[number],
  grain: 'day' | 'week' | 'month',
  currency: string,
) {
  if (metric === 'commission') {
    const rows = await loadCommissionByMonth(s.db, f, p);
    const rates = await loadRates(
      s.db,
      rows.map((r) => r.currency),
      currency,
      lastDay(p),
    );
    const by = new Map<string, Array<{ currency: string; amount: bigint }>>();
    for (const r of rows) by.set(r.month, [...(by.get(r.month) ?? []), r]);
    const missing = new Set<string>();
    const points = [...by].map(([bucket, a]) => {
      const t = calculateConvertedTotal(a, currency, rates);
      for (const m of t.missing) missing.add(m);
      return { bucket, value: t.amount.toString() };
    });
    return { metric, grain: 'month', currency, unit: 'money', points, missingRates: [...missing].sort() };
  }
  const r = await breakdown(s, f, p, grain === 'day' ? 'date' : grain, currency);
  const col = metric === 'revenue' ? 'revenue' : metric;
  return {
    metric,
    grain,
    currency,
    unit: metric === 'revenue' ? 'money' : 'count',
    points: r.rows.map((x) => ({ bucket: x.key, value: x.values[col] ?? 0 })),
    missingRates: r.missingRates,
  };
}

function parseColumns(c: string | undefined): string[] {
  if (!c) return [...REPORT_COLUMNS];
  const cols = c
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
  const bad = cols.filter((x) => !(REPORT_COLUMNS as readonly string[]).includes(x));
  if (bad.length > 0)
    throw validationError([
      { path: '/columns', message: `unknown column(s): ${bad.join(', ')}`, in: 'querystring' } as never,
    ]);
  return cols;
}

async function sendBreakdown(
  reply: FastifyReply,
  s: Services,
  f: ReportFilter,
  q: { groupBy?: GroupBy; columns?: string; format?: 'json' | 'csv'; currency?: string } & Period,
) {
  const p = periodOf(q);
  const groupBy = q.groupBy ?? 'date';
  const columns = parseColumns(q.columns);
  const currency = q.currency ?? 'EUR';
  const r = await breakdown(s, f, p, groupBy, currency);
  const rows = r.rows.map((x) => ({
    key: x.key,
    label: x.label,
    values: Object.fromEntries(columns.map((c) => [c, x.values[c] ?? null])),
  }));
  if (q.format === 'csv')
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="report-${groupBy}-${p.from}-${p.to}.csv"`)
      .send(formatReportCsv(groupBy, columns, rows));
  return { groupBy, from: p.from, to: p.to, currency, columns, rows, missingRates: r.missingRates };
}

const BreakdownQ = {
  groupBy: Type.Optional(Type.Union(GROUP_BYS.map((g) => Type.Literal(g)))),
  columns: Type.Optional(
    Type.String({ description: `comma-separated, any of ${REPORT_COLUMNS.join(', ')}; default all` }),
  ),
  format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('csv')])),
};

export const reportingRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const s = app.services;
  await app.register(savedReportRoutes);

  app.get(
    '/reports/kpis',
    {
      config: STAFF,
      schema: {
        tags: ['reports'],
        summary: "The Overview's partner-manager KPIs with their previous-period values and definitions",
        description:
          'Answers from daily rollups and small aggregate tables. `{ from, to, previousFrom, currency, missingRates, ltvRefreshedAt, kpis: [{ key, label, definition, unit, value, previous, change, detail }] }`; money as minor-unit strings of `currency`. A partner manager always gets their own portfolio. See docs/kpis.md.',
        querystring: Type.Object(
          {
            ...StaffFilterQ,
            topThreshold: Type.Optional(
              Type.String({
                pattern: '^[0-9]{1,15}$',
                description: 'top-partner revenue threshold, minor units; default 1000000',
              }),
            ),
          },
          { additionalProperties: false },
        ),
        response: { 200: AnyObject, ...errors(400, 401, 403) },
      },
    },
    async (req) => {
      const q = req.query;
      const p = periodOf(q);
      const f = staffFilter(req, q);
      const prev = previousPeriod(p);
      const currency = q.currency ?? 'EUR';
      const [current, previous, beforePrevious, tierWeights, refreshedAt] = await Promise.all([
        loadPeriodFacts(s.db, f, p),
        loadPeriodFacts(s.db, f, prev),
        loadPartnerSegmentRevenue(s.db, f, previousPeriod(prev)),
        loadTierWeights(s.db),
        loadCohortsRefreshedAt(s.db),
      ]);
      const currencies = [current, previous].flatMap((x) => [
        ...x.revenue.map((r) => r.currency),
        ...x.ltv.map((r) => r.currency),
        ...x.overlaps.flatMap((o) => o.commission.map((c) => c.currency)),
      ]);
      const rates = await loadRates(
        s.db,
        [...currencies, ...beforePrevious.map((r) => r.currency)],
        currency,
        lastDay(p),
      );
      const r = calculateKpis({
        reportingCurrency: currency,
        rates,
        topThreshold: q.topThreshold ? BigInt(q.topThreshold) : DEFAULT_TOP_THRESHOLD,
        tierWeights,
        today: s.clock().toISOString().slice(0, 10),
        current,
        previous,
        beforePrevious,
      });
      return {
        from: p.from,
        to: p.to,
        previousFrom: prev.from,
        ...r,
        ltvRefreshedAt: refreshedAt?.toISOString() ?? null,
      };
    },
  );

  app.get(
    '/reports/timeseries',
    {
      config: STAFF,
      schema: {
        tags: ['reports'],
        summary:
          'One metric over time (clicks, registrations, FTDs, revenue, commission) for the Overview chart',
        description:
          '`{ metric, grain, currency, unit, points: [{ bucket, value }], missingRates }`; buckets are brand-local days (or ISO weeks, months); commission is monthly (its source period).',
        querystring: Type.Object(
          { ...StaffFilterQ, metric: Metric, grain: Type.Optional(Grain) },
          { additionalProperties: false },
        ),
        response: { 200: AnyObject, ...errors(400, 401, 403) },
      },
    },
    async (req) => {
      const q = req.query;
      return timeseries(s, staffFilter(req, q), periodOf(q), q.metric, q.grain ?? 'day', q.currency ?? 'EUR');
    },
  );

  app.get(
    '/reports/funnel',
    {
      config: STAFF,
      schema: {
        tags: ['reports'],
        summary: 'Funnel clicks → registrations → FTDs with conversion rates',
        description:
          '`{ clicks, uniqueClicks, registrations, ftds, clickToRegistrationPct, registrationToFtdPct, clickToFtdPct }`',
        querystring: Type.Object(StaffFilterQ, { additionalProperties: false }),
        response: { 200: AnyObject, ...errors(400, 401, 403) },
      },
    },
    async (req) => {
      const q = req.query;
      const r = await breakdown(s, staffFilter(req, q), periodOf(q), 'month', q.currency ?? 'EUR');
      const sum = (c: string) => r.rows.reduce((t, x) => t + Number(x.values[c] ?? 0), 0);
      const clicks = sum('clicks');
      const registrations = sum('registrations');
      const ftds = sum('ftds');
      const pct = (a: number, b: number) => (b === 0 ? null : Math.round((1000 * a) / b) / 10);
      return {
        clicks,
        uniqueClicks: sum('unique_clicks'),
        registrations,
        ftds,
        clickToRegistrationPct: pct(registrations, clicks),
        registrationToFtdPct: pct(ftds, registrations),
        clickToFtdPct: pct(ftds, clicks),
      };
    },
  );

  app.get(
    '/reports/segment-mix',
    {
      config: STAFF,
      schema: {
        tags: ['reports'],
        summary: 'Revenue and active partners per partner segment',
        description:
          '`{ currency, total, segments: [{ segment, revenue, sharePct, activePartners }], missingRates }`, largest revenue first.',
        querystring: Type.Object(StaffFilterQ, { additionalProperties: false }),
        response: { 200: AnyObject, ...errors(400, 401, 403) },
      },
    },
    async (req) => {
      const q = req.query;
      const p = periodOf(q);
      const currency = q.currency ?? 'EUR';
      const rows = await loadPartnerSegmentRevenue(s.db, staffFilter(req, q), p);
      const rates = await loadRates(
        s.db,
        rows.map((r) => r.currency),
        currency,
        lastDay(p),
      );
      const rev = calculateSegmentRevenue(rows, currency, rates);
      const active = new Map(calculateActivePartners(rows).bySegment.map((x) => [x.segment, x.partners]));
      return {
        currency,
        total: rev.total.toString(),
        segments: rev.segments.map((x) => ({
          segment: x.segment,
          revenue: x.revenue.toString(),
          sharePct: rev.total > 0n ? Number((x.revenue * 1000n) / rev.total) / 10 : null,
          activePartners: active.get(x.segment) ?? 0,
        })),
        missingRates: rev.missing,
      };
    },
  );

  app.get(
    '/reports/tasks',
    {
      config: STAFF,
      schema: {
        tags: ['reports'],
        summary: "The signed-in staff user's task queue",
        description:
          '`{ groups: [{ kind, count, items: [{ id, label, at }], note? }] }`; kinds: applications, documents, held_commissions, payout_approvals (next step is your role and not yet approved by you), failing_postbacks, claims (open and in-review missing-commission claims, nearest deadline first; `at` is the deadline and `overdue` marks late ones). A partner manager sees their portfolio only.',
        querystring: Type.Object({ brandId: Type.Optional(Uuid) }, { additionalProperties: false }),
        response: { 200: AnyObject, ...errors(400, 401, 403) },
      },
    },
    async (req) => {
      const id = req.identity;
      if (id?.kind !== 'user') throw new AppError('FORBIDDEN');
      const groups = await loadTasks(s.db, {
        userId: id.userId,
        role: id.role,
        managerId: id.role === 'partner_manager' ? id.userId : undefined,
        brandId: req.query.brandId,
        now: s.clock(),
      });
      return { groups };
    },
  );

  app.get(
    '/reports/breakdown',
    {
      config: STAFF,
      schema: {
        tags: ['reports'],
        summary:
          'Grouped report (date, week, month, brand, segment, partner, manager, country, link, sub-id), JSON or CSV',
        description:
          "`{ groupBy, from, to, currency, columns, rows: [{ key, label, values: { column: value } }], missingRates }`; `format=csv` returns the same rows and columns as CSV. Country and manager are the partner's. Compare two periods by calling twice.",
        querystring: Type.Object({ ...StaffFilterQ, ...BreakdownQ }, { additionalProperties: false }),
        response: { 200: Type.Any(), ...errors(400, 401, 403) },
      },
    },
    async (req, reply) => sendBreakdown(reply, s, staffFilter(req, req.query), req.query),
  );

  app.put(
    '/reports/tier-weights/:brandId',
    {
      config: { auth: { roles: ['admin'] } },
      schema: {
        tags: ['reports'],
        summary: "Set a brand's tier weights for the weighted-onboardings KPI (empty list: default order)",
        params: Type.Object({ brandId: Uuid }, { additionalProperties: false }),
        body: Type.Object(
          {
            weights: Type.Array(
              Type.Object(
                {
                  tier: Type.String({ minLength: 1, maxLength: 50 }),
                  weight: Type.Integer({ minimum: 1, maximum: 100 }),
                },
                { additionalProperties: false },
              ),
              { maxItems: 50 },
            ),
          },
          { additionalProperties: false },
        ),
        response: { 200: AnyObject, ...errors(400, 401, 403, 404) },
      },
    },
    async (req) => {
      const b = await s.db
        .selectFrom('brands')
        .select('id')
        .where('id', '=', req.params.brandId)
        .executeTakeFirst();
      if (!b) throw new AppError('NOT_FOUND', 'Brand not found.');
      await saveTierWeights(s.db, b.id, req.body.weights, s.clock());
      return { brandId: b.id, weights: req.body.weights };
    },
  );

  app.post(
    '/reports/refresh',
    {
      config: { auth: { roles: ['admin', 'analyst'] } },
      schema: {
        tags: ['reports'],
        summary:
          'Rebuild the customer-cohort aggregate behind customer LTV from the activity tables now (it is also rebuilt nightly); audited',
        response: { 200: AnyObject, ...errors(401, 403) },
      },
    },
    async (req) => {
      const r = await refreshCohortsAudited(s, actorOf(req), 'manual');
      return { rows: r.rows, refreshedAt: r.refreshedAt.toISOString() };
    },
  );

  // ---- the partner's own equivalents (login or partner key with reports:read)
  const PORTAL = { auth: { roles: ['partner' as const], scopes: ['reports:read' as const] } };

  app.get(
    '/portal/reports/breakdown',
    {
      config: PORTAL,
      schema: {
        tags: ['portal'],
        summary:
          "The partner's own grouped report (date, week, month, brand, segment, link, sub-id), JSON or CSV",
        querystring: Type.Object(
          {
            ...PeriodQ,
            brandId: Type.Optional(Uuid),
            groupBy: Type.Optional(
              Type.Union(
                (['date', 'week', 'month', 'brand', 'segment', 'link', 'sub_id'] as const).map((g) =>
                  Type.Literal(g),
                ),
              ),
            ),
            columns: BreakdownQ.columns,
            format: BreakdownQ.format,
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Any(), ...errors(400, 401, 403) },
      },
    },
    async (req, reply) => sendBreakdown(reply, s, portalFilter(req, req.query), req.query),
  );

  app.get(
    '/portal/reports/timeseries',
    {
      config: PORTAL,
      schema: {
        tags: ['portal'],
        summary: "The partner's own metric over time (clicks, registrations, FTDs, revenue, commission)",
        querystring: Type.Object(
          { ...PeriodQ, brandId: Type.Optional(Uuid), metric: Metric, grain: Type.Optional(Grain) },
          { additionalProperties: false },
        ),
        response: { 200: AnyObject, ...errors(400, 401, 403) },
      },
    },
    async (req) => {
      const q = req.query;
      return timeseries(
        s,
        portalFilter(req, q),
        periodOf(q),
        q.metric,
        q.grain ?? 'day',
        q.currency ?? 'EUR',
      );
    },
  );
};

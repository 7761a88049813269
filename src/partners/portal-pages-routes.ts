import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { appendAudit } from '../audit/audit-store.js';
import { writeAudited } from '../audit/write-audited.js';
import { actorOf, userOf } from '../auth/guard.js';
import { AppError, notFound, validationError } from '../platform/http/errors.js';
import { errors, IdParams, Uuid } from '../platform/http/schemas.js';
import {
  type IbGroupBy,
  listPartnerCustomers,
  loadBalanceSummary,
  loadCountryReport,
  loadCustomerEvents,
  loadIbVolume,
  loadOverrideEarnings,
  loadSubPartnerTotals,
  type Period,
} from './partner-data-store.js';
import {
  assignManager,
  loadPartnerOrThrow,
  partnerView,
  reachFor,
  recordPartnerEvent,
} from './partner-store.js';
import { Tag } from './schemas.js';

const STAFF_READ = ['admin', 'partner_manager', 'finance', 'compliance', 'analyst'] as const;
const NOTE_WRITERS = ['admin', 'partner_manager', 'compliance', 'finance'] as const;
const PARTNER = { auth: { roles: ['partner' as const] } };
const PORTAL_REPORTS = { auth: { roles: ['partner' as const], scopes: ['reports:read' as const] } };

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const AmountT = Type.Object({ currency: Type.String(), amountMinor: Type.String() });
const StatusT = Type.Union([
  Type.Literal('registered'),
  Type.Literal('ftd'),
  Type.Literal('active'),
  Type.Literal('qualified'),
]);
const CustomerT = Type.Object(
  {
    publicId: Type.String(),
    brandId: Type.String(),
    brandName: Type.String(),
    segment: Nullable(Type.String()),
    linkCode: Nullable(Type.String()),
    subId: Nullable(Type.String()),
    source: Type.String(),
    registeredAt: Nullable(Type.String()),
    firstDepositAt: Nullable(Type.String()),
    lastActivityAt: Nullable(Type.String()),
    status: StatusT,
    ftd: Type.Boolean(),
    active: Type.Boolean(),
    qualified: Type.Boolean(),
  },
  { additionalProperties: false },
);
const CustomerPage = Type.Object({ items: Type.Array(CustomerT), total: Type.Integer() });
const CustomerQuery = Type.Object(
  {
    status: Type.Optional(StatusT),
    brandId: Type.Optional(Uuid),
    limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
    offset: Type.Integer({ minimum: 0, default: 0 }),
  },
  { additionalProperties: false },
);
const EventsT = Type.Object({
  publicId: Type.String(),
  items: Type.Array(
    Type.Object({
      type: Type.String(),
      status: Type.String(),
      occurredAt: Type.String(),
      amountMinor: Nullable(Type.String()),
      currency: Nullable(Type.String()),
    }),
  ),
});
const PublicIdParam = Type.String({ pattern: '^[A-Za-z0-9_-]{1,40}$' });
const PeriodQ = {
  from: Type.String({ format: 'date', description: 'inclusive, YYYY-MM-DD' }),
  to: Type.String({ format: 'date', description: 'exclusive, YYYY-MM-DD; at most 366 days after from' }),
};
const SubTotalsT = Type.Object({
  from: Type.String(),
  to: Type.String(),
  items: Type.Array(
    Type.Object({
      partnerId: Type.String(),
      displayName: Type.String(),
      brandId: Type.String(),
      parentPartnerId: Type.String(),
      depth: Type.Integer(),
      status: Type.String(),
      clicks: Type.Integer(),
      registrations: Type.Integer(),
      ftds: Type.Integer(),
      revenue: Type.Array(AmountT),
      commission: Type.Array(AmountT),
    }),
  ),
});

function periodOf(q: { from: string; to: string }): Period {
  const days = (Date.parse(q.to) - Date.parse(q.from)) / 86_400_000;
  if (!(days > 0)) throw validationError([{ path: '/to', message: 'must be after from', in: 'querystring' }]);
  if (days > 366)
    throw validationError([{ path: '/to', message: 'at most 366 days after from', in: 'querystring' }]);
  return { from: q.from, to: q.to };
}

function csv(header: string[], rows: Array<Array<string | number>>): string {
  const cell = (v: string | number) => {
    let s = String(v);
    if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [header, ...rows].map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}

function sendCsv(reply: FastifyReply, name: string, body: string) {
  return reply
    .header('content-type', 'text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${name}"`)
    .send(body);
}

function ownPartner(req: FastifyRequest): string {
  const p = req.identity?.partnerId;
  if (!p) throw new AppError('FORBIDDEN', 'Only a partner login or partner key has portal reports.');
  return p;
}

/**
 * Portal pages (customers, balance, sub-partner earnings, IB volume and country reports) and the staff
 * partner tabs and bulk actions that go with them: customers, sub-partner totals, notes and reminders.
 */
export const portalPagesRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const s = app.services;
  const me = (req: FastifyRequest) => userOf(req).partnerId!;

  // ---------- partner portal ----------

  app.get(
    '/portal/customers',
    {
      config: PARTNER,
      schema: {
        tags: ['portal'],
        summary:
          'Own customers, pseudonymous: public id, brand, link and sub-id, stages (registered, FTD, active within 30 days, qualified) — never PII',
        querystring: CustomerQuery,
        response: { 200: CustomerPage, ...errors(400, 401, 403) },
      },
    },
    async (req) => listPartnerCustomers(s.db, me(req), req.query as never, s.clock()),
  );

  app.get(
    '/portal/customers/:publicId/events',
    {
      config: PARTNER,
      schema: {
        tags: ['portal'],
        summary: "One own customer's events (type, status, time, amount), newest first; 404 if not own",
        params: Type.Object({ publicId: PublicIdParam }, { additionalProperties: false }),
        response: { 200: EventsT, ...errors(401, 403, 404) },
      },
    },
    async (req) => {
      const items = await loadCustomerEvents(s.db, me(req), req.params.publicId);
      if (!items) throw notFound('Customer');
      return { publicId: req.params.publicId, items };
    },
  );

  app.get(
    '/portal/balance',
    {
      config: PARTNER,
      schema: {
        tags: ['portal'],
        summary:
          'Balance card: pending, approved, payable and in-payout commission per currency; per brand the payout threshold and the estimated next payout date',
        response: {
          200: Type.Object({
            balances: Type.Array(
              Type.Object({
                currency: Type.String(),
                pendingMinor: Type.String(),
                approvedMinor: Type.String(),
                payableMinor: Type.String(),
                inPayoutMinor: Type.String(),
              }),
            ),
            payouts: Type.Array(
              Type.Object({
                brandId: Type.String(),
                brandName: Type.String(),
                currency: Type.String(),
                thresholdMinor: Type.String(),
                schedule: Type.String(),
                netDays: Type.Integer(),
                nextPayoutDate: Type.String(),
              }),
            ),
          }),
          ...errors(401, 403),
        },
      },
    },
    async (req) => loadBalanceSummary(s.db, me(req), s.clock().toISOString().slice(0, 10)),
  );

  app.get(
    '/portal/sub-partners/earnings',
    {
      config: PARTNER,
      schema: {
        tags: ['portal'],
        summary:
          'Override and split commission earned from each sub-partner (source months of the period), per currency',
        querystring: Type.Object(PeriodQ, { additionalProperties: false }),
        response: {
          200: Type.Object({
            from: Type.String(),
            to: Type.String(),
            items: Type.Array(
              Type.Object({
                partnerId: Type.String(),
                displayName: Type.String(),
                earnings: Type.Array(AmountT),
              }),
            ),
          }),
          ...errors(400, 401, 403),
        },
      },
    },
    async (req) => {
      const p = periodOf(req.query);
      return { ...p, items: await loadOverrideEarnings(s.db, me(req), p) };
    },
  );

  app.get(
    '/portal/reports/ib-volume',
    {
      config: PORTAL_REPORTS,
      schema: {
        tags: ['portal'],
        summary:
          'IB volume: lots and trades of own clients and of sub-IB clients (every depth), by date, month or sub-IB; JSON or CSV',
        querystring: Type.Object(
          {
            ...PeriodQ,
            groupBy: Type.Optional(
              Type.Union([Type.Literal('date'), Type.Literal('month'), Type.Literal('sub_ib')]),
            ),
            format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('csv')])),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            groupBy: Type.String(),
            from: Type.String(),
            to: Type.String(),
            rows: Type.Array(
              Type.Object({
                key: Type.String(),
                label: Type.String(),
                lots: Type.String(),
                trades: Type.Integer(),
                subIbLots: Type.String(),
                subIbTrades: Type.Integer(),
              }),
            ),
          }),
          ...errors(400, 401, 403),
        },
      },
    },
    async (req, reply) => {
      const p = periodOf(req.query);
      const groupBy = (req.query.groupBy ?? 'date') as IbGroupBy;
      const rows = await loadIbVolume(s.db, ownPartner(req), p, groupBy);
      if (req.query.format === 'csv')
        return sendCsv(
          reply,
          `ib-volume-${groupBy}-${p.from}-${p.to}.csv`,
          csv(
            [groupBy, 'lots', 'trades', 'sub_ib_lots', 'sub_ib_trades'],
            rows.map((r) => [r.label, r.lots, r.trades, r.subIbLots, r.subIbTrades]),
          ),
        );
      return { groupBy, ...p, rows };
    },
  );

  app.get(
    '/portal/reports/countries',
    {
      config: PORTAL_REPORTS,
      schema: {
        tags: ['portal'],
        summary:
          "Own customers registered in the period by the customer's country: registrations, FTDs, first deposits per currency; JSON or CSV",
        querystring: Type.Object(
          { ...PeriodQ, format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('csv')])) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            from: Type.String(),
            to: Type.String(),
            rows: Type.Array(
              Type.Object({
                country: Type.String(),
                registrations: Type.Integer(),
                ftds: Type.Integer(),
                firstDeposits: Type.Array(AmountT),
              }),
            ),
          }),
          ...errors(400, 401, 403),
        },
      },
    },
    async (req, reply) => {
      const p = periodOf(req.query);
      const rows = await loadCountryReport(s.db, ownPartner(req), p);
      if (req.query.format === 'csv')
        return sendCsv(
          reply,
          `report-country-${p.from}-${p.to}.csv`,
          csv(
            ['country', 'registrations', 'ftds', 'first_deposits'],
            rows.map((r) => [
              r.country,
              r.registrations,
              r.ftds,
              r.firstDeposits.map((a) => `${a.amountMinor} ${a.currency}`).join(' '),
            ]),
          ),
        );
      return { ...p, rows };
    },
  );

  // ---------- staff: partner tabs ----------

  const reach = (req: FastifyRequest) => reachFor(userOf(req));

  app.get(
    '/partners/:id/customers',
    {
      config: { auth: { roles: [...STAFF_READ] } },
      schema: {
        tags: ['partners'],
        summary: "The partner's customers, pseudonymous as in its portal (404 outside your reach)",
        params: IdParams,
        querystring: CustomerQuery,
        response: { 200: CustomerPage, ...errors(400, 401, 403, 404) },
      },
    },
    async (req) => {
      const p = await loadPartnerOrThrow(s.db, reach(req), req.params.id);
      return listPartnerCustomers(s.db, p.id, req.query as never, s.clock());
    },
  );

  app.get(
    '/partners/:id/customers/:publicId/events',
    {
      config: { auth: { roles: [...STAFF_READ] } },
      schema: {
        tags: ['partners'],
        summary: "Events of one of the partner's customers (as the partner sees them)",
        params: Type.Object({ id: Uuid, publicId: PublicIdParam }, { additionalProperties: false }),
        response: { 200: EventsT, ...errors(401, 403, 404) },
      },
    },
    async (req) => {
      const p = await loadPartnerOrThrow(s.db, reach(req), req.params.id);
      const items = await loadCustomerEvents(s.db, p.id, req.params.publicId);
      if (!items) throw notFound('Customer');
      return { publicId: req.params.publicId, items };
    },
  );

  app.get(
    '/partners/:id/sub-partner-totals',
    {
      config: { auth: { roles: [...STAFF_READ] } },
      schema: {
        tags: ['partners'],
        summary:
          "The partner's sub-partner tree with each sub-partner's clicks, registrations, FTDs, revenue and commission in the period",
        params: IdParams,
        querystring: Type.Object(PeriodQ, { additionalProperties: false }),
        response: { 200: SubTotalsT, ...errors(400, 401, 403, 404) },
      },
    },
    async (req) => {
      const period = periodOf(req.query);
      const p = await loadPartnerOrThrow(s.db, reach(req), req.params.id);
      return { ...period, items: await loadSubPartnerTotals(s.db, p.id, period) };
    },
  );

  app.get(
    '/portal/sub-partners/totals',
    {
      config: PARTNER,
      schema: {
        tags: ['portal'],
        summary: 'Own sub-partner tree with their clicks, registrations, FTDs, revenue and commission',
        querystring: Type.Object(PeriodQ, { additionalProperties: false }),
        response: { 200: SubTotalsT, ...errors(400, 401, 403) },
      },
    },
    async (req) => {
      const period = periodOf(req.query);
      return { ...period, items: await loadSubPartnerTotals(s.db, me(req), period) };
    },
  );

  const NoteT = Type.Object({
    id: Type.String(),
    body: Type.String(),
    remindOn: Nullable(Type.String()),
    doneAt: Nullable(Type.String()),
    authorUserId: Nullable(Type.String()),
    createdAt: Type.String(),
  });
  const noteView = (n: {
    id: string;
    body: string;
    remind_on: string | null;
    done_at: Date | null;
    author_user_id: string | null;
    created_at: Date;
  }) => ({
    id: n.id,
    body: n.body,
    remindOn: n.remind_on === null ? null : String(n.remind_on).slice(0, 10),
    doneAt: n.done_at?.toISOString() ?? null,
    authorUserId: n.author_user_id,
    createdAt: n.created_at.toISOString(),
  });

  app.get(
    '/partners/:id/notes',
    {
      config: { auth: { roles: [...STAFF_READ] } },
      schema: {
        tags: ['partners'],
        summary:
          "The partner's notes and reminders (open reminders first, by date; then the rest, newest first)",
        params: IdParams,
        response: { 200: Type.Object({ items: Type.Array(NoteT) }), ...errors(401, 403, 404) },
      },
    },
    async (req) => {
      const p = await loadPartnerOrThrow(s.db, reach(req), req.params.id);
      const rows = await s.db
        .selectFrom('partner_notes')
        .selectAll()
        .where('partner_id', '=', p.id)
        .orderBy('created_at', 'desc')
        .execute();
      const open = rows
        .filter((n) => n.remind_on !== null && n.done_at === null)
        .sort((a, b) => String(a.remind_on).localeCompare(String(b.remind_on)));
      const rest = rows.filter((n) => !open.includes(n));
      return { items: [...open, ...rest].map(noteView) };
    },
  );

  app.post(
    '/partners/:id/notes/:noteId/done',
    {
      config: { auth: { roles: [...NOTE_WRITERS] } },
      schema: {
        tags: ['partners'],
        summary: 'Mark a reminder done (audited, on the timeline); 409 if already done',
        params: Type.Object({ id: Uuid, noteId: Uuid }, { additionalProperties: false }),
        response: { 200: NoteT, ...errors(401, 403, 404, 409) },
      },
    },
    async (req) => {
      const n = await writeAudited(s, async (trx, now) => {
        const p = await loadPartnerOrThrow(trx, reach(req), req.params.id);
        const before = await trx
          .selectFrom('partner_notes')
          .selectAll()
          .where('id', '=', req.params.noteId)
          .where('partner_id', '=', p.id)
          .forUpdate()
          .executeTakeFirst();
        if (!before) throw notFound('Note');
        if (before.done_at) throw new AppError('CONFLICT', 'This reminder is already done.');
        const after = await trx
          .updateTable('partner_notes')
          .set({ done_at: now })
          .where('id', '=', before.id)
          .returningAll()
          .executeTakeFirstOrThrow();
        await appendAudit(
          trx,
          actorOf(req),
          {
            action: 'partner.reminder_done',
            entityType: 'partner',
            entityId: p.id,
            detail: { noteId: before.id },
          },
          now,
        );
        await recordPartnerEvent(
          trx,
          actorOf(req),
          p.id,
          'note',
          `reminder done: ${before.body.slice(0, 160)}`,
          { noteId: before.id },
          now,
        );
        return after;
      });
      return noteView(n);
    },
  );

  // ---------- staff: bulk actions on partners ----------

  const PartnerIds = Type.Array(Uuid, { minItems: 1, maxItems: 500, uniqueItems: true });
  const BulkResult = Type.Object({
    updated: Type.Integer(),
    items: Type.Array(
      Type.Object({
        partnerId: Type.String(),
        displayName: Type.String(),
        managerUserId: Nullable(Type.String()),
        tags: Type.Array(Type.String()),
      }),
    ),
  });

  /** Every id must be within reach, else nothing is written: 400 naming each missing index. */
  async function loadAll(trx: Parameters<typeof loadPartnerOrThrow>[0], req: FastifyRequest, ids: string[]) {
    let q = trx.selectFrom('partners').selectAll().where('id', 'in', ids);
    const r = reach(req);
    if (r.kind === 'portfolio') q = q.where('manager_user_id', '=', r.managerUserId);
    const rows = await q.orderBy('id').forUpdate().execute();
    const found = new Set(rows.map((x) => x.id));
    const missing = ids.map((id, i) => ({ id, i })).filter((x) => !found.has(x.id));
    if (missing.length > 0)
      throw validationError(
        missing.map((m) => ({
          path: `/partnerIds/${m.i}`,
          message: 'is not a partner within your reach',
          in: 'body',
        })),
        'Nothing was changed: some partners are unknown or outside your reach.',
      );
    const erased = rows.filter((x) => x.erased_at);
    if (erased.length > 0)
      throw validationError(
        erased.map((x) => ({
          path: `/partnerIds/${ids.indexOf(x.id)}`,
          message: 'is erased and cannot be changed',
          in: 'body',
        })),
        'Nothing was changed: erased partners cannot be changed.',
      );
    return rows;
  }

  const bulkView = (
    rows: Array<{ id: string; display_name: string; manager_user_id: string | null; tags: string[] }>,
  ) => ({
    updated: rows.length,
    items: rows.map((x) => ({
      partnerId: x.id,
      displayName: x.display_name,
      managerUserId: x.manager_user_id,
      tags: x.tags ?? [],
    })),
  });

  app.post(
    '/partners/bulk/manager',
    {
      config: { auth: { roles: ['admin'] } },
      schema: {
        tags: ['partners'],
        summary:
          'Assign (or remove) the partner manager of several partners at once: all or nothing, audited and on the timeline of each partner',
        body: Type.Object(
          {
            partnerIds: PartnerIds,
            managerUserId: Nullable(Uuid),
            reason: Type.Optional(Type.String({ maxLength: 500 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: BulkResult, ...errors(400, 401, 403) },
      },
    },
    async (req) => {
      const b = req.body;
      const rows = await writeAudited(s, async (trx, now) => {
        const partners = await loadAll(trx, req, b.partnerIds);
        const out = [];
        for (const p of partners)
          out.push(await assignManager(trx, actorOf(req), p, b.managerUserId, b.reason ?? null, now));
        return out;
      });
      return bulkView(rows);
    },
  );

  app.post(
    '/partners/bulk/tags',
    {
      config: { auth: { roles: ['admin', 'partner_manager'] } },
      schema: {
        tags: ['partners'],
        summary:
          'Add and/or remove tags on several partners at once: all or nothing, audited and on the timeline of each changed partner',
        body: Type.Object(
          {
            partnerIds: PartnerIds,
            add: Type.Optional(Type.Array(Tag, { maxItems: 10, uniqueItems: true })),
            remove: Type.Optional(Type.Array(Tag, { maxItems: 10, uniqueItems: true })),
          },
          { additionalProperties: false },
        ),
        response: { 200: BulkResult, ...errors(400, 401, 403) },
      },
    },
    async (req) => {
      const add = req.body.add ?? [];
      const remove = req.body.remove ?? [];
      if (add.length + remove.length === 0)
        throw validationError([{ path: '/add', message: 'add or remove at least one tag', in: 'body' }]);
      const rows = await writeAudited(s, async (trx, now) => {
        const partners = await loadAll(trx, req, req.body.partnerIds);
        const tooMany = partners.filter(
          (p) => new Set([...(p.tags ?? []), ...add].filter((t) => !remove.includes(t))).size > 30,
        );
        if (tooMany.length > 0)
          throw validationError(
            tooMany.map((p) => ({
              path: `/partnerIds/${req.body.partnerIds.indexOf(p.id)}`,
              message: 'would have more than 30 tags',
              in: 'body',
            })),
          );
        const out = [];
        for (const p of partners) {
          const before = p.tags ?? [];
          const tags = [...new Set([...before, ...add])].filter((t) => !remove.includes(t));
          if (tags.length === before.length && tags.every((t) => before.includes(t))) {
            out.push(p);
            continue;
          }
          const after = await trx
            .updateTable('partners')
            .set({ tags, updated_at: now })
            .where('id', '=', p.id)
            .returningAll()
            .executeTakeFirstOrThrow();
          await appendAudit(
            trx,
            actorOf(req),
            {
              action: 'partner.updated',
              entityType: 'partner',
              entityId: p.id,
              before: { tags: partnerView(p).tags },
              after: { tags: partnerView(after).tags, bulk: true },
            },
            now,
          );
          await recordPartnerEvent(
            trx,
            actorOf(req),
            p.id,
            'profile',
            `tags changed: ${tags.join(', ') || 'none'}`,
            { fields: ['tags'], bulk: true },
            now,
          );
          out.push(after);
        }
        return out;
      });
      return bulkView(rows);
    },
  );
};

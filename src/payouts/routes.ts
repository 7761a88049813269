import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { writeAudited } from '../audit/write-audited.js';
import { actorOf, userOf } from '../auth/guard.js';
import { STAFF_ROLES } from '../auth/identity.js';
import { partnerInReach } from '../ledger/routes.js';
import { loadLedgerSettings } from '../ledger/settings-store.js';
import { AppError } from '../platform/http/errors.js';
import { errors, IdParams } from '../platform/http/schemas.js';
import {
  approvePayoutBatch,
  createPayoutBatch,
  exportPayoutBatch,
  loadBatchView,
  methodView,
  portfolioPartnerIds,
  restrictBatchView,
  setPaymentMethod,
  settlePayoutLine,
} from './payout-store.js';
import { listPartnerPayouts, listPayoutBatches } from './payout-list-store.js';
import {
  ApprovalStepResult,
  PayoutBatchCreated,
  PayoutBatchList,
  PayoutBatchStatus,
  PayoutBatchView,
  PortalPayoutList,
  SettleResult,
} from './schemas.js';

const IsoDate = Type.String({ format: 'date' });

/** Payment methods, payout batches with approval steps, export (CSV, SEPA pain.001) and settlement. */
export const payoutRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const s = app.services;

  app.put(
    '/partners/:id/payment-method',
    {
      config: { auth: { roles: ['admin', 'finance', 'partner'] } },
      schema: {
        tags: ['ledger'],
        summary: 'Set the payout method (IBAN validated); a change is paid only after the cooling-off period',
        params: IdParams,
        body: Type.Object(
          {
            kind: Type.Union([Type.Literal('bank'), Type.Literal('crypto'), Type.Literal('ewallet')]),
            currency: Type.String({ pattern: '^[A-Z]{3}$' }),
            details: Type.Record(Type.String(), Type.String({ maxLength: 200 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Any(), ...errors(400, 401, 403, 404) },
      },
    },
    async (req) => {
      const p = await partnerInReach(req, req.params.id);
      const brandHours = await s.db
        .selectFrom('ledger_settings')
        .select((eb) => eb.fn.max('cooling_off_hours').as('h'))
        .executeTakeFirst();
      const hours = brandHours?.h ?? 72;
      const row = await writeAudited(s, (trx, now) =>
        setPaymentMethod(
          trx,
          s.mailer,
          actorOf(req),
          { partnerId: p.id, method: req.body, coolingOffHours: hours },
          now,
        ),
      );
      return methodView(row);
    },
  );

  app.get(
    '/partners/:id/payment-method',
    {
      config: { auth: { roles: ['admin', 'finance', 'partner'] } },
      schema: {
        tags: ['ledger'],
        summary: 'The current payout method (account numbers masked)',
        params: IdParams,
        response: { 200: Type.Any(), ...errors(401, 403, 404) },
      },
    },
    async (req) => {
      await partnerInReach(req, req.params.id);
      const m = await s.db
        .selectFrom('payment_methods')
        .selectAll()
        .where('partner_id', '=', req.params.id)
        .where('superseded_at', 'is', null)
        .executeTakeFirst();
      return { method: m ? methodView(m) : null };
    },
  );

  app.post(
    '/payout-batches',
    {
      config: { auth: { roles: ['finance'] } },
      schema: {
        tags: ['ledger'],
        summary:
          'Create a payout batch of a brand for a pay date (threshold, schedule, tax form, cooling-off applied)',
        body: Type.Object(
          { brandId: Type.String({ format: 'uuid' }), payDate: Type.String({ format: 'date' }) },
          { additionalProperties: false },
        ),
        response: { 201: PayoutBatchCreated, ...errors(400, 401, 403) },
      },
    },
    async (req, reply) => {
      const r = await writeAudited(s, (trx, now) =>
        createPayoutBatch(trx, actorOf(req), { brandId: req.body.brandId, payDate: req.body.payDate }, now),
      );
      return reply.status(201).send(r);
    },
  );

  app.get(
    '/payout-batches',
    {
      config: { auth: { roles: ['admin', 'finance', 'compliance', 'partner_manager'] } },
      schema: {
        tags: ['ledger'],
        summary:
          'Payout batches, newest pay date first, with line counts and totals per currency; a partner manager sees only batches paying the portfolio (counted over its lines)',
        querystring: Type.Object(
          {
            brandId: Type.Optional(Type.String({ format: 'uuid' })),
            status: Type.Optional(PayoutBatchStatus),
            from: Type.Optional(IsoDate),
            to: Type.Optional(IsoDate),
            limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
            offset: Type.Integer({ minimum: 0, default: 0 }),
          },
          { additionalProperties: false },
        ),
        response: { 200: PayoutBatchList, ...errors(400, 401, 403) },
      },
    },
    async (req) => {
      const u = userOf(req);
      return listPayoutBatches(s.db, {
        ...req.query,
        ...(u.role === 'partner_manager' ? { managerUserId: u.userId } : {}),
      });
    },
  );

  app.get(
    '/portal/payouts',
    {
      config: { auth: { roles: ['partner'] } },
      schema: {
        tags: ['portal'],
        summary:
          "The signed-in partner's own payouts, newest first: amount, currency, status, paid date, reference and the statements they pay",
        querystring: Type.Object(
          {
            brandId: Type.Optional(Type.String({ format: 'uuid' })),
            limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
            offset: Type.Integer({ minimum: 0, default: 0 }),
          },
          { additionalProperties: false },
        ),
        response: { 200: PortalPayoutList, ...errors(400, 401, 403) },
      },
    },
    async (req) => listPartnerPayouts(s.db, userOf(req).partnerId!, req.query),
  );

  app.get(
    '/partners/:id/payouts',
    {
      config: { auth: { roles: ['admin', 'finance', 'compliance', 'partner_manager'] } },
      schema: {
        tags: ['ledger'],
        summary:
          "A partner's payouts, newest first, as the partner sees them (a partner manager: the portfolio only, 404 outside it)",
        params: IdParams,
        querystring: Type.Object(
          {
            brandId: Type.Optional(Type.String({ format: 'uuid' })),
            limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
            offset: Type.Integer({ minimum: 0, default: 0 }),
          },
          { additionalProperties: false },
        ),
        response: { 200: PortalPayoutList, ...errors(400, 401, 403, 404) },
      },
    },
    async (req) => {
      const p = await partnerInReach(req, req.params.id);
      return listPartnerPayouts(s.db, p.id, req.query);
    },
  );

  app.get(
    '/payout-batches/:id',
    {
      config: { auth: { roles: ['admin', 'finance', 'compliance', 'partner_manager'] } },
      schema: {
        tags: ['ledger'],
        summary:
          'A payout batch with its lines, approvals and the partners left out (and why); a partner manager sees only the portfolio (404 when none of it is in the batch)',
        params: IdParams,
        response: { 200: PayoutBatchView, ...errors(401, 403, 404) },
      },
    },
    async (req) => {
      const view = await loadBatchView(s.db, req.params.id);
      const u = userOf(req);
      return u.role === 'partner_manager'
        ? restrictBatchView(view, await portfolioPartnerIds(s.db, u.userId))
        : view;
    },
  );

  app.post(
    '/payout-batches/:id/approve',
    {
      config: { auth: { roles: STAFF_ROLES.filter((r) => r !== 'analyst') } },
      schema: {
        tags: ['ledger'],
        summary: "Take the batch's next approval step (the step names the role; each step a different user)",
        params: IdParams,
        response: { 200: ApprovalStepResult, ...errors(401, 403, 404, 409) },
      },
    },
    async (req) => {
      const u = userOf(req);
      return writeAudited(s, (trx, now) =>
        approvePayoutBatch(
          trx,
          actorOf(req),
          { batchId: req.params.id, userId: u.userId, role: u.role },
          now,
        ),
      );
    },
  );

  app.post(
    '/payout-batches/:id/export',
    {
      config: { auth: { roles: ['finance'] } },
      schema: {
        tags: ['ledger'],
        summary:
          'Export an approved batch: CSV, or SEPA credit transfers (pain.001.001.03) for EUR bank payouts',
        params: IdParams,
        body: Type.Object(
          { format: Type.Union([Type.Literal('csv'), Type.Literal('pain001')]) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Any(), ...errors(401, 403, 404, 409) },
      },
    },
    async (req, reply) => {
      const r = await writeAudited(s, (trx, now) =>
        exportPayoutBatch(trx, actorOf(req), { batchId: req.params.id, format: req.body.format }, now),
      );
      return reply
        .header('content-type', r.contentType)
        .header('content-disposition', `attachment; filename="${r.filename}"`)
        .send(r.content);
    },
  );

  app.post(
    '/payout-lines/:id/settle',
    {
      config: { auth: { roles: ['finance'] } },
      schema: {
        tags: ['ledger'],
        summary:
          'Mark a payout line paid (with the reference) or failed (with the reason: money returns to the balance)',
        params: IdParams,
        body: Type.Object(
          {
            outcome: Type.Union([Type.Literal('paid'), Type.Literal('failed')]),
            reference: Type.Optional(Type.String({ maxLength: 200 })),
            reason: Type.Optional(Type.String({ maxLength: 1000 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: SettleResult, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (req) =>
      writeAudited(s, (trx, now) =>
        settlePayoutLine(
          trx,
          actorOf(req),
          {
            payoutLineId: req.params.id,
            outcome: req.body.outcome,
            ...(req.body.reference !== undefined ? { reference: req.body.reference } : {}),
            ...(req.body.reason !== undefined ? { reason: req.body.reason } : {}),
          },
          now,
        ),
      ),
  );

  void loadLedgerSettings;
  void AppError;
};

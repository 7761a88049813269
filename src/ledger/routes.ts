import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { writeAudited } from '../audit/write-audited.js';
import { actorOf, userOf } from '../auth/guard.js';
import { STAFF_ROLES } from '../auth/identity.js';
import { loadPartnerOrThrow, reachFor } from '../partners/partner-store.js';
import { formatScaled, minorDigits, parseMoney } from '../money/index.js';
import type { LoginRole } from '../platform/config.js';
import { AppError, notFound } from '../platform/http/errors.js';
import { errors, IdParams } from '../platform/http/schemas.js';
import { payoutRoutes } from '../payouts/routes.js';
import { PartnerBalanceView } from '../payouts/schemas.js';
import { reconciliationRoutes } from '../reconciliation/routes.js';
import { statementRoutes } from '../statements/routes.js';
import { accrualRoutes } from './accrual-routes.js';
import { closePeriod } from './close-period.js';
import {
  assertReason,
  bookManualAdjustment,
  clawBackLine,
  ledgerBalanced,
  partnerBalances,
  releaseHolds,
  transitionLines,
} from './ledger-store.js';

const ALL_ROLES: readonly LoginRole[] = [...STAFF_ROLES, 'partner'];
const Period = Type.String({ pattern: '^[0-9]{4}-[0-9]{2}$' });
const Nullable = <T extends Type.TSchema>(t: T) => Type.Union([t, Type.Null()]);
const APPROVER_ROLES = ['admin', 'partner_manager', 'finance', 'compliance'] as const;

/** A brand's ledger and payout settings as GET and PUT answer them (defaults when never set). */
const LedgerSettingsView = Type.Object(
  {
    brandId: Type.String(),
    currency: Type.String({ description: "The brand's currency: the unit of the minor-unit amounts below" }),
    fxMaxAgeDays: Type.Integer(),
    minPayout: Type.String({ description: 'Minimum payout in minor units; below it the balance rolls over' }),
    schedule: Type.Union([Type.Literal('monthly'), Type.Literal('net')]),
    netDays: Type.Integer(),
    taxFormRequired: Type.Boolean(),
    approvalSteps: Type.Array(Type.String(), {
      description: 'The roles approving a payout batch, in order (a different user per step)',
    }),
    coolingOffHours: Type.Integer({
      description: 'Hours a changed payment method waits before it is paid',
    }),
    selfBilling: Type.Boolean(),
    vatTreatment: Nullable(Type.String()),
    invoicePrefix: Type.String(),
    reconciliationTolerance: Type.String({ description: 'Minor units' }),
    debtor: Type.Object(
      { name: Nullable(Type.String()), iban: Nullable(Type.String()), bic: Nullable(Type.String()) },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

/** The partner within the caller's reach (404 otherwise): staff by role and portfolio, a partner only itself. */
export async function partnerInReach(req: FastifyRequest, partnerId: string) {
  const u = userOf(req);
  return loadPartnerOrThrow(req.server.services.db, reachFor(u), partnerId);
}

export function lineView(l: {
  id: string;
  line_key: string;
  brand_id: string;
  source_period: string;
  partner_id: string;
  segment: string;
  payee: string;
  customer_id: string | null;
  kind: string;
  amount: string;
  currency: string;
  hold_until: string | null;
  deal_id: string;
  deal_version: number;
  component_id: string;
  derived_from: string | null;
  explanation: unknown;
  corrects_line_id: string | null;
  state: string;
  state_reason: string | null;
  payout_line_id: string | null;
}) {
  return {
    id: l.id,
    lineKey: l.line_key,
    brandId: l.brand_id,
    sourcePeriod: l.source_period,
    partnerId: l.partner_id,
    segment: l.segment,
    payee: l.payee,
    customerId: l.customer_id,
    kind: l.kind,
    amount: formatScaled(BigInt(l.amount), minorDigits(l.currency)),
    amountMinor: l.amount,
    currency: l.currency,
    holdUntil: l.hold_until,
    dealId: l.deal_id,
    dealVersion: l.deal_version,
    componentId: l.component_id,
    derivedFrom: l.derived_from,
    correctsLineId: l.corrects_line_id,
    state: l.state,
    stateReason: l.state_reason,
    payoutLineId: l.payout_line_id,
    explanation: typeof l.explanation === 'string' ? JSON.parse(l.explanation) : l.explanation,
  };
}

/** Period close, commission lines, approvals, clawbacks and balances; payouts, statements and reconciliation. */
export const ledgerRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const s = app.services;

  app.post(
    '/ledger/close',
    {
      config: { auth: { roles: ['admin', 'finance'] } },
      schema: {
        tags: ['ledger'],
        summary: 'Close a brand period (re-running books only late-data adjustments in the next open period)',
        body: Type.Object(
          { brand: Type.String({ minLength: 1 }), period: Period },
          { additionalProperties: false },
        ),
        response: { 200: Type.Any(), ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (req) => {
      const r = await closePeriod(s, { brand: req.body.brand, period: req.body.period, actor: actorOf(req) });
      return { ...r, issues: r.issues };
    },
  );

  app.get(
    '/ledger/periods',
    {
      config: { auth: { roles: STAFF_ROLES } },
      schema: {
        tags: ['ledger'],
        summary: 'Periods of a brand with their state (open, closed, final)',
        querystring: Type.Object({ brandId: Type.String({ format: 'uuid' }) }),
        response: { 200: Type.Any(), ...errors(401, 403) },
      },
    },
    async (req) => {
      const rows = await s.db
        .selectFrom('ledger_periods')
        .selectAll()
        .where('brand_id', '=', req.query.brandId)
        .orderBy('period')
        .execute();
      return {
        items: rows.map((p) => ({
          id: p.id,
          period: p.period,
          startsOn: p.starts_on,
          endsOn: p.ends_on,
          timezone: p.timezone,
          state: p.state,
          closedAt: p.closed_at?.toISOString() ?? null,
          finalizedAt: p.finalized_at?.toISOString() ?? null,
        })),
      };
    },
  );

  app.get(
    '/commission-lines',
    {
      config: { auth: { roles: ALL_ROLES } },
      schema: {
        tags: ['ledger'],
        summary: "Commission lines with explanations (partners: their own; managers: their portfolio's)",
        querystring: Type.Object({
          partnerId: Type.Optional(Type.String({ format: 'uuid' })),
          brandId: Type.Optional(Type.String({ format: 'uuid' })),
          period: Type.Optional(Period),
          state: Type.Optional(Type.String()),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 5000, default: 500 })),
          after: Type.Optional(Type.String()),
        }),
        response: { 200: Type.Any(), ...errors(401, 403, 404) },
      },
    },
    async (req) => {
      const u = userOf(req);
      const q = req.query;
      let partnerId = q.partnerId;
      if (u.role === 'partner') partnerId = u.partnerId!;
      if (partnerId) await partnerInReach(req, partnerId);
      let sel = s.db
        .selectFrom('commission_lines as l')
        .selectAll('l')
        .select((eb) =>
          eb
            .selectFrom('partners as pn')
            .select('pn.display_name')
            .whereRef('pn.id', '=', 'l.partner_id')
            .as('partner_name'),
        );
      if (partnerId) sel = sel.where('l.partner_id', '=', partnerId);
      else if (u.role === 'partner_manager')
        sel = sel
          .innerJoin('partners as p', 'p.id', 'l.partner_id')
          .where('p.manager_user_id', '=', u.userId);
      if (q.brandId) sel = sel.where('l.brand_id', '=', q.brandId);
      if (q.state) sel = sel.where('l.state', '=', q.state as never);
      if (q.period)
        sel = sel.innerJoin('ledger_periods as lp', 'lp.id', 'l.period_id').where('lp.period', '=', q.period);
      if (q.after) sel = sel.where('l.id', '>', q.after);
      const rows = await sel
        .orderBy('l.id')
        .limit(q.limit ?? 500)
        .execute();
      return {
        items: rows.map((r) => ({ ...lineView(r), partnerName: r.partner_name })),
        next: rows.length === (q.limit ?? 500) ? rows[rows.length - 1]!.id : null,
      };
    },
  );

  const bulk = (action: 'approve' | 'reject' | 'reverse') =>
    app.post(
      `/commission-lines/${action}`,
      {
        config: { auth: { roles: ['finance'] } },
        schema: {
          tags: ['ledger'],
          summary: `Bulk ${action} commission lines (finance)${action === 'approve' ? '' : ', with a reason'}`,
          body: Type.Object(
            {
              ids: Type.Array(Type.String({ format: 'uuid' }), { minItems: 1, maxItems: 10_000 }),
              reason: Type.Optional(Type.String({ maxLength: 1000 })),
            },
            { additionalProperties: false },
          ),
          response: { 200: Type.Any(), ...errors(400, 401, 403) },
        },
      },
      async (req) => {
        const reason =
          action === 'approve' ? (req.body.reason ?? null) : assertReason(req.body.reason, action);
        return writeAudited(s, (trx, now) =>
          transitionLines(
            trx,
            actorOf(req),
            { ids: req.body.ids, action, reason, today: now.toISOString().slice(0, 10) },
            now,
          ),
        );
      },
    );
  bulk('approve');
  bulk('reject');
  bulk('reverse');

  app.post(
    '/commission-lines/:id/clawback',
    {
      config: { auth: { roles: ['finance'] } },
      schema: {
        tags: ['ledger'],
        summary: 'Claw back a line (refund, chargeback, fraud): a new negative line linked to it',
        params: IdParams,
        body: Type.Object(
          {
            reason: Type.String({ minLength: 3, maxLength: 1000 }),
            amountMinor: Type.Optional(Type.String({ pattern: '^[0-9]+$' })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Any(), ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (req) =>
      writeAudited(s, (trx, now) =>
        clawBackLine(
          trx,
          actorOf(req),
          {
            lineId: req.params.id,
            reason: req.body.reason,
            ...(req.body.amountMinor ? { amount: BigInt(req.body.amountMinor) } : {}),
          },
          now,
        ),
      ),
  );

  app.post(
    '/partners/:id/adjustments',
    {
      config: { auth: { roles: ['finance'] } },
      schema: {
        tags: ['ledger'],
        summary:
          'Manual adjustment with a reason: a new pending line (kind manual_adjustment) for the partner',
        description:
          "`amount` is a signed decimal string in `currency` (positive credits the partner, negative debits), at most the currency's minor digits. Booked in the brand's current month, or the next open period when that is closed. Accepted missing-commission claims use the same path.",
        params: IdParams,
        body: Type.Object(
          {
            brandId: Type.String({ format: 'uuid' }),
            amount: Type.String({ pattern: '^-?[0-9]+(\\.[0-9]+)?$', maxLength: 40 }),
            currency: Type.String({ pattern: '^[A-Z]{3}$' }),
            reason: Type.String({ minLength: 3, maxLength: 1000 }),
          },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object(
            { id: Type.String(), amount: Type.String(), currency: Type.String(), bookedIn: Type.String() },
            { additionalProperties: false },
          ),
          ...errors(400, 401, 403, 404),
        },
      },
    },
    async (req, reply) => {
      const p = await partnerInReach(req, req.params.id);
      const b = req.body;
      const parsed = parseMoney(b.amount, b.currency);
      if (parsed.kind === 'error')
        throw new AppError('VALIDATION_FAILED', undefined, {
          fields: [
            {
              path: parsed.reason === 'unknown_currency' ? '/currency' : '/amount',
              message:
                parsed.reason === 'too_precise'
                  ? `has more decimals than ${b.currency} allows`
                  : parsed.reason === 'unknown_currency'
                    ? 'unknown currency'
                    : 'is not a decimal number',
              in: 'body',
            },
          ],
        });
      const member = await s.db
        .selectFrom('partner_brands')
        .select('brand_id')
        .where('partner_id', '=', p.id)
        .where('brand_id', '=', b.brandId)
        .executeTakeFirst();
      if (!member)
        throw new AppError('VALIDATION_FAILED', undefined, {
          fields: [{ path: '/brandId', message: 'is not a brand of this partner', in: 'body' }],
        });
      const { v7 } = await import('uuid');
      const r = await writeAudited(s, (trx, now) =>
        bookManualAdjustment(
          trx,
          actorOf(req),
          {
            key: v7(),
            partnerId: p.id,
            brandId: b.brandId,
            amount: parsed.money.amount,
            currency: b.currency,
            reason: b.reason.trim(),
          },
          now,
        ),
      );
      return reply.status(201).send({
        ...r,
        amount: formatScaled(BigInt(r.amount), minorDigits(r.currency)),
      });
    },
  );

  app.post(
    '/ledger/hold-release',
    {
      config: { auth: { roles: ['finance', 'admin'] } },
      schema: {
        tags: ['ledger'],
        summary: 'Make approved lines whose hold ended payable now (the daily job does the same)',
        response: { 200: Type.Any(), ...errors(401, 403) },
      },
    },
    async (req) =>
      writeAudited(s, (trx, now) => releaseHolds(trx, actorOf(req), now.toISOString().slice(0, 10), now)),
  );

  app.get(
    '/partners/:id/balance',
    {
      config: { auth: { roles: ALL_ROLES } },
      schema: {
        tags: ['ledger'],
        summary: 'Balances of a partner per account and currency, summed from ledger entries',
        params: IdParams,
        response: { 200: PartnerBalanceView, ...errors(401, 403, 404) },
      },
    },
    async (req) => {
      await partnerInReach(req, req.params.id);
      const b = await partnerBalances(s.db, req.params.id);
      return {
        partnerId: req.params.id,
        balances: b.map((x) => ({
          account: x.account,
          currency: x.currency,
          amount: formatScaled(x.amount, minorDigits(x.currency)),
          amountMinor: x.amount.toString(),
        })),
      };
    },
  );

  app.get(
    '/ledger/check',
    {
      config: { auth: { roles: ['admin', 'finance', 'compliance'] } },
      schema: {
        tags: ['ledger'],
        summary: 'Whether every posting and currency of the ledger sums to zero',
        response: { 200: Type.Any(), ...errors(401, 403) },
      },
    },
    async () => ({ balanced: await ledgerBalanced(s.db) }),
  );

  const settingsView = async (brand: { id: string; currency: string }) => {
    const { loadLedgerSettings } = await import('./settings-store.js');
    const st = await loadLedgerSettings(s.db, brand.id);
    return {
      brandId: brand.id,
      currency: brand.currency,
      ...st,
      minPayout: st.minPayout.toString(),
      reconciliationTolerance: st.reconciliationTolerance.toString(),
    };
  };
  const brandOrThrow = async (id: string) => {
    const brand = await s.db
      .selectFrom('brands')
      .select(['id', 'currency'])
      .where('id', '=', id)
      .executeTakeFirst();
    if (!brand) throw notFound('Brand');
    return brand;
  };

  app.get(
    '/brands/:id/ledger-settings',
    {
      config: { auth: { roles: ['admin', 'finance'] } },
      schema: {
        tags: ['ledger'],
        summary: 'Ledger and payout settings of a brand (the defaults when none were set)',
        params: IdParams,
        response: { 200: LedgerSettingsView, ...errors(401, 403, 404) },
      },
    },
    async (req) => settingsView(await brandOrThrow(req.params.id)),
  );

  app.put(
    '/brands/:id/ledger-settings',
    {
      config: { auth: { roles: ['admin', 'finance'] } },
      schema: {
        tags: ['ledger'],
        summary:
          'Ledger and payout settings of a brand (thresholds, schedule, approval steps, self-billing, SEPA debtor)',
        params: IdParams,
        body: Type.Object(
          {
            fxMaxAgeDays: Type.Optional(Type.Integer({ minimum: 0, maximum: 366 })),
            minPayoutMinor: Type.Optional(Type.String({ pattern: '^[0-9]+$' })),
            schedule: Type.Optional(Type.Union([Type.Literal('monthly'), Type.Literal('net')])),
            netDays: Type.Optional(Type.Integer({ minimum: 0, maximum: 365 })),
            taxFormRequired: Type.Optional(Type.Boolean()),
            approvalSteps: Type.Optional(
              Type.Array(Type.Union(APPROVER_ROLES.map((r) => Type.Literal(r))), {
                minItems: 1,
                maxItems: 5,
              }),
            ),
            coolingOffHours: Type.Optional(Type.Integer({ minimum: 0, maximum: 8760 })),
            selfBilling: Type.Optional(Type.Boolean()),
            vatTreatment: Type.Optional(Type.String({ maxLength: 200 })),
            invoicePrefix: Type.Optional(Type.String({ maxLength: 20 })),
            reconciliationToleranceMinor: Type.Optional(Type.String({ pattern: '^[0-9]+$' })),
            debtorName: Type.Optional(Type.String({ maxLength: 70 })),
            debtorIban: Type.Optional(Type.String({ maxLength: 34 })),
            debtorBic: Type.Optional(Type.String({ maxLength: 11 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: LedgerSettingsView, ...errors(400, 401, 403, 404) },
      },
    },
    async (req) => {
      const b = req.body;
      const { calculateIbanCheck } = await import('../payouts/calculate-iban.js');
      if (b.debtorIban && calculateIbanCheck(b.debtorIban).kind !== 'valid')
        throw new AppError('VALIDATION_FAILED', undefined, {
          fields: [{ path: '/debtorIban', message: 'is not a valid IBAN', in: 'body' }],
        });
      const brand = await brandOrThrow(req.params.id);
      const values = {
        ...(b.fxMaxAgeDays !== undefined ? { fx_max_age_days: b.fxMaxAgeDays } : {}),
        ...(b.minPayoutMinor !== undefined ? { min_payout: b.minPayoutMinor } : {}),
        ...(b.schedule !== undefined ? { schedule: b.schedule } : {}),
        ...(b.netDays !== undefined ? { net_days: b.netDays } : {}),
        ...(b.taxFormRequired !== undefined ? { tax_form_required: b.taxFormRequired } : {}),
        ...(b.approvalSteps !== undefined ? { approval_steps: b.approvalSteps } : {}),
        ...(b.coolingOffHours !== undefined ? { cooling_off_hours: b.coolingOffHours } : {}),
        ...(b.selfBilling !== undefined ? { self_billing: b.selfBilling } : {}),
        ...(b.vatTreatment !== undefined ? { vat_treatment: b.vatTreatment } : {}),
        ...(b.invoicePrefix !== undefined ? { invoice_prefix: b.invoicePrefix } : {}),
        ...(b.reconciliationToleranceMinor !== undefined
          ? { reconciliation_tolerance: b.reconciliationToleranceMinor }
          : {}),
        ...(b.debtorName !== undefined ? { debtor_name: b.debtorName } : {}),
        ...(b.debtorIban !== undefined
          ? { debtor_iban: b.debtorIban.replace(/\s+/g, '').toUpperCase() }
          : {}),
        ...(b.debtorBic !== undefined ? { debtor_bic: b.debtorBic } : {}),
      };
      await writeAudited(s, async (trx, now) => {
        await trx
          .insertInto('ledger_settings')
          .values({ brand_id: brand.id, ...values, updated_at: now })
          .onConflict((oc) => oc.column('brand_id').doUpdateSet({ ...values, updated_at: now }))
          .execute();
        const { appendAudit } = await import('../audit/audit-store.js');
        await appendAudit(
          trx,
          actorOf(req),
          { action: 'ledger_settings.updated', entityType: 'brand', entityId: brand.id, detail: b },
          now,
        );
      });
      return settingsView(brand);
    },
  );

  await app.register(accrualRoutes);
  await app.register(payoutRoutes);
  await app.register(statementRoutes);
  await app.register(reconciliationRoutes);
};

import { Type } from 'typebox';

/** Exact response shapes of the ledger's payout and balance routes (they drive /openapi.json). */
const Nullable = <T extends Type.TSchema>(t: T) => Type.Union([t, Type.Null()]);
const obj = <P extends Type.TProperties>(props: P, description?: string) =>
  Type.Object(props, { additionalProperties: false, ...(description ? { description } : {}) });

const Currency = Type.String({ pattern: '^[A-Z]{3,4}$' });
const IsoDate = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD' });
const Minor = Type.String({ pattern: '^-?[0-9]+$', description: 'minor units (integer string)' });
const Major = Type.String({ pattern: '^-?[0-9]+(\\.[0-9]+)?$', description: 'major units (decimal string)' });

export const PAYOUT_BATCH_STATUSES = ['approving', 'approved', 'exported', 'done', 'cancelled'] as const;
export const PayoutBatchStatus = Type.Union([
  Type.Literal('approving'),
  Type.Literal('approved'),
  Type.Literal('exported'),
  Type.Literal('done'),
  Type.Literal('cancelled'),
]);
export const PayoutLineStatus = Type.Union([
  Type.Literal('pending'),
  Type.Literal('paid'),
  Type.Literal('failed'),
]);

/** A partner left out of a batch and why (`written_off`: a negative balance written off per the deal). */
export const PayoutSkip = obj({
  partnerId: Type.String(),
  currency: Type.String(),
  amount: Minor,
  reason: Type.String(),
  detail: Type.String(),
  writeOffLineId: Type.Optional(Type.String()),
});

/** POST /payout-batches. Amounts in minor units. */
export const PayoutBatchCreated = obj({
  batchId: Type.String({ format: 'uuid' }),
  lines: Type.Array(
    obj({
      partnerId: Type.String(),
      currency: Currency,
      amount: Minor,
      payCurrency: Currency,
      payAmount: Minor,
    }),
  ),
  skipped: Type.Array(PayoutSkip),
});

/** GET /payout-batches/:id. Amounts of lines in major units. */
export const PayoutBatchView = obj({
  id: Type.String({ format: 'uuid' }),
  brandId: Type.String({ format: 'uuid' }),
  payDate: IsoDate,
  status: PayoutBatchStatus,
  approvalSteps: Type.Array(Type.String()),
  approvals: Type.Array(
    obj({ step: Type.Integer(), role: Type.String(), userId: Type.String(), at: Type.String() }),
  ),
  skipped: Type.Array(PayoutSkip),
  lines: Type.Array(
    obj({
      id: Type.String({ format: 'uuid' }),
      partnerId: Type.String({ format: 'uuid' }),
      partnerName: Type.String({ description: "the partner's display name" }),
      currency: Currency,
      amount: Major,
      payCurrency: Currency,
      payAmount: Major,
      fxRate: Nullable(Type.String()),
      method: Type.String(),
      endToEndId: Type.String(),
      invoiceNumber: Nullable(Type.String()),
      status: PayoutLineStatus,
      reference: Nullable(Type.String()),
      failureReason: Nullable(Type.String()),
    }),
  ),
});

/** One row of GET /payout-batches. */
export const PayoutBatchSummary = obj({
  id: Type.String({ format: 'uuid' }),
  brandId: Type.String({ format: 'uuid' }),
  payDate: IsoDate,
  status: PayoutBatchStatus,
  approvalSteps: Type.Array(Type.String()),
  approvalsDone: Type.Integer({ minimum: 0 }),
  lineCount: Type.Integer({ minimum: 0 }),
  paidCount: Type.Integer({ minimum: 0 }),
  failedCount: Type.Integer({ minimum: 0 }),
  skippedCount: Type.Integer({ minimum: 0 }),
  totals: Type.Array(obj({ currency: Currency, amount: Major, amountMinor: Minor }), {
    description: 'sum of the payout lines per ledger currency (a partner manager: the portfolio lines only)',
  }),
  createdAt: Type.String(),
  exportedAt: Nullable(Type.String()),
  exportFormat: Nullable(Type.String()),
});
export const PayoutBatchList = obj({
  items: Type.Array(PayoutBatchSummary),
  total: Type.Integer({ minimum: 0 }),
});

/** One payout of the signed-in partner (GET /portal/payouts). */
export const PortalPayout = obj({
  id: Type.String({ format: 'uuid' }),
  brandId: Type.String({ format: 'uuid' }),
  payDate: IsoDate,
  currency: Currency,
  amount: Major,
  payCurrency: Currency,
  payAmount: Major,
  fxRate: Nullable(Type.String()),
  method: Type.String(),
  status: PayoutLineStatus,
  paidAt: Nullable(Type.String({ description: 'when the payment was confirmed (status paid)' })),
  reference: Nullable(Type.String()),
  failureReason: Nullable(Type.String()),
  invoiceNumber: Nullable(Type.String()),
  statements: Type.Array(obj({ id: Type.String({ format: 'uuid' }), period: Type.String() }), {
    description: 'the sealed statements of the periods whose lines this payout paid',
  }),
});
export const PortalPayoutList = obj({ items: Type.Array(PortalPayout), total: Type.Integer({ minimum: 0 }) });

/** GET /partners/:id/balance. */
export const PartnerBalanceView = obj({
  partnerId: Type.String({ format: 'uuid' }),
  balances: Type.Array(
    obj({
      account: Type.Union([
        Type.Literal('commission_expense'),
        Type.Literal('partner_pending'),
        Type.Literal('partner_payable'),
        Type.Literal('partner_in_payout'),
        Type.Literal('cash'),
      ]),
      currency: Currency,
      amount: Major,
      amountMinor: Minor,
    }),
  ),
});

export const ApprovalStepResult = obj({
  step: Type.Integer(),
  of: Type.Integer(),
  status: Type.Union([Type.Literal('approving'), Type.Literal('approved')]),
});
export const SettleResult = obj({
  id: Type.String({ format: 'uuid' }),
  status: Type.Union([Type.Literal('paid'), Type.Literal('failed')]),
});

/** POST /statements (201) */
export const StatementIssued = obj({
  id: Type.String({ format: 'uuid' }),
  sha256: Type.String({ pattern: '^[0-9a-f]{64}$' }),
  issuedAt: Type.String(),
});
/** GET /statements */
export const StatementList = obj({
  items: Type.Array(
    obj({
      id: Type.String({ format: 'uuid' }),
      brandId: Type.String({ format: 'uuid' }),
      period: Type.String(),
      sha256: Type.String(),
      issuedAt: Type.String(),
    }),
  ),
});
/** GET /statements/:id/verify */
export const StatementVerification = obj({
  ok: Type.Boolean(),
  sha256: Type.String(),
  message: Type.String(),
  changed: Type.Optional(
    Type.Array(Type.String(), { description: 'ids of sealed lines altered after issue' }),
  ),
  missing: Type.Optional(Type.Array(Type.String(), { description: 'ids of sealed lines that are gone' })),
});

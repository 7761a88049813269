import { type Kysely, sql, type Transaction } from 'kysely';
import { formatScaled, minorDigits } from '../money/index.js';
import type { Database } from '../platform/db/schema.js';
import { AppError } from '../platform/http/errors.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface BatchListQuery {
  brandId?: string | undefined;
  status?: 'approving' | 'approved' | 'exported' | 'done' | 'cancelled' | undefined;
  /** pay date on or after (YYYY-MM-DD) */
  from?: string | undefined;
  /** pay date on or before (YYYY-MM-DD) */
  to?: string | undefined;
  limit: number;
  offset: number;
  /** A partner manager: only batches with a line of the portfolio, counted and summed over those lines. */
  managerUserId?: string | undefined;
}

/** Payout batches, newest pay date first, with their line counts and totals per currency. */
export async function listPayoutBatches(db: Db, q: BatchListQuery) {
  if (q.from && q.to && q.from > q.to)
    throw new AppError('VALIDATION_FAILED', 'the date range ends before it starts', {
      fields: [{ path: '/to', message: 'must not be before from', in: 'querystring' }],
    });
  const portfolioLine = (batchRef: string) =>
    sql<boolean>`exists (select 1 from payout_lines pl join partners p on p.id = pl.partner_id
      where pl.batch_id = ${sql.ref(batchRef)} and p.manager_user_id = ${q.managerUserId!})`;
  let base = db.selectFrom('payout_batches as b');
  if (q.brandId) base = base.where('b.brand_id', '=', q.brandId);
  if (q.status) base = base.where('b.status', '=', q.status);
  if (q.from) base = base.where('b.pay_date', '>=', q.from);
  if (q.to) base = base.where('b.pay_date', '<=', q.to);
  if (q.managerUserId) base = base.where(portfolioLine('b.id'));
  const total = await base.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  const rows = await base
    .selectAll('b')
    .orderBy('b.pay_date', 'desc')
    .orderBy('b.created_at', 'desc')
    .orderBy('b.id', 'desc')
    .limit(q.limit)
    .offset(q.offset)
    .execute();
  const ids = rows.map((r) => r.id);
  let lineQ = db
    .selectFrom('payout_lines as pl')
    .select([
      'pl.batch_id',
      'pl.currency',
      sql<string>`count(*)::text`.as('n'),
      sql<string>`count(*) filter (where pl.status = 'paid')::text`.as('paid'),
      sql<string>`count(*) filter (where pl.status = 'failed')::text`.as('failed'),
      sql<string>`sum(pl.amount)::text`.as('sum'),
    ])
    .where('pl.batch_id', 'in', ids.length ? ids : ['00000000-0000-0000-0000-000000000000'])
    .groupBy(['pl.batch_id', 'pl.currency'])
    .orderBy('pl.currency');
  if (q.managerUserId)
    lineQ = lineQ
      .innerJoin('partners as p', 'p.id', 'pl.partner_id')
      .where('p.manager_user_id', '=', q.managerUserId);
  const lineStats = ids.length ? await lineQ.execute() : [];
  const approvals = ids.length
    ? await db
        .selectFrom('payout_approvals')
        .select(['batch_id', sql<string>`count(*)::text`.as('n')])
        .where('batch_id', 'in', ids)
        .groupBy('batch_id')
        .execute()
    : [];
  const items = rows.map((b) => {
    const stats = lineStats.filter((s) => s.batch_id === b.id);
    const skipped = (typeof b.skipped === 'string' ? JSON.parse(b.skipped) : b.skipped) as unknown[];
    return {
      id: b.id,
      brandId: b.brand_id,
      payDate: b.pay_date,
      status: b.status,
      approvalSteps: b.approval_steps,
      approvalsDone: Number(approvals.find((a) => a.batch_id === b.id)?.n ?? 0),
      lineCount: stats.reduce((a, s) => a + Number(s.n), 0),
      paidCount: stats.reduce((a, s) => a + Number(s.paid), 0),
      failedCount: stats.reduce((a, s) => a + Number(s.failed), 0),
      // a partner manager's count of left-out partners is not restricted: it is not shown to them
      skippedCount: q.managerUserId ? 0 : Array.isArray(skipped) ? skipped.length : 0,
      totals: stats.map((s) => ({
        currency: s.currency,
        amount: formatScaled(BigInt(s.sum), minorDigits(s.currency)),
        amountMinor: s.sum,
      })),
      createdAt: b.created_at.toISOString(),
      exportedAt: b.exported_at?.toISOString() ?? null,
      exportFormat: b.export_format,
    };
  });
  return { items, total: Number(total.n) };
}

/**
 * One partner's payouts (its own payout lines, every batch), newest first: amounts, status, paid date, the
 * bank or wallet reference and the sealed statements of the periods whose lines each payout paid.
 */
export async function listPartnerPayouts(
  db: Db,
  partnerId: string,
  q: { limit: number; offset: number; brandId?: string | undefined },
) {
  let base = db
    .selectFrom('payout_lines as pl')
    .innerJoin('payout_batches as b', 'b.id', 'pl.batch_id')
    .innerJoin('payment_methods as m', 'm.id', 'pl.method_id')
    .where('pl.partner_id', '=', partnerId)
    .where('b.status', '!=', 'cancelled');
  if (q.brandId) base = base.where('b.brand_id', '=', q.brandId);
  const total = await base.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  const rows = await base
    .select([
      'pl.id',
      'b.brand_id',
      'b.pay_date',
      'pl.currency',
      'pl.amount',
      'pl.pay_currency',
      'pl.pay_amount',
      'pl.fx_rate',
      'm.kind',
      'pl.status',
      'pl.settled_at',
      'pl.reference',
      'pl.failure_reason',
      'pl.invoice_number',
    ])
    .orderBy('b.pay_date', 'desc')
    .orderBy('pl.id', 'desc')
    .limit(q.limit)
    .offset(q.offset)
    .execute();
  const ids = rows.map((r) => r.id);
  const statements = ids.length
    ? await db
        .selectFrom('commission_lines as l')
        .innerJoin('ledger_periods as lp', 'lp.id', 'l.period_id')
        .innerJoin('statements as s', (j) =>
          j
            .onRef('s.brand_id', '=', 'l.brand_id')
            .onRef('s.partner_id', '=', 'l.partner_id')
            .onRef('s.period', '=', 'lp.period'),
        )
        .select(['l.payout_line_id', 's.id', 's.period'])
        .distinct()
        .where('l.payout_line_id', 'in', ids)
        .where('l.partner_id', '=', partnerId)
        .orderBy('s.period')
        .execute()
    : [];
  return {
    items: rows.map((r) => ({
      id: r.id,
      brandId: r.brand_id,
      payDate: r.pay_date,
      currency: r.currency,
      amount: formatScaled(BigInt(r.amount), minorDigits(r.currency)),
      payCurrency: r.pay_currency,
      payAmount: formatScaled(BigInt(r.pay_amount), minorDigits(r.pay_currency)),
      fxRate: r.fx_rate,
      method: r.kind,
      status: r.status,
      paidAt: r.status === 'paid' ? (r.settled_at?.toISOString() ?? null) : null,
      reference: r.reference,
      failureReason: r.failure_reason,
      invoiceNumber: r.invoice_number,
      statements: statements
        .filter((s) => s.payout_line_id === r.id)
        .map((s) => ({ id: s.id, period: s.period })),
    })),
    total: Number(total.n),
  };
}

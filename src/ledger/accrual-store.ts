import { type Kysely, sql, type Transaction } from 'kysely';
import { type Actor, appendAudit } from '../audit/audit-store.js';
import { createPeriodRun, type RunIssue } from '../commissions/index.js';
import { formatScaled, minorDigits } from '../money/index.js';
import type { Database } from '../platform/db/schema.js';
import { AppError } from '../platform/http/errors.js';
import type { Services } from '../platform/services.js';
import { writeAudited } from '../audit/write-audited.js';
import { createAccrualFold, localDate, nextDay } from './calculate-accruals.js';
import {
  brandInfo,
  loadBrandByCodeOrThrow,
  loadCarriedState,
  loadDealsInForce,
  loadFxForClose,
  loadHierarchy,
  loadOwnership,
  periodBounds,
  previousPeriod,
  streamActivity,
} from './close-inputs-store.js';
import { loadLedgerSettings } from './settings-store.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface AccrualOutcome {
  kind: 'ran' | 'skipped';
  brand: string;
  period: string;
  asOf: string;
  /** Why nothing ran (the period is already closed: the ledger holds its lines). */
  reason?: string;
  rows: number;
  lines: number;
  totals: { currency: string; amountMinor: string }[];
  issues: RunIssue[];
}

/**
 * Daily provisional accruals of a brand: runs the close's engine over the open period's activity so far
 * (month to date through `asOf`, the brand's local date), with the same inputs as the close, and stores the
 * totals per partner segment and currency in `accrual_runs`/`accrual_totals`, replacing the previous run of
 * that period. Writes no commission line and no ledger entry.
 */
export async function runAccruals(
  services: Pick<Services, 'db' | 'clock' | 'auditChainer'>,
  opts: { brand: string; actor: Actor; asOf?: string },
): Promise<AccrualOutcome> {
  const brand = await loadBrandByCodeOrThrow(services.db, opts.brand);
  const asOf = opts.asOf ?? localDate(services.clock(), brand.timezone);
  const period = asOf.slice(0, 7);
  const bounds = periodBounds(period);
  // month to date: asOf is inside the period, so the day after it is at most the period end
  const soFar = { ...bounds, end: nextDay(asOf) };
  const settings = await loadLedgerSettings(services.db, brand.id);
  return writeAudited(services, async (trx, now) => {
    const base = { brand: brand.code, period, asOf, rows: 0, lines: 0, totals: [], issues: [] };
    const state = await trx
      .selectFrom('ledger_periods')
      .select('state')
      .where('brand_id', '=', brand.id)
      .where('period', '=', period)
      .executeTakeFirst();
    if (state && state.state !== 'open')
      return { ...base, kind: 'skipped', reason: `${period} is ${state.state}` } as AccrualOutcome;

    const carried = await loadCarriedState(trx, brand.id, previousPeriod(period));
    const deals = await loadDealsInForce(trx, brand, bounds);
    const hierarchy = await loadHierarchy(trx, brand.id, deals);
    const { ownership, publicIds } = await loadOwnership(trx, brand.id);
    const fxRates = await loadFxForClose(trx, brand, soFar, deals, settings.fxMaxAgeDays);
    const run = createPeriodRun({
      period: bounds,
      brands: [brandInfo(brand)],
      deals,
      ownership,
      hierarchy,
      fxRates,
      carried,
    });
    let rows = 0;
    for await (const batch of streamActivity(trx, brand, soFar, publicIds)) {
      run.add(batch);
      rows += batch.length;
    }
    const fold = createAccrualFold();
    const summary = run.finishStreaming((l) => fold.add(l));
    const fx = summary.issues.find((i) => i.kind === 'missing_fx');
    if (fx && fx.kind === 'missing_fx')
      throw new AppError(
        'CONFLICT',
        `accruals of ${brand.code} ${period} stopped: no ${fx.from}→${fx.to} exchange rate for ${fx.date}`,
      );
    const totals = fold.totals();
    const byCurrency = new Map<string, bigint>();
    for (const t of totals) byCurrency.set(t.currency, (byCurrency.get(t.currency) ?? 0n) + t.amount);
    const currencyTotals = [...byCurrency]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([currency, amount]) => ({ currency, amountMinor: amount.toString() }));
    const lines = totals.reduce((a, t) => a + t.lines, 0);

    // replaced, never added to: the previous run of this period goes (its totals cascade)
    await trx
      .deleteFrom('accrual_runs')
      .where('brand_id', '=', brand.id)
      .where('period', '=', period)
      .execute();
    await trx
      .insertInto('accrual_runs')
      .values({
        brand_id: brand.id,
        period,
        as_of: asOf,
        rows_read: rows,
        lines,
        issues: JSON.stringify(summary.issues),
        totals: JSON.stringify(currencyTotals),
        run_at: now,
      })
      .execute();
    for (let i = 0; i < totals.length; i += 1000)
      await trx
        .insertInto('accrual_totals')
        .values(
          totals.slice(i, i + 1000).map((t) => ({
            brand_id: brand.id,
            period,
            partner_id: t.partnerId,
            segment: t.segment,
            currency: t.currency,
            amount: t.amount.toString(),
            lines: t.lines,
          })),
        )
        .execute();
    await appendAudit(
      trx,
      opts.actor,
      {
        action: 'ledger.accruals_run',
        entityType: 'brand',
        entityId: brand.id,
        detail: {
          period,
          asOf,
          rows,
          lines,
          partners: totals.length,
          totals: currencyTotals,
          provisional: true,
        },
      },
      now,
    );
    return {
      ...base,
      kind: 'ran',
      rows,
      lines,
      totals: currencyTotals,
      issues: summary.issues,
    } as AccrualOutcome;
  });
}

function totalView(t: {
  partner_id: string;
  segment: string;
  currency: string;
  amount: string;
  lines: number;
}) {
  return {
    partnerId: t.partner_id,
    segment: t.segment,
    currency: t.currency,
    amount: formatScaled(BigInt(t.amount), minorDigits(t.currency)),
    amountMinor: t.amount,
    lines: t.lines,
  };
}

/**
 * The latest provisional run of a brand (or of the given period) with its totals; `partnerIds` restricts
 * the totals (a partner manager's portfolio). Null when no run exists.
 */
export async function loadBrandAccruals(
  db: Db,
  brandId: string,
  opts: { period?: string; managerUserId?: string } = {},
) {
  let q = db.selectFrom('accrual_runs').selectAll().where('brand_id', '=', brandId);
  if (opts.period) q = q.where('period', '=', opts.period);
  const run = await q.orderBy('period', 'desc').limit(1).executeTakeFirst();
  if (!run) return null;
  let tq = db
    .selectFrom('accrual_totals as t')
    .select(['t.partner_id', 't.segment', 't.currency', 't.amount', 't.lines'])
    .where('t.brand_id', '=', brandId)
    .where('t.period', '=', run.period);
  if (opts.managerUserId)
    tq = tq.where(
      't.partner_id',
      'in',
      db.selectFrom('partners').select('id').where('manager_user_id', '=', opts.managerUserId),
    );
  const totals = await tq.orderBy('t.partner_id').orderBy('t.segment').orderBy('t.currency').execute();
  return {
    provisional: true as const,
    brandId,
    period: run.period,
    asOf: run.as_of,
    runAt: run.run_at.toISOString(),
    rows: Number(run.rows_read),
    totals: totals.map(totalView),
  };
}

/** A partner's provisional month-to-date totals: the latest run of each brand it has totals in. */
export async function loadPartnerAccruals(db: Db, partnerId: string) {
  const rows = await db
    .selectFrom('accrual_totals as t')
    .innerJoin('accrual_runs as r', (j) =>
      j.onRef('r.brand_id', '=', 't.brand_id').onRef('r.period', '=', 't.period'),
    )
    .select([
      't.brand_id',
      't.period',
      'r.as_of',
      'r.run_at',
      't.partner_id',
      't.segment',
      't.currency',
      't.amount',
      't.lines',
    ])
    .where('t.partner_id', '=', partnerId)
    .where(
      't.period',
      '=',
      sql<string>`(select max(r2.period) from accrual_runs r2 where r2.brand_id = t.brand_id)`,
    )
    .orderBy('t.brand_id')
    .orderBy('t.segment')
    .orderBy('t.currency')
    .execute();
  return {
    provisional: true as const,
    partnerId,
    items: rows.map((r) => ({
      brandId: r.brand_id,
      period: r.period,
      asOf: r.as_of,
      runAt: r.run_at.toISOString(),
      ...totalView(r),
    })),
  };
}

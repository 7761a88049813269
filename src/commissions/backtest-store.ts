import type { Kysely } from 'kysely';
import {
  brandInfo,
  loadBrandByCodeOrThrow,
  loadDealsInForce,
  loadFxForClose,
  loadOwnership,
  periodBounds,
  streamActivity,
} from '../ledger/close-inputs-store.js';
import { loadLedgerSettings } from '../ledger/settings-store.js';
import type { FxRate } from '../money/index.js';
import type { Database } from '../platform/db/schema.js';
import { AppError } from '../platform/http/errors.js';
import type { BacktestInput } from './run-backtest.js';
import type { ActivityRow, DealVersion } from './types.js';

/** At most this many months per back-test (a year, plus the month it starts in). */
export const BACKTEST_MAX_MONTHS = 13;
/** At most this many activity rows: above it the range must be narrowed (the request is answered in memory). */
export const BACKTEST_MAX_ROWS = 200_000;

/** The months from `from` to `to` inclusive, or a 400 naming the field. */
export function backtestMonths(from: string, to: string): string[] {
  const first = periodBounds(from);
  const last = periodBounds(to);
  if (last.id < first.id)
    throw new AppError('VALIDATION_FAILED', 'The range ends before it starts.', {
      fields: [{ path: '/to', message: 'must not be before from', in: 'body' }],
    });
  const months: string[] = [];
  for (let m = first; m.id <= last.id; m = periodBounds(m.end.slice(0, 7))) months.push(m.id);
  if (months.length > BACKTEST_MAX_MONTHS)
    throw new AppError('VALIDATION_FAILED', `A back-test covers at most ${BACKTEST_MAX_MONTHS} months.`, {
      fields: [{ path: '/to', message: `at most ${BACKTEST_MAX_MONTHS} months after from`, in: 'body' }],
    });
  return months;
}

/**
 * Everything a back-test of one partner on one brand needs, read-only: the partner's own customers, their
 * activity month by month (keyset pages, customers by pseudonymous id), the partner's deal in force at the
 * end of the range, and the exchange rates both deals need at each event date (a stale or missing rate
 * answers 409 naming it, as a close would).
 */
export async function loadBacktestInputs(
  db: Kysely<Database>,
  args: { brandCode: string; partnerId: string; months: readonly string[]; draftCurrency: string | null },
): Promise<Omit<BacktestInput, 'draft'>> {
  const brand = await loadBrandByCodeOrThrow(db, args.brandCode);
  const settings = await loadLedgerSettings(db, brand.id);
  const { ownership, publicIds } = await loadOwnership(db, brand.id, { ownerPartnerId: args.partnerId });
  const lastMonth = periodBounds(args.months[args.months.length - 1]!);
  const inForce = (await loadDealsInForce(db, brand, lastMonth)).filter(
    (d) => d.partnerId === args.partnerId,
  );
  const current: DealVersion | null = inForce[inForce.length - 1] ?? null;
  // the rates are looked up for the deal currencies of both sides
  const currencies = new Set<string>();
  if (current) currencies.add(current.terms.currency);
  if (args.draftCurrency) currencies.add(args.draftCurrency);
  const fxDeals = [...currencies].map((currency) => ({ terms: { currency } }) as unknown as DealVersion);
  const activity: ActivityRow[] = [];
  const fxRates: FxRate[] = [];
  for (const month of args.months) {
    const bounds = periodBounds(month);
    for await (const rows of streamActivity(db, brand, bounds, publicIds, 5000, {
      ownerPartnerId: args.partnerId,
    })) {
      for (const r of rows) activity.push(r);
      if (activity.length > BACKTEST_MAX_ROWS)
        throw new AppError(
          'VALIDATION_FAILED',
          `The partner has more than ${BACKTEST_MAX_ROWS} activity rows in this range: narrow it.`,
          { fields: [{ path: '/from', message: 'narrow the range', in: 'body' }] },
        );
    }
    if (fxDeals.length > 0)
      fxRates.push(...(await loadFxForClose(db, brand, bounds, fxDeals, settings.fxMaxAgeDays)));
  }
  return {
    current,
    partnerId: args.partnerId,
    months: args.months,
    activity,
    ownership,
    brands: [brandInfo(brand)],
    fxRates,
  };
}

import type { DealTerms } from '../deals/index.js';
import { validateDealTerms } from '../deals/index.js';
import { createPeriodRun } from './create-period-run.js';
import type {
  ActivityRow,
  BrandInfo,
  CarriedState,
  DealVersion,
  HierarchyEdge,
  Ownership,
  Period,
  PeriodResult,
} from './types.js';
import type { FxRate } from '../money/index.js';

/** Test helpers: small builders for engine inputs. Not used by production code. */
export const JAN: Period = { id: '2025-01', start: '2025-01-01', end: '2025-02-01' };
export const FEB: Period = { id: '2025-02', start: '2025-02-01', end: '2025-03-01' };
export const MAR: Period = { id: '2025-03', start: '2025-03-01', end: '2025-04-01' };

export const BRANDS: BrandInfo[] = [
  { brandId: 'casino', vertical: 'igaming', currency: 'EUR', jurisdictions: ['MGA'] },
  { brandId: 'casino2', vertical: 'igaming', currency: 'EUR', jurisdictions: ['UKGC'] },
  { brandId: 'casinoUS', vertical: 'igaming', currency: 'USD', jurisdictions: ['MGA'] },
  { brandId: 'fx', vertical: 'forex', currency: 'USD', jurisdictions: ['FSA'] },
  { brandId: 'fxeu', vertical: 'forex', currency: 'EUR', jurisdictions: ['CySEC'] },
  { brandId: 'prop', vertical: 'prop', currency: 'EUR', jurisdictions: [] },
];

/** Validates terms (throwing on errors, so a broken fixture fails loudly) and wraps them in a version. */
export function deal(
  partnerId: string,
  terms: Omit<DealTerms, 'schemaVersion' | 'name'> & { name?: string },
  opts: Partial<DealVersion> = {},
): DealVersion {
  const full = { schemaVersion: 1, name: terms.name ?? `deal of ${partnerId}`, ...terms };
  const r = validateDealTerms(full);
  if (!r.ok) throw new Error(`fixture deal invalid: ${JSON.stringify(r.errors)}`);
  return {
    dealId: opts.dealId ?? `d-${partnerId}`,
    version: opts.version ?? 1,
    partnerId,
    effectiveFrom: opts.effectiveFrom ?? '2024-01-01',
    effectiveTo: opts.effectiveTo ?? null,
    terms: r.terms,
  };
}

export function owner(customerId: string, partnerId: string, extra: Partial<Ownership> = {}): Ownership {
  return {
    brandId: 'casino',
    customerId,
    partnerId,
    segment: 'affiliate',
    registeredAt: '2024-12-01',
    ...extra,
  };
}

export interface RunInput {
  period?: Period;
  deals: DealVersion[];
  ownership: Ownership[];
  rows: ActivityRow[];
  hierarchy?: HierarchyEdge[];
  fxRates?: FxRate[];
  carried?: CarriedState | null;
  batch?: number;
}

export function run(input: RunInput): PeriodResult {
  const r = createPeriodRun({
    period: input.period ?? JAN,
    brands: BRANDS,
    deals: input.deals,
    ownership: input.ownership,
    hierarchy: input.hierarchy ?? [],
    fxRates: input.fxRates ?? [],
    carried: input.carried ?? null,
  });
  const size = input.batch ?? 1000;
  for (let i = 0; i < input.rows.length; i += size) r.add(input.rows.slice(i, i + size));
  return r.finish();
}

/** Major-unit decimal → minor units (2 digits) for readable expectations: eur('1500') = 150000n. */
export function eur(major: string): bigint {
  const [i, f = ''] = major.split('.');
  const neg = i!.startsWith('-');
  const v = BigInt(i!.replace('-', '')) * 100n + BigInt((f + '00').slice(0, 2));
  return neg ? -v : v;
}

export function igDay(
  customerId: string,
  date: string,
  fields: Partial<Omit<Extract<ActivityRow, { type: 'igaming_day' }>, 'type'>> = {},
): ActivityRow {
  return {
    type: 'igaming_day',
    brandId: 'casino',
    customerId,
    date,
    currency: 'EUR',
    stakes: 0n,
    wins: 0n,
    ...fields,
  };
}

export function trade(
  customerId: string,
  lots: string,
  extra: Partial<Extract<ActivityRow, { type: 'trade' }>> = {},
): ActivityRow {
  const closedAt = Date.UTC(2025, 0, 10, 12);
  return {
    type: 'trade',
    brandId: 'fx',
    customerId,
    tradeId: extra.tradeId ?? `t-${customerId}-${lots}-${extra.closedAt ?? closedAt}`,
    symbol: 'EURUSD',
    instrumentClass: 'fx',
    accountType: 'standard',
    side: 'buy',
    lots,
    openedAt: closedAt - 3_600_000,
    closedAt,
    currency: 'USD',
    ...extra,
  };
}

export const byKind = (res: PeriodResult, kind: string) => res.lines.filter((l) => l.kind === kind);
export const sumOf = (lines: readonly { amount: bigint }[]) => lines.reduce((s, l) => s + l.amount, 0n);

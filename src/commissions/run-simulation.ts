import { type DealError, type Segment, validateDealTerms } from '../deals/index.js';
import type { FxRate } from '../money/index.js';
import { createPeriodRun } from './create-period-run.js';
import { dayNumber, dayOfInstant, dayString } from './dates.js';
import type {
  ActivityRow,
  BrandInfo,
  CarriedState,
  CommissionLine,
  DealVersion,
  HierarchyEdge,
  Ownership,
  Overlap,
  Period,
  RunIssue,
  Totals,
  Vertical,
} from './types.js';

export interface SimulationInput {
  /** Deal terms JSON to back-test (validated here). */
  readonly deal: unknown;
  readonly activity: readonly ActivityRow[];
  /** The simulated partner; default "simulated-partner". */
  readonly partnerId?: string;
  /** Who owns each customer; default: the simulated partner in the deal's first segment owns everyone. */
  readonly ownership?: readonly Ownership[];
  /** Sub-partner tree, with the deals of the other partners in it. */
  readonly hierarchy?: readonly HierarchyEdge[];
  readonly otherDeals?: readonly DealVersion[];
  /** Brands; default: derived from the activity (vertical from the row type, currency of the first row). */
  readonly brands?: readonly BrandInfo[];
  readonly fxRates?: readonly FxRate[];
  readonly carried?: CarriedState | null;
}

export interface SimulationResult {
  readonly periods: readonly Period[];
  readonly lines: readonly CommissionLine[];
  readonly totals: readonly Totals[];
  readonly issues: readonly (RunIssue & { periodId: string })[];
  readonly overlaps: readonly Overlap[];
  readonly state: CarriedState | null;
}

export type SimulationOutcome = { ok: true; result: SimulationResult } | { ok: false; errors: DealError[] };

/**
 * The deal simulator: runs a deal over past activity, one calendar month at a time with the state
 * carried between months, and returns every line with its explanation plus totals. Pure.
 */
export function runSimulation(input: SimulationInput): SimulationOutcome {
  const validated = validateDealTerms(input.deal);
  if (!validated.ok) return { ok: false, errors: validated.errors };
  const terms = validated.terms;
  const partnerId = input.partnerId ?? 'simulated-partner';
  const segment = terms.segments[0] as Segment;
  const byMonth = new Map<string, ActivityRow[]>();
  let firstDay = Number.POSITIVE_INFINITY;
  for (const row of input.activity) {
    const day = row.type === 'trade' ? dayOfInstant(row.closedAt) : dayNumber(row.date);
    if (day < firstDay) firstDay = day;
    const month = dayString(day).slice(0, 7);
    const list = byMonth.get(month);
    if (list) list.push(row);
    else byMonth.set(month, [row]);
  }
  const months = [...byMonth.keys()].sort();
  const dealVersion: DealVersion = {
    dealId: 'simulated-deal',
    version: 1,
    partnerId,
    effectiveFrom: '1970-01-01',
    effectiveTo: null,
    terms,
  };
  const brands = input.brands ?? deriveBrands(input.activity);
  const ownership =
    input.ownership ??
    deriveOwnership(
      input.activity,
      partnerId,
      segment,
      Number.isFinite(firstDay) ? dayString(firstDay) : '1970-01-01',
    );
  const lines: CommissionLine[] = [];
  const issues: (RunIssue & { periodId: string })[] = [];
  const overlaps: Overlap[] = [];
  const periods: Period[] = [];
  let carried = input.carried ?? null;
  if (months.length === 0) months.push(dayString(0).slice(0, 7));
  for (const month of allMonths(months[0]!, months[months.length - 1]!)) {
    const period = monthPeriod(month);
    periods.push(period);
    const run = createPeriodRun({
      period,
      brands,
      deals: [dealVersion, ...(input.otherDeals ?? [])],
      ownership,
      hierarchy: input.hierarchy ?? [],
      fxRates: input.fxRates ?? [],
      carried,
    });
    run.add(byMonth.get(month) ?? []);
    const result = run.finish();
    lines.push(...result.lines);
    for (const i of result.issues) issues.push({ ...i, periodId: period.id });
    overlaps.push(...result.overlaps);
    carried = result.state;
  }
  const totals = new Map<
    string,
    { partnerId: string; segment: Segment; currency: string; amount: bigint; lines: number }
  >();
  for (const l of lines) {
    if (l.payee !== 'partner') continue;
    const key = `${l.partnerId}\u0000${l.segment}\u0000${l.currency}`;
    const t = totals.get(key) ?? {
      partnerId: l.partnerId,
      segment: l.segment,
      currency: l.currency,
      amount: 0n,
      lines: 0,
    };
    t.amount += l.amount;
    t.lines++;
    totals.set(key, t);
  }
  return {
    ok: true,
    result: {
      periods,
      lines,
      totals: [...totals.keys()].sort().map((k) => totals.get(k)!),
      issues,
      overlaps,
      state: carried,
    },
  };
}

function monthPeriod(month: string): Period {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const next = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
  return { id: month, start: `${month}-01`, end: `${next}-01` };
}

function allMonths(first: string, last: string): string[] {
  const out: string[] = [];
  let cur = first;
  while (cur <= last) {
    out.push(cur);
    cur = monthPeriod(cur).end.slice(0, 7);
  }
  return out;
}

const VERTICAL: Record<ActivityRow['type'], Vertical | null> = {
  igaming_day: 'igaming',
  trade: 'forex',
  prop_purchase: 'prop',
  prop_refund: 'prop',
  prop_payout: 'prop',
  deliverable: null,
};

function deriveBrands(rows: readonly ActivityRow[]): BrandInfo[] {
  const brands = new Map<string, BrandInfo>();
  for (const r of rows) {
    const vertical = VERTICAL[r.type];
    if (!vertical || r.type === 'deliverable' || brands.has(r.brandId)) continue;
    brands.set(r.brandId, { brandId: r.brandId, vertical, currency: r.currency, jurisdictions: [] });
  }
  return [...brands.values()];
}

function deriveOwnership(
  rows: readonly ActivityRow[],
  partnerId: string,
  segment: Segment,
  registeredAt: string,
): Ownership[] {
  const seen = new Map<string, Ownership>();
  for (const r of rows) {
    if (r.type === 'deliverable') continue;
    const key = `${r.brandId}\u0000${r.customerId}`;
    if (!seen.has(key))
      seen.set(key, { brandId: r.brandId, customerId: r.customerId, partnerId, segment, registeredAt });
  }
  return [...seen.values()];
}

import type { DealError, Segment } from '../deals/index.js';
import type { FxRate } from '../money/index.js';
import { runSimulation, type SimulationResult } from './run-simulation.js';
import type { ActivityRow, BrandInfo, DealVersion, Ownership } from './types.js';

export interface BacktestInput {
  /** The draft deal terms (validated here; errors name the field). */
  readonly draft: unknown;
  /** The partner's deal in force today, or null when it has none. */
  readonly current: DealVersion | null;
  readonly partnerId: string;
  /** The months compared, `YYYY-MM`, ascending. */
  readonly months: readonly string[];
  /** The partner's own customers' activity in those months. */
  readonly activity: readonly ActivityRow[];
  /** The partner's own customers (pseudonymous ids). */
  readonly ownership: readonly Ownership[];
  readonly brands: readonly BrandInfo[];
  readonly fxRates: readonly FxRate[];
}

export interface BacktestMonth {
  readonly periodId: string;
  readonly currency: string;
  /** Minor units paid to the partner under each deal (customer rebates excluded). */
  readonly draft: bigint;
  readonly current: bigint;
  readonly difference: bigint;
  readonly draftLines: number;
  readonly currentLines: number;
}

export interface BacktestResult {
  readonly draft: SimulationResult;
  readonly current: SimulationResult | null;
  readonly months: readonly BacktestMonth[];
}

export type BacktestOutcome =
  | { ok: true; result: BacktestResult }
  | { ok: false; side: 'draft' | 'current'; errors: DealError[] };

/**
 * Back-tests a draft deal against the partner's current deal over the same past activity: both run through
 * the engine month by month (state carried between months, none carried in from before the first month),
 * with the partner owning its own customers. A customer acquired in a segment the deal does not cover is
 * tested as if acquired in the deal's first segment, so a draft for another segment still has activity to
 * price. Returns both runs and, per month and currency, what each deal would have paid the partner. Pure.
 */
export function runBacktest(input: BacktestInput): BacktestOutcome {
  const run = (deal: unknown, segments: readonly Segment[] | null) =>
    runSimulation({
      deal,
      partnerId: input.partnerId,
      activity: input.activity,
      ownership: segments ? ownedIn(input.ownership, input.partnerId, segments) : input.ownership,
      brands: input.brands,
      fxRates: input.fxRates,
    });
  const draftSegments = segmentsOf(input.draft);
  const draft = run(input.draft, draftSegments);
  if (!draft.ok) return { ok: false, side: 'draft', errors: draft.errors };
  let current: SimulationResult | null = null;
  if (input.current) {
    const c = run(input.current.terms, input.current.terms.segments);
    if (!c.ok) return { ok: false, side: 'current', errors: c.errors };
    current = c.result;
  }
  const cells = new Map<
    string,
    { draft: bigint; current: bigint; draftLines: number; currentLines: number }
  >();
  const cell = (periodId: string, currency: string) => {
    const key = `${periodId}\u0000${currency}`;
    let c = cells.get(key);
    if (!c) {
      c = { draft: 0n, current: 0n, draftLines: 0, currentLines: 0 };
      cells.set(key, c);
    }
    return c;
  };
  const wanted = new Set(input.months);
  for (const l of draft.result.lines) {
    if (l.payee !== 'partner' || !wanted.has(l.periodId)) continue;
    const c = cell(l.periodId, l.currency);
    c.draft += l.amount;
    c.draftLines++;
  }
  for (const l of current?.lines ?? []) {
    if (l.payee !== 'partner' || !wanted.has(l.periodId)) continue;
    const c = cell(l.periodId, l.currency);
    c.current += l.amount;
    c.currentLines++;
  }
  // every requested month appears, in the draft's currency when nothing was paid in it
  const fallbackCurrency =
    typeof input.draft === 'object' && input.draft !== null && 'currency' in input.draft
      ? String((input.draft as { currency: unknown }).currency)
      : (input.current?.terms.currency ?? 'EUR');
  for (const m of input.months) {
    if (![...cells.keys()].some((k) => k.startsWith(`${m}\u0000`))) cell(m, fallbackCurrency);
  }
  const months: BacktestMonth[] = [...cells.keys()].sort().map((key) => {
    const [periodId, currency] = key.split('\u0000') as [string, string];
    const c = cells.get(key)!;
    return { periodId, currency, ...c, difference: c.draft - c.current };
  });
  return { ok: true, result: { draft: draft.result, current, months } };
}

function segmentsOf(terms: unknown): Segment[] | null {
  if (typeof terms !== 'object' || terms === null) return null;
  const s = (terms as { segments?: unknown }).segments;
  return Array.isArray(s) && s.length > 0 && s.every((x) => typeof x === 'string') ? (s as Segment[]) : null;
}

function ownedIn(
  ownership: readonly Ownership[],
  partnerId: string,
  segments: readonly Segment[],
): Ownership[] {
  const first = segments[0]!;
  return ownership.map((o) =>
    o.partnerId === partnerId && !segments.includes(o.segment) ? { ...o, segment: first } : o,
  );
}

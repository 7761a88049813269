import { convertMoney, parseDecimalOrThrow, roundDiv } from '../money/index.js';
import { calculateNps } from '../partners/calculate-nps.js';

/**
 * The partner-manager KPIs of DOMAIN.md ("KPIs"), as pure functions of pre-aggregated facts: the store
 * loads rollup sums and small aggregate tables, these functions decide. No clock: periods and `now` come in.
 * Percentages are numbers with one decimal, rounded half away from zero in integer arithmetic; money is
 * minor units of the reporting currency as a decimal string (bigint on the wire would lose precision).
 */

export const DAY_MS = 86_400_000;
/** Onboarded-to-active window: the first revenue event on day 0 … day 90 after onboarding counts. */
export const ACTIVATION_WINDOW_DAYS = 90;
/** Tier order used when a brand has set no weights: weight 1 for the first, one more for each tier above. */
export const DEFAULT_TIER_ORDER = ['standard', 'bronze', 'silver', 'gold', 'platinum', 'diamond'] as const;

/** A period [from, to) of calendar days, 'YYYY-MM-DD', `to` exclusive. */
export interface Period {
  from: string;
  to: string;
}

export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / DAY_MS);
}

/** The period of the same length just before `p` (the trend's comparison). */
export function previousPeriod(p: Period): Period {
  const len = daysBetween(p.from, p.to);
  return { from: addDays(p.from, -len), to: p.from };
}

/** Calendar quarter of an instant in UTC: '2026-Q1'. */
export function quarterOf(at: Date): string {
  return `${at.getUTCFullYear()}-Q${Math.floor(at.getUTCMonth() / 3) + 1}`;
}

/** Percentage num/den with one decimal, half away from zero; null when den is 0. */
export function percent(num: bigint | number, den: bigint | number): number | null {
  const d = BigInt(den);
  if (d === 0n) return null;
  const n = BigInt(num);
  const tenths = d > 0n ? roundDiv(1000n * n, d, 'half_up') : roundDiv(-1000n * n, -d, 'half_up');
  return Number(tenths) / 10;
}

// ---------------------------------------------------------------------------------------------- currency

export interface Amount {
  currency: string;
  amount: bigint;
}

/** Rates into the reporting currency: currency → decimal string (1 unit = rate reporting units). */
export type RateMap = ReadonlyMap<string, string>;

/**
 * Sums amounts in the reporting currency, converting each currency once at its rate (half-up to the
 * target's minor unit). Currencies without a rate are left out and listed in `missing`.
 */
export function calculateConvertedTotal(
  amounts: readonly Amount[],
  reportingCurrency: string,
  rates: RateMap,
): { amount: bigint; missing: string[] } {
  const byCurrency = new Map<string, bigint>();
  for (const a of amounts) byCurrency.set(a.currency, (byCurrency.get(a.currency) ?? 0n) + a.amount);
  return convertSums(byCurrency, reportingCurrency, rates);
}

/** Sums per currency into the reporting currency, each converted once (the core of calculateConvertedTotal). */
function convertSums(
  byCurrency: ReadonlyMap<string, bigint>,
  reportingCurrency: string,
  rates: RateMap,
): { amount: bigint; missing: string[] } {
  let amount = 0n;
  const missing: string[] = [];
  const entries = byCurrency.size > 1 ? [...byCurrency].sort(([a], [b]) => a.localeCompare(b)) : byCurrency;
  for (const [currency, sum] of entries) {
    if (currency === reportingCurrency) {
      amount += sum;
      continue;
    }
    const rate = rates.get(currency);
    if (rate === undefined) {
      missing.push(currency);
      continue;
    }
    amount += convertMoney(
      { amount: sum, currency },
      parseDecimalOrThrow(rate),
      reportingCurrency,
      'half_up',
    ).amount;
  }
  return { amount, missing };
}

/** Adds an amount to the per-currency sums of a key (no per-row allocations beyond the first of each key). */
function addTo(sums: Map<string, Map<string, bigint>>, key: string, currency: string, amount: bigint): void {
  let m = sums.get(key);
  if (!m) {
    m = new Map();
    sums.set(key, m);
  }
  m.set(currency, (m.get(currency) ?? 0n) + amount);
}

// ---------------------------------------------------------------------------------------------- facts

/** A partner's onboarding: its first accepted contract (brand and tier of that contract). */
export interface Onboarding {
  partnerId: string;
  brandId: string;
  tier: string;
  onboardedAt: Date;
}

/** Weights per brand and tier set by the operator; a brand with none uses DEFAULT_TIER_ORDER. */
export type TierWeights = ReadonlyMap<string, ReadonlyMap<string, number>>;

/** A cohort member: its onboarding day and the first day (≥ onboarding day) with a revenue event, if any. */
export interface CohortMember {
  partnerId: string;
  onboardedOn: string;
  firstActiveOn: string | null;
}

/** Rollup sums of one partner segment in one currency over a period; `active` = a revenue event occurred. */
export interface PartnerSegmentRevenue {
  partnerId: string;
  segment: string;
  currency: string;
  revenue: bigint;
  active: boolean;
}

/** Partner-attributed customers of one registration cohort (month) and their revenue to date. */
export interface LtvCohortRow {
  cohort: string;
  currency: string;
  customers: number;
  revenue: bigint;
}

/** One competing claim on a customer and the owner's commission for that customer in the period. */
export interface OverlapClaim {
  customerId: string;
  commission: Amount[];
}

/** A commission line of the period with which of its inputs have audit records. */
export interface AuditLineFacts {
  lineId: string;
  booked: boolean;
  ownership: boolean;
  dealVersion: boolean;
  approval: boolean;
}

export interface PeriodFacts {
  period: Period;
  onboardings: Onboarding[];
  cohort: CohortMember[];
  revenue: PartnerSegmentRevenue[];
  ltv: LtvCohortRow[];
  overlaps: OverlapClaim[];
  auditLines: AuditLineFacts[];
  /** The latest chain verification succeeded and covers the records the period's lines rely on. */
  chainVerified: boolean;
  npsScores: number[];
}

export interface KpiInput {
  reportingCurrency: string;
  rates: RateMap;
  /** Revenue (reporting currency, minor units) a partner must exceed in a period to be a top partner. */
  topThreshold: bigint;
  tierWeights: TierWeights;
  /** The day the KPIs are computed (cohorts whose 90-day window is still open are reported as such). */
  today: string;
  current: PeriodFacts;
  previous: PeriodFacts;
  /** Revenue per partner segment in the period before `previous`: the trend of top-partner retention. */
  beforePrevious: PartnerSegmentRevenue[];
}

// ---------------------------------------------------------------------------------------------- KPIs

export type KpiUnit = 'count' | 'weighted_count' | 'percent' | 'money' | 'points';

export interface Kpi<D = unknown> {
  key: string;
  label: string;
  /** One line for the UI's hover. */
  definition: string;
  unit: KpiUnit;
  /** number for counts, percentages and points; minor units as a string for money; null = no data. */
  value: number | string | null;
  previous: number | string | null;
  /** value − previous (same unit), null when either is null. */
  change: number | string | null;
  detail: D;
}

export const KPI_DEFINITIONS = {
  weightedOnboardings:
    'Partners whose first contract was accepted in the period, each weighted by its tier (brand weights; default 1 for the lowest tier, +1 per tier above).',
  onboardedToActive:
    'Of the partners onboarded in the period, the share with a revenue event (FTD, closed trade or purchase) within 90 days of onboarding.',
  partnerMixBreadth:
    'Share of partner-attributed revenue from segments other than the one that brought the most revenue in the period.',
  attributedRevenue:
    'Revenue (NGR, trading revenue, prop purchases less refunds) of customers owned by a partner, in the reporting currency.',
  customerLtv:
    'Revenue to date per partner-attributed customer, for customers registered in the period (by monthly cohort).',
  activePartners:
    'Partners with at least one revenue event (FTD, closed trade or purchase) from their customers in the period, by segment.',
  topPartnerRetention:
    'Of the partners over the revenue threshold in the previous period, the share still over it in this period.',
  overlaps:
    'Customers with competing claims detected in the period, and the commission a second payment per claim would have cost.',
  auditReadiness:
    "Share of the period's commission lines whose close, ownership decision, deal version and approval all have audit records, with the chain verified.",
  nps: 'Partner NPS of the answers given in the period: promoters (9–10) % − detractors (0–6) %.',
} as const;

export type KpiKey = keyof typeof KPI_DEFINITIONS;

function change(a: number | string | null, b: number | string | null): number | string | null {
  if (a === null || b === null) return null;
  if (typeof a === 'string' || typeof b === 'string') return (BigInt(a) - BigInt(b)).toString();
  return Math.round((a - b) * 10) / 10;
}

function kpi<D>(
  key: KpiKey,
  label: string,
  unit: KpiUnit,
  value: number | string | null,
  previous: number | string | null,
  detail: D,
): Kpi<D> {
  return {
    key,
    label,
    definition: KPI_DEFINITIONS[key],
    unit,
    value,
    previous,
    change: change(value, previous),
    detail,
  };
}

/** The weight of a tier for a brand: the brand's own table, else its place in DEFAULT_TIER_ORDER (unknown: 1). */
export function calculateTierWeight(weights: TierWeights, brandId: string, tier: string): number {
  const own = weights.get(brandId);
  if (own && own.size > 0) return own.get(tier) ?? 1;
  const i = (DEFAULT_TIER_ORDER as readonly string[]).indexOf(tier);
  return i < 0 ? 1 : i + 1;
}

/** Onboardings of the period per quarter (UTC), counted and weighted by tier. */
export function calculateWeightedOnboardings(
  onboardings: readonly Onboarding[],
  weights: TierWeights,
): {
  count: number;
  weighted: number;
  byQuarter: Array<{ quarter: string; count: number; weighted: number }>;
} {
  const q = new Map<string, { count: number; weighted: number }>();
  let weighted = 0;
  for (const o of onboardings) {
    const w = calculateTierWeight(weights, o.brandId, o.tier);
    weighted += w;
    const k = quarterOf(o.onboardedAt);
    const e = q.get(k) ?? { count: 0, weighted: 0 };
    e.count += 1;
    e.weighted += w;
    q.set(k, e);
  }
  return {
    count: onboardings.length,
    weighted,
    byQuarter: [...q].sort(([a], [b]) => a.localeCompare(b)).map(([quarter, e]) => ({ quarter, ...e })),
  };
}

/**
 * Onboarded-to-active: members active on day 0 … day 90 after their onboarding day, over the cohort.
 * `windowOpen` counts members not yet active whose 90 days have not passed by `today` (they may still count).
 */
export function calculateOnboardedToActive(
  cohort: readonly CohortMember[],
  today: string,
): { share: number | null; cohort: number; activeWithin90: number; windowOpen: number } {
  let active = 0;
  let open = 0;
  for (const m of cohort) {
    if (m.firstActiveOn !== null) {
      const d = daysBetween(m.onboardedOn, m.firstActiveOn);
      if (d >= 0 && d <= ACTIVATION_WINDOW_DAYS) {
        active++;
        continue;
      }
    }
    if (daysBetween(m.onboardedOn, today) <= ACTIVATION_WINDOW_DAYS) open++;
  }
  return {
    share: percent(active, cohort.length),
    cohort: cohort.length,
    activeWithin90: active,
    windowOpen: open,
  };
}

/** Revenue per segment in the reporting currency, largest first (ties by name). */
export function calculateSegmentRevenue(
  rows: readonly PartnerSegmentRevenue[],
  currency: string,
  rates: RateMap,
): { segments: Array<{ segment: string; revenue: bigint }>; total: bigint; missing: string[] } {
  const bySegment = new Map<string, Map<string, bigint>>();
  for (const r of rows) addTo(bySegment, r.segment, r.currency, r.revenue);
  const missing = new Set<string>();
  const segments = [...bySegment].map(([segment, sums]) => {
    const t = convertSums(sums, currency, rates);
    for (const m of t.missing) missing.add(m);
    return { segment, revenue: t.amount };
  });
  segments.sort((a, b) =>
    a.revenue === b.revenue ? a.segment.localeCompare(b.segment) : a.revenue > b.revenue ? -1 : 1,
  );
  const total = segments.reduce((s, x) => s + x.revenue, 0n);
  return { segments, total, missing: [...missing].sort() };
}

/** Partner-mix breadth: 1 − dominant segment's revenue / total revenue; null when total revenue is not positive. */
export function calculatePartnerMixBreadth(
  rows: readonly PartnerSegmentRevenue[],
  currency: string,
  rates: RateMap,
): { share: number | null; dominant: string | null; segments: Array<{ segment: string; revenue: string }> } {
  const s = calculateSegmentRevenue(rows, currency, rates);
  const top = s.segments[0];
  const share = !top || s.total <= 0n ? null : percent(s.total - top.revenue, s.total);
  return {
    share,
    dominant: share === null ? null : (top?.segment ?? null),
    segments: s.segments.map((x) => ({ segment: x.segment, revenue: x.revenue.toString() })),
  };
}

/** Active partners per segment; `total` counts a partner active in several segments once. */
export function calculateActivePartners(rows: readonly PartnerSegmentRevenue[]): {
  total: number;
  bySegment: Array<{ segment: string; partners: number }>;
} {
  const all = new Set<string>();
  const bySegment = new Map<string, Set<string>>();
  for (const r of rows) {
    if (!r.active) continue;
    all.add(r.partnerId);
    const s = bySegment.get(r.segment) ?? new Set<string>();
    s.add(r.partnerId);
    bySegment.set(r.segment, s);
  }
  return {
    total: all.size,
    bySegment: [...bySegment]
      .map(([segment, p]) => ({ segment, partners: p.size }))
      .sort((a, b) => a.segment.localeCompare(b.segment)),
  };
}

/** Revenue per partner (all segments and currencies) in the reporting currency. */
export function calculatePartnerRevenue(
  rows: readonly PartnerSegmentRevenue[],
  currency: string,
  rates: RateMap,
): Map<string, bigint> {
  // most partners earn in one currency: a plain sum, and per-currency sums only for the others
  const per = new Map<string, { currency: string; sum: bigint; others: Map<string, bigint> | null }>();
  for (const r of rows) {
    const e = per.get(r.partnerId);
    if (!e) per.set(r.partnerId, { currency: r.currency, sum: r.revenue, others: null });
    else if (e.currency === r.currency) e.sum += r.revenue;
    else {
      e.others ??= new Map();
      e.others.set(r.currency, (e.others.get(r.currency) ?? 0n) + r.revenue);
    }
  }
  const out = new Map<string, bigint>();
  for (const [p, e] of per) {
    if (!e.others && e.currency === currency) out.set(p, e.sum);
    else {
      const sums = new Map(e.others ?? []);
      sums.set(e.currency, e.sum);
      out.set(p, convertSums(sums, currency, rates).amount);
    }
  }
  return out;
}

/** Top-partner retention: partners over `threshold` (strictly) in `before` and still over it in `after`. */
export function calculateTopRetention(
  before: readonly PartnerSegmentRevenue[],
  after: readonly PartnerSegmentRevenue[],
  threshold: bigint,
  currency: string,
  rates: RateMap,
): { share: number | null; top: number; retained: number; left: string[] } {
  const a = calculatePartnerRevenue(before, currency, rates);
  const b = calculatePartnerRevenue(after, currency, rates);
  const top = [...a].filter(([, r]) => r > threshold).map(([p]) => p);
  const left = top.filter((p) => (b.get(p) ?? 0n) <= threshold).sort();
  return {
    share: percent(top.length - left.length, top.length),
    top: top.length,
    retained: top.length - left.length,
    left,
  };
}

/** LTV per cohort and overall: revenue to date / customers (minor units, half-up). */
export function calculateLtv(
  rows: readonly LtvCohortRow[],
  currency: string,
  rates: RateMap,
): {
  value: string | null;
  customers: number;
  cohorts: Array<{ cohort: string; customers: number; ltv: string | null }>;
} {
  const by = new Map<string, { customers: number; amounts: Amount[] }>();
  for (const r of rows) {
    const e = by.get(r.cohort) ?? { customers: 0, amounts: [] };
    e.customers += r.customers;
    e.amounts.push({ currency: r.currency, amount: r.revenue });
    by.set(r.cohort, e);
  }
  let customers = 0;
  let revenue = 0n;
  const cohorts = [...by]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([cohort, e]) => {
      const t = calculateConvertedTotal(e.amounts, currency, rates).amount;
      customers += e.customers;
      revenue += t;
      return {
        cohort,
        customers: e.customers,
        ltv: e.customers === 0 ? null : roundDiv(t, BigInt(e.customers), 'half_up').toString(),
      };
    });
  return {
    value: customers === 0 ? null : roundDiv(revenue, BigInt(customers), 'half_up').toString(),
    customers,
    cohorts,
  };
}

/** Overlaps: distinct customers with competing claims, claims, and the owner's commission once per claim. */
export function calculateOverlapCost(
  claims: readonly OverlapClaim[],
  currency: string,
  rates: RateMap,
): { customers: number; claims: number; cost: string; missing: string[] } {
  const all: Amount[] = claims.flatMap((c) => c.commission);
  const t = calculateConvertedTotal(all, currency, rates);
  return {
    customers: new Set(claims.map((c) => c.customerId)).size,
    claims: claims.length,
    cost: t.amount.toString(),
    missing: t.missing,
  };
}

/** Audit-readiness: lines with every input audited, over all lines; 0 % when the chain is not verified. */
export function calculateAuditReadiness(
  lines: readonly AuditLineFacts[],
  chainVerified: boolean,
): { share: number | null; lines: number; ready: number; chainVerified: boolean } {
  const ready = lines.filter((l) => l.booked && l.ownership && l.dealVersion && l.approval).length;
  return {
    share: percent(chainVerified ? ready : 0, lines.length),
    lines: lines.length,
    ready,
    chainVerified,
  };
}

function money(v: bigint | null): string | null {
  return v === null ? null : v.toString();
}

/** Every KPI of the Overview with its previous-period value and definition. */
export function calculateKpis(input: KpiInput): { currency: string; missingRates: string[]; kpis: Kpi[] } {
  const { current: c, previous: p, reportingCurrency: cur, rates } = input;
  const onbC = calculateWeightedOnboardings(c.onboardings, input.tierWeights);
  const onbP = calculateWeightedOnboardings(p.onboardings, input.tierWeights);
  const actC = calculateOnboardedToActive(c.cohort, input.today);
  const actP = calculateOnboardedToActive(p.cohort, input.today);
  const mixC = calculatePartnerMixBreadth(c.revenue, cur, rates);
  const mixP = calculatePartnerMixBreadth(p.revenue, cur, rates);
  const revC = calculateSegmentRevenue(c.revenue, cur, rates);
  const revP = calculateSegmentRevenue(p.revenue, cur, rates);
  const ltvC = calculateLtv(c.ltv, cur, rates);
  const ltvP = calculateLtv(p.ltv, cur, rates);
  const apC = calculateActivePartners(c.revenue);
  const apP = calculateActivePartners(p.revenue);
  const retC = calculateTopRetention(p.revenue, c.revenue, input.topThreshold, cur, rates);
  const retP = calculateTopRetention(input.beforePrevious, p.revenue, input.topThreshold, cur, rates);
  const ovC = calculateOverlapCost(c.overlaps, cur, rates);
  const ovP = calculateOverlapCost(p.overlaps, cur, rates);
  const auC = calculateAuditReadiness(c.auditLines, c.chainVerified);
  const auP = calculateAuditReadiness(p.auditLines, p.chainVerified);
  const npsC = calculateNps(c.npsScores);
  const npsP = calculateNps(p.npsScores);
  const missing = new Set([...revC.missing, ...revP.missing, ...ovC.missing, ...ovP.missing]);
  const hasRevenue = (rows: PartnerSegmentRevenue[]) => rows.length > 0;
  return {
    currency: cur,
    missingRates: [...missing].sort(),
    kpis: [
      kpi(
        'weightedOnboardings',
        'Onboardings (tier-weighted)',
        'weighted_count',
        onbC.weighted,
        onbP.weighted,
        onbC,
      ),
      kpi('onboardedToActive', 'Onboarded → active in 90 days', 'percent', actC.share, actP.share, actC),
      kpi('partnerMixBreadth', 'Partner-mix breadth', 'percent', mixC.share, mixP.share, mixC),
      kpi(
        'attributedRevenue',
        'Partner-attributed revenue',
        'money',
        money(hasRevenue(c.revenue) ? revC.total : 0n),
        money(hasRevenue(p.revenue) ? revP.total : 0n),
        { segments: revC.segments.map((s) => ({ segment: s.segment, revenue: s.revenue.toString() })) },
      ),
      kpi('customerLtv', 'Customer LTV', 'money', ltvC.value, ltvP.value, ltvC),
      kpi('activePartners', 'Active partners', 'count', apC.total, apP.total, apC),
      kpi('topPartnerRetention', 'Top-partner retention', 'percent', retC.share, retP.share, {
        ...retC,
        threshold: input.topThreshold.toString(),
      }),
      kpi('overlaps', 'Cross-segment overlaps', 'count', ovC.customers, ovP.customers, ovC),
      kpi('auditReadiness', 'Audit-readiness', 'percent', auC.share, auP.share, auC),
      kpi('nps', 'Partner NPS', 'points', npsC.nps, npsP.nps, npsC),
    ],
  };
}

/**
 * How to read a period from month totals and daily rows: whole months (first days) plus daily ranges to add
 * and to subtract. A month the period covers fully is read whole; one it covers more than half of is read
 * whole less the days outside the period; one it covers half of or less is read day by day. Equal sums:
 * months + add − subtract = the period's days.
 */
export function calculateMonthSplit(p: Period): { months: string[]; add: Period[]; subtract: Period[] } {
  const months: string[] = [];
  const add: Period[] = [];
  const subtract: Period[] = [];
  let start = `${p.from.slice(0, 7)}-01`;
  while (start < p.to) {
    const y = Number(start.slice(0, 4));
    const m = Number(start.slice(5, 7));
    const end = m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
    const [, from] = [p.from, start].sort() as [string, string];
    const [to] = [p.to, end].sort() as [string, string];
    const inside = daysBetween(from, to);
    const length = daysBetween(start, end);
    if (2 * inside > length) {
      months.push(start);
      if (from > start) joinRange(subtract, { from: start, to: from });
      if (to < end) joinRange(subtract, { from: to, to: end });
    } else joinRange(add, { from, to });
    start = end;
  }
  return { months, add, subtract };
}

function joinRange(list: Period[], r: Period): void {
  const last = list[list.length - 1];
  if (last && last.to === r.from) last.to = r.to;
  else list.push(r);
}

import {
  type DealComponent,
  type DealTerms,
  type DeductionKind,
  type RevenueClass,
  revenueClassOf,
  type Segment,
} from '../deals/index.js';
import {
  decimalAtScale,
  minorDigits,
  type Ppm,
  parseDecimalOrThrow,
  parsePercentOrThrow,
  type RoundingMode,
} from '../money/index.js';
import type { Band } from './calculate-tiered-amount.js';
import type { CompiledDeduction } from './calculate-ngr.js';
import { dayNumber } from './dates.js';
import { LOT_SCALE, MONEY_SCALE, NGR_SCALE, RATE_SCALE, TRADE_SCALE } from './scales.js';
import type { DealVersion } from './types.js';

/** A value in the deal currency at a known scale. */
const at = (text: string, scale: number): bigint => decimalAtScale(parseDecimalOrThrow(text), scale);

export interface CountryAmounts {
  readonly default: bigint;
  readonly byCountry: ReadonlyMap<string, bigint>;
}

export interface Eligibility {
  readonly minHoldMs: number;
  /** At TRADE_SCALE, or null. */
  readonly cap: bigint | null;
  readonly creditCoefficient: boolean;
  readonly hedgeNetting: boolean;
}

export interface ClassRates {
  readonly any: bigint | null;
  readonly byAccount: ReadonlyMap<string, bigint>;
}

export type RebateMethod =
  | { readonly kind: 'per_lot'; readonly rates: ReadonlyMap<string, ClassRates> }
  | { readonly kind: 'points'; readonly rates: ReadonlyMap<string, ClassRates> }
  | { readonly kind: 'spread_share'; readonly ppm: Ppm }
  | {
      readonly kind: 'volume_tiers';
      readonly windowDays: number;
      readonly classes: ReadonlySet<string> | null;
      readonly bands: readonly { from: bigint; to: bigint | null; perLot: bigint }[];
    };

interface Base {
  readonly id: string;
  readonly index: number;
  readonly cls: RevenueClass;
  readonly segments: ReadonlySet<Segment> | null;
  readonly brands: ReadonlySet<string> | null;
}

export type CompiledComponent = Base &
  (
    | {
        readonly kind: 'igaming_revshare';
        readonly deductions: readonly CompiledDeduction[];
        readonly rate: Ppm | null;
        readonly tiers: {
          readonly basis: 'ngr' | 'ndc';
          readonly period: 'current' | 'last_closed';
          readonly mode: 'retroactive' | 'incremental';
          /** ngr bands at NGR_SCALE, ndc bands as counts. */
          readonly bands: readonly Band[];
          readonly labels: readonly { from: string; to: string | null; rate: string }[];
        } | null;
        readonly carryover: { readonly enabled: boolean; readonly scope: 'per_brand' | 'bundled' };
        readonly durationMonths: number | null;
      }
    | {
        readonly kind: 'igaming_cpa';
        readonly amounts: CountryAmounts;
        readonly minFirstDeposit: bigint | null;
        readonly depositWithinDays: number | null;
        readonly minWagering: bigint | null;
        /** ppm of the first deposit */
        readonly minWageringMultiple: bigint | null;
        readonly minBets: number | null;
        readonly activityWithinDays: number | null;
        readonly exclude: ReadonlySet<string>;
        readonly holdDays: number;
      }
    | {
        readonly kind: 'forex_rebate';
        readonly method: RebateMethod;
        readonly eligibility: Eligibility;
        readonly splitShares: readonly Ppm[] | null;
        readonly clientRebate: Ppm;
      }
    | { readonly kind: 'forex_markup_share'; readonly ppm: Ppm; readonly eligibility: Eligibility }
    | {
        readonly kind: 'forex_lot_override';
        readonly perLotByDepth: readonly bigint[];
        readonly beyond: bigint | null;
      }
    | {
        readonly kind: 'forex_cpa';
        readonly amounts: CountryAmounts;
        readonly minDeposit: bigint | null;
        readonly minLots: bigint | null;
        readonly withinDays: number | null;
        readonly exclude: ReadonlySet<string>;
        readonly holdDays: number;
      }
    | {
        readonly kind: 'prop_purchase';
        readonly rate: Ppm | null;
        readonly tiers: {
          readonly basis: 'sales' | 'conversions';
          readonly period: 'current' | 'last_closed';
          /** sales bands at MONEY_SCALE, conversions as counts */
          readonly bands: readonly Band[];
          readonly labels: readonly { from: string; to: string | null; rate: string }[];
        } | null;
        readonly firstOnly: boolean;
        readonly base: 'amount_paid' | 'list_price';
        readonly refundWindowDays: number;
        readonly onRefund: 'void' | 'clawback';
        readonly horizonDays: number;
      }
    | { readonly kind: 'prop_funded_payout'; readonly ppm: Ppm }
    | {
        readonly kind: 'sub_partner_override';
        readonly ratesByDepth: readonly Ppm[];
        readonly beyond: Ppm | null;
      }
    | { readonly kind: 'fixed_fee'; readonly amount: bigint }
    | {
        readonly kind: 'deliverable_fee';
        readonly amount: bigint;
        readonly types: ReadonlySet<string> | null;
      }
  );

export interface CompiledDeal {
  readonly source: DealVersion;
  readonly dealId: string;
  readonly version: number;
  readonly partnerId: string;
  readonly segments: ReadonlySet<Segment>;
  readonly fromDay: number;
  readonly toDay: number;
  readonly currency: string;
  readonly digits: number;
  readonly rounding: RoundingMode;
  readonly components: readonly CompiledComponent[];
  /** Caps at MONEY_SCALE, or null. */
  readonly capPerPeriod: bigint | null;
  readonly capPerCustomer: bigint | null;
  readonly jurisdictions: ReadonlySet<string>;
  /** The one component paying `cls` for a customer of `segment` on `brandId` (precedence order), if any. */
  pick(segment: Segment, brandId: string, cls: RevenueClass): CompiledComponent | undefined;
}

/** Default clawback horizon of prop purchases when the deal gives none: 180 days. */
export const DEFAULT_CLAWBACK_HORIZON_DAYS = 180;

/** What is compiled from the terms alone, shared by every deal version that uses the same terms object. */
interface CompiledTerms {
  readonly segments: ReadonlySet<Segment>;
  readonly currency: string;
  readonly digits: number;
  readonly rounding: RoundingMode;
  readonly components: readonly CompiledComponent[];
  readonly capPerPeriod: bigint | null;
  readonly capPerCustomer: bigint | null;
  readonly jurisdictions: ReadonlySet<string>;
  pick(segment: Segment, brandId: string, cls: RevenueClass): CompiledComponent | undefined;
}

const compiledTerms = new WeakMap<DealTerms, CompiledTerms>();

function compileTerms(t: DealTerms): CompiledTerms {
  const hit = compiledTerms.get(t);
  if (hit) return hit;
  const order = new Map<string, number>();
  for (const [i, id] of (t.precedence ?? []).entries()) order.set(id, i);
  const components: CompiledComponent[] = [];
  for (const [index, c] of t.components.entries()) components.push(compileComponent(c, index));
  const ordered = [...components].sort((a, b) => {
    const pa = order.get(a.id) ?? order.size + a.index;
    const pb = order.get(b.id) ?? order.size + b.index;
    return pa - pb;
  });
  const pickCache = new Map<string, CompiledComponent | undefined>();
  const compiled: CompiledTerms = {
    segments: new Set(t.segments),
    currency: t.currency,
    digits: minorDigits(t.currency),
    rounding: t.rounding ?? 'half_up',
    components,
    capPerPeriod: t.caps?.perPeriod === undefined ? null : at(t.caps.perPeriod, MONEY_SCALE),
    capPerCustomer: t.caps?.perCustomer === undefined ? null : at(t.caps.perCustomer, MONEY_SCALE),
    jurisdictions: new Set((t.jurisdictions ?? []).map((j) => j.toLowerCase())),
    pick(segment, brandId, cls) {
      const key = `${segment}\u0000${brandId}\u0000${cls}`;
      if (pickCache.has(key)) return pickCache.get(key);
      let found: CompiledComponent | undefined;
      for (const c of ordered) {
        if (c.cls !== cls) continue;
        if (c.segments && !c.segments.has(segment)) continue;
        if (c.brands && !c.brands.has(brandId)) continue;
        if (t.brands && !t.brands.includes(brandId) && cls !== 'fee' && cls !== 'hierarchy') continue;
        found = c;
        break;
      }
      pickCache.set(key, found);
      return found;
    },
  };
  compiledTerms.set(t, compiled);
  return compiled;
}

/**
 * Turns a validated deal version into the engine's fast form (rates as scaled bigints, lookups as maps).
 * Versions sharing one terms object share the compiled components.
 */
export function compileDeal(dv: DealVersion): CompiledDeal {
  const c = compileTerms(dv.terms);
  return {
    source: dv,
    dealId: dv.dealId,
    version: dv.version,
    partnerId: dv.partnerId,
    fromDay: dayNumber(dv.effectiveFrom),
    toDay: dv.effectiveTo === null ? Number.POSITIVE_INFINITY : dayNumber(dv.effectiveTo),
    segments: c.segments,
    currency: c.currency,
    digits: c.digits,
    rounding: c.rounding,
    components: c.components,
    capPerPeriod: c.capPerPeriod,
    capPerCustomer: c.capPerCustomer,
    jurisdictions: c.jurisdictions,
    pick: c.pick,
  };
}

function countryAmounts(c: {
  default: string;
  byCountry?: Record<string, string> | undefined;
}): CountryAmounts {
  const byCountry = new Map<string, bigint>();
  for (const [k, v] of Object.entries(c.byCountry ?? {})) byCountry.set(k, at(v, MONEY_SCALE));
  return { default: at(c.default, MONEY_SCALE), byCountry };
}

function eligibility(
  e:
    | { minHoldSeconds?: number; capPerTrade?: string; creditCoefficient?: boolean; hedgeNetting?: boolean }
    | undefined,
): Eligibility {
  return {
    minHoldMs: (e?.minHoldSeconds ?? 0) * 1000,
    cap: e?.capPerTrade === undefined ? null : at(e.capPerTrade, TRADE_SCALE),
    creditCoefficient: e?.creditCoefficient ?? false,
    hedgeNetting: e?.hedgeNetting ?? false,
  };
}

function classRates(
  rates: readonly { instrumentClass: string; accountType?: string | undefined; value: bigint }[],
): Map<string, ClassRates> {
  const map = new Map<string, { any: bigint | null; byAccount: Map<string, bigint> }>();
  for (const r of rates) {
    let e = map.get(r.instrumentClass);
    if (!e) {
      e = { any: null, byAccount: new Map() };
      map.set(r.instrumentClass, e);
    }
    if (r.accountType === undefined) e.any = r.value;
    else e.byAccount.set(r.accountType, r.value);
  }
  return map;
}

function bands(
  list: readonly { from: string; to?: string | undefined; rate: string }[],
  scale: number,
): Band[] {
  return list.map((b) => ({
    from: at(b.from, scale),
    to: b.to === undefined ? null : at(b.to, scale),
    rate: parsePercentOrThrow(b.rate),
  }));
}

const labels = (list: readonly { from: string; to?: string | undefined; rate: string }[]) =>
  list.map((b) => ({ from: b.from, to: b.to ?? null, rate: b.rate }));

function compileComponent(c: DealComponent, index: number): CompiledComponent {
  const base: Base = {
    id: c.id,
    index,
    cls: revenueClassOf(c.kind),
    segments: c.segments ? new Set(c.segments) : null,
    brands: c.brands ? new Set(c.brands) : null,
  };
  switch (c.kind) {
    case 'igaming_revshare':
      return {
        ...base,
        kind: c.kind,
        deductions: c.ngr.deductions.map((d) =>
          d.method === 'reported'
            ? { kind: d.kind as DeductionKind, method: 'reported' as const }
            : {
                kind: d.kind as DeductionKind,
                method: 'percent' as const,
                rate: parsePercentOrThrow(d.rate),
                base: d.base,
              },
        ),
        rate: c.rate === undefined ? null : parsePercentOrThrow(c.rate),
        tiers: c.tiers
          ? {
              basis: c.tiers.basis,
              period: c.tiers.period,
              mode: c.tiers.mode,
              bands: bands(c.tiers.bands, c.tiers.basis === 'ngr' ? NGR_SCALE : 0),
              labels: labels(c.tiers.bands),
            }
          : null,
        carryover: { enabled: c.carryover.enabled, scope: c.carryover.scope ?? 'per_brand' },
        durationMonths: c.duration?.kind === 'limited' ? c.duration.months : null,
      };
    case 'igaming_cpa': {
      const q = c.qualification;
      return {
        ...base,
        kind: c.kind,
        amounts: countryAmounts(c.amount),
        minFirstDeposit: q.minFirstDeposit === undefined ? null : at(q.minFirstDeposit, MONEY_SCALE),
        depositWithinDays: q.depositWithinDays ?? null,
        minWagering: q.minWagering === undefined ? null : at(q.minWagering, MONEY_SCALE),
        minWageringMultiple: q.minWageringMultiple === undefined ? null : at(q.minWageringMultiple, 6),
        minBets: q.minBets ?? null,
        activityWithinDays: q.activityWithinDays ?? null,
        exclude: new Set(q.exclude ?? ['self_excluded', 'duplicate', 'fraud']),
        holdDays: c.holdDays,
      };
    }
    case 'forex_rebate': {
      const m = c.method;
      let method: RebateMethod;
      if (m.kind === 'per_lot') {
        method = {
          kind: 'per_lot',
          rates: classRates(m.rates.map((r) => ({ ...r, value: at(r.perLot, RATE_SCALE) }))),
        };
      } else if (m.kind === 'points') {
        method = {
          kind: 'points',
          rates: classRates(
            m.rates.map((r) => {
              const p = parseDecimalOrThrow(r.points);
              const tick = parseDecimalOrThrow(r.tickSize);
              const size = parseDecimalOrThrow(r.contractSize);
              const value = decimalAtScale(
                { units: p.units * tick.units * size.units, scale: p.scale + tick.scale + size.scale },
                RATE_SCALE,
              );
              return { ...r, value };
            }),
          ),
        };
      } else if (m.kind === 'spread_share') {
        method = { kind: 'spread_share', ppm: parsePercentOrThrow(m.percent) };
      } else {
        method = {
          kind: 'volume_tiers',
          windowDays: m.windowDays,
          classes: m.instrumentClasses ? new Set(m.instrumentClasses) : null,
          bands: m.bands.map((b) => ({
            from: at(b.from, LOT_SCALE),
            to: b.to === undefined ? null : at(b.to, LOT_SCALE),
            perLot: at(b.perLot, RATE_SCALE),
          })),
        };
      }
      return {
        ...base,
        kind: c.kind,
        method,
        eligibility: eligibility(c.eligibility),
        splitShares: c.ibModel?.kind === 'split' ? c.ibModel.shares.map(parsePercentOrThrow) : null,
        clientRebate: c.clientRebatePercent === undefined ? 0n : parsePercentOrThrow(c.clientRebatePercent),
      };
    }
    case 'forex_markup_share':
      return {
        ...base,
        kind: c.kind,
        ppm: parsePercentOrThrow(c.percent),
        eligibility: eligibility(c.eligibility),
      };
    case 'forex_lot_override':
      return {
        ...base,
        kind: c.kind,
        perLotByDepth: c.perLotByDepth.map((v) => at(v, RATE_SCALE)),
        beyond: c.beyond === undefined ? null : at(c.beyond, RATE_SCALE),
      };
    case 'forex_cpa': {
      const q = c.qualification;
      return {
        ...base,
        kind: c.kind,
        amounts: countryAmounts(c.amount),
        minDeposit: q.minDeposit === undefined ? null : at(q.minDeposit, MONEY_SCALE),
        minLots: q.minLots === undefined ? null : at(q.minLots, LOT_SCALE),
        withinDays: q.withinDays ?? null,
        exclude: new Set(q.exclude ?? ['self_excluded', 'duplicate', 'fraud']),
        holdDays: c.holdDays,
      };
    }
    case 'prop_purchase':
      return {
        ...base,
        kind: c.kind,
        rate: c.rate === undefined ? null : parsePercentOrThrow(c.rate),
        tiers: c.tiers
          ? {
              basis: c.tiers.basis,
              period: c.tiers.period,
              bands: bands(c.tiers.bands, c.tiers.basis === 'sales' ? MONEY_SCALE : 0),
              labels: labels(c.tiers.bands),
            }
          : null,
        firstOnly: c.purchases === 'first_only',
        base: c.base,
        refundWindowDays: c.refundWindowDays,
        onRefund: c.onRefund,
        horizonDays: c.clawbackHorizonDays ?? Math.max(DEFAULT_CLAWBACK_HORIZON_DAYS, c.refundWindowDays),
      };
    case 'prop_funded_payout':
      return { ...base, kind: c.kind, ppm: parsePercentOrThrow(c.percent) };
    case 'sub_partner_override':
      return {
        ...base,
        kind: c.kind,
        ratesByDepth: c.ratesByDepth.map(parsePercentOrThrow),
        beyond: c.beyond === undefined ? null : parsePercentOrThrow(c.beyond),
      };
    case 'fixed_fee':
      return { ...base, kind: c.kind, amount: at(c.amount, MONEY_SCALE) };
    case 'deliverable_fee':
      return {
        ...base,
        kind: c.kind,
        amount: at(c.amount, MONEY_SCALE),
        types: c.deliverableTypes ? new Set(c.deliverableTypes) : null,
      };
  }
}

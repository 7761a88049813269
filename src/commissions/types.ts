import type { DealTerms, Segment } from '../deals/index.js';
import type { FxRate, RoundingMode } from '../money/index.js';

export type Vertical = 'igaming' | 'forex' | 'prop';

/** A brand of the operator: its vertical, reporting currency and jurisdictions (e.g. UKGC, MGA, CySEC). */
export interface BrandInfo {
  readonly brandId: string;
  readonly vertical: Vertical;
  readonly currency: string;
  readonly jurisdictions: readonly string[];
}

export interface PartnerSegmentRef {
  readonly partnerId: string;
  readonly segment: Segment;
}

/**
 * One accepted version of a partner's deal, in force from `effectiveFrom` (inclusive) to `effectiveTo`
 * (exclusive, null = open). It covers the segments listed in its terms (several for a unified deal).
 */
export interface DealVersion {
  readonly dealId: string;
  readonly version: number;
  readonly partnerId: string;
  readonly effectiveFrom: string;
  readonly effectiveTo: string | null;
  readonly terms: DealTerms;
}

/**
 * Who owns a customer on a brand (the attribution decision, made elsewhere) plus the customer facts the
 * rules need. `customerId` is the pseudonymous id partners see. `otherClaims` are competing claims the
 * attribution rules lost: recorded as overlaps, never paid.
 */
export interface Ownership {
  readonly brandId: string;
  readonly customerId: string;
  readonly partnerId: string;
  readonly segment: Segment;
  /** Registration date, YYYY-MM-DD (starts CPA windows and limited-duration revshare). */
  readonly registeredAt: string;
  /** ISO 3166-1 alpha-2, for per-country CPA amounts. */
  readonly country?: string | undefined;
  readonly firstDeposit?:
    | { readonly date: string; readonly amount: bigint; readonly currency: string }
    | undefined;
  readonly flags?:
    | { readonly selfExcluded?: boolean; readonly duplicate?: boolean; readonly fraud?: boolean }
    | undefined;
  readonly otherClaims?: readonly PartnerSegmentRef[] | undefined;
}

/** The sub-partner tree: `partnerId/segment` was recruited by `parentPartnerId/parentSegment`. */
export interface HierarchyEdge {
  readonly partnerId: string;
  readonly segment: Segment;
  readonly parentPartnerId: string;
  readonly parentSegment: Segment;
}

/** A commission period: `start` inclusive, `end` exclusive, both YYYY-MM-DD. */
export interface Period {
  readonly id: string;
  readonly start: string;
  readonly end: string;
}

// ---------- activity rows (amounts in minor units of the row's currency) ----------

/** One customer's iGaming activity on one day. */
export interface IgamingDayRow {
  readonly type: 'igaming_day';
  readonly brandId: string;
  readonly customerId: string;
  readonly date: string;
  readonly currency: string;
  readonly stakes: bigint;
  readonly wins: bigint;
  readonly bonuses?: bigint;
  readonly jackpotContributions?: bigint;
  readonly gamingTax?: bigint;
  readonly paymentFees?: bigint;
  readonly chargebacks?: bigint;
  readonly adminFee?: bigint;
  readonly deposits?: bigint;
  readonly bets?: number;
}

/** One closed Forex/CFD trade. Times are epoch milliseconds (UTC); lots a decimal string ("0.10"). */
export interface TradeRow {
  readonly type: 'trade';
  readonly brandId: string;
  readonly customerId: string;
  readonly tradeId: string;
  readonly symbol: string;
  readonly instrumentClass: string;
  readonly accountType: string;
  readonly side: 'buy' | 'sell';
  readonly lots: string;
  readonly openedAt: number;
  readonly closedAt: number;
  readonly currency: string;
  /** Spread charged, money per lot in minor units of `currency`. */
  readonly spreadPerLot?: bigint;
  /** Markup on the spread, money per lot in minor units of `currency`. */
  readonly markupPerLot?: bigint;
  /** Account equity and bonus credit at the trade, minor units, for the credit coefficient. */
  readonly equity?: bigint;
  readonly credit?: bigint;
}

export interface PropPurchaseRow {
  readonly type: 'prop_purchase';
  readonly brandId: string;
  readonly customerId: string;
  readonly purchaseId: string;
  readonly date: string;
  readonly currency: string;
  readonly amountPaid: bigint;
  readonly listPrice: bigint;
  readonly purchaseKind: 'first' | 'reset' | 'retake' | 'subscription';
}

export interface PropRefundRow {
  readonly type: 'prop_refund';
  readonly brandId: string;
  readonly customerId: string;
  readonly purchaseId: string;
  readonly date: string;
  readonly currency: string;
  /** Amount refunded or charged back (of the amount paid). */
  readonly amount: bigint;
  readonly reason: 'refund' | 'chargeback';
}

export interface PropPayoutRow {
  readonly type: 'prop_payout';
  readonly brandId: string;
  readonly customerId: string;
  readonly payoutId: string;
  readonly date: string;
  readonly currency: string;
  readonly amount: bigint;
}

/** An approved deliverable of an ambassador or influencer (a post, a video), paid by a flat fee. */
export interface DeliverableRow {
  readonly type: 'deliverable';
  readonly partnerId: string;
  readonly segment: Segment;
  readonly deliverableId: string;
  readonly deliverableType: string;
  readonly date: string;
}

export type ActivityRow =
  | IgamingDayRow
  | TradeRow
  | PropPurchaseRow
  | PropRefundRow
  | PropPayoutRow
  | DeliverableRow;

// ---------- carried state ----------

/**
 * What one period hands to the next. JSON-safe: exact amounts are decimal strings in the deal currency,
 * lots are decimal strings. Sorted, so equal states serialise identically.
 */
export interface CarriedState {
  readonly schemaVersion: 1;
  readonly periodId: string | null;
  /** Negative NGR still to recover (≤ 0), per partner segment and brand ('*' when bundled). */
  readonly carryover: readonly {
    partnerId: string;
    segment: Segment;
    scope: string;
    currency: string;
    amount: string;
  }[];
  /** Metrics of closed periods for "last closed period" tiers, per partner segment and component. */
  readonly tierHistory: readonly {
    partnerId: string;
    segment: Segment;
    componentId: string;
    periodId: string;
    ngr: string;
    ndc: number;
    sales: string;
    conversions: number;
  }[];
  /** Customers whose CPA has been paid: never again. */
  readonly cpaPaid: readonly {
    brandId: string;
    customerId: string;
    partnerId: string;
    componentId: string;
    periodId: string;
  }[];
  /** Qualification progress of customers not yet qualified (wagering in deal currency, lots). */
  readonly cpaProgress: readonly {
    brandId: string;
    customerId: string;
    currency: string;
    wagered: string;
    bets: number;
    lots: string;
  }[];
  /** Lots per day of each partner segment, kept for rolling-window volume tiers. */
  readonly rollingVolume: readonly { partnerId: string; segment: Segment; date: string; lots: string }[];
  /** Prop purchase commissions still reversible by a refund or chargeback. */
  readonly propCommissions: readonly {
    purchaseId: string;
    brandId: string;
    customerId: string;
    partnerId: string;
    segment: Segment;
    dealId: string;
    dealVersion: number;
    componentId: string;
    date: string;
    holdUntil: string;
    reverseUntil: string;
    onRefund: 'void' | 'clawback';
    currency: string;
    base: string;
    commission: string;
    reversed: string;
  }[];
}

// ---------- output ----------

export type LineKind =
  | 'revshare'
  | 'cpa'
  | 'fx_rebate'
  | 'fx_markup_share'
  | 'fx_cpa'
  | 'ib_split'
  | 'client_rebate'
  | 'fx_lot_override'
  | 'prop_commission'
  | 'prop_void'
  | 'prop_clawback'
  | 'prop_funded'
  | 'sub_override'
  | 'retainer'
  | 'deliverable_fee'
  | 'cap_adjustment';

/** How a line's amount was reached, so a partner can check it by hand. Amounts are decimal strings. */
export interface Explanation {
  /** The rule in words with the numbers put in, e.g. "NGR 5000.00 × 30% = 1500.00". */
  readonly formula: string;
  /** Named inputs (totals, rates, counts). */
  readonly inputs: Readonly<Record<string, string>>;
  readonly tier?: {
    readonly basis: string;
    readonly value: string;
    readonly mode: 'retroactive' | 'incremental' | 'flat';
    readonly bands: readonly {
      from: string;
      to: string | null;
      rate: string;
      portion?: string;
      amount?: string;
    }[];
    readonly reached: number;
  };
  readonly deductions?: readonly {
    kind: string;
    method: string;
    base?: string;
    rate?: string;
    amount: string;
  }[];
  /** Per-customer, per-class or per-purchase detail behind an aggregate (sorted). */
  readonly detail?: readonly Readonly<Record<string, string>>[];
  readonly notes?: readonly string[];
}

export interface CommissionLine {
  /** Deterministic id: the same inputs give the same id. */
  readonly lineId: string;
  readonly periodId: string;
  readonly partnerId: string;
  readonly segment: Segment;
  /** Who receives it: the partner, or (client rebates) the customer through the partner. */
  readonly payee: 'partner' | 'customer';
  readonly brandId: string | null;
  /** Pseudonymous customer id, or null for an aggregate line (revshare, fees, period caps). */
  readonly customerId: string | null;
  readonly kind: LineKind;
  /** Minor units of `currency`, rounded once per line. */
  readonly amount: bigint;
  readonly currency: string;
  /** YYYY-MM-DD until which the line is held (pending), or null. */
  readonly holdUntil: string | null;
  readonly dealId: string;
  readonly dealVersion: number;
  readonly componentId: string;
  /**
   * For hierarchy lines: the line it derives from. A split share derives from one line; an override line
   * aggregates every line of one sub-partner segment of one kind (see docs/deals.md, line grain): it names
   * the first of them (in line-id order) here and lists them all in `explanation.detail`.
   */
  readonly derivedFrom: string | null;
  readonly explanation: Explanation;
}

/** Rows the engine could not pay, counted by reason (never silently dropped). */
export type RunIssue =
  | { kind: 'unattributed'; vertical: string; count: number }
  | { kind: 'unknown_brand'; brandId: string; count: number }
  | { kind: 'no_deal'; partnerId: string; segment: Segment; count: number }
  | { kind: 'no_component'; partnerId: string; segment: Segment; revenue: string; count: number }
  | { kind: 'missing_fx'; from: string; to: string; date: string; count: number }
  | { kind: 'out_of_period'; count: number }
  | { kind: 'client_rebate_blocked'; partnerId: string; brandId: string; count: number }
  | { kind: 'unknown_purchase'; purchaseId: string };

/** Competing claims on a customer: recorded for review and the overlap KPI, never paid. */
export interface Overlap {
  readonly brandId: string;
  readonly customerId: string;
  readonly owner: PartnerSegmentRef;
  readonly claimants: readonly PartnerSegmentRef[];
  /** What paying each claimant the owner's amount again would have cost, per currency. */
  readonly wouldHaveCost: readonly { currency: string; amount: bigint }[];
}

export interface Totals {
  readonly partnerId: string;
  readonly segment: Segment;
  readonly currency: string;
  readonly amount: bigint;
  readonly lines: number;
}

export interface PeriodResult {
  readonly period: Period;
  readonly lines: CommissionLine[];
  readonly totals: Totals[];
  readonly overlaps: Overlap[];
  readonly issues: RunIssue[];
  readonly state: CarriedState;
  readonly stats: { readonly rows: number; readonly paidRows: number };
}

/** What `finishStreaming` returns: the result without its lines (handed to the callback), and their count. */
export interface PeriodSummary {
  readonly period: Period;
  readonly totals: Totals[];
  readonly overlaps: Overlap[];
  readonly issues: RunIssue[];
  readonly state: CarriedState;
  readonly stats: { readonly rows: number; readonly paidRows: number };
  readonly lineCount: number;
}

export interface PeriodContext {
  readonly period: Period;
  readonly brands: readonly BrandInfo[];
  readonly deals: readonly DealVersion[];
  readonly ownership: Iterable<Ownership>;
  readonly hierarchy: readonly HierarchyEdge[];
  readonly fxRates: readonly FxRate[];
  readonly carried: CarriedState | null;
}

export type { RoundingMode };

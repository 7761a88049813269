import type { DeductionKind, Segment } from '../deals/index.js';
import {
  convertMoney,
  createFxTable,
  type Decimal,
  type FxTable,
  formatScaledTrim,
  minorDigits,
  PPM_ONE,
  parseDecimalOrThrow,
  pow10,
  decimalAtScale,
  roundDiv,
  roundScaled,
} from '../money/index.js';
import { calculateCarryover } from './calculate-carryover.js';
import { calculateSplit } from './calculate-split.js';
import { type Band, calculateTieredAmount, findBand } from './calculate-tiered-amount.js';
import { type CompiledComponent, type CompiledDeal, compileDeal } from './compile-deal.js';
import { dayNumber, dayOfInstant, dayString, addMonths } from './dates.js';
import { type CpaRules, decideCpa } from './decide-cpa.js';
import { FX_MAX_DECIMALS, LOT_SCALE, MONEY_SCALE, NGR_SCALE, TRADE_SCALE } from './scales.js';
import type {
  ActivityRow,
  BrandInfo,
  CarriedState,
  CommissionLine,
  DealVersion,
  Explanation,
  IgamingDayRow,
  LineKind,
  Overlap,
  Ownership,
  PeriodContext,
  PeriodResult,
  PeriodSummary,
  PropPayoutRow,
  PropPurchaseRow,
  PropRefundRow,
  RunIssue,
  Totals,
  TradeRow,
  DeliverableRow,
} from './types.js';

type Comp<K extends CompiledComponent['kind']> = Extract<CompiledComponent, { kind: K }>;

/**
 * A period being computed: feed activity rows in batches with `add`, then call `finish` (every line in
 * one array) or `finishStreaming` (each line handed to a callback, in the same order, so a caller writing
 * them out in batches never holds them all) once.
 */
export interface PeriodRun {
  add(rows: Iterable<ActivityRow>): void;
  finish(): PeriodResult;
  finishStreaming(onLine: (line: CommissionLine) => void): PeriodSummary;
}

/**
 * A line before it is handed out: its explanation may still be a function, built only when the line is
 * emitted, so the texts of a whole period never sit in memory at once.
 */
type Rec = Omit<CommissionLine, 'explanation'> & {
  readonly explanation: Explanation | (() => Explanation);
};

interface IgExact {
  stakes: bigint;
  wins: bigint;
  bonus: bigint;
  jackpot: bigint;
  tax: bigint;
  fees: bigint;
  cb: bigint;
  admin: bigint;
  wager: bigint;
}

interface IgAgg {
  readonly deal: CompiledDeal;
  readonly rev: Comp<'igaming_revshare'> | undefined;
  readonly cpa: Comp<'igaming_cpa'> | undefined;
  readonly revUntil: number;
  readonly cpaUntil: number;
  /** FX factor of the pending raw sums (0n: none pending). */
  k: bigint;
  /**
   * Pending raw sums in minor units as JS integers (exact: every addend and every partial sum stays
   * within ±2^53, see `mag`); adding a number allocates nothing, where a bigint add allocates.
   */
  rStakes: number;
  rWins: number;
  rBonus: number;
  rJackpot: number;
  rTax: number;
  rFees: number;
  rCb: number;
  rAdmin: number;
  rWager: number;
  /** Sum of the magnitudes added since the last flush: bounds every pending sum. */
  mag: number;
  /** Exact sums at MONEY_SCALE, created on the first flush (most customers flush once, at finish). */
  e: IgExact | null;
  bets: number;
  days: number;
  lateDays: number;
}

/** Lots of one trade: millionths of a lot, as a JS integer and as a bigint. */
interface Lots {
  readonly n: number;
  readonly b: bigint;
}

/** Trades of one instrument class and account type under one component. */
interface Cell {
  readonly cls: string;
  readonly acct: string;
  readonly rate: bigint | null;
  readonly perTrade: boolean;
  /** Largest lot size (millionths) whose amount stays under the per-trade cap. */
  readonly maxLinear: number;
  readonly noRate: boolean;
  /** Lots paid linearly at `rate`. */
  lots: number;
  allLots: number;
  /** Exact amounts of trades computed one by one (TRADE_SCALE). */
  extra: bigint;
  /**
   * Spread- or markup-based trades without cap or credit coefficient: Σ lots (millionths) × amount per lot
   * (minor units) as a JS integer (kept under 2^52), worth `pend` × `pk` × `ppm` at TRADE_SCALE.
   */
  pend: number;
  /** FX factor of `pend` (0n: nothing pending). */
  pk: bigint;
  /** The share applied to `pend` (ppm). */
  readonly ppm: bigint;
  trades: number;
}

interface Bucket {
  readonly cls: string;
  buyLots: number;
  sellLots: number;
  buyAmt: bigint;
  sellAmt: bigint;
  trades: number;
}

interface TradeAgg {
  readonly deal: CompiledDeal;
  readonly comp: Comp<'forex_rebate'> | Comp<'forex_markup_share'>;
  /** One cell per instrument class and account type seen (a handful per customer: an array beats a map). */
  readonly cells: Cell[];
  readonly buckets: Map<string, Bucket> | null;
  minHold: number;
  noRate: number;
  capped: number;
  coef: number;
}

interface PropAgg {
  readonly deal: CompiledDeal;
  readonly purchase: Comp<'prop_purchase'> | undefined;
  readonly funded: Comp<'prop_funded_payout'> | undefined;
  readonly purchases: {
    id: string;
    day: number;
    kind: string;
    base: bigint;
    paid: bigint;
    paidCurrency: string;
  }[];
  readonly refunds: PropRefundRow[];
  payout: bigint;
  payouts: number;
}

interface Owner {
  readonly o: Ownership;
  readonly brand: BrandInfo;
  readonly psKey: string;
  readonly regDay: number;
  readonly ftdDay: number | null;
  deals: readonly CompiledDeal[] | null;
  single: CompiledDeal | null;
  ig: IgAgg[] | null;
  trades: TradeAgg[] | null;
  prop: PropAgg[] | null;
  fxCpa: { deal: CompiledDeal; comp: Comp<'forex_cpa'>; lots: number } | null;
  volume: number[] | null;
  pickDeal: CompiledDeal | null;
  pRebate: Comp<'forex_rebate'> | undefined;
  pMarkup: Comp<'forex_markup_share'> | undefined;
  pFxCpa: Comp<'forex_cpa'> | undefined;
  /** Set when the owner has something to compute at finish. */
  active: boolean;
  /** A CPA paid to this owner in this period's finish. */
  paidNow: boolean;
  /** CPA progress carried forward from this period's finish. */
  progress: CarriedState['cpaProgress'][number] | null;
}

const ZERO_EXACT: IgExact = {
  stakes: 0n,
  wins: 0n,
  bonus: 0n,
  jackpot: 0n,
  tax: 0n,
  fees: 0n,
  cb: 0n,
  admin: 0n,
  wager: 0n,
};

const ZERO_STATE: CarriedState = {
  schemaVersion: 1,
  periodId: null,
  carryover: [],
  tierHistory: [],
  cpaPaid: [],
  cpaProgress: [],
  rollingVolume: [],
  propCommissions: [],
};

/** An empty carried state, for a program's first period. */
export function emptyCarriedState(): CarriedState {
  return ZERO_STATE;
}

/** The 6 spare digits NGR carries over the money scale (calculateNgr's ONE). */
const NGR_ONE = 1_000_000n;

/** A reported deduction's total for one customer. */
function reportedOf(e: IgExact, kind: DeductionKind): bigint {
  switch (kind) {
    case 'bonuses':
      return e.bonus;
    case 'jackpot_contributions':
      return e.jackpot;
    case 'gaming_tax':
      return e.tax;
    case 'payment_fees':
      return e.fees;
    case 'chargebacks':
      return e.cb;
    case 'admin_fee':
      return e.admin;
  }
}

const NO_FLAGS: Ownership['flags'] & object = Object.freeze({});

/** The CPA rules of an iGaming CPA component, built once per component. */
const igCpaRulesCache = new WeakMap<Comp<'igaming_cpa'>, CpaRules>();
function igCpaRules(cpa: Comp<'igaming_cpa'>): CpaRules {
  let r = igCpaRulesCache.get(cpa);
  if (!r) {
    r = {
      amounts: cpa.amounts,
      exclude: cpa.exclude,
      minFirstDeposit: cpa.minFirstDeposit,
      depositWithinDays: cpa.depositWithinDays,
      minWagering: cpa.minWagering,
      minWageringMultiple: cpa.minWageringMultiple,
      minBets: cpa.minBets,
      minLots: null,
      activityWithinDays: cpa.activityWithinDays,
      activityFrom: 'registration',
    };
    igCpaRulesCache.set(cpa, r);
  }
  return r;
}

/** Pending JS-integer sums are flushed to exact bigints before their magnitude could pass 2^53. */
const SAFE_SUM = 2 ** 52;

const psKeyOf = (partnerId: string, segment: string) => `${partnerId}\u0000${segment}`;
const fmt = formatScaledTrim;
const pct = (ppm: bigint) => `${fmt(ppm, 4)}%`;
const money = (minor: bigint, digits: number) => fmt(minor, digits) || '0';
const exact = (v: bigint, scale: number) => fmt(v, scale);

/**
 * Starts the computation of one period. Pure: everything it needs is in `ctx` (no clock, no I/O).
 * Memory grows with the number of (partner segment, customer) aggregates, not with the rows fed.
 */
export function createPeriodRun(ctx: PeriodContext): PeriodRun {
  const periodId = ctx.period.id;
  const startDay = dayNumber(ctx.period.start);
  const endDay = dayNumber(ctx.period.end);
  if (endDay <= startDay) throw new Error(`Period ${periodId} ends before it starts`);
  const lastDay = endDay - 1;
  const carried = ctx.carried ?? ZERO_STATE;
  const fx: FxTable = createFxTable(ctx.fxRates);
  for (const r of ctx.fxRates) {
    if (parseDecimalOrThrow(r.rate).scale > FX_MAX_DECIMALS)
      throw new Error(`FX rate ${r.base}/${r.quote} ${r.date} has more than ${FX_MAX_DECIMALS} decimals`);
  }

  const brands = new Map<string, BrandInfo>();
  for (const b of ctx.brands) brands.set(b.brandId, b);

  // ----- deals by partner segment, only versions overlapping the period -----
  const dealsByPs = new Map<string, CompiledDeal[]>();
  for (const dv of ctx.deals) {
    const from = dayNumber(dv.effectiveFrom);
    const to = dv.effectiveTo === null ? Number.POSITIVE_INFINITY : dayNumber(dv.effectiveTo);
    if (to <= startDay || from >= endDay) continue;
    const compiled = compileDeal(dv);
    for (const seg of dv.terms.segments) {
      const key = psKeyOf(dv.partnerId, seg);
      let list = dealsByPs.get(key);
      if (!list) {
        list = [];
        dealsByPs.set(key, list);
      }
      list.push(compiled);
    }
  }
  for (const [key, list] of dealsByPs) {
    list.sort((a, b) => a.fromDay - b.fromDay || a.version - b.version);
    for (let i = 1; i < list.length; i++) {
      if (list[i]!.fromDay < list[i - 1]!.toDay) {
        throw new Error(
          `Overlapping deal versions for ${key.replace('\u0000', '/')}: ${list[i - 1]!.dealId}@${list[i - 1]!.version} and ${list[i]!.dealId}@${list[i]!.version}`,
        );
      }
    }
  }
  const dealAt = (list: readonly CompiledDeal[] | undefined, day: number): CompiledDeal | undefined => {
    if (!list) return undefined;
    for (const d of list) if (d.fromDay <= day && day < d.toDay) return d;
    return undefined;
  };

  // ----- hierarchy -----
  const parentOf = new Map<string, { partnerId: string; segment: Segment }>();
  for (const e of ctx.hierarchy)
    parentOf.set(psKeyOf(e.partnerId, e.segment), { partnerId: e.parentPartnerId, segment: e.parentSegment });
  const ancestors = (partnerId: string, segment: string): { partnerId: string; segment: Segment }[] => {
    const out: { partnerId: string; segment: Segment }[] = [];
    const seen = new Set<string>([psKeyOf(partnerId, segment)]);
    let cur = parentOf.get(psKeyOf(partnerId, segment));
    while (cur) {
      const key = psKeyOf(cur.partnerId, cur.segment);
      if (seen.has(key)) break; // a cycle in the data: stop rather than loop
      seen.add(key);
      out.push(cur);
      cur = parentOf.get(key);
    }
    return out;
  };

  // ----- carried state -----
  const carryIn = new Map<string, Map<string, bigint>>();
  for (const c of carried.carryover) {
    const key = psKeyOf(c.partnerId, c.segment);
    let m = carryIn.get(key);
    if (!m) {
      m = new Map();
      carryIn.set(key, m);
    }
    m.set(c.scope, decimalAtScale(parseDecimalOrThrow(c.amount), NGR_SCALE));
  }
  const history = new Map<string, CarriedState['tierHistory'][number]>();
  for (const h of carried.tierHistory)
    history.set(`${psKeyOf(h.partnerId, h.segment)}\u0000${h.componentId}`, h);
  const cpaPaid = new Map<string, CarriedState['cpaPaid'][number]>();
  for (const p of carried.cpaPaid) cpaPaid.set(`${p.brandId}\u0000${p.customerId}`, p);
  const cpaProgress = new Map<string, CarriedState['cpaProgress'][number]>();
  for (const p of carried.cpaProgress) cpaProgress.set(`${p.brandId}\u0000${p.customerId}`, p);
  const volumeIn = new Map<string, Map<number, bigint>>();
  for (const v of carried.rollingVolume) {
    const key = psKeyOf(v.partnerId, v.segment);
    let m = volumeIn.get(key);
    if (!m) {
      m = new Map();
      volumeIn.set(key, m);
    }
    m.set(dayNumber(v.date), decimalAtScale(parseDecimalOrThrow(v.lots), LOT_SCALE));
  }
  const propIn = new Map<string, CarriedState['propCommissions'][number]>();
  for (const p of carried.propCommissions) propIn.set(p.purchaseId, p);

  // ----- ownership -----
  const owners = new Map<string, Map<string, Owner>>();
  const ndcCount = new Map<string, Map<string, number>>(); // psKey → brand → new depositing customers this period
  const cpaCandidates: Owner[] = [];
  // one key string per partner segment, shared by its owners (not one per customer)
  const psKeys = new Map<string, Map<string, string>>();
  const internPsKey = (partnerId: string, segment: string): string => {
    let bySegment = psKeys.get(partnerId);
    if (!bySegment) {
      bySegment = new Map();
      psKeys.set(partnerId, bySegment);
    }
    let key = bySegment.get(segment);
    if (key === undefined) {
      key = psKeyOf(partnerId, segment);
      bySegment.set(segment, key);
    }
    return key;
  };
  for (const o of ctx.ownership) {
    const brand = brands.get(o.brandId);
    if (!brand) continue;
    let byCustomer = owners.get(o.brandId);
    if (!byCustomer) {
      byCustomer = new Map();
      owners.set(o.brandId, byCustomer);
    }
    const ftdDay = o.firstDeposit ? dayNumber(o.firstDeposit.date) : null;
    const owner: Owner = {
      o,
      brand,
      psKey: internPsKey(o.partnerId, o.segment),
      regDay: dayNumber(o.registeredAt),
      ftdDay,
      deals: null,
      single: null,
      ig: null,
      trades: null,
      prop: null,
      fxCpa: null,
      volume: null,
      pickDeal: null,
      pRebate: undefined,
      pMarkup: undefined,
      pFxCpa: undefined,
      active: false,
      paidNow: false,
      progress: null,
    };
    byCustomer.set(o.customerId, owner);
    if (ftdDay !== null && ftdDay >= startDay && ftdDay < endDay) {
      let byBrand = ndcCount.get(owner.psKey);
      if (!byBrand) {
        byBrand = new Map();
        ndcCount.set(owner.psKey, byBrand);
      }
      byBrand.set(o.brandId, (byBrand.get(o.brandId) ?? 0) + 1);
    }
    const ftdNow = ftdDay !== null && ftdDay >= startDay && ftdDay < endDay;
    if (ftdNow || cpaProgress.size > 0) {
      const ck = `${o.brandId}\u0000${o.customerId}`;
      if (!cpaPaid.has(ck) && (ftdNow || cpaProgress.has(ck))) cpaCandidates.push(owner);
    }
  }
  psKeys.clear();

  // ----- issues -----
  const issues = new Map<string, RunIssue & { count?: number }>();
  const issue = (key: string, make: () => RunIssue) => {
    const hit = issues.get(key) as { count?: number } | undefined;
    if (hit && hit.count !== undefined) hit.count++;
    else if (!hit) issues.set(key, make());
  };

  // ----- FX factors: minor units of `from` → deal currency at MONEY_SCALE -----
  const sameFactor = new Map<string, bigint>();
  const factorCache = new Map<string, Map<number, bigint | null>>();
  const factor = (from: string, to: string, day: number): bigint | null => {
    if (from === to) {
      let f = sameFactor.get(from);
      if (f === undefined) {
        f = pow10(MONEY_SCALE - minorDigits(from));
        sameFactor.set(from, f);
      }
      return f;
    }
    const pair = `${from}>${to}`;
    let byDay = factorCache.get(pair);
    if (!byDay) {
      byDay = new Map();
      factorCache.set(pair, byDay);
    }
    let f = byDay.get(day);
    if (f === undefined) {
      const date = dayString(day);
      const r = fx.lookup(from, to, date);
      f = r.kind === 'rate' ? r.rate.units * pow10(MONEY_SCALE - minorDigits(from) - r.rate.scale) : null;
      byDay.set(day, f);
    }
    if (f === null)
      issue(`fx\u0000${from}\u0000${to}\u0000${dayString(day)}`, () => ({
        kind: 'missing_fx',
        from,
        to,
        date: dayString(day),
        count: 1,
      }));
    return f;
  };

  const lotsCache = new Map<string, Lots>();
  const lotsOf = (text: string): Lots => {
    let v = lotsCache.get(text);
    if (v === undefined) {
      const b = decimalAtScale(parseDecimalOrThrow(text), LOT_SCALE);
      v = { n: Number(b), b };
      if (!Number.isSafeInteger(v.n)) throw new Error(`Lots out of range: ${text}`);
      if (lotsCache.size < 10_000) lotsCache.set(text, v);
    }
    return v;
  };

  const deliverables: DeliverableRow[] = [];
  const psVolume = new Map<string, number[]>();
  let rows = 0;
  let paidRows = 0;

  const ownerOf = (brandId: string, customerId: string, vertical: string): Owner | undefined => {
    const owner = owners.get(brandId)?.get(customerId);
    if (!owner) {
      if (!brands.has(brandId))
        issue(`brand\u0000${brandId}`, () => ({ kind: 'unknown_brand', brandId, count: 1 }));
      else issue(`unattributed\u0000${vertical}`, () => ({ kind: 'unattributed', vertical, count: 1 }));
    }
    return owner;
  };

  const dealFor = (owner: Owner, day: number): CompiledDeal | undefined => {
    if (owner.deals === null) {
      const list = dealsByPs.get(owner.psKey) ?? [];
      owner.deals = list;
      const only = list[0];
      owner.single =
        list.length === 1 && only && only.fromDay <= startDay && only.toDay >= endDay ? only : null;
    }
    const deal = owner.single ?? dealAt(owner.deals, day);
    if (!deal)
      issue(`nodeal\u0000${owner.psKey}`, () => ({
        kind: 'no_deal',
        partnerId: owner.o.partnerId,
        segment: owner.o.segment,
        count: 1,
      }));
    return deal;
  };

  // ---------------- row handlers ----------------

  const addIgaming = (row: IgamingDayRow) => {
    const day = dayNumber(row.date);
    if (day < startDay || day >= endDay)
      return void issue('oop', () => ({ kind: 'out_of_period', count: 1 }));
    const owner = ownerOf(row.brandId, row.customerId, 'igaming');
    if (!owner) return;
    const deal = dealFor(owner, day);
    if (!deal) return;
    let agg: IgAgg | undefined;
    if (owner.ig) for (const a of owner.ig) if (a.deal === deal) agg = a;
    if (!agg) {
      agg = newIgAgg(owner, deal);
      if (!agg) {
        issue(`nocomp\u0000${owner.psKey}\u0000igaming`, () => ({
          kind: 'no_component',
          partnerId: owner.o.partnerId,
          segment: owner.o.segment,
          revenue: 'igaming',
          count: 1,
        }));
        return;
      }
      if (owner.ig) owner.ig.push(agg);
      else owner.ig = [agg];
    }
    const k = factor(row.currency, deal.currency, day);
    if (k === null) return;
    if (k !== agg.k) {
      flushIg(agg);
      agg.k = k;
    }
    paidRows++;
    agg.days++;
    const rev = agg.rev !== undefined && day < agg.revUntil;
    const cpa = agg.cpa !== undefined && day < agg.cpaUntil;
    if (rev) {
      const st = Number(row.stakes);
      const wi = Number(row.wins);
      const bo = row.bonuses ? Number(row.bonuses) : 0;
      const ja = row.jackpotContributions ? Number(row.jackpotContributions) : 0;
      const ta = row.gamingTax ? Number(row.gamingTax) : 0;
      const fe = row.paymentFees ? Number(row.paymentFees) : 0;
      const cb = row.chargebacks ? Number(row.chargebacks) : 0;
      const ad = row.adminFee ? Number(row.adminFee) : 0;
      const m =
        Math.abs(st) +
        Math.abs(wi) +
        Math.abs(bo) +
        Math.abs(ja) +
        Math.abs(ta) +
        Math.abs(fe) +
        Math.abs(cb) +
        Math.abs(ad);
      if (m > SAFE_SUM) igExact(agg, row, k, true, cpa);
      else {
        agg.rStakes += st;
        agg.rWins += wi;
        agg.rBonus += bo;
        agg.rJackpot += ja;
        agg.rTax += ta;
        agg.rFees += fe;
        agg.rCb += cb;
        agg.rAdmin += ad;
        if (cpa) agg.rWager += st;
        agg.mag += m;
        if (agg.mag > SAFE_SUM) {
          flushIg(agg);
          agg.k = k;
        }
      }
    } else {
      if (agg.rev) agg.lateDays++;
      if (cpa) {
        const st = Number(row.stakes);
        if (Math.abs(st) > SAFE_SUM) igExact(agg, row, k, false, true);
        else {
          agg.rWager += st;
          agg.mag += Math.abs(st);
          if (agg.mag > SAFE_SUM) {
            flushIg(agg);
            agg.k = k;
          }
        }
      }
    }
    if (cpa) agg.bets += row.bets ?? 0;
  };

  /** A row too large for the JS-integer sums: flush them and add it exactly. */
  const igExact = (agg: IgAgg, row: IgamingDayRow, k: bigint, rev: boolean, cpa: boolean) => {
    flushIg(agg);
    agg.k = k;
    let e = agg.e;
    if (!e) {
      e = { stakes: 0n, wins: 0n, bonus: 0n, jackpot: 0n, tax: 0n, fees: 0n, cb: 0n, admin: 0n, wager: 0n };
      agg.e = e;
    }
    if (rev) {
      e.stakes += row.stakes * k;
      e.wins += row.wins * k;
      if (row.bonuses) e.bonus += row.bonuses * k;
      if (row.jackpotContributions) e.jackpot += row.jackpotContributions * k;
      if (row.gamingTax) e.tax += row.gamingTax * k;
      if (row.paymentFees) e.fees += row.paymentFees * k;
      if (row.chargebacks) e.cb += row.chargebacks * k;
      if (row.adminFee) e.admin += row.adminFee * k;
    }
    if (cpa) e.wager += row.stakes * k;
  };

  const newIgAgg = (owner: Owner, deal: CompiledDeal): IgAgg | undefined => {
    const seg = owner.o.segment;
    const rev = deal.pick(seg, owner.o.brandId, 'igaming_ngr') as Comp<'igaming_revshare'> | undefined;
    const cpa = deal.pick(seg, owner.o.brandId, 'igaming_cpa') as Comp<'igaming_cpa'> | undefined;
    if (!rev && !cpa) return undefined;
    const paid = cpaPaid.has(`${owner.o.brandId}\u0000${owner.o.customerId}`);
    return {
      deal,
      rev,
      cpa: paid ? undefined : cpa,
      revUntil: rev?.durationMonths ? addMonths(owner.regDay, rev.durationMonths) : Number.POSITIVE_INFINITY,
      cpaUntil:
        cpa?.activityWithinDays != null
          ? owner.regDay + cpa.activityWithinDays + 1
          : Number.POSITIVE_INFINITY,
      k: 0n,
      rStakes: 0,
      rWins: 0,
      rBonus: 0,
      rJackpot: 0,
      rTax: 0,
      rFees: 0,
      rCb: 0,
      rAdmin: 0,
      rWager: 0,
      mag: 0,
      e: null,
      bets: 0,
      days: 0,
      lateDays: 0,
    };
  };

  const flushIg = (a: IgAgg) => {
    const k = a.k;
    if (k === 0n) return;
    let e = a.e;
    if (!e) {
      e = { stakes: 0n, wins: 0n, bonus: 0n, jackpot: 0n, tax: 0n, fees: 0n, cb: 0n, admin: 0n, wager: 0n };
      a.e = e;
    }
    if (a.rStakes !== 0) e.stakes += BigInt(a.rStakes) * k;
    if (a.rWins !== 0) e.wins += BigInt(a.rWins) * k;
    if (a.rBonus !== 0) e.bonus += BigInt(a.rBonus) * k;
    if (a.rJackpot !== 0) e.jackpot += BigInt(a.rJackpot) * k;
    if (a.rTax !== 0) e.tax += BigInt(a.rTax) * k;
    if (a.rFees !== 0) e.fees += BigInt(a.rFees) * k;
    if (a.rCb !== 0) e.cb += BigInt(a.rCb) * k;
    if (a.rAdmin !== 0) e.admin += BigInt(a.rAdmin) * k;
    if (a.rWager !== 0) e.wager += BigInt(a.rWager) * k;
    a.rStakes = 0;
    a.rWins = 0;
    a.rBonus = 0;
    a.rJackpot = 0;
    a.rTax = 0;
    a.rFees = 0;
    a.rCb = 0;
    a.rAdmin = 0;
    a.rWager = 0;
    a.mag = 0;
    a.k = 0n;
  };

  const addTrade = (row: TradeRow) => {
    const day = dayOfInstant(row.closedAt);
    if (day < startDay || day >= endDay)
      return void issue('oop', () => ({ kind: 'out_of_period', count: 1 }));
    const owner = ownerOf(row.brandId, row.customerId, 'forex');
    if (!owner) return;
    const deal = dealFor(owner, day);
    if (!deal) return;
    if (owner.pickDeal !== deal) {
      const seg = owner.o.segment;
      owner.pickDeal = deal;
      owner.pRebate = deal.pick(seg, row.brandId, 'forex_trade') as Comp<'forex_rebate'> | undefined;
      owner.pMarkup = deal.pick(seg, row.brandId, 'forex_markup') as Comp<'forex_markup_share'> | undefined;
      const cpa = deal.pick(seg, row.brandId, 'forex_cpa') as Comp<'forex_cpa'> | undefined;
      owner.pFxCpa = cpa && !cpaPaid.has(`${row.brandId}\u0000${row.customerId}`) ? cpa : undefined;
    }
    const lots = lotsOf(row.lots);
    let paid = false;
    const rebate = owner.pRebate;
    if (rebate) paid = tradeInto(owner, deal, rebate, row, lots, day) || paid;
    const markup = owner.pMarkup;
    if (markup) paid = tradeInto(owner, deal, markup, row, lots, day) || paid;
    const cpa = owner.pFxCpa;
    if (cpa) {
      const inWindow =
        (owner.ftdDay === null || day >= owner.ftdDay) &&
        (cpa.withinDays === null || owner.ftdDay === null || day <= owner.ftdDay + cpa.withinDays);
      if (!owner.fxCpa) owner.fxCpa = { deal, comp: cpa, lots: 0 };
      if (inWindow) owner.fxCpa.lots += lots.n;
      paid = true;
    }
    if (paid) paidRows++;
    else if (!rebate && !markup && !cpa) {
      issue(`nocomp\u0000${owner.psKey}\u0000forex`, () => ({
        kind: 'no_component',
        partnerId: owner.o.partnerId,
        segment: owner.o.segment,
        revenue: 'forex',
        count: 1,
      }));
    }
  };

  /**
   * Adds one trade for a rebate or markup component; false when the trade earns nothing. Trades paid
   * linearly at a per-lot rate only add their lots (a JS integer of millionths of a lot, exact far beyond
   * any month's volume); capped, credit-scaled and spread-based trades add their exact amount.
   */
  const tradeInto = (
    owner: Owner,
    deal: CompiledDeal,
    comp: Comp<'forex_rebate'> | Comp<'forex_markup_share'>,
    row: TradeRow,
    lots: Lots,
    day: number,
  ): boolean => {
    let agg: TradeAgg | undefined;
    if (owner.trades) for (const a of owner.trades) if (a.comp === comp) agg = a;
    if (!agg) {
      agg = {
        deal,
        comp,
        cells: [],
        buckets: comp.eligibility.hedgeNetting ? new Map() : null,
        minHold: 0,
        noRate: 0,
        capped: 0,
        coef: 0,
      };
      if (owner.trades) owner.trades.push(agg);
      else owner.trades = [agg];
    }
    const el = comp.eligibility;
    if (el.minHoldMs > 0 && row.closedAt - row.openedAt < el.minHoldMs) {
      agg.minHold++;
      return false;
    }
    const cls = row.instrumentClass;
    const acct = row.accountType;
    let cell: Cell | undefined;
    const cells = agg.cells;
    for (let i = 0; i < cells.length; i++) {
      const c = cells[i]!;
      if (c.cls === cls && c.acct === acct) {
        cell = c;
        break;
      }
    }
    if (!cell) {
      const rate = linearRate(owner, comp, cls, acct);
      cell = {
        cls,
        acct,
        rate,
        perTrade: rate === null,
        maxLinear:
          rate !== null && el.cap !== null && rate > 0n ? Number(el.cap / rate) : Number.POSITIVE_INFINITY,
        lots: 0,
        allLots: 0,
        extra: 0n,
        pend: 0,
        pk: 0n,
        ppm:
          comp.kind === 'forex_markup_share'
            ? comp.ppm
            : comp.method.kind === 'spread_share'
              ? comp.method.ppm
              : 0n,
        trades: 0,
        noRate: rate === null && comp.kind === 'forex_rebate' && comp.method.kind !== 'spread_share',
      };
      cells.push(cell);
    }
    if (cell.noRate) {
      agg.noRate++;
      return false;
    }
    const coefApplies =
      el.creditCoefficient && row.credit !== undefined && row.credit > 0n && row.equity !== undefined;
    if (!cell.perTrade && !coefApplies && lots.n <= cell.maxLinear && !agg.buckets) {
      cell.lots += lots.n;
    } else {
      let amount: bigint;
      if (cell.rate !== null) amount = lots.b * cell.rate;
      else {
        const k = factor(row.currency, deal.currency, day);
        if (k === null) return false;
        if (el.cap === null && !coefApplies && !agg.buckets) {
          const per = Number(
            (comp.kind === 'forex_markup_share' ? row.markupPerLot : row.spreadPerLot) ?? 0n,
          );
          const v = lots.n * per;
          if (Math.abs(per) <= SAFE_SUM && Math.abs(v) <= SAFE_SUM) {
            if (k !== cell.pk || Math.abs(cell.pend + v) > SAFE_SUM) {
              flushCell(cell);
              cell.pk = k;
            }
            cell.pend += v;
            cell.allLots += lots.n;
            cell.trades++;
            trackVolume(owner, comp, day, lots.n);
            return true;
          }
        }
        if (comp.kind === 'forex_markup_share') amount = lots.b * (row.markupPerLot ?? 0n) * k * comp.ppm;
        else
          amount =
            lots.b *
            (row.spreadPerLot ?? 0n) *
            k *
            (comp.method.kind === 'spread_share' ? comp.method.ppm : 0n);
      }
      if (el.cap !== null && amount > el.cap) {
        amount = el.cap;
        agg.capped++;
      }
      if (coefApplies) {
        agg.coef++;
        const equity = row.equity!;
        const credit = row.credit!;
        amount =
          equity <= credit || equity <= 0n ? 0n : roundDiv(amount * (equity - credit), equity, 'half_up');
      }
      if (agg.buckets) {
        const key = `${row.symbol}\u0000${day}`;
        let b = agg.buckets.get(key);
        if (!b) {
          b = { cls, buyLots: 0, sellLots: 0, buyAmt: 0n, sellAmt: 0n, trades: 0 };
          agg.buckets.set(key, b);
        }
        b.trades++;
        if (row.side === 'buy') {
          b.buyLots += lots.n;
          b.buyAmt += amount;
        } else {
          b.sellLots += lots.n;
          b.sellAmt += amount;
        }
        trackVolume(owner, comp, day, lots.n);
        return true;
      }
      cell.extra += amount;
    }
    cell.allLots += lots.n;
    cell.trades++;
    trackVolume(owner, comp, day, lots.n);
    return true;
  };

  /** Moves a cell's pending JS-integer sum into its exact amount. */
  const flushCell = (cell: Cell) => {
    if (cell.pend !== 0) cell.extra += BigInt(cell.pend) * cell.pk * cell.ppm;
    cell.pend = 0;
    cell.pk = 0n;
  };

  /** Rolling volume of the partner segment (eligible rebate lots per day), kept for volume tiers. */
  const trackVolume = (owner: Owner, comp: CompiledComponent, day: number, lots: number) => {
    if (comp.kind !== 'forex_rebate') return;
    let vol: number[] | null | undefined = owner.volume;
    if (!vol) {
      vol = psVolume.get(owner.psKey);
      if (!vol) {
        vol = new Array<number>(endDay - startDay).fill(0);
        psVolume.set(owner.psKey, vol);
      }
      owner.volume = vol;
    }
    vol[day - startDay]! += lots;
  };

  /** The per-lot rate (RATE_SCALE) for a class and account type, or null when paid per trade (spread-based) or unpriced. */
  const linearRate = (
    owner: Owner,
    comp: Comp<'forex_rebate'> | Comp<'forex_markup_share'>,
    cls: string,
    acct: string,
  ): bigint | null => {
    if (comp.kind === 'forex_markup_share') return null;
    const m = comp.method;
    if (m.kind === 'spread_share') return null;
    if (m.kind === 'volume_tiers') {
      if (m.classes && !m.classes.has(cls)) return null;
      return volumeTier(owner.psKey, comp, m).rate;
    }
    const cr = m.rates.get(cls);
    return cr ? (cr.byAccount.get(acct) ?? cr.any) : null;
  };

  const volumeRates = new Map<
    CompiledComponent,
    Map<string, { rate: bigint; band: number; volume: bigint }>
  >();
  const volumeTier = (
    psKey: string,
    comp: Comp<'forex_rebate'>,
    m: Extract<Comp<'forex_rebate'>['method'], { kind: 'volume_tiers' }>,
  ) => {
    let byPs = volumeRates.get(comp);
    if (!byPs) {
      byPs = new Map();
      volumeRates.set(comp, byPs);
    }
    let hit = byPs.get(psKey);
    if (!hit) {
      let volume = 0n;
      const hist = volumeIn.get(psKey);
      if (hist) for (const [d, v] of hist) if (d >= startDay - m.windowDays && d < startDay) volume += v;
      const bands: Band[] = m.bands.map((b) => ({ from: b.from, to: b.to, rate: 0n }));
      const band = findBand(bands, volume);
      hit = { rate: m.bands[band]!.perLot, band, volume };
      byPs.set(psKey, hit);
    }
    return hit;
  };

  const addPurchase = (row: PropPurchaseRow) => {
    const day = dayNumber(row.date);
    if (day < startDay || day >= endDay)
      return void issue('oop', () => ({ kind: 'out_of_period', count: 1 }));
    const owner = ownerOf(row.brandId, row.customerId, 'prop');
    if (!owner) return;
    const deal = dealFor(owner, day);
    if (!deal) return;
    const agg = propAgg(owner, deal);
    if (!agg?.purchase) return void noComp(owner, 'prop_purchase');
    const k = factor(row.currency, deal.currency, day);
    if (k === null) return;
    const baseMinor = agg.purchase.base === 'list_price' ? row.listPrice : row.amountPaid;
    agg.purchases.push({
      id: row.purchaseId,
      day,
      kind: row.purchaseKind,
      base: baseMinor * k,
      paid: row.amountPaid,
      paidCurrency: row.currency,
    });
    paidRows++;
  };

  const addRefund = (row: PropRefundRow) => {
    const day = dayNumber(row.date);
    if (day < startDay || day >= endDay)
      return void issue('oop', () => ({ kind: 'out_of_period', count: 1 }));
    refunds.push(row);
    paidRows++;
  };
  const refunds: PropRefundRow[] = [];

  const addPayout = (row: PropPayoutRow) => {
    const day = dayNumber(row.date);
    if (day < startDay || day >= endDay)
      return void issue('oop', () => ({ kind: 'out_of_period', count: 1 }));
    const owner = ownerOf(row.brandId, row.customerId, 'prop');
    if (!owner) return;
    const deal = dealFor(owner, day);
    if (!deal) return;
    const agg = propAgg(owner, deal);
    if (!agg?.funded) return void noComp(owner, 'prop_payout');
    const k = factor(row.currency, deal.currency, day);
    if (k === null) return;
    agg.payout += row.amount * k;
    agg.payouts++;
    paidRows++;
  };

  const noComp = (owner: Owner, revenue: string) =>
    issue(`nocomp\u0000${owner.psKey}\u0000${revenue}`, () => ({
      kind: 'no_component',
      partnerId: owner.o.partnerId,
      segment: owner.o.segment,
      revenue,
      count: 1,
    }));

  const propAgg = (owner: Owner, deal: CompiledDeal): PropAgg | undefined => {
    if (owner.prop) for (const a of owner.prop) if (a.deal === deal) return a;
    const seg = owner.o.segment;
    const agg: PropAgg = {
      deal,
      purchase: deal.pick(seg, owner.o.brandId, 'prop_purchase') as Comp<'prop_purchase'> | undefined,
      funded: deal.pick(seg, owner.o.brandId, 'prop_payout') as Comp<'prop_funded_payout'> | undefined,
      purchases: [],
      refunds: [],
      payout: 0n,
      payouts: 0,
    };
    if (owner.prop) owner.prop.push(agg);
    else owner.prop = [agg];
    return agg;
  };

  let finished = false;

  return {
    add(batch) {
      if (finished) throw new Error('PeriodRun.add after finish');
      for (const row of batch) {
        rows++;
        switch (row.type) {
          case 'igaming_day':
            addIgaming(row);
            break;
          case 'trade':
            addTrade(row);
            break;
          case 'prop_purchase':
            addPurchase(row);
            break;
          case 'prop_refund':
            addRefund(row);
            break;
          case 'prop_payout':
            addPayout(row);
            break;
          case 'deliverable': {
            const day = dayNumber(row.date);
            if (day < startDay || day >= endDay) issue('oop', () => ({ kind: 'out_of_period', count: 1 }));
            else {
              deliverables.push(row);
              paidRows++;
            }
            break;
          }
        }
      }
    },
    finish() {
      if (finished) throw new Error('PeriodRun.finish called twice');
      finished = true;
      const lines: CommissionLine[] = [];
      const s = finishPeriod((l) => lines.push(l));
      return {
        period: s.period,
        lines,
        totals: s.totals,
        overlaps: s.overlaps,
        issues: s.issues,
        state: s.state,
        stats: s.stats,
      };
    },
    finishStreaming(onLine) {
      if (finished) throw new Error('PeriodRun.finish called twice');
      finished = true;
      return finishPeriod(onLine);
    },
  };

  // =====================================================================================
  function finishPeriod(onLine: (line: CommissionLine) => void): PeriodSummary {
    const lines: Rec[] = [];
    const lotsOfLine = new Map<Rec, bigint>();
    const newCpaPaid = new Map(cpaPaid);
    const newHistory = new Map(history);
    const newProp = new Map(propIn);
    const newCarry = new Map<string, Map<string, bigint>>();
    for (const [k, v] of carryIn) newCarry.set(k, new Map(v));

    const lineId = (
      partnerId: string,
      segment: string,
      kind: LineKind,
      deal: CompiledDeal,
      compId: string,
      brandId: string | null,
      customerId: string | null,
    ) =>
      `${periodId}|${partnerId}|${segment}|${kind}|${deal.dealId}@${deal.version}|${compId}|${brandId ?? '*'}|${customerId ?? '*'}`;

    const push = (l: Rec) => {
      lines.push(l);
      return l;
    };
    const own = (
      owner: { partnerId: string; segment: Segment },
      deal: CompiledDeal,
      compId: string,
      kind: LineKind,
      brandId: string | null,
      customerId: string | null,
      amount: bigint,
      explanation: Explanation | (() => Explanation),
      holdUntil: string | null = null,
    ) =>
      push({
        lineId: lineId(owner.partnerId, owner.segment, kind, deal, compId, brandId, customerId),
        periodId,
        partnerId: owner.partnerId,
        segment: owner.segment,
        payee: 'partner',
        brandId,
        customerId,
        kind,
        amount,
        currency: deal.currency,
        holdUntil,
        dealId: deal.dealId,
        dealVersion: deal.version,
        componentId: compId,
        derivedFrom: null,
        explanation,
      });

    // ---- owners in a deterministic order ----
    // Sorted by (brand, customer): each brand's owners sorted by customer id, brands in id order. This is
    // the order of the key `${brandId}\u0000${customerId}` (no brand id holds U+0000), without building it.
    const activeByBrand = new Map<string, Owner[]>();
    const activate = (owner: Owner) => {
      owner.active = true;
      const list = activeByBrand.get(owner.o.brandId);
      if (list) list.push(owner);
      else activeByBrand.set(owner.o.brandId, [owner]);
    };
    for (const byCustomer of owners.values()) {
      for (const owner of byCustomer.values()) {
        if (owner.ig || owner.trades || owner.prop || owner.fxCpa) activate(owner);
      }
    }
    // CPA candidates without activity this period (first deposit now, or progress carried)
    for (const owner of cpaCandidates) {
      if (owner.active) continue;
      const deal = dealFor(owner, Math.min(Math.max(owner.ftdDay ?? lastDay, startDay), lastDay));
      if (!deal) continue;
      const agg = newIgAgg(owner, deal);
      if (agg?.cpa) {
        owner.ig = [agg];
        activate(owner);
        continue;
      }
      const fxc = deal.pick(owner.o.segment, owner.o.brandId, 'forex_cpa') as Comp<'forex_cpa'> | undefined;
      if (fxc) {
        owner.fxCpa = { deal, comp: fxc, lots: 0 };
        activate(owner);
      }
    }
    const active: Owner[] = [];
    const activeBrands = [...activeByBrand.keys()].sort();
    if (activeBrands.some((b) => b.includes('\u0000'))) {
      for (const b of activeBrands) for (const owner of activeByBrand.get(b)!) active.push(owner);
      sortByKey(active, (a) => `${a.o.brandId}\u0000${a.o.customerId}`);
    } else {
      for (const b of activeBrands) {
        const list = sortByKey(activeByBrand.get(b)!, (a) => a.o.customerId);
        for (let i = 0; i < list.length; i++) active.push(list[i]!);
      }
    }
    activeByBrand.clear();

    interface RevGroup {
      partnerId: string;
      segment: Segment;
      firstBrand: string;
      deal: CompiledDeal;
      comp: Comp<'igaming_revshare'>;
      ngrByBrand: Map<string, bigint>;
      ggr: bigint;
      deductions: Map<string, { method: string; base?: string; rate?: bigint; amount: bigint }>;
      /** The `deductions` entry of each of the component's deductions, in the deal's order. */
      slots: { amount: bigint }[];
      /** Each customer's NGR (brandId set once the group spans brands), formatted only when explained. */
      detail: { customerId: string; brandId: string | null; ngr: bigint }[];
      lateDays: number;
    }
    const revGroups = new Map<string, RevGroup>();
    /** Groups already found, per partner segment key (an interned string): no key built per customer. */
    const revByPs = new Map<string, { deal: CompiledDeal; comp: Comp<'igaming_revshare'>; g: RevGroup }[]>();
    const revGroupOf = (
      owner: Owner,
      deal: CompiledDeal,
      comp: Comp<'igaming_revshare'>,
      create: boolean,
    ): RevGroup | undefined => {
      let found = revByPs.get(owner.psKey);
      if (found) for (const f of found) if (f.deal === deal && f.comp === comp) return f.g;
      const gk = `${owner.psKey}\u0000${deal.dealId}@${deal.version}\u0000${comp.id}`;
      let g = revGroups.get(gk);
      if (!g) {
        if (!create) return undefined;
        const deductions: RevGroup['deductions'] = new Map();
        const slots: RevGroup['slots'] = [];
        for (const d of comp.deductions) {
          let slot = deductions.get(d.kind);
          if (!slot) {
            slot =
              d.method === 'percent'
                ? { method: d.method, base: d.base, rate: d.rate, amount: 0n }
                : { method: d.method, amount: 0n };
            deductions.set(d.kind, slot);
          }
          slots.push(slot);
        }
        g = {
          partnerId: owner.o.partnerId,
          segment: owner.o.segment,
          firstBrand: owner.o.brandId,
          deal,
          comp,
          ngrByBrand: new Map(),
          ggr: 0n,
          deductions,
          slots,
          detail: [],
          lateDays: 0,
        };
        revGroups.set(gk, g);
      }
      if (!found) {
        found = [];
        revByPs.set(owner.psKey, found);
      }
      found.push({ deal, comp, g });
      return g;
    };
    interface PropGroup {
      partnerId: string;
      segment: Segment;
      deal: CompiledDeal;
      comp: Comp<'prop_purchase'>;
      sales: bigint;
      conversions: number;
      owners: { owner: Owner; agg: PropAgg }[];
    }
    const propGroups = new Map<string, PropGroup>();

    // The customer key is built only when a CPA is paid or progress was carried in.
    const ckOf = (o: Ownership) => `${o.brandId}\u0000${o.customerId}`;
    const progOf = (o: Ownership) => (cpaProgress.size > 0 ? cpaProgress.get(ckOf(o)) : undefined);
    /** Paid now (by this owner, earlier in the loop) or before: what `newCpaPaid.has(key)` answers. */
    const alreadyPaid = (owner: Owner) => owner.paidNow || (cpaPaid.size > 0 && cpaPaid.has(ckOf(owner.o)));

    for (const owner of active) {
      const o = owner.o;
      const who = { partnerId: o.partnerId, segment: o.segment };
      // ---------- iGaming ----------
      for (const agg of owner.ig ?? []) {
        flushIg(agg);
        const ex = agg.e ?? ZERO_EXACT;
        const deal = agg.deal;
        if (agg.rev && agg.days - agg.lateDays > 0) {
          const g = revGroupOf(owner, deal, agg.rev, true)!;
          // NGR as calculateNgr computes it (GGR − the deal's deductions in order), added straight into the
          // group's sums: no per-customer inputs, result or deduction objects
          const ggr = (ex.stakes - ex.wins) * NGR_ONE;
          let ngr = ggr;
          const ds = agg.rev.deductions;
          const slots = g.slots;
          for (let i = 0; i < ds.length; i++) {
            const d = ds[i]!;
            const amount =
              d.method === 'reported'
                ? reportedOf(ex, d.kind) * NGR_ONE
                : ((d.base === 'ggr' ? ggr : ngr) * d.rate) / NGR_ONE;
            slots[i]!.amount += amount;
            ngr -= amount;
          }
          g.ngrByBrand.set(o.brandId, (g.ngrByBrand.get(o.brandId) ?? 0n) + ngr);
          g.ggr += ggr;
          g.detail.push({
            customerId: o.customerId,
            brandId: g.ngrByBrand.size > 1 || o.brandId !== g.firstBrand ? o.brandId : null,
            ngr,
          });
        }
        if (agg.rev && agg.lateDays > 0) {
          const g = revGroupOf(owner, deal, agg.rev, false);
          if (g) g.lateDays += agg.lateDays;
        }
        if (agg.cpa) {
          const cpa = agg.cpa;
          const prog = progOf(o);
          const progWager =
            prog && prog.currency === deal.currency
              ? decimalAtScale(parseDecimalOrThrow(prog.wagered), MONEY_SCALE)
              : 0n;
          const ftd = ftdIn(owner, deal.currency);
          const wagered = progWager + ex.wager;
          const bets = (prog?.bets ?? 0) + agg.bets;
          const decision = decideCpa(igCpaRules(cpa), {
            alreadyPaid: alreadyPaid(owner),
            flags: o.flags ?? NO_FLAGS,
            country: o.country ?? null,
            registeredDay: owner.regDay,
            firstDepositDay: owner.ftdDay,
            firstDeposit: ftd,
            wagered,
            bets,
            lots: 0n,
            periodEndDay: endDay,
          });
          if (decision.kind === 'pay') {
            const amount = roundScaled(decision.amount, MONEY_SCALE, deal.digits, deal.rounding);
            own(
              who,
              deal,
              cpa.id,
              'cpa',
              o.brandId,
              o.customerId,
              amount,
              () => ({
                formula: `CPA ${decision.country ? `for ${decision.country}` : '(default amount)'} = ${money(amount, deal.digits)}`,
                inputs: {
                  country: o.country ?? '',
                  firstDeposit: ftd === null ? '' : exact(ftd, MONEY_SCALE),
                  wagered: exact(wagered, MONEY_SCALE),
                  bets: String(bets),
                  holdDays: String(cpa.holdDays),
                },
                notes: decision.checks,
              }),
              dayString(endDay + cpa.holdDays),
            );
            newCpaPaid.set(ckOf(o), {
              brandId: o.brandId,
              customerId: o.customerId,
              partnerId: o.partnerId,
              componentId: cpa.id,
              periodId,
            });
            owner.paidNow = true;
          } else if (decision.kind === 'pending') {
            owner.progress = {
              brandId: o.brandId,
              customerId: o.customerId,
              currency: deal.currency,
              wagered: exact(wagered, MONEY_SCALE) || '0',
              bets,
              lots: '0',
            };
          }
        }
      }
      // ---------- Forex ----------
      for (const agg of owner.trades ?? []) {
        const deal = agg.deal;
        const comp = agg.comp;
        const classes = new Map<string, { lots: bigint; amount: bigint; trades: number }>();
        const classOf = (cls: string) => {
          let c = classes.get(cls);
          if (!c) {
            c = { lots: 0n, amount: 0n, trades: 0 };
            classes.set(cls, c);
          }
          return c;
        };
        for (const cell of agg.cells) {
          if (cell.trades === 0) continue;
          if (!Number.isSafeInteger(cell.lots) || !Number.isSafeInteger(cell.allLots)) {
            throw new Error('Lot total out of range');
          }
          flushCell(cell);
          const c = classOf(cell.cls);
          c.lots += BigInt(cell.allLots);
          c.amount += (cell.rate ?? 0n) * BigInt(cell.lots) + cell.extra;
          c.trades += cell.trades;
        }
        let nettedLots = 0n;
        if (agg.buckets) {
          for (const key of [...agg.buckets.keys()].sort()) {
            const b = agg.buckets.get(key)!;
            const buyLots = BigInt(b.buyLots);
            const sellLots = BigInt(b.sellLots);
            let lots: bigint;
            let amount: bigint;
            if (buyLots > 0n && sellLots > 0n) {
              const buyMajor = buyLots >= sellLots;
              const major = buyMajor ? buyLots : sellLots;
              const minor = buyMajor ? sellLots : buyLots;
              const majorAmt = buyMajor ? b.buyAmt : b.sellAmt;
              lots = major - minor;
              amount = roundDiv(majorAmt * lots, major, 'half_up');
              nettedLots += 2n * minor;
            } else {
              lots = buyLots + sellLots;
              amount = b.buyAmt + b.sellAmt;
            }
            const c = classOf(b.cls);
            c.lots += lots;
            c.amount += amount;
            c.trades += b.trades;
          }
        }
        let total = 0n;
        let lots = 0n;
        let trades = 0;
        const clsKeys = [...classes.keys()].sort();
        for (const cls of clsKeys) {
          const c = classes.get(cls)!;
          total += c.amount;
          lots += c.lots;
          trades += c.trades;
        }
        const detail = () =>
          clsKeys.map((cls) => {
            const c = classes.get(cls)!;
            return {
              instrumentClass: cls,
              trades: String(c.trades),
              lots: exact(c.lots, LOT_SCALE) || '0',
              amount: exact(c.amount, TRADE_SCALE) || '0',
            };
          });
        const notes: string[] = [];
        if (agg.minHold)
          notes.push(`${agg.minHold} trade(s) closed within the minimum holding time earn nothing`);
        if (agg.noRate)
          notes.push(
            `${agg.noRate} trade(s) in an instrument class or account type without a rate earn nothing`,
          );
        if (agg.capped) notes.push(`${agg.capped} trade(s) capped at the per-trade cap`);
        if (agg.coef)
          notes.push(`${agg.coef} trade(s) scaled by the credit coefficient (equity − credit) / equity`);
        if (nettedLots)
          notes.push(
            `${exact(nettedLots, LOT_SCALE)} lots of opposite same-day volume per symbol netted (hedging)`,
          );
        if (trades === 0 && agg.minHold + agg.noRate === 0) continue;
        const inputs: Record<string, string> = {
          trades: String(trades),
          lots: exact(lots, LOT_SCALE) || '0',
        };
        if (comp.kind === 'forex_markup_share') {
          const amount = roundScaled(total, TRADE_SCALE, deal.digits, deal.rounding);
          own(who, deal, comp.id, 'fx_markup_share', o.brandId, o.customerId, amount, () => ({
            formula: `Σ lots × markup per lot × ${pct(comp.ppm)} = ${exact(total, TRADE_SCALE) || '0'} → ${money(amount, deal.digits)}`,
            inputs: { ...inputs, share: pct(comp.ppm) },
            detail: detail(),
            notes,
          }));
          continue;
        }
        const m = comp.method;
        let formula: string;
        if (m.kind === 'per_lot')
          formula = 'Σ per trade: lots × rate per lot of its instrument class and account type';
        else if (m.kind === 'points') formula = 'Σ per trade: lots × points × tick size × contract size';
        else if (m.kind === 'spread_share') formula = `Σ per trade: lots × spread per lot × ${pct(m.ppm)}`;
        else {
          const t = volumeTier(owner.psKey, comp, m);
          const band = m.bands[t.band]!;
          formula = `Σ lots × ${exact(band.perLot, 30)} per lot (volume tier ${t.band + 1}: ${exact(t.volume, LOT_SCALE) || '0'} lots in the ${m.windowDays} days before the period)`;
          inputs.windowLots = exact(t.volume, LOT_SCALE) || '0';
        }
        let partnerTotal = total;
        if (comp.clientRebate > 0n) {
          const blocked =
            deal.jurisdictions.has('cysec') ||
            deal.jurisdictions.has('esma') ||
            owner.brand.jurisdictions.some((j) => j.toLowerCase() === 'cysec' || j.toLowerCase() === 'esma');
          if (blocked) {
            issue(`clientblock\u0000${o.partnerId}\u0000${o.brandId}`, () => ({
              kind: 'client_rebate_blocked',
              partnerId: o.partnerId,
              brandId: o.brandId,
              count: 1,
            }));
            notes.push('client rebate not paid: CySEC/ESMA brand (no incentives to retail CFD clients)');
          } else {
            const client = roundDiv(total * comp.clientRebate, PPM_ONE, 'half_up');
            partnerTotal = total - client;
            const amount = roundScaled(client, TRADE_SCALE, deal.digits, deal.rounding);
            push({
              lineId: lineId(o.partnerId, o.segment, 'client_rebate', deal, comp.id, o.brandId, o.customerId),
              periodId,
              partnerId: o.partnerId,
              segment: o.segment,
              payee: 'customer',
              brandId: o.brandId,
              customerId: o.customerId,
              kind: 'client_rebate',
              amount,
              currency: deal.currency,
              holdUntil: null,
              dealId: deal.dealId,
              dealVersion: deal.version,
              componentId: comp.id,
              derivedFrom: null,
              explanation: {
                formula: `rebate ${exact(total, TRADE_SCALE) || '0'} × ${pct(comp.clientRebate)} passed to the client = ${money(amount, deal.digits)}`,
                inputs: { rebate: exact(total, TRADE_SCALE) || '0', clientShare: pct(comp.clientRebate) },
              },
            });
            notes.push(`${pct(comp.clientRebate)} of the rebate passed to the client`);
          }
        }
        if (comp.splitShares) {
          const chain = [who, ...ancestors(o.partnerId, o.segment)].slice(0, comp.splitShares.length);
          const shares = comp.splitShares.slice(0, chain.length);
          const parts = calculateSplit(partnerTotal, TRADE_SCALE, deal.digits, shares, deal.rounding);
          const pool = exact(partnerTotal, TRADE_SCALE) || '0';
          const ownLine = own(who, deal, comp.id, 'fx_rebate', o.brandId, o.customerId, parts[0]!, {
            formula: `${formula}; split model: pool ${pool} × ${pct(shares[0]!)} = ${money(parts[0]!, deal.digits)}`,
            inputs: { ...inputs, pool, share: pct(shares[0]!) },
            detail: detail(),
            notes: [
              ...notes,
              'split rounding telescopes so the shares never add up to more than the rounded pool',
            ],
          });
          for (let i = 1; i < chain.length; i++) {
            const anc = chain[i]!;
            push({
              ...ownLine,
              lineId: `${ownLine.lineId}>${anc.partnerId}|${anc.segment}|ib_split`,
              partnerId: anc.partnerId,
              segment: anc.segment,
              kind: 'ib_split',
              amount: parts[i]!,
              derivedFrom: ownLine.lineId,
              explanation: {
                formula: `split model: pool ${pool} × ${pct(shares[i]!)} (level ${i} above the client's IB) = ${money(parts[i]!, deal.digits)}`,
                inputs: { pool, share: pct(shares[i]!), level: String(i), childPartnerId: o.partnerId },
              },
            });
          }
        } else {
          const amount = roundScaled(partnerTotal, TRADE_SCALE, deal.digits, deal.rounding);
          const l = own(who, deal, comp.id, 'fx_rebate', o.brandId, o.customerId, amount, () => ({
            formula: `${formula} = ${exact(partnerTotal, TRADE_SCALE) || '0'} → ${money(amount, deal.digits)}`,
            inputs,
            detail: detail(),
            notes,
          }));
          lotsOfLine.set(l, lots);
        }
      }
      if (owner.fxCpa) {
        const { deal, comp } = owner.fxCpa;
        const prog = progOf(o);
        const lots =
          BigInt(owner.fxCpa.lots) + (prog ? decimalAtScale(parseDecimalOrThrow(prog.lots), LOT_SCALE) : 0n);
        const ftd = ftdIn(owner, deal.currency);
        const decision = decideCpa(
          {
            amounts: comp.amounts,
            exclude: comp.exclude,
            minFirstDeposit: comp.minDeposit,
            depositWithinDays: null,
            minWagering: null,
            minWageringMultiple: null,
            minBets: null,
            minLots: comp.minLots,
            activityWithinDays: comp.withinDays,
            activityFrom: 'first_deposit',
          },
          {
            alreadyPaid: alreadyPaid(owner),
            flags: o.flags ?? {},
            country: o.country ?? null,
            registeredDay: owner.regDay,
            firstDepositDay: owner.ftdDay,
            firstDeposit: ftd,
            wagered: 0n,
            bets: 0,
            lots,
            periodEndDay: endDay,
          },
        );
        if (decision.kind === 'pay') {
          const amount = roundScaled(decision.amount, MONEY_SCALE, deal.digits, deal.rounding);
          own(
            who,
            deal,
            comp.id,
            'fx_cpa',
            o.brandId,
            o.customerId,
            amount,
            {
              formula: `FX CPA ${decision.country ? `for ${decision.country}` : '(default amount)'} = ${money(amount, deal.digits)}`,
              inputs: {
                country: o.country ?? '',
                firstDeposit: ftd === null ? '' : exact(ftd, MONEY_SCALE),
                lots: exact(lots, LOT_SCALE) || '0',
                holdDays: String(comp.holdDays),
              },
              notes: decision.checks,
            },
            dayString(endDay + comp.holdDays),
          );
          newCpaPaid.set(ckOf(o), {
            brandId: o.brandId,
            customerId: o.customerId,
            partnerId: o.partnerId,
            componentId: comp.id,
            periodId,
          });
          owner.paidNow = true;
        } else if (decision.kind === 'pending') {
          const prev = owner.progress;
          owner.progress = {
            brandId: o.brandId,
            customerId: o.customerId,
            currency: deal.currency,
            wagered: prev?.wagered ?? '0',
            bets: prev?.bets ?? 0,
            lots: exact(lots, LOT_SCALE) || '0',
          };
        }
      }
      // ---------- Prop ----------
      for (const agg of owner.prop ?? []) {
        const deal = agg.deal;
        if (agg.purchase && agg.purchases.length > 0) {
          const gk = `${owner.psKey}\u0000${deal.dealId}@${deal.version}\u0000${agg.purchase.id}`;
          let g = propGroups.get(gk);
          if (!g) {
            g = { ...who, deal, comp: agg.purchase, sales: 0n, conversions: 0, owners: [] };
            propGroups.set(gk, g);
          }
          for (const p of agg.purchases) {
            if (agg.purchase.firstOnly && p.kind !== 'first') continue;
            g.sales += p.base;
            if (p.kind === 'first') g.conversions++;
          }
          g.owners.push({ owner, agg });
        }
        if (agg.funded && agg.payouts > 0) {
          const v = agg.payout * agg.funded.ppm;
          const amount = roundScaled(v, MONEY_SCALE + 6, deal.digits, deal.rounding);
          own(who, deal, agg.funded.id, 'prop_funded', o.brandId, o.customerId, amount, {
            formula: `funded payouts ${exact(agg.payout, MONEY_SCALE)} × ${pct(agg.funded.ppm)} = ${money(amount, deal.digits)}`,
            inputs: {
              payouts: String(agg.payouts),
              payoutTotal: exact(agg.payout, MONEY_SCALE) || '0',
              rate: pct(agg.funded.ppm),
            },
          });
        }
      }
      // release what this owner accumulated: lines now carry it (prop aggregates live on in their group)
      owner.ig = null;
      owner.trades = null;
      owner.prop = null;
      owner.fxCpa = null;
    }

    // ---------- revshare per partner segment ----------
    for (const gk of [...revGroups.keys()].sort()) {
      const g = revGroups.get(gk)!;
      const comp = g.comp;
      const deal = g.deal;
      const psKey = psKeyOf(g.partnerId, g.segment);
      const carried = newCarry.get(psKey) ?? new Map<string, bigint>();
      const co = calculateCarryover(
        g.ngrByBrand,
        comp.carryover.enabled ? carried : new Map(),
        comp.carryover,
      );
      const base = co.base;
      let ngrTotal = 0n;
      for (const v of g.ngrByBrand.values()) ngrTotal += v;
      const ndc = ndcFor(psKey, comp.brands, g.deal);
      let amount36: bigint;
      let tier: Explanation['tier'];
      let rateText: string;
      if (comp.rate !== null) {
        amount36 = base > 0n ? base * comp.rate : 0n;
        rateText = pct(comp.rate);
        tier = undefined;
      } else {
        const t = comp.tiers!;
        const hist = history.get(`${psKey}\u0000${comp.id}`);
        let value: bigint;
        if (t.basis === 'ngr')
          value =
            t.period === 'current'
              ? base
              : hist
                ? decimalAtScale(parseDecimalOrThrow(hist.ngr), NGR_SCALE)
                : 0n;
        else value = BigInt(t.period === 'current' ? ndc : (hist?.ndc ?? 0));
        let res: ReturnType<typeof calculateTieredAmount>;
        if (t.basis === 'ngr' && t.period === 'current') res = calculateTieredAmount(t.bands, base, t.mode);
        else {
          const reached = findBand(t.bands, value);
          const r = t.bands[reached]!.rate;
          res = {
            mode: 'retroactive',
            reached,
            amount: base > 0n ? base * r : 0n,
            parts: [{ band: reached, portion: base, amount: base > 0n ? base * r : 0n }],
          };
        }
        amount36 = res.amount;
        rateText = res.mode === 'retroactive' ? pct(t.bands[res.reached]!.rate) : 'incremental bands';
        tier = {
          basis: `${t.basis}${t.period === 'last_closed' ? ' (last closed period)' : ''}`,
          value: t.basis === 'ngr' ? exact(value, NGR_SCALE) || '0' : String(value),
          mode: res.mode,
          reached: res.reached,
          bands: t.labels.map((b, i) => {
            const part = res.parts.find((p) => p.band === i);
            return {
              ...b,
              ...(part
                ? {
                    portion: exact(part.portion, NGR_SCALE) || '0',
                    amount: exact(part.amount, NGR_SCALE + 6) || '0',
                  }
                : {}),
            };
          }),
        };
      }
      const amount = roundScaled(amount36, NGR_SCALE + 6, deal.digits, deal.rounding);
      const brandsIn = [...g.ngrByBrand.keys()];
      const notes: string[] = [];
      if (comp.carryover.enabled) {
        for (const s of co.scopes) {
          if (s.carryIn !== 0n || s.carryOut !== 0n) {
            notes.push(
              `carryover ${s.scope === '*' ? '(bundled)' : `brand ${s.scope}`}: NGR ${exact(s.ngr, NGR_SCALE) || '0'} + carried ${exact(s.carryIn, NGR_SCALE) || '0'} = ${exact(s.net, NGR_SCALE) || '0'}; carried forward ${exact(s.carryOut, NGR_SCALE) || '0'}`,
            );
          }
        }
      } else if (ngrTotal < 0n)
        notes.push('negative NGR earns nothing this period and is not carried over (carryover off)');
      if (g.lateDays > 0)
        notes.push(`${g.lateDays} customer-day(s) after the revshare duration ended are excluded`);
      own(
        g,
        deal,
        comp.id,
        'revshare',
        brandsIn.length === 1 ? brandsIn[0]! : null,
        null,
        amount,
        (): Explanation => ({
          formula: `commissionable NGR ${exact(base, NGR_SCALE) || '0'} × ${rateText} = ${exact(amount36, NGR_SCALE + 6) || '0'} → ${money(amount, deal.digits)}`,
          inputs: {
            ggr: exact(g.ggr, NGR_SCALE) || '0',
            ngr: exact(ngrTotal, NGR_SCALE) || '0',
            commissionable: exact(base, NGR_SCALE) || '0',
            customers: String(g.detail.length),
            ndc: String(ndc),
          },
          ...(tier ? { tier } : {}),
          deductions: [...g.deductions.entries()].map(([kind, d]) => ({
            kind,
            method: d.method,
            ...(d.base ? { base: d.base } : {}),
            ...(d.rate !== undefined ? { rate: pct(d.rate) } : {}),
            amount: exact(d.amount, NGR_SCALE) || '0',
          })),
          detail: g.detail.map(
            (d): Record<string, string> =>
              d.brandId !== null
                ? { customerId: d.customerId, brandId: d.brandId, ngr: exact(d.ngr, NGR_SCALE) }
                : { customerId: d.customerId, ngr: exact(d.ngr, NGR_SCALE) },
          ),
          notes,
        }),
      );
      // carried state
      if (comp.carryover.enabled) {
        const out = new Map<string, bigint>();
        for (const s of co.scopes) if (s.carryOut !== 0n) out.set(s.scope, s.carryOut);
        newCarry.set(psKey, out);
      } else newCarry.delete(psKey);
      newHistory.set(`${psKey}\u0000${comp.id}`, {
        partnerId: g.partnerId,
        segment: g.segment,
        componentId: comp.id,
        periodId,
        ngr: exact(base, NGR_SCALE) || '0',
        ndc,
        sales: '0',
        conversions: 0,
      });
    }

    // ---------- prop purchases per partner segment ----------
    for (const gk of [...propGroups.keys()].sort()) {
      const g = propGroups.get(gk)!;
      const comp = g.comp;
      const deal = g.deal;
      const psKey = psKeyOf(g.partnerId, g.segment);
      let rate: bigint;
      let tier: Explanation['tier'];
      if (comp.rate !== null) rate = comp.rate;
      else {
        const t = comp.tiers!;
        const hist = history.get(`${psKey}\u0000${comp.id}`);
        let value: bigint;
        if (t.basis === 'sales')
          value =
            t.period === 'current'
              ? g.sales
              : hist
                ? decimalAtScale(parseDecimalOrThrow(hist.sales), MONEY_SCALE)
                : 0n;
        else value = BigInt(t.period === 'current' ? g.conversions : (hist?.conversions ?? 0));
        const reached = findBand(t.bands, value);
        rate = t.bands[reached]!.rate;
        tier = {
          basis: `${t.basis}${t.period === 'last_closed' ? ' (last closed period)' : ''}`,
          value: t.basis === 'sales' ? exact(value, MONEY_SCALE) || '0' : String(value),
          mode: 'retroactive',
          reached,
          bands: t.labels,
        };
      }
      newHistory.set(`${psKey}\u0000${comp.id}`, {
        partnerId: g.partnerId,
        segment: g.segment,
        componentId: comp.id,
        periodId,
        ngr: '0',
        ndc: 0,
        sales: exact(g.sales, MONEY_SCALE) || '0',
        conversions: g.conversions,
      });
      for (const { owner, agg } of g.owners) {
        const o = owner.o;
        let total = 0n;
        let holdUntil = -1;
        const sorted = purchasesInOrder(agg.purchases);
        const detail = () =>
          sorted.map(
            (p): Record<string, string> =>
              comp.firstOnly && p.kind !== 'first'
                ? {
                    purchaseId: p.id,
                    date: dayString(p.day),
                    kind: p.kind,
                    base: exact(p.base, MONEY_SCALE) || '0',
                    commission: '0',
                    note: 'first purchase only',
                  }
                : {
                    purchaseId: p.id,
                    date: dayString(p.day),
                    kind: p.kind,
                    base: exact(p.base, MONEY_SCALE) || '0',
                    commission: exact(p.base * rate, MONEY_SCALE + 6) || '0',
                  },
          );
        for (const p of sorted) {
          if (comp.firstOnly && p.kind !== 'first') continue;
          const c = p.base * rate; // MONEY_SCALE + 6
          total += c;
          const hold = p.day + comp.refundWindowDays;
          if (hold > holdUntil) holdUntil = hold;
          const entry = {
            purchaseId: p.id,
            brandId: o.brandId,
            customerId: o.customerId,
            partnerId: o.partnerId,
            segment: o.segment,
            dealId: deal.dealId,
            dealVersion: deal.version,
            componentId: comp.id,
            date: dayString(p.day),
            holdUntil: dayString(hold),
            reverseUntil: dayString(comp.onRefund === 'void' ? hold : p.day + comp.horizonDays),
            onRefund: comp.onRefund,
            currency: p.paidCurrency,
            base: formatScaledTrim(p.paid, minorDigits(p.paidCurrency)) || '0',
            commission: exact(c, MONEY_SCALE + 6) || '0',
            reversed: '0',
          };
          newProp.set(p.id, entry);
        }
        if (holdUntil < 0) continue;
        const amount = roundScaled(total, MONEY_SCALE + 6, deal.digits, deal.rounding);
        own(
          { partnerId: o.partnerId, segment: o.segment },
          deal,
          comp.id,
          'prop_commission',
          o.brandId,
          o.customerId,
          amount,
          (): Explanation => ({
            formula: `Σ ${comp.base === 'list_price' ? 'list price' : 'amount paid'} × ${pct(rate)} = ${exact(total, MONEY_SCALE + 6) || '0'} → ${money(amount, deal.digits)}`,
            inputs: {
              rate: pct(rate),
              purchases: String(sorted.length),
              refundWindowDays: String(comp.refundWindowDays),
            },
            ...(tier ? { tier } : {}),
            detail: detail(),
          }),
          dayString(holdUntil),
        );
      }
    }

    // ---------- refunds and chargebacks ----------
    const reversalGroups = new Map<
      string,
      {
        e: CarriedState['propCommissions'][number];
        kind: 'prop_void' | 'prop_clawback';
        total: bigint;
        detail: Record<string, string>[];
      }
    >();
    const sortedRefunds = [...refunds].sort(
      (a, b) =>
        cmp(a.date, b.date) ||
        cmp(a.purchaseId, b.purchaseId) ||
        cmp(a.reason, b.reason) ||
        (a.amount < b.amount ? -1 : a.amount > b.amount ? 1 : 0),
    );
    for (const r of sortedRefunds) {
      const e = newProp.get(r.purchaseId);
      if (!e) {
        issues.set(`purchase\u0000${r.purchaseId}`, { kind: 'unknown_purchase', purchaseId: r.purchaseId });
        continue;
      }
      const day = dayNumber(r.date);
      if (day > dayNumber(e.reverseUntil)) continue; // after the window (void) or the clawback horizon: nothing to reverse
      const commission = decimalAtScale(parseDecimalOrThrow(e.commission), MONEY_SCALE + 6);
      const reversed = decimalAtScale(parseDecimalOrThrow(e.reversed), MONEY_SCALE + 6);
      const paid = decimalAtScale(parseDecimalOrThrow(e.base), minorDigits(e.currency));
      if (r.currency !== e.currency || paid <= 0n) {
        issues.set(`purchase\u0000${r.purchaseId}`, { kind: 'unknown_purchase', purchaseId: r.purchaseId });
        continue;
      }
      let refunded = paid;
      if (r.amount < paid) refunded = r.amount;
      let rev = refunded === paid ? commission : roundDiv(commission * refunded, paid, 'half_up');
      if (rev > commission - reversed) rev = commission - reversed;
      if (rev <= 0n) continue;
      const updated = { ...e, reversed: exact(reversed + rev, MONEY_SCALE + 6) || '0' };
      newProp.set(r.purchaseId, updated);
      const kind = day < dayNumber(e.holdUntil) ? 'prop_void' : 'prop_clawback';
      const key = `${e.partnerId}\u0000${e.segment}\u0000${e.dealId}@${e.dealVersion}\u0000${e.componentId}\u0000${e.brandId}\u0000${e.customerId}\u0000${kind}`;
      let grp = reversalGroups.get(key);
      if (!grp) {
        grp = { e, kind, total: 0n, detail: [] };
        reversalGroups.set(key, grp);
      }
      grp.total += rev;
      grp.detail.push({
        purchaseId: r.purchaseId,
        date: r.date,
        reason: r.reason,
        refunded: formatScaledTrim(refunded, minorDigits(e.currency)),
        paid: e.base,
        commission: e.commission,
        reversed: exact(rev, MONEY_SCALE + 6) || '0',
      });
    }
    for (const key of [...reversalGroups.keys()].sort()) {
      const grp = reversalGroups.get(key)!;
      const e = grp.e;
      const deal = findDeal(e.partnerId, e.segment, e.dealId, e.dealVersion);
      const currency = deal?.currency ?? dealCurrencyFromLines(e);
      const digits = minorDigits(currency);
      const mode = deal?.rounding ?? 'half_up';
      const amount = -roundScaled(grp.total, MONEY_SCALE + 6, digits, mode);
      push({
        lineId: `${periodId}|${e.partnerId}|${e.segment}|${grp.kind}|${e.dealId}@${e.dealVersion}|${e.componentId}|${e.brandId}|${e.customerId}`,
        periodId,
        partnerId: e.partnerId,
        segment: e.segment,
        payee: 'partner',
        brandId: e.brandId,
        customerId: e.customerId,
        kind: grp.kind,
        amount,
        currency,
        holdUntil: null,
        dealId: e.dealId,
        dealVersion: e.dealVersion,
        componentId: e.componentId,
        derivedFrom: null,
        explanation: {
          formula: `−(commission × refunded / paid), summed = −${exact(grp.total, MONEY_SCALE + 6)} → ${money(amount, digits)}`,
          inputs: {
            policy: e.onRefund,
            reason:
              grp.kind === 'prop_void'
                ? 'refund inside the refund window: pending commission voided'
                : 'refund after the window: commission clawed back',
          },
          detail: grp.detail,
        },
      });
    }

    // ---------- fees ----------
    const feeDeals = new Set<CompiledDeal>();
    for (const list of dealsByPs.values()) {
      const d = dealAt(list, lastDay);
      if (d) feeDeals.add(d);
    }
    for (const deal of [...feeDeals].sort(
      (a, b) => cmp(a.partnerId, b.partnerId) || cmp(a.dealId, b.dealId) || a.version - b.version,
    )) {
      for (const comp of deal.components) {
        if (comp.kind !== 'fixed_fee') continue;
        const segment = (comp.segments ? [...comp.segments][0] : deal.source.terms.segments[0])!;
        const amount = roundScaled(comp.amount, MONEY_SCALE, deal.digits, deal.rounding);
        own({ partnerId: deal.partnerId, segment }, deal, comp.id, 'retainer', null, null, amount, {
          formula: `monthly retainer ${money(amount, deal.digits)}`,
          inputs: { fee: 'monthly_retainer' },
          notes: ['paid under the deal version in force on the last day of the period'],
        });
      }
    }
    const delivGroups = new Map<
      string,
      {
        deal: CompiledDeal;
        comp: Comp<'deliverable_fee'>;
        partnerId: string;
        segment: Segment;
        items: DeliverableRow[];
      }
    >();
    for (const d of deliverables) {
      const deal = dealAt(dealsByPs.get(psKeyOf(d.partnerId, d.segment)), dayNumber(d.date));
      const comp = deal?.components.find(
        (c): c is Comp<'deliverable_fee'> =>
          c.kind === 'deliverable_fee' &&
          (!c.segments || c.segments.has(d.segment)) &&
          (!c.types || c.types.has(d.deliverableType)),
      );
      if (!deal || !comp) {
        issue(`nocomp\u0000${psKeyOf(d.partnerId, d.segment)}\u0000deliverable`, () => ({
          kind: 'no_component',
          partnerId: d.partnerId,
          segment: d.segment,
          revenue: 'deliverable',
          count: 1,
        }));
        continue;
      }
      const key = `${psKeyOf(d.partnerId, d.segment)}\u0000${deal.dealId}@${deal.version}\u0000${comp.id}`;
      let g = delivGroups.get(key);
      if (!g) {
        g = { deal, comp, partnerId: d.partnerId, segment: d.segment, items: [] };
        delivGroups.set(key, g);
      }
      if (!g.items.some((x) => x.deliverableId === d.deliverableId)) g.items.push(d);
    }
    for (const key of [...delivGroups.keys()].sort()) {
      const g = delivGroups.get(key)!;
      g.items.sort((a, b) => cmp(a.date, b.date) || cmp(a.deliverableId, b.deliverableId));
      const unit = roundScaled(g.comp.amount, MONEY_SCALE, g.deal.digits, g.deal.rounding);
      const amount = unit * BigInt(g.items.length);
      own(g, g.deal, g.comp.id, 'deliverable_fee', null, null, amount, {
        formula: `${g.items.length} deliverable(s) × ${money(unit, g.deal.digits)} = ${money(amount, g.deal.digits)}`,
        inputs: { count: String(g.items.length), fee: money(unit, g.deal.digits) },
        detail: g.items.map((d) => ({
          deliverableId: d.deliverableId,
          type: d.deliverableType,
          date: d.date,
        })),
      });
    }

    // ---------- caps ----------
    applyCaps();

    // ---------- hierarchy: forex lot overrides and sub-partner overrides ----------
    // One override line per (ancestor, override component, sub-partner segment, child line kind, brand,
    // currency, hold-until): it sums the child lines (lots or amounts) and rounds once; its explanation
    // lists every child line id.
    interface OverrideGroup {
      readonly anc: { partnerId: string; segment: Segment };
      readonly deal: CompiledDeal;
      readonly comp: Comp<'forex_lot_override'> | Comp<'sub_partner_override'>;
      readonly depth: number;
      /** per lot (RATE_SCALE) or rate (ppm) */
      readonly rate: bigint;
      readonly first: Rec;
      readonly children: Rec[];
      /** Σ lots (LOT_SCALE) of fx_rebate children, or Σ amounts (minor units of the child currency). */
      sum: bigint;
      minId: string;
    }
    const overrideGroups = new Map<string, OverrideGroup>();
    /**
     * Per child partner segment: its ancestors with their deals, and the groups already found for each
     * (child kind, brand, currency, hold-until) and each (ancestor, component) pair, so that a line looks
     * its groups up by position instead of building their keys.
     */
    interface OverrideSlot {
      readonly kind: LineKind;
      readonly brandId: string | null;
      readonly currency: string;
      readonly holdUntil: string | null;
      readonly groupKey: string;
      readonly groups: (OverrideGroup | undefined)[];
    }
    interface OverrideChain {
      readonly pairs: {
        readonly i: number;
        readonly anc: { partnerId: string; segment: Segment };
        readonly deal: CompiledDeal;
        readonly comp: CompiledComponent;
      }[];
      readonly slots: OverrideSlot[];
    }
    const chainCache = new Map<string, OverrideChain>();
    const lineCount = lines.length;
    for (let li = 0; li < lineCount; li++) {
      const child = lines[li]!;
      if (child.payee !== 'partner' || !OVERRIDE_BASE.has(child.kind)) continue;
      const childKey = psKeyOf(child.partnerId, child.segment);
      let chain = chainCache.get(childKey);
      if (!chain) {
        const pairs: OverrideChain['pairs'] = [];
        const ancs = ancestors(child.partnerId, child.segment);
        for (let i = 0; i < ancs.length; i++) {
          const anc = ancs[i]!;
          const deal = dealAt(dealsByPs.get(psKeyOf(anc.partnerId, anc.segment)), lastDay);
          if (!deal) continue;
          for (const comp of deal.components) pairs.push({ i, anc, deal, comp });
        }
        chain = { pairs, slots: [] };
        chainCache.set(childKey, chain);
      }
      const pairs = chain.pairs;
      if (pairs.length === 0) continue;
      let slot: OverrideSlot | undefined;
      for (const s of chain.slots) {
        if (
          s.kind === child.kind &&
          s.brandId === child.brandId &&
          s.currency === child.currency &&
          s.holdUntil === child.holdUntil
        ) {
          slot = s;
          break;
        }
      }
      if (!slot) {
        slot = {
          kind: child.kind,
          brandId: child.brandId,
          currency: child.currency,
          holdUntil: child.holdUntil,
          groupKey: `${childKey}\u0000${child.kind}\u0000${child.brandId ?? '*'}\u0000${child.currency}\u0000${child.holdUntil ?? '*'}`,
          groups: new Array<OverrideGroup | undefined>(pairs.length).fill(undefined),
        };
        chain.slots.push(slot);
      }
      const lots = lotsOfLine.get(child);
      for (let p = 0; p < pairs.length; p++) {
        const { i, anc, deal, comp } = pairs[p]!;
        const depth = i + 1;
        if (comp.segments && !comp.segments.has(anc.segment)) continue;
        if (comp.brands && child.brandId !== null && !comp.brands.has(child.brandId)) continue;
        let rate: bigint | null | undefined;
        let add: bigint;
        if (comp.kind === 'forex_lot_override' && lots !== undefined && child.kind === 'fx_rebate') {
          rate = comp.perLotByDepth[depth - 1] ?? comp.beyond;
          add = lots;
        } else if (comp.kind === 'sub_partner_override') {
          rate = comp.ratesByDepth[depth - 1] ?? comp.beyond;
          add = child.amount;
        } else continue;
        if (rate === null || rate === undefined) continue;
        let g = slot.groups[p];
        if (!g) {
          // first line of this slot and pair: the group by key (lines of another slot may share it)
          const key = `${slot.groupKey}\u0000${i}\u0000${comp.id}`;
          g = overrideGroups.get(key);
          if (!g) {
            overrideGroups.set(key, {
              anc,
              deal,
              comp,
              depth,
              rate,
              first: child,
              children: [child],
              sum: add,
              minId: child.lineId,
            });
            slot.groups[p] = overrideGroups.get(key);
            continue;
          }
          slot.groups[p] = g;
        }
        g.sum += add;
        g.children.push(child);
        if (child.lineId < g.minId) g.minId = child.lineId;
      }
    }
    for (const g of overrideGroups.values()) {
      const { deal, comp, depth, rate, first: child, children } = g;
      const n = children.length;
      const sortedChildren = () => [...children].sort((x, y) => cmp(x.lineId, y.lineId));
      if (comp.kind === 'forex_lot_override') {
        const lots = g.sum;
        const amount = roundScaled(lots * rate, TRADE_SCALE, deal.digits, deal.rounding);
        push(
          overrideLine(g, 'fx_lot_override', amount, () => ({
            formula: `${exact(lots, LOT_SCALE) || '0'} lots × ${exact(rate, 30)} per lot (depth ${depth}) = ${money(amount, deal.digits)}`,
            inputs: {
              lots: exact(lots, LOT_SCALE) || '0',
              perLot: exact(rate, 30),
              depth: String(depth),
              subPartnerId: child.partnerId,
              childLines: String(n),
            },
            detail: sortedChildren().map((c) => ({
              lineId: c.lineId,
              lots: exact(lotsOfLine.get(c) ?? 0n, LOT_SCALE) || '0',
            })),
          })),
        );
        continue;
      }
      const childSum = g.sum;
      let base = childSum;
      let baseNote = '';
      if (child.currency !== deal.currency) {
        const r = fx.lookup(child.currency, deal.currency, dayString(lastDay));
        if (r.kind === 'missing') {
          issue(`fx\u0000${child.currency}\u0000${deal.currency}\u0000${dayString(lastDay)}`, () => ({
            kind: 'missing_fx',
            from: child.currency,
            to: deal.currency,
            date: dayString(lastDay),
            count: 1,
          }));
          continue;
        }
        base = convertMoney(
          { amount: childSum, currency: child.currency },
          r.rate,
          deal.currency,
          deal.rounding,
        ).amount;
        baseNote = ` (${money(childSum, minorDigits(child.currency))} ${child.currency} at ${formatRate(r.rate)})`;
      }
      const amount = roundDiv(base * rate, PPM_ONE, deal.rounding);
      const childDigits = minorDigits(child.currency);
      push(
        overrideLine(g, 'sub_override', amount, () => ({
          formula: `sub-partner earnings ${money(base, deal.digits)}${baseNote} × ${pct(rate)} (depth ${depth}) = ${money(amount, deal.digits)}`,
          inputs: {
            childAmount: money(childSum, childDigits),
            childCurrency: child.currency,
            rate: pct(rate),
            depth: String(depth),
            subPartnerId: child.partnerId,
            childLines: String(n),
          },
          detail: sortedChildren().map((c) => ({ lineId: c.lineId, amount: money(c.amount, childDigits) })),
          notes: ON_TOP_NOTES,
        })),
      );
    }

    // ---------- overlaps ----------
    const overlaps: Overlap[] = [];
    const claimed = new Map<string, Owner>();
    for (const byCustomer of owners.values())
      for (const owner of byCustomer.values())
        if (owner.o.otherClaims?.length) claimed.set(`${owner.o.brandId}\u0000${owner.o.customerId}`, owner);
    if (claimed.size > 0) {
      const sums = new Map<string, Map<string, bigint>>();
      for (const l of lines) {
        if (l.customerId === null || l.brandId === null || l.derivedFrom !== null) continue;
        const key = `${l.brandId}\u0000${l.customerId}`;
        const owner = claimed.get(key);
        if (!owner || l.partnerId !== owner.o.partnerId) continue;
        let m = sums.get(key);
        if (!m) {
          m = new Map();
          sums.set(key, m);
        }
        m.set(l.currency, (m.get(l.currency) ?? 0n) + l.amount);
      }
      for (const key of [...claimed.keys()].sort()) {
        const owner = claimed.get(key)!;
        const claimants = [...(owner.o.otherClaims ?? [])].sort(
          (a, b) => cmp(a.partnerId, b.partnerId) || cmp(a.segment, b.segment),
        );
        const m = sums.get(key) ?? new Map<string, bigint>();
        overlaps.push({
          brandId: owner.o.brandId,
          customerId: owner.o.customerId,
          owner: { partnerId: owner.o.partnerId, segment: owner.o.segment },
          claimants,
          wouldHaveCost: [...m.keys()]
            .sort()
            .map((currency) => ({ currency, amount: m.get(currency)! * BigInt(claimants.length) })),
        });
      }
    }

    // ---------- state ----------
    const volumeOut: { partnerId: string; segment: Segment; date: string; lots: string }[] = [];
    const maxWindow = maxVolumeWindow();
    const keepFrom = endDay - maxWindow;
    const volKeys = new Set([...volumeIn.keys(), ...psVolume.keys()]);
    for (const key of [...volKeys].sort()) {
      const [partnerId, segment] = key.split('\u0000') as [string, Segment];
      const merged = new Map<number, bigint>();
      for (const [d, v] of volumeIn.get(key) ?? [])
        if (d >= keepFrom && (d < startDay || d >= endDay)) merged.set(d, v);
      const current = psVolume.get(key);
      if (current) {
        for (let i = 0; i < current.length; i++) {
          const d = startDay + i;
          if (d >= keepFrom && current[i]! > 0) merged.set(d, BigInt(current[i]!));
        }
      }
      for (const d of [...merged.keys()].sort((a, b) => a - b))
        volumeOut.push({
          partnerId,
          segment,
          date: dayString(d),
          lots: exact(merged.get(d)!, LOT_SCALE) || '0',
        });
    }
    const carryOut: CarriedState['carryover'][number][] = [];
    for (const key of [...newCarry.keys()].sort()) {
      const [partnerId, segment] = key.split('\u0000') as [string, Segment];
      const deal = dealAt(dealsByPs.get(key), lastDay) ?? dealsByPs.get(key)?.[0];
      const prevCurrency = ctx.carried?.carryover.find(
        (c) => c.partnerId === partnerId && c.segment === segment,
      )?.currency;
      const currency = deal?.currency ?? prevCurrency ?? 'EUR';
      const m = newCarry.get(key)!;
      for (const scope of [...m.keys()].sort()) {
        const v = m.get(scope)!;
        if (v !== 0n) carryOut.push({ partnerId, segment, scope, currency, amount: exact(v, NGR_SCALE) });
      }
    }
    const propOut = [...newProp.values()].filter((e) => dayNumber(e.reverseUntil) >= endDay);
    sortByKey(propOut, (e) => e.purchaseId);
    // progress of the owners computed now (in customer order), then progress carried on untouched (an
    // owner computed now replaced its own, or was paid)
    const newProgress: CarriedState['cpaProgress'][number][] = [];
    for (const owner of active) if (owner.progress) newProgress.push(owner.progress);
    for (const [ck, p] of cpaProgress)
      if (!newCpaPaid.has(ck) && !owners.get(p.brandId)?.get(p.customerId)?.active) newProgress.push(p);
    const state: CarriedState = {
      schemaVersion: 1,
      periodId,
      carryover: carryOut,
      tierHistory: [...newHistory.values()].sort(
        (a, b) =>
          cmp(a.partnerId, b.partnerId) || cmp(a.segment, b.segment) || cmp(a.componentId, b.componentId),
      ),
      cpaPaid: sortByKey([...newCpaPaid.values()], (a) => `${a.brandId}\u0000${a.customerId}`),
      cpaProgress: newProgress.sort((a, b) => cmp(a.brandId, b.brandId) || cmp(a.customerId, b.customerId)),
      rollingVolume: volumeOut,
      propCommissions: propOut,
    };

    sortById(lines);
    const totalsMap = new Map<
      string,
      { partnerId: string; segment: Segment; currency: string; amount: bigint; lines: number }
    >();
    for (const l of lines) {
      if (l.payee !== 'partner') continue;
      const key = `${l.partnerId}\u0000${l.segment}\u0000${l.currency}`;
      let t = totalsMap.get(key);
      if (!t) {
        t = { partnerId: l.partnerId, segment: l.segment, currency: l.currency, amount: 0n, lines: 0 };
        totalsMap.set(key, t);
      }
      t.amount += l.amount;
      t.lines++;
    }
    const totals: Totals[] = [...totalsMap.keys()].sort().map((k) => totalsMap.get(k)!);
    const issueList = [...issues.keys()].sort().map((k) => issues.get(k)!);
    // hand the lines out in id order, building each explanation now and letting go of the record: the
    // record itself becomes the line (same fields, same order), so no second object per line is made
    const lineTotal = lines.length;
    const recs: (Rec | undefined)[] = lines;
    for (let i = 0; i < lineTotal; i++) {
      const r = recs[i]! as { explanation: Explanation | (() => Explanation) };
      recs[i] = undefined;
      const x = r.explanation;
      if (typeof x === 'function') r.explanation = x();
      onLine(r as unknown as CommissionLine);
    }
    lotsOfLine.clear();
    return {
      period: ctx.period,
      totals,
      overlaps,
      issues: issueList,
      state,
      stats: { rows, paidRows },
      lineCount: lineTotal,
    };

    // ----- helpers of finish -----
    function overrideLine(
      g: {
        anc: { partnerId: string; segment: Segment };
        deal: CompiledDeal;
        comp: { id: string };
        first: Rec;
        minId: string;
      },
      kind: LineKind,
      amount: bigint,
      explanation: () => Explanation,
    ): Rec {
      const { anc, deal, first: child } = g;
      return {
        lineId: `${periodId}|${anc.partnerId}|${anc.segment}|${kind}|${deal.dealId}@${deal.version}|${g.comp.id}|${child.brandId ?? '*'}|*<${child.partnerId}|${child.segment}|${child.kind}|${child.currency}|${child.holdUntil ?? '*'}`,
        periodId,
        partnerId: anc.partnerId,
        segment: anc.segment,
        payee: 'partner',
        brandId: child.brandId,
        customerId: null,
        kind,
        amount,
        currency: deal.currency,
        holdUntil: child.holdUntil,
        dealId: deal.dealId,
        dealVersion: deal.version,
        componentId: g.comp.id,
        derivedFrom: g.minId,
        explanation,
      };
    }

    function applyCaps() {
      const byDeal = new Map<string, { deal: CompiledDeal; lines: Rec[] }>();
      for (const l of lines) {
        if (l.payee !== 'partner' || !CAPPED.has(l.kind)) continue;
        const deal = findDeal(l.partnerId, l.segment, l.dealId, l.dealVersion);
        if (
          !deal ||
          (deal.capPerCustomer === null && deal.capPerPeriod === null) ||
          deal.partnerId !== l.partnerId
        )
          continue;
        const key = `${l.partnerId}\u0000${l.segment}\u0000${l.dealId}@${l.dealVersion}`;
        let g = byDeal.get(key);
        if (!g) {
          g = { deal, lines: [] };
          byDeal.set(key, g);
        }
        g.lines.push(l);
      }
      for (const key of [...byDeal.keys()].sort()) {
        const { deal, lines: group } = byDeal.get(key)!;
        const first = group[0]!;
        const who = { partnerId: first.partnerId, segment: first.segment };
        let total = 0n;
        for (const l of group) total += l.amount;
        if (deal.capPerCustomer !== null) {
          const cap = roundScaled(deal.capPerCustomer, MONEY_SCALE, deal.digits, 'half_up');
          const byCustomer = new Map<string, Rec[]>();
          for (const l of group) {
            if (l.customerId === null) continue;
            const k = `${l.brandId}\u0000${l.customerId}`;
            const list = byCustomer.get(k);
            if (list) list.push(l);
            else byCustomer.set(k, [l]);
          }
          for (const k of [...byCustomer.keys()].sort()) {
            const list = byCustomer.get(k)!;
            let sum = 0n;
            for (const l of list) sum += l.amount;
            if (sum <= cap) continue;
            const adj = cap - sum;
            total += adj;
            const l0 = list[0]!;
            own(who, deal, 'caps.perCustomer', 'cap_adjustment', l0.brandId, l0.customerId, adj, {
              formula: `customer earnings ${money(sum, deal.digits)} capped at ${money(cap, deal.digits)}: ${money(adj, deal.digits)}`,
              inputs: { earned: money(sum, deal.digits), cap: money(cap, deal.digits) },
              detail: list.map((l) => ({ lineId: l.lineId, amount: money(l.amount, deal.digits) })),
            });
          }
        }
        if (deal.capPerPeriod !== null) {
          const cap = roundScaled(deal.capPerPeriod, MONEY_SCALE, deal.digits, 'half_up');
          if (total > cap) {
            const adj = cap - total;
            own(who, deal, 'caps.perPeriod', 'cap_adjustment', null, null, adj, {
              formula: `period earnings ${money(total, deal.digits)} capped at ${money(cap, deal.digits)}: ${money(adj, deal.digits)}`,
              inputs: {
                earned: money(total, deal.digits),
                cap: money(cap, deal.digits),
                lines: String(group.length),
              },
              notes: ['fixed fees and hierarchy overrides are outside the cap'],
            });
          }
        }
      }
    }
  }

  function findDeal(
    partnerId: string,
    segment: string,
    dealId: string,
    version: number,
  ): CompiledDeal | undefined {
    const list = dealsByPs.get(psKeyOf(partnerId, segment));
    return list?.find((d) => d.dealId === dealId && d.version === version);
  }

  function dealCurrencyFromLines(e: { partnerId: string; segment: string }): string {
    const list = dealsByPs.get(psKeyOf(e.partnerId, e.segment));
    return list?.[0]?.currency ?? 'EUR';
  }

  function ndcFor(psKey: string, compBrands: ReadonlySet<string> | null, deal: CompiledDeal): number {
    let n = 0;
    for (const [brand, v] of ndcCount.get(psKey) ?? []) {
      if (compBrands && !compBrands.has(brand)) continue;
      if (deal.source.terms.brands && !deal.source.terms.brands.includes(brand)) continue;
      n += v;
    }
    return n;
  }

  /** The customer's first deposit in the deal currency (at the deposit date's rate), or null. */
  function ftdIn(owner: Owner, currency: string): bigint | null {
    const f = owner.o.firstDeposit;
    if (!f || owner.ftdDay === null) return null;
    const k = factor(f.currency, currency, owner.ftdDay);
    return k === null ? null : f.amount * k;
  }

  function maxVolumeWindow(): number {
    let max = 0;
    for (const list of dealsByPs.values()) {
      for (const d of list) {
        for (const c of d.components) {
          if (c.kind === 'forex_rebate' && c.method.kind === 'volume_tiers' && c.method.windowDays > max)
            max = c.method.windowDays;
        }
      }
    }
    return max;
  }
}

/** Line kinds a sub-partner override is computed on: the sub-partner's own earnings, not fees or lines derived from others. */
const ON_TOP_NOTES: readonly string[] = Object.freeze([
  'paid on top: the sub-partner\u2019s line is not reduced',
]);

const OVERRIDE_BASE = new Set<LineKind>([
  'revshare',
  'cpa',
  'fx_rebate',
  'fx_markup_share',
  'fx_cpa',
  'prop_commission',
  'prop_void',
  'prop_clawback',
  'prop_funded',
  'cap_adjustment',
]);

/** Line kinds counted against a deal's caps. */
const CAPPED = new Set<LineKind>([
  'revshare',
  'cpa',
  'fx_rebate',
  'fx_markup_share',
  'fx_cpa',
  'prop_commission',
  'prop_void',
  'prop_clawback',
  'prop_funded',
]);

/**
 * Sorts records by line id (UTF-16 code-unit order, as `<`). Ids are unique, so sorting the bare ids
 * with the engine's native string sort and looking the records up is much faster than a comparator over
 * objects; a duplicate id (which would be a bug) falls back to the comparator.
 */
function sortById(recs: { lineId: string }[]): void {
  // Bucketed by the id up to its third '|' (period, partner, segment): ids whose prefixes differ compare
  // as their prefixes do (neither prefix can be a proper prefix of the other, both ending at a third
  // '|'), so sorting the few thousand prefixes, then each bucket's ids, is the full order.
  const buckets = new Map<string, { lineId: string }[]>();
  for (const r of recs) {
    const id = r.lineId;
    let cut = id.indexOf('|');
    if (cut >= 0) cut = id.indexOf('|', cut + 1);
    if (cut >= 0) cut = id.indexOf('|', cut + 1);
    const prefix = cut >= 0 ? id.slice(0, cut + 1) : id;
    const b = buckets.get(prefix);
    if (b) b.push(r);
    else buckets.set(prefix, [r]);
  }
  const prefixes = [...buckets.keys()].sort();
  let i = 0;
  for (const prefix of prefixes) {
    const b = buckets.get(prefix)!;
    if (b.length > 1) b.sort(byLineId);
    for (let j = 0; j < b.length; j++) recs[i++] = b[j]!;
  }
}

function byLineId(a: { lineId: string }, b: { lineId: string }): number {
  return a.lineId < b.lineId ? -1 : a.lineId > b.lineId ? 1 : 0;
}

/**
 * Sorts in place by a string key (code-unit order, as `<`; keys made of fields joined by U+0000 order
 * like comparing field by field). Sorting the bare keys natively and looking the items up beats a
 * comparator over objects several times; equal keys fall back to a stable comparator sort.
 */
function sortByKey<T>(items: T[], keyOf: (item: T) => string): T[] {
  const byKey = new Map<string, T>();
  for (const it of items) byKey.set(keyOf(it), it);
  if (byKey.size !== items.length) {
    const keys = new Map<T, string>();
    for (const it of items) keys.set(it, keyOf(it));
    return items.sort((a, b) => cmp(keys.get(a)!, keys.get(b)!));
  }
  const keys = [...byKey.keys()].sort();
  for (let i = 0; i < keys.length; i++) items[i] = byKey.get(keys[i]!)!;
  return items;
}

/** Purchases by day, then id: the list itself when already in that order (as rows usually come), else a sorted copy. */
function purchasesInOrder<T extends { day: number; id: string }>(list: T[]): T[] {
  for (let i = 1; i < list.length; i++) {
    const a = list[i - 1]!;
    const b = list[i]!;
    if (a.day > b.day || (a.day === b.day && a.id > b.id))
      return [...list].sort((x, y) => x.day - y.day || cmp(x.id, y.id));
  }
  return list;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function formatRate(r: Decimal): string {
  return formatScaledTrim(r.units, r.scale);
}

export type { DealVersion };

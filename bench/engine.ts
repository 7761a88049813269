/**
 * Commission engine benchmark: `npm run bench:engine` (add `--quick` for a tenth of the rows).
 * Generates, deterministically from a seed, 1,000,000 iGaming customer-days, 1,000,000 closed trades and
 * 100,000 prop purchases across 10,000 partners (IB trees 5 levels deep) and streams them in batches
 * through the engine. The baseline reads the same rows from the same generator and only looks up each
 * row's owner and adds its amount to a per-partner total with the money type. The last line is JSON.
 */
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import v8 from 'node:v8';
import { createPeriodRun } from '../src/commissions/index.js';
import type {
  ActivityRow,
  BrandInfo,
  CommissionLine,
  DealVersion,
  HierarchyEdge,
  Ownership,
} from '../src/commissions/index.js';
import type { DealTerms } from '../src/deals/index.js';
import { validateDealTerms } from '../src/deals/index.js';
import { addMoney, type Money } from '../src/money/index.js';

// A larger young generation lets the engine's short-lived bigints die young instead of being promoted.
v8.setFlagsFromString('--max-semi-space-size=64');

const quick = process.argv.includes('--quick');
const scale = quick ? 10 : 1;
const N_IGAMING_DAYS = 1_000_000 / scale;
const N_TRADES = 1_000_000 / scale;
const N_PURCHASES = 100_000 / scale;
const N_PARTNERS = 10_000;
const BATCH = 10_000;

// Partner split: 4,000 iGaming affiliates, 4,000 IBs in trees of 5 levels, 2,000 prop influencers.
const N_AFF = 4_000;
const IB_LEVELS = [250, 500, 750, 1_000, 1_500];
const N_IB = IB_LEVELS.reduce((a, b) => a + b, 0);
const N_INF = N_PARTNERS - N_AFF - N_IB;
const N_PLAYERS = N_IGAMING_DAYS / 5;
const N_TRADERS = N_TRADES / 20;
const N_BUYERS = Math.floor((N_PURCHASES * 4) / 5);

/** mulberry32: a small deterministic PRNG (the bench only; the engine never uses randomness). */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const brands: BrandInfo[] = [
  { brandId: 'casino', vertical: 'igaming', currency: 'EUR', jurisdictions: ['MGA'] },
  { brandId: 'fx', vertical: 'forex', currency: 'USD', jurisdictions: ['FSA'] },
  { brandId: 'prop', vertical: 'prop', currency: 'USD', jurisdictions: [] },
];
const period = { id: '2025-01', start: '2025-01-01', end: '2025-02-01' };
const JAN1 = Date.UTC(2025, 0, 1);
const DAYS = Array.from({ length: 31 }, (_, i) => `2025-01-${String(i + 1).padStart(2, '0')}`);

const affId = (i: number) => `aff${i}`;
const ibId = (i: number) => `ib${i}`;
const infId = (i: number) => `inf${i}`;

function valid(terms: unknown): DealTerms {
  const r = validateDealTerms(terms);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.terms;
}

function buildContext() {
  const rnd = prng(42);
  const affHybrid = valid({
    schemaVersion: 1,
    name: 'Affiliate hybrid',
    currency: 'EUR',
    segments: ['affiliate'],
    components: [
      {
        id: 'rs',
        kind: 'igaming_revshare',
        ngr: {
          deductions: [
            { kind: 'bonuses', method: 'reported' },
            { kind: 'gaming_tax', method: 'percent', rate: '15', base: 'ggr' },
            { kind: 'payment_fees', method: 'reported' },
            { kind: 'admin_fee', method: 'percent', rate: '10', base: 'running_net' },
          ],
        },
        tiers: {
          basis: 'ngr',
          period: 'current',
          mode: 'incremental',
          bands: [
            { from: '0', to: '5000', rate: '25' },
            { from: '5000', to: '20000', rate: '30' },
            { from: '20000', rate: '35' },
          ],
        },
        carryover: { enabled: true, scope: 'per_brand' },
      },
      {
        id: 'cpa',
        kind: 'igaming_cpa',
        amount: { default: '100', byCountry: { GB: '150' } },
        qualification: { minFirstDeposit: '20', minWagering: '100' },
        holdDays: 30,
      },
    ],
  });
  const affSub = valid({
    schemaVersion: 1,
    name: 'Affiliate with sub-affiliates',
    currency: 'EUR',
    segments: ['affiliate'],
    components: [
      {
        id: 'rs',
        kind: 'igaming_revshare',
        ngr: { deductions: [{ kind: 'bonuses', method: 'reported' }] },
        rate: '30',
        carryover: { enabled: false },
      },
      { id: 'sub', kind: 'sub_partner_override', ratesByDepth: ['5', '2'] },
    ],
  });
  const ibTerms = valid({
    schemaVersion: 1,
    name: 'IB rebate with overrides',
    currency: 'USD',
    segments: ['ib'],
    components: [
      {
        id: 'reb',
        kind: 'forex_rebate',
        method: {
          kind: 'per_lot',
          rates: [
            { instrumentClass: 'fx', perLot: '4' },
            { instrumentClass: 'fx', accountType: 'ecn', perLot: '3' },
            { instrumentClass: 'indices', perLot: '3.5' },
            { instrumentClass: 'metals', perLot: '5' },
          ],
        },
        eligibility: { minHoldSeconds: 60, capPerTrade: '40', creditCoefficient: true },
      },
      { id: 'ovr', kind: 'forex_lot_override', perLotByDepth: ['1', '0.5', '0.25', '0.1'] },
      { id: 'mk', kind: 'forex_markup_share', percent: '20' },
    ],
  });
  const infTerms = valid({
    schemaVersion: 1,
    name: 'Prop influencer',
    currency: 'USD',
    segments: ['influencer'],
    components: [
      {
        id: 'pp',
        kind: 'prop_purchase',
        tiers: {
          basis: 'sales',
          period: 'current',
          bands: [
            { from: '0', to: '10000', rate: '10' },
            { from: '10000', rate: '15' },
          ],
        },
        purchases: 'recurring',
        base: 'amount_paid',
        refundWindowDays: 14,
        onRefund: 'clawback',
      },
      { id: 'fp', kind: 'prop_funded_payout', percent: '2.5' },
      { id: 'ret', kind: 'fixed_fee', fee: 'monthly_retainer', amount: '250' },
    ],
    caps: { perPeriod: '50000' },
  });
  const deals: DealVersion[] = [];
  for (let i = 0; i < N_AFF; i++)
    deals.push({
      dealId: `d-${affId(i)}`,
      version: 1,
      partnerId: affId(i),
      effectiveFrom: '2024-01-01',
      effectiveTo: null,
      terms: i % 10 === 0 ? affSub : affHybrid,
    });
  for (let i = 0; i < N_IB; i++)
    deals.push({
      dealId: `d-${ibId(i)}`,
      version: 1,
      partnerId: ibId(i),
      effectiveFrom: '2024-01-01',
      effectiveTo: null,
      terms: ibTerms,
    });
  for (let i = 0; i < N_INF; i++)
    deals.push({
      dealId: `d-${infId(i)}`,
      version: 1,
      partnerId: infId(i),
      effectiveFrom: '2024-01-01',
      effectiveTo: null,
      terms: infTerms,
    });

  const hierarchy: HierarchyEdge[] = [];
  let offset = 0;
  for (let level = 1; level < IB_LEVELS.length; level++) {
    const prevStart = offset;
    const prevSize = IB_LEVELS[level - 1]!;
    offset += prevSize;
    for (let j = 0; j < IB_LEVELS[level]!; j++) {
      const parent = prevStart + Math.floor(rnd() * prevSize);
      hierarchy.push({
        partnerId: ibId(offset + j),
        segment: 'ib',
        parentPartnerId: ibId(parent),
        parentSegment: 'ib',
      });
    }
  }
  // every 10th affiliate recruits sub-affiliates (the 9 after it)
  for (let i = 0; i < N_AFF; i++)
    if (i % 10 !== 0)
      hierarchy.push({
        partnerId: affId(i),
        segment: 'affiliate',
        parentPartnerId: affId(i - (i % 10)),
        parentSegment: 'affiliate',
      });

  const ownership: Ownership[] = [];
  const countries = ['GB', 'DE', 'SE', 'FI', 'CA'];
  for (let c = 0; c < N_PLAYERS; c++) {
    const ftd = rnd() < 0.3;
    ownership.push({
      brandId: 'casino',
      customerId: `pl${c}`,
      partnerId: affId(c % N_AFF),
      segment: 'affiliate',
      registeredAt: ftd ? DAYS[Math.floor(rnd() * 10)]! : '2024-11-15',
      country: countries[c % countries.length]!,
      firstDeposit: ftd
        ? {
            date: DAYS[10 + Math.floor(rnd() * 10)]!,
            amount: BigInt(1000 + Math.floor(rnd() * 20000)),
            currency: 'EUR',
          }
        : undefined,
    });
  }
  for (let c = 0; c < N_TRADERS; c++)
    ownership.push({
      brandId: 'fx',
      customerId: TRADER_IDS[c]!,
      partnerId: ibId(c % N_IB),
      segment: 'ib',
      registeredAt: '2024-10-01',
    });
  for (let c = 0; c < N_BUYERS; c++)
    ownership.push({
      brandId: 'prop',
      customerId: `by${c}`,
      partnerId: infId(c % N_INF),
      segment: 'influencer',
      registeredAt: '2024-12-01',
    });
  return { deals, hierarchy, ownership };
}

/** The streaming source: the same seed always yields the same rows, in batches. */
const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
const PLAYER_IDS = ids('pl', N_PLAYERS);
const TRADER_IDS = ids('tr', N_TRADERS);
const BUYER_IDS = ids('by', N_BUYERS);
/** Amount tables: rows draw their amounts from these, so generation does not dominate the measurement. */
const AMOUNTS_50K = Array.from({ length: 4096 }, (_, i) => BigInt((i * 7919) % 50_000));
const AMOUNTS_2K = Array.from({ length: 4096 }, (_, i) => BigInt((i * 104_729) % 2_000));
const PAYOUTS = Array.from({ length: 4096 }, (_, i) => BigInt(100_000 + ((i * 15_485_863) % 400_000)));

function* source(): Generator<ActivityRow[]> {
  const rnd = prng(7);
  const pick = (table: readonly bigint[]) => table[(rnd() * 4096) | 0]!;
  let batch: ActivityRow[] = [];
  const total = N_IGAMING_DAYS + N_TRADES + N_PURCHASES;
  const symbols = [
    ['EURUSD', 'fx'],
    ['GBPUSD', 'fx'],
    ['US30', 'indices'],
    ['XAUUSD', 'metals'],
  ] as const;
  const lotsChoices = ['0.01', '0.05', '0.10', '0.50', '1.00', '2.00', '5.00'];
  let ig = 0;
  let tr = 0;
  let pu = 0;
  let lastPurchase: Extract<ActivityRow, { type: 'prop_purchase' }> | null = null;
  for (let i = 0; i < total; i++) {
    // interleave the verticals the way a mixed import would
    const r = rnd();
    let row: ActivityRow;
    if ((r < 0.476 && ig < N_IGAMING_DAYS) || (tr >= N_TRADES && pu >= N_PURCHASES)) {
      const c = ig % N_PLAYERS;
      const day = DAYS[(ig / N_PLAYERS) | 0]!;
      ig++;
      row = {
        type: 'igaming_day',
        brandId: 'casino',
        customerId: PLAYER_IDS[c]!,
        date: day,
        currency: 'EUR',
        stakes: pick(AMOUNTS_50K),
        wins: pick(AMOUNTS_50K),
        bonuses: pick(AMOUNTS_2K),
        paymentFees: 50n,
        bets: 1 + Math.floor(rnd() * 40),
      };
    } else if ((r < 0.952 && tr < N_TRADES) || pu >= N_PURCHASES) {
      const c = tr % N_TRADERS;
      tr++;
      const [symbol, instrumentClass] = symbols[Math.floor(rnd() * symbols.length)]!;
      const closedAt = JAN1 + Math.floor(rnd() * 31 * 86_400_000);
      row = {
        type: 'trade',
        brandId: 'fx',
        customerId: TRADER_IDS[c]!,
        tradeId: `t${tr}`,
        symbol,
        instrumentClass,
        accountType: c % 5 === 0 ? 'ecn' : 'standard',
        side: rnd() < 0.5 ? 'buy' : 'sell',
        lots: lotsChoices[Math.floor(rnd() * lotsChoices.length)]!,
        openedAt: closedAt - Math.floor(rnd() * 7_200_000),
        closedAt,
        currency: 'USD',
        spreadPerLot: 800n,
        markupPerLot: 150n,
        ...(c % 7 === 0 ? { equity: 100_000n, credit: 20_000n } : {}),
      };
    } else {
      const c = pu % N_BUYERS;
      pu++;
      const day = DAYS[Math.floor(rnd() * 31)]!;
      const rr = rnd();
      if (rr < 0.05 && lastPurchase !== null) {
        row = {
          type: 'prop_refund',
          brandId: 'prop',
          customerId: lastPurchase.customerId,
          purchaseId: lastPurchase.purchaseId,
          date: '2025-01-31',
          currency: 'USD',
          amount: 50_000n,
          reason: 'refund',
        };
        lastPurchase = null;
      } else if (rr < 0.1) {
        row = {
          type: 'prop_payout',
          brandId: 'prop',
          customerId: BUYER_IDS[c]!,
          payoutId: `po${pu}`,
          date: day,
          currency: 'USD',
          amount: pick(PAYOUTS),
        };
      } else {
        row = lastPurchase = {
          type: 'prop_purchase',
          brandId: 'prop',
          customerId: BUYER_IDS[c]!,
          purchaseId: `pp${pu}`,
          date: day,
          currency: 'USD',
          amountPaid: 50_000n,
          listPrice: 60_000n,
          purchaseKind: pu <= N_BUYERS ? 'first' : 'reset',
        };
      }
    }
    batch.push(row);
    if (batch.length === BATCH) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

function amountOf(row: ActivityRow): Money {
  switch (row.type) {
    case 'igaming_day':
      return { amount: row.stakes - row.wins, currency: row.currency };
    case 'trade':
      return { amount: row.spreadPerLot ?? 0n, currency: row.currency };
    case 'prop_purchase':
      return { amount: row.amountPaid, currency: row.currency };
    case 'prop_refund':
    case 'prop_payout':
      return { amount: row.amount, currency: row.currency };
    case 'deliverable':
      return { amount: 0n, currency: 'EUR' };
  }
}

function baseline(ownership: readonly Ownership[]): { rows: number; seconds: number } {
  const start = performance.now();
  const owners = new Map<string, Map<string, string>>();
  for (const o of ownership) {
    let m = owners.get(o.brandId);
    if (!m) {
      m = new Map();
      owners.set(o.brandId, m);
    }
    m.set(o.customerId, o.partnerId);
  }
  const totals = new Map<string, Money>();
  let rows = 0;
  for (const batch of source()) {
    for (const row of batch) {
      rows++;
      if (row.type === 'deliverable') continue;
      const partner = owners.get(row.brandId)?.get(row.customerId);
      if (partner === undefined) continue;
      const m = amountOf(row);
      const prev = totals.get(partner);
      totals.set(partner, prev ? addMoney(prev, m) : m);
    }
  }
  return { rows, seconds: (performance.now() - start) / 1000 };
}

function main() {
  const { deals, hierarchy, ownership } = buildContext();
  if (process.env.BENCH_MEM) {
    (globalThis as any).gc?.();
    console.log(`heap after context ${Math.round(process.memoryUsage().heapUsed / 1e6)} MB`);
  }
  const base = baseline(ownership);
  const start = performance.now();
  const runner = createPeriodRun({ period, brands, deals, ownership, hierarchy, fxRates: [], carried: null });
  let rows = 0;
  for (const batch of source()) {
    rows += batch.length;
    runner.add(batch);
  }
  const addDone = performance.now();
  if (process.env.BENCH_MEM) {
    (globalThis as any).gc?.();
    console.log(`heap after add ${Math.round(process.memoryUsage().heapUsed / 1e6)} MB`);
  }
  // Stream the lines out as the period close does (it writes them in batches): the run never holds them all.
  const byKind = new Map<string, number>();
  const hashing = process.env.BENCH_HASH !== undefined;
  const big = (_k: string, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v);
  const hLines = createHash('sha256');
  const hOwn = createHash('sha256');
  const onLine = (l: CommissionLine) => {
    byKind.set(l.kind, (byKind.get(l.kind) ?? 0) + 1);
    if (hashing) {
      // a fingerprint of the output, to check that an optimisation changes nothing (overrides apart)
      const j = JSON.stringify(l, big);
      hLines.update(j);
      if (l.derivedFrom === null) hOwn.update(j);
    }
  };
  const result = runner.finishStreaming(onLine);
  const lines = result.lineCount;
  const seconds = (performance.now() - start) / 1000;
  if (process.env.BENCH_MEM) {
    (globalThis as any).gc?.();
    console.log(`heap after finish ${Math.round(process.memoryUsage().heapUsed / 1e6)} MB`);
  }
  const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
  console.log(`rows ${rows}, lines ${lines} (${[...byKind].map(([k, n]) => `${k} ${n}`).join(', ')})`);
  console.log(
    `engine: add ${((addDone - start) / 1000).toFixed(2)} s, finish ${((performance.now() - addDone) / 1000).toFixed(2)} s; baseline ${base.seconds.toFixed(2)} s`,
  );
  console.log(`issues: ${JSON.stringify(result.issues.slice(0, 5))}`);
  if (hashing) {
    const sha = (v: unknown) =>
      createHash('sha256').update(JSON.stringify(v, big)).digest('hex').slice(0, 16);
    console.log(
      `hash lines ${hLines.digest('hex').slice(0, 16)} own ${hOwn.digest('hex').slice(0, 16)} totals ${sha(result.totals)} state ${sha({ state: result.state, issues: result.issues, overlaps: result.overlaps })}`,
    );
  }
  const rowsPerS = Math.round(rows / seconds);
  const baselinePerS = Math.round(base.rows / base.seconds);
  console.log(
    JSON.stringify({
      bench: 'engine',
      db: 'none',
      quick,
      rows,
      lines,
      seconds: Number(seconds.toFixed(3)),
      rows_per_s: rowsPerS,
      baseline_rows_per_s: baselinePerS,
      ratio: Number((baselinePerS / rowsPerS).toFixed(2)),
      peak_rss_mb: peakRssMb,
    }),
  );
}

main();

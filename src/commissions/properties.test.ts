import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseMoneyOrThrow } from '../money/index.js';
import { calculateCarryover } from './calculate-carryover.js';
import { calculateSplit } from './calculate-split.js';
import { type Band, calculateTieredAmount } from './calculate-tiered-amount.js';
import type { ActivityRow, Ownership, PeriodResult } from './index.js';
import { deal, FEB, owner, run, sumOf } from './test-support.js';

const json = (r: PeriodResult) => JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v));

// A mixed world: iGaming hybrid affiliates, an ambassador on a unified deal, IBs with overrides, a prop influencer.
const unified = deal('cr', {
  currency: 'EUR',
  segments: ['affiliate', 'ambassador'],
  precedence: ['amb-cpa', 'aff-cpa'],
  components: [
    {
      id: 'rs',
      kind: 'igaming_revshare',
      ngr: { deductions: [{ kind: 'bonuses', method: 'reported' }] },
      rate: '30',
      carryover: { enabled: true, scope: 'per_brand' },
    },
    {
      id: 'aff-cpa',
      kind: 'igaming_cpa',
      amount: { default: '80' },
      qualification: { minFirstDeposit: '10' },
      holdDays: 30,
    },
    {
      id: 'amb-cpa',
      kind: 'igaming_cpa',
      segments: ['ambassador'],
      amount: { default: '150' },
      qualification: {},
      holdDays: 30,
    },
    { id: 'subs', kind: 'sub_partner_override', ratesByDepth: ['5'] },
  ],
});
const aff = (p: string) =>
  deal(p, {
    currency: 'EUR',
    segments: ['affiliate'],
    components: [
      {
        id: 'rs',
        kind: 'igaming_revshare',
        ngr: { deductions: [{ kind: 'gaming_tax', method: 'percent', rate: '15', base: 'ggr' }] },
        tiers: {
          basis: 'ngr',
          period: 'current',
          mode: 'incremental',
          bands: [
            { from: '0', to: '100', rate: '20' },
            { from: '100', rate: '40' },
          ],
        },
        carryover: { enabled: true, scope: 'bundled' },
      },
      {
        id: 'cpa',
        kind: 'igaming_cpa',
        amount: { default: '50' },
        qualification: { minWagering: '20' },
        holdDays: 10,
      },
    ],
  });
const ib = (p: string) =>
  deal(p, {
    currency: 'USD',
    segments: ['ib'],
    components: [
      {
        id: 'reb',
        kind: 'forex_rebate',
        method: { kind: 'per_lot', rates: [{ instrumentClass: 'fx', perLot: '4' }] },
        eligibility: { capPerTrade: '30', minHoldSeconds: 60 },
      },
      { id: 'ovr', kind: 'forex_lot_override', perLotByDepth: ['1', '0.5'] },
    ],
  });
const prop = deal('inf', {
  currency: 'EUR',
  segments: ['influencer'],
  components: [
    {
      id: 'pp',
      kind: 'prop_purchase',
      rate: '15',
      purchases: 'recurring',
      base: 'amount_paid',
      refundWindowDays: 14,
      onRefund: 'clawback',
    },
  ],
});
const DEALS = [unified, aff('a1'), aff('a2'), ib('i1'), ib('i2'), prop];
const HIERARCHY = [
  {
    partnerId: 'a2',
    segment: 'affiliate' as const,
    parentPartnerId: 'cr',
    parentSegment: 'affiliate' as const,
  },
  { partnerId: 'i2', segment: 'ib' as const, parentPartnerId: 'i1', parentSegment: 'ib' as const },
];
const IG_OWNERS = [
  ['a1', 'affiliate'],
  ['a2', 'affiliate'],
  ['cr', 'affiliate'],
  ['cr', 'ambassador'],
] as const;
const FX_OWNERS = ['i1', 'i2'];

const day = fc.integer({ min: 1, max: 31 }).map((d) => `2025-01-${String(d).padStart(2, '0')}`);
const cents = fc.bigInt({ min: 0n, max: 500_000n });

/** A random world: customers with owners and competing claims, and a month of mixed activity. */
const world = fc
  .record({
    players: fc.array(
      fc.record({
        owner: fc.integer({ min: 0, max: 3 }),
        claim: fc.boolean(),
        ftd: fc.option(cents, { nil: undefined }),
      }),
      { minLength: 1, maxLength: 6 },
    ),
    traders: fc.array(fc.integer({ min: 0, max: 1 }), { minLength: 1, maxLength: 3 }),
    days: fc.array(
      fc.record({
        c: fc.nat(),
        date: day,
        stakes: cents,
        wins: cents,
        bonuses: fc.bigInt({ min: 0n, max: 5_000n }),
      }),
      { maxLength: 25 },
    ),
    trades: fc.array(
      fc.record({
        c: fc.nat(),
        lots: fc.constantFrom('0.01', '0.5', '1', '2.25', '10'),
        hold: fc.integer({ min: 0, max: 600 }),
        d: fc.integer({ min: 1, max: 31 }),
      }),
      { maxLength: 20 },
    ),
    purchases: fc.array(fc.record({ date: day, paid: fc.bigInt({ min: 1n, max: 100_000n }) }), {
      maxLength: 5,
    }),
  })
  .map((w) => {
    const ownership: Ownership[] = w.players.map((p, i) => {
      const [partnerId, segment] = IG_OWNERS[p.owner]!;
      return owner(`c${i}`, partnerId, {
        segment,
        ...(p.claim ? { otherClaims: [{ partnerId: 'a1', segment: 'affiliate' as const }] } : {}),
        ...(p.ftd !== undefined
          ? { firstDeposit: { date: '2025-01-02', amount: p.ftd, currency: 'EUR' } }
          : {}),
      });
    });
    w.traders.forEach((t, i) => {
      ownership.push(owner(`t${i}`, FX_OWNERS[t]!, { brandId: 'fx', segment: 'ib' }));
    });
    ownership.push(owner('b0', 'inf', { brandId: 'prop', segment: 'influencer' }));
    const rows: ActivityRow[] = [];
    for (const d of w.days) {
      rows.push({
        type: 'igaming_day',
        brandId: 'casino',
        customerId: `c${d.c % w.players.length}`,
        date: d.date,
        currency: 'EUR',
        stakes: d.stakes,
        wins: d.wins,
        bonuses: d.bonuses,
        bets: 1,
      });
    }
    w.trades.forEach((t, i) => {
      const closedAt = Date.UTC(2025, 0, t.d, 12);
      rows.push({
        type: 'trade',
        brandId: 'fx',
        customerId: `t${t.c % w.traders.length}`,
        tradeId: `x${i}`,
        symbol: 'EURUSD',
        instrumentClass: 'fx',
        accountType: 'std',
        side: 'buy',
        lots: t.lots,
        openedAt: closedAt - t.hold * 1000,
        closedAt,
        currency: 'USD',
      });
    });
    w.purchases.forEach((p, i) => {
      rows.push({
        type: 'prop_purchase',
        brandId: 'prop',
        customerId: 'b0',
        purchaseId: `pp${i}`,
        date: p.date,
        currency: 'EUR',
        amountPaid: p.paid,
        listPrice: p.paid,
        purchaseKind: i === 0 ? 'first' : 'reset',
      });
    });
    return { ownership, rows };
  });

const runWorld = (ownership: Ownership[], rows: ActivityRow[], batch = 7) =>
  run({ deals: DEALS, ownership, rows, hierarchy: HIERARCHY, batch });

describe('engine properties', () => {
  it('re-running a period gives identical output, whatever the row order and batch size', () => {
    fc.assert(
      fc.property(world, fc.integer({ min: 1, max: 50 }), fc.nat(), ({ ownership, rows }, batch, seed) => {
        const first = json(runWorld(ownership, rows));
        expect(json(runWorld(ownership, rows))).toBe(first);
        const shuffled = [...rows].sort(
          (a, b) => ((rows.indexOf(a) * 7919 + seed) % 101) - ((rows.indexOf(b) * 7919 + seed) % 101),
        );
        expect(json(runWorld(ownership, shuffled, batch))).toBe(first);
      }),
      { numRuns: 40 },
    );
  });

  it('each revenue event is paid at most once: only the owner, one line per kind, besides derived hierarchy lines', () => {
    fc.assert(
      fc.property(world, ({ ownership, rows }) => {
        const res = runWorld(ownership, rows);
        const owners = new Map(ownership.map((o) => [`${o.brandId}/${o.customerId}`, o]));
        const seen = new Set<string>();
        for (const l of res.lines) {
          if (l.customerId === null || l.derivedFrom !== null || l.kind === 'cap_adjustment') continue;
          const o = owners.get(`${l.brandId}/${l.customerId}`)!;
          expect([l.partnerId, l.segment]).toEqual([o.partnerId, o.segment]);
          const key = `${l.brandId}/${l.customerId}/${l.kind}/${l.dealVersion}`;
          expect(seen.has(key)).toBe(false);
          seen.add(key);
        }
        for (const l of res.lines)
          if (l.derivedFrom !== null) expect(res.lines.some((c) => c.lineId === l.derivedFrom)).toBe(true);
      }),
      { numRuns: 40 },
    );
  });

  it('attribution alone picks the owner: competing claims change nothing that is paid', () => {
    fc.assert(
      fc.property(world, ({ ownership, rows }) => {
        const withClaims = runWorld(ownership, rows);
        const without = runWorld(
          ownership.map(({ otherClaims: _drop, ...o }) => o),
          rows,
        );
        expect(json({ ...withClaims, overlaps: [] })).toBe(json({ ...without, overlaps: [] }));
        expect(without.overlaps).toEqual([]);
      }),
      { numRuns: 30 },
    );
  });

  it('moving a customer to another owner moves its customer lines with it', () => {
    fc.assert(
      fc.property(world, fc.integer({ min: 0, max: 3 }), ({ ownership, rows }, to) => {
        const [partnerId, segment] = IG_OWNERS[to]!;
        const moved = ownership.map((o) => (o.customerId === 'c0' ? { ...o, partnerId, segment } : o));
        const res = runWorld(moved, rows);
        for (const l of res.lines)
          if (l.customerId === 'c0' && l.derivedFrom === null && l.kind !== 'cap_adjustment')
            expect([l.partnerId, l.segment]).toEqual([partnerId, segment]);
      }),
      { numRuns: 30 },
    );
  });

  it('a clawback plus its original sums to zero', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n, max: 10_000_000n }),
        fc.constantFrom('15', '12.5', '33.3333', '7'),
        fc.constantFrom('half_up', 'half_even'),
        (paid, rate, rounding) => {
          const d = deal('inf', {
            currency: 'EUR',
            rounding: rounding as 'half_up',
            segments: ['influencer'],
            components: [
              {
                id: 'pp',
                kind: 'prop_purchase',
                rate,
                purchases: 'first_only',
                base: 'amount_paid',
                refundWindowDays: 14,
                onRefund: 'clawback',
              },
            ],
          });
          const ownership = [owner('b1', 'inf', { brandId: 'prop', segment: 'influencer' })];
          const jan = run({
            deals: [d],
            ownership,
            rows: [
              {
                type: 'prop_purchase',
                brandId: 'prop',
                customerId: 'b1',
                purchaseId: 'p',
                date: '2025-01-05',
                currency: 'EUR',
                amountPaid: paid,
                listPrice: paid,
                purchaseKind: 'first',
              },
            ],
          });
          const feb = run({
            period: FEB,
            carried: jan.state,
            deals: [d],
            ownership,
            rows: [
              {
                type: 'prop_refund',
                brandId: 'prop',
                customerId: 'b1',
                purchaseId: 'p',
                date: '2025-02-27',
                currency: 'EUR',
                amount: paid,
                reason: 'chargeback',
              },
            ],
          });
          expect(sumOf(jan.lines) + sumOf(feb.lines)).toBe(0n);
          expect(feb.lines.every((l) => l.kind === 'prop_clawback')).toBe(true);
        },
      ),
      { numRuns: 50 },
    );
  });

  it('carryover is conserved across periods: Σ paid base + final carry = Σ NGR', () => {
    fc.assert(
      fc.property(
        fc.array(fc.bigInt({ min: -1_000_000n, max: 1_000_000n }), { minLength: 1, maxLength: 5 }),
        (months) => {
          const d = deal('p1', {
            currency: 'EUR',
            segments: ['affiliate'],
            components: [
              {
                id: 'rs',
                kind: 'igaming_revshare',
                ngr: { deductions: [] },
                rate: '100',
                carryover: { enabled: true, scope: 'per_brand' },
              },
            ],
          });
          let carried: PeriodResult['state'] | null = null;
          let paid = 0n;
          months.forEach((ngr, i) => {
            const m = String(i + 1).padStart(2, '0');
            const period = {
              id: `2025-${m}`,
              start: `2025-${m}-01`,
              end: i === 11 ? '2026-01-01' : `2025-${String(i + 2).padStart(2, '0')}-01`,
            };
            const row: ActivityRow = {
              type: 'igaming_day',
              brandId: 'casino',
              customerId: 'c1',
              date: `2025-${m}-10`,
              currency: 'EUR',
              stakes: ngr > 0n ? ngr : 0n,
              wins: ngr < 0n ? -ngr : 0n,
            };
            const res = run({ period, carried, deals: [d], ownership: [owner('c1', 'p1')], rows: [row] });
            paid += sumOf(res.lines);
            carried = res.state;
            expect(res.lines.every((l) => l.amount >= 0n)).toBe(true);
          });
          const carry =
            (carried as PeriodResult['state'] | null)?.carryover.reduce(
              (s, c) => s + parseMoneyOrThrow(c.amount, c.currency).amount,
              0n,
            ) ?? 0n;
          expect(paid + carry).toBe(months.reduce((s, v) => s + v, 0n));
        },
      ),
      { numRuns: 40 },
    );
  });

  it('the pure carryover rule conserves value in every scope', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom('b1', 'b2', 'b3'), fc.bigInt({ min: -1000n, max: 1000n })), {
          maxLength: 3,
        }),
        fc.array(fc.tuple(fc.constantFrom('b1', 'b2', '*'), fc.bigInt({ min: -1000n, max: 0n })), {
          maxLength: 3,
        }),
        fc.constantFrom('per_brand', 'bundled'),
        (ngrs, carries, scope) => {
          const ngr = new Map(ngrs);
          const carried = new Map(carries.filter(([s]) => (scope === 'bundled' ? s === '*' : s !== '*')));
          const r = calculateCarryover(ngr, carried, { enabled: true, scope: scope as 'per_brand' });
          const lhs = r.scopes.reduce((s, x) => s + x.commissionable + x.carryOut, 0n);
          const rhs =
            [...ngr.values()].reduce((s, v) => s + v, 0n) + [...carried.values()].reduce((s, v) => s + v, 0n);
          expect(lhs).toBe(rhs);
          expect(r.base >= 0n).toBe(true);
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('pure rule properties', () => {
  const ascendingBands = fc
    .array(fc.tuple(fc.bigInt({ min: 1n, max: 10_000n }), fc.bigInt({ min: 0n, max: 200_000n })), {
      minLength: 1,
      maxLength: 6,
    })
    .map((steps) => {
      const bands: Band[] = [];
      let from = 0n;
      let rate = 0n;
      steps.forEach(([width, rateStep], i) => {
        rate += rateStep;
        const to = i === steps.length - 1 ? null : from + width;
        bands.push({ from, to, rate: rate > 1_000_000n ? 1_000_000n : rate });
        if (to !== null) from = to;
      });
      return bands;
    });

  it('incremental tiering never exceeds retroactive (rates rising with the bands)', () => {
    fc.assert(
      fc.property(ascendingBands, fc.bigInt({ min: -1000n, max: 100_000n }), (bands, value) => {
        const inc = calculateTieredAmount(bands, value, 'incremental').amount;
        const retro = calculateTieredAmount(bands, value, 'retroactive').amount;
        expect(inc <= retro).toBe(true);
        expect(inc >= 0n).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('the split model never pays more than the pool', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10n ** 40n }),
        fc
          .array(fc.integer({ min: 0, max: 1_000_000 }), { minLength: 1, maxLength: 6 })
          .filter((s) => s.reduce((a, b) => a + b, 0) <= 1_000_000),
        fc.constantFrom(0, 2, 3),
        fc.constantFrom('half_up', 'half_even'),
        (pool, shares, digits, mode) => {
          const parts = calculateSplit(pool, 36, digits, shares.map(BigInt), mode as 'half_up');
          const total = parts.reduce((a, b) => a + b, 0n);
          const roundedPool = calculateSplit(pool, 36, digits, [1_000_000n], mode as 'half_up')[0]!;
          expect(total <= roundedPool).toBe(true);
          for (const p of parts) expect(p >= 0n).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });
});

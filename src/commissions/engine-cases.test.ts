import { describe, expect, it } from 'vitest';
import type { ActivityRow, DealVersion, Ownership } from './index.js';
import { createPeriodRun } from './create-period-run.js';
import { BRANDS, byKind, deal, eur, FEB, igDay, JAN, MAR, owner, run, sumOf, trade } from './test-support.js';

/** Hand-checked cases: every expected amount below was worked out on paper from the rule in docs/deals.md. */

type Terms = Parameters<typeof deal>[1];
const revshare = (extra: Record<string, unknown> = {}): Terms =>
  ({
    currency: 'EUR',
    segments: ['affiliate'],
    components: [
      {
        id: 'rs',
        kind: 'igaming_revshare',
        ngr: { deductions: [] },
        rate: '30',
        carryover: { enabled: false },
        ...extra,
      },
    ],
  }) as Terms;
const tiers = (mode: 'retroactive' | 'incremental') =>
  revshare({
    rate: undefined,
    tiers: {
      basis: 'ngr',
      period: 'current',
      mode,
      bands: [
        { from: '0', to: '5000', rate: '25' },
        { from: '5000', to: '20000', rate: '30' },
        { from: '20000', rate: '35' },
      ],
    },
  });
const one = (
  terms: Terms,
  rows: ActivityRow[],
  extra: { ownership?: Ownership[]; deals?: DealVersion[] } = {},
) =>
  run({
    deals: [deal('p1', terms), ...(extra.deals ?? [])],
    ownership: extra.ownership ?? [owner('c1', 'p1')],
    rows,
  });
const ngrDay = (ngr: string, date = '2025-01-05', brandId = 'casino') =>
  igDay('c1', date, { stakes: eur(ngr), brandId });
const amountOf = (res: ReturnType<typeof run>, kind: string) => sumOf(byKind(res, kind));

describe('tier boundaries (lower bound inclusive, upper exclusive)', () => {
  it.each([
    ['retroactive', '4999.99', '1250.00'], // 4999.99 × 25% = 1249.9975
    ['retroactive', '5000', '1500'], // reaches 30%
    ['retroactive', '19999.99', '6000.00'], // × 30% = 5999.997
    ['retroactive', '20000', '7000'], // reaches 35%
    ['incremental', '5000', '1250'], // band 1 full, band 2 empty
    ['incremental', '20000', '5750'], // 1250 + 4500
    ['incremental', '0.01', '0.00'], // 0.0025 → 0.00
    ['incremental', '0', '0'],
  ] as const)('%s on NGR %s → %s', (mode, ngr, expected) => {
    expect(amountOf(one(tiers(mode), [ngrDay(ngr)]), 'revshare')).toBe(eur(expected));
  });

  it('a negative period earns nothing with carryover off', () => {
    const res = one(revshare(), [igDay('c1', '2025-01-05', { wins: eur('500') })]);
    expect(amountOf(res, 'revshare')).toBe(0n);
    expect(res.state.carryover).toEqual([]);
  });
});

describe('rounding per line, configurable per deal', () => {
  it.each([
    ['half_up', '3'],
    ['half_even', '2'],
  ] as const)('NGR 0.05 at 50%% = 0.025 → %s gives %s cents', (rounding, cents) => {
    const res = one({ ...revshare({ rate: '50' }), rounding }, [ngrDay('0.05')]);
    expect(amountOf(res, 'revshare')).toBe(BigInt(cents));
  });
  it('rounds the line once, not each day', () => {
    // three days of NGR 0.01 at 50%: per day 0.005 would round to 0.01 each (0.03); per line 0.015 → 0.02
    const res = one(revshare({ rate: '50' }), [
      ngrDay('0.01', '2025-01-01'),
      ngrDay('0.01', '2025-01-02'),
      ngrDay('0.01', '2025-01-03'),
    ]);
    expect(amountOf(res, 'revshare')).toBe(2n);
  });
});

describe('multi-currency', () => {
  it('converts each row at its own date’s rate (USD brand, EUR deal)', () => {
    const res = run({
      deals: [deal('p1', revshare())],
      ownership: [owner('c1', 'p1', { brandId: 'casinoUS' })],
      rows: [
        igDay('c1', '2025-01-05', { brandId: 'casinoUS', currency: 'USD', stakes: 100_000n }),
        igDay('c1', '2025-01-20', { brandId: 'casinoUS', currency: 'USD', stakes: 100_000n }),
      ],
      fxRates: [
        { date: '2025-01-01', base: 'USD', quote: 'EUR', rate: '0.9' },
        { date: '2025-01-15', base: 'USD', quote: 'EUR', rate: '0.95' },
      ],
    });
    // 1000 × 0.9 + 1000 × 0.95 = 1850 EUR; × 30% = 555
    expect(amountOf(res, 'revshare')).toBe(eur('555'));
  });
  it('pays a JPY deal in whole yen', () => {
    const res = run({
      deals: [deal('p1', { ...revshare({ rate: '25' }), currency: 'JPY' })],
      ownership: [owner('c1', 'p1')],
      rows: [igDay('c1', '2025-01-05', { stakes: 1000n })], // 10.00 EUR
      fxRates: [{ date: '2025-01-01', base: 'EUR', quote: 'JPY', rate: '160.5' }],
    });
    // 10 EUR → 1605 JPY × 25% = 401.25 → 401
    expect(byKind(res, 'revshare')[0]).toMatchObject({ amount: 401n, currency: 'JPY' });
  });
  it('reports a missing rate instead of guessing', () => {
    const res = run({
      deals: [deal('p1', revshare())],
      ownership: [owner('c1', 'p1', { brandId: 'casinoUS' })],
      rows: [igDay('c1', '2025-01-05', { brandId: 'casinoUS', currency: 'USD', stakes: 100_000n })],
    });
    expect(byKind(res, 'revshare')).toEqual([]);
    expect(res.issues).toContainEqual({
      kind: 'missing_fx',
      from: 'USD',
      to: 'EUR',
      date: '2025-01-05',
      count: 1,
    });
  });
});

describe('negative carryover', () => {
  const two = (scope: 'per_brand' | 'bundled') =>
    one(
      revshare({ carryover: { enabled: true, scope } }),
      [igDay('c1', '2025-01-05', { wins: eur('1000') }), ngrDay('3000', '2025-01-06', 'casino2')],
      {
        ownership: [owner('c1', 'p1'), owner('c1', 'p1', { brandId: 'casino2' })],
      },
    );
  it('per brand: −1,000 on one brand is carried, +3,000 on the other is paid → 900', () => {
    const res = two('per_brand');
    expect(amountOf(res, 'revshare')).toBe(eur('900'));
    expect(res.state.carryover).toEqual([
      { partnerId: 'p1', segment: 'affiliate', scope: 'casino', currency: 'EUR', amount: '-1000' },
    ]);
  });
  it('bundled: the brands net to +2,000 → 600, nothing carried', () => {
    const res = two('bundled');
    expect(amountOf(res, 'revshare')).toBe(eur('600'));
    expect(res.state.carryover).toEqual([]);
  });
  it('recovers across three periods: −10,000, +4,000, +7,000 → 0, 0, 300', () => {
    const terms = revshare({ carryover: { enabled: true, scope: 'per_brand' } });
    const d = [deal('p1', terms)];
    const ownership = [owner('c1', 'p1')];
    const jan = run({ deals: d, ownership, rows: [igDay('c1', '2025-01-05', { wins: eur('10000') })] });
    const feb = run({
      period: FEB,
      carried: jan.state,
      deals: d,
      ownership,
      rows: [ngrDay('4000', '2025-02-05')],
    });
    expect(feb.state.carryover[0]?.amount).toBe('-6000');
    const mar = run({
      period: MAR,
      carried: feb.state,
      deals: d,
      ownership,
      rows: [ngrDay('7000', '2025-03-05')],
    });
    expect([amountOf(jan, 'revshare'), amountOf(feb, 'revshare'), amountOf(mar, 'revshare')]).toEqual([
      0n,
      0n,
      eur('300'),
    ]);
    expect(mar.state.carryover).toEqual([]);
  });
  it('a partner without activity keeps its carried balance', () => {
    const d = [deal('p1', revshare({ carryover: { enabled: true, scope: 'per_brand' } }))];
    const jan = run({
      deals: d,
      ownership: [owner('c1', 'p1')],
      rows: [igDay('c1', '2025-01-05', { wins: eur('250') })],
    });
    const feb = run({ period: FEB, carried: jan.state, deals: d, ownership: [owner('c1', 'p1')], rows: [] });
    expect(feb.state.carryover).toEqual(jan.state.carryover);
  });
});

describe('NDC tiers and limited duration', () => {
  const ndc = (period: 'current' | 'last_closed') =>
    revshare({
      rate: undefined,
      tiers: {
        basis: 'ndc',
        period,
        mode: 'retroactive',
        bands: [
          { from: '0', to: '5', rate: '25' },
          { from: '5', rate: '35' },
        ],
      },
    });
  const ftdOwners = (n: number, date: string) =>
    Array.from({ length: n }, (_, i) =>
      owner(`n${i}`, 'p1', { firstDeposit: { date, amount: eur('20'), currency: 'EUR' } }),
    );
  it.each([
    [4, '250'],
    [5, '350'],
  ])('%s new depositing customers this period → NGR 1,000 pays %s', (n, expected) => {
    const res = one(ndc('current'), [ngrDay('1000')], {
      ownership: [owner('c1', 'p1'), ...ftdOwners(n, '2025-01-03')],
    });
    expect(amountOf(res, 'revshare')).toBe(eur(expected));
  });
  it('last closed period: January’s 5 NDC set February’s rate', () => {
    const d = [deal('p1', ndc('last_closed'))];
    const ownership = [owner('c1', 'p1'), ...ftdOwners(5, '2025-01-03')];
    const jan = run({ deals: d, ownership, rows: [ngrDay('1000')] });
    expect(amountOf(jan, 'revshare')).toBe(eur('250')); // no history yet
    const feb = run({
      period: FEB,
      carried: jan.state,
      deals: d,
      ownership,
      rows: [ngrDay('1000', '2025-02-05')],
    });
    expect(amountOf(feb, 'revshare')).toBe(eur('350'));
  });
  it('limited duration: only days before registration + N months count', () => {
    const res = one(
      revshare({ duration: { kind: 'limited', months: 1 } }),
      [ngrDay('100', '2025-01-14'), ngrDay('900', '2025-01-15')],
      {
        ownership: [owner('c1', 'p1', { registeredAt: '2024-12-15' })],
      },
    );
    expect(amountOf(res, 'revshare')).toBe(eur('30'));
  });
});

describe('CPA qualification', () => {
  const cpa = (q: Record<string, unknown>, extra: Record<string, unknown> = {}): Terms =>
    ({
      currency: 'EUR',
      segments: ['affiliate'],
      components: [
        {
          id: 'cpa',
          kind: 'igaming_cpa',
          amount: { default: '100', byCountry: { GB: '150' } },
          qualification: q,
          holdDays: 30,
          ...extra,
        },
      ],
    }) as Terms;
  const depositor = (amount: string, date = '2025-01-03', extra: Partial<Ownership> = {}) =>
    owner('c1', 'p1', {
      registeredAt: '2025-01-01',
      firstDeposit: { date, amount: eur(amount), currency: 'EUR' },
      ...extra,
    });
  const wager = (amount: string, date = '2025-01-04', bets = 1) =>
    igDay('c1', date, { stakes: eur(amount), wins: eur(amount), bets });

  it.each([
    ['deposit exactly the minimum', { minFirstDeposit: '20' }, depositor('20'), [], '100'],
    ['deposit one cent short', { minFirstDeposit: '20' }, depositor('19.99'), [], '0'],
    ['deposit on the last allowed day', { depositWithinDays: 7 }, depositor('50', '2025-01-08'), [], '100'],
    ['deposit a day too late', { depositWithinDays: 7 }, depositor('50', '2025-01-09'), [], '0'],
    ['GB amount', {}, depositor('50', '2025-01-03', { country: 'GB' }), [], '150'],
    ['unknown country → default', {}, depositor('50', '2025-01-03', { country: 'NO' }), [], '100'],
    ['self-excluded', {}, depositor('50', '2025-01-03', { flags: { selfExcluded: true } }), [], '0'],
    ['fraud-flagged', {}, depositor('50', '2025-01-03', { flags: { fraud: true } }), [], '0'],
    [
      'duplicate, but exclusions limited to fraud',
      { exclude: ['fraud'] },
      depositor('50', '2025-01-03', { flags: { duplicate: true } }),
      [],
      '100',
    ],
    ['bets short', { minBets: 5 }, depositor('50'), [wager('10', '2025-01-04', 4)], '0'],
    [
      'bets reached',
      { minBets: 5 },
      depositor('50'),
      [wager('10', '2025-01-04', 2), wager('10', '2025-01-05', 3)],
      '100',
    ],
    [
      'wagering 3× deposit short by a cent',
      { minWageringMultiple: '3' },
      depositor('50'),
      [wager('149.99')],
      '0',
    ],
    ['wagering 3× deposit reached', { minWageringMultiple: '3' }, depositor('50'), [wager('150')], '100'],
    ['no first deposit', {}, owner('c1', 'p1'), [wager('500')], '0'],
  ] as const)('%s', (_name, q, o, rows, expected) => {
    const res = one(cpa(q), [...rows], { ownership: [o] });
    expect(amountOf(res, 'cpa')).toBe(eur(expected));
  });

  it('wagering carried across periods: 60 in January, 50 in February → paid in February', () => {
    const d = [deal('p1', cpa({ minWagering: '100' }))];
    const ownership = [depositor('50')];
    const jan = run({ deals: d, ownership, rows: [wager('60')] });
    expect(byKind(jan, 'cpa')).toEqual([]);
    expect(jan.state.cpaProgress).toMatchObject([{ customerId: 'c1', wagered: '60' }]);
    const feb = run({
      period: FEB,
      carried: jan.state,
      deals: d,
      ownership,
      rows: [wager('50', '2025-02-02')],
    });
    expect(byKind(feb, 'cpa').map((l) => [l.amount, l.holdUntil])).toEqual([[eur('100'), '2025-03-31']]);
    expect(feb.state.cpaProgress).toEqual([]);
  });
  it('is paid once: a customer already paid is never paid again', () => {
    const d = [deal('p1', cpa({}))];
    const jan = run({ deals: d, ownership: [depositor('50')], rows: [wager('10')] });
    const feb = run({
      period: FEB,
      carried: jan.state,
      deals: d,
      ownership: [depositor('50')],
      rows: [wager('10', '2025-02-03')],
    });
    expect([amountOf(jan, 'cpa'), amountOf(feb, 'cpa')]).toEqual([eur('100'), 0n]);
  });
  it('the activity window closes: no CPA once it passed', () => {
    const d = [deal('p1', cpa({ minWagering: '100', activityWithinDays: 10 }))];
    const res = one(
      cpa({ minWagering: '100', activityWithinDays: 10 }),
      [wager('50'), wager('60', '2025-01-20')],
      { ownership: [depositor('50')] },
    );
    expect(amountOf(res, 'cpa')).toBe(0n);
    expect(res.state.cpaProgress).toEqual([]);
    expect(d).toHaveLength(1);
  });
  it('a hold of 0 days releases at the period end', () => {
    const res = one(cpa({}, { holdDays: 0 }), [], { ownership: [depositor('50')] });
    expect(byKind(res, 'cpa')[0]?.holdUntil).toBe('2025-02-01');
  });
});

describe('Forex per-trade rules', () => {
  const fxOwner = [owner('t1', 'ib', { brandId: 'fx', segment: 'ib' })];
  const rebate = (
    extra: Record<string, unknown> = {},
    method: unknown = {
      kind: 'per_lot',
      rates: [
        { instrumentClass: 'fx', perLot: '4' },
        { instrumentClass: 'fx', accountType: 'ecn', perLot: '3' },
      ],
    },
  ) =>
    deal('ib', {
      currency: 'USD',
      segments: ['ib'],
      components: [{ id: 'reb', kind: 'forex_rebate', method, ...extra }],
    } as Terms);
  const fx = (rows: ActivityRow[], d: DealVersion = rebate()) =>
    run({ deals: [d], ownership: fxOwner, rows });
  const closed = (day: number, hour = 12) => Date.UTC(2025, 0, day, hour);

  it('caps each trade: 10 lots × 4 = 40 capped at 25, plus 1 lot × 4', () => {
    const res = fx(
      [trade('t1', '10', { tradeId: 'a' }), trade('t1', '1', { tradeId: 'b' })],
      rebate({ eligibility: { capPerTrade: '25' } }),
    );
    expect(amountOf(res, 'fx_rebate')).toBe(eur('29'));
  });
  it('uses the account-type rate when there is one (ECN 3, standard 4)', () => {
    const res = fx([
      trade('t1', '1', { tradeId: 'a', accountType: 'ecn' }),
      trade('t1', '1', { tradeId: 'b' }),
    ]);
    expect(amountOf(res, 'fx_rebate')).toBe(eur('7'));
  });
  it('a class without a rate earns nothing and says so', () => {
    const res = fx([
      trade('t1', '1', { instrumentClass: 'crypto', symbol: 'BTCUSD' }),
      trade('t1', '1', { tradeId: 'b' }),
    ]);
    const line = byKind(res, 'fx_rebate')[0]!;
    expect(line.amount).toBe(eur('4'));
    expect(line.explanation.notes?.join(' ')).toMatch(/1 trade\(s\) in an instrument class/);
  });
  it('nets hedged volume per symbol and day: buy 2 + sell 1 → 1 lot', () => {
    const res = fx(
      [trade('t1', '2', { tradeId: 'a' }), trade('t1', '1', { tradeId: 'b', side: 'sell' })],
      rebate({ eligibility: { hedgeNetting: true } }),
    );
    expect(amountOf(res, 'fx_rebate')).toBe(eur('4'));
  });
  it('does not net opposite trades on different days', () => {
    const res = fx(
      [
        trade('t1', '2', { tradeId: 'a' }),
        trade('t1', '1', { tradeId: 'b', side: 'sell', closedAt: closed(11), openedAt: closed(11, 1) }),
      ],
      rebate({ eligibility: { hedgeNetting: true } }),
    );
    expect(amountOf(res, 'fx_rebate')).toBe(eur('12'));
  });
  it('credit ≥ equity leaves nothing to pay', () => {
    const res = fx(
      [trade('t1', '1', { equity: eur('100'), credit: eur('100') })],
      rebate({ eligibility: { creditCoefficient: true } }),
    );
    expect(amountOf(res, 'fx_rebate')).toBe(0n);
  });
  it('markup share: 2 lots × 1.50 markup × 30% = 0.90', () => {
    const d = deal('ib', {
      currency: 'USD',
      segments: ['ib'],
      components: [{ id: 'mk', kind: 'forex_markup_share', percent: '30' }],
    } as Terms);
    expect(amountOf(fx([trade('t1', '2', { markupPerLot: eur('1.50') })], d), 'fx_markup_share')).toBe(
      eur('0.90'),
    );
  });
  it('passes 10% of the rebate to the client where allowed: 40 → client 4, IB 36', () => {
    const res = fx([trade('t1', '10')], rebate({ clientRebatePercent: '10' }));
    expect(byKind(res, 'fx_rebate')[0]?.amount).toBe(eur('36'));
    expect(byKind(res, 'client_rebate')[0]).toMatchObject({ amount: eur('4'), payee: 'customer' });
  });
  it('never pays a client on a CySEC brand, even if the deal says so', () => {
    const res = run({
      deals: [rebate({ clientRebatePercent: '10' })],
      ownership: [owner('t1', 'ib', { brandId: 'fxeu', segment: 'ib' })],
      rows: [trade('t1', '10', { brandId: 'fxeu' })],
    });
    expect(byKind(res, 'client_rebate')).toEqual([]);
    expect(amountOf(res, 'fx_rebate')).toBe(eur('40'));
    expect(res.issues).toContainEqual({
      kind: 'client_rebate_blocked',
      partnerId: 'ib',
      brandId: 'fxeu',
      count: 1,
    });
  });
  it('a trade closed after the period is not this period’s', () => {
    const res = fx([trade('t1', '1', { closedAt: Date.UTC(2025, 1, 1), openedAt: Date.UTC(2025, 0, 31) })]);
    expect(res.lines).toEqual([]);
    expect(res.issues).toContainEqual({ kind: 'out_of_period', count: 1 });
  });
  it('split down three levels (50/30/20) of a tiny pool never pays more than the rounded pool', () => {
    const d = deal('l3', {
      currency: 'USD',
      segments: ['ib'],
      components: [
        {
          id: 'reb',
          kind: 'forex_rebate',
          method: { kind: 'per_lot', rates: [{ instrumentClass: 'fx', perLot: '3.33' }] },
          ibModel: { kind: 'split', shares: ['50', '30', '20'] },
        },
      ],
    } as Terms);
    const res = run({
      deals: [d],
      ownership: [owner('t1', 'l3', { brandId: 'fx', segment: 'ib' })],
      hierarchy: [
        { partnerId: 'l3', segment: 'ib', parentPartnerId: 'l2', parentSegment: 'ib' },
        { partnerId: 'l2', segment: 'ib', parentPartnerId: 'l1', parentSegment: 'ib' },
      ],
      rows: [trade('t1', '0.01')],
    });
    // pool 0.0333: cumulative 50% → 0.01665 → 0.02; 80% → 0.02664 → 0.03; 100% → 0.0333 → 0.03
    expect(Object.fromEntries(res.lines.map((l) => [l.partnerId, l.amount]))).toEqual({
      l3: 2n,
      l2: 1n,
      l1: 0n,
    });
  });
  it('split shares above the tree’s top are not paid', () => {
    const d = deal('solo', {
      currency: 'USD',
      segments: ['ib'],
      components: [
        {
          id: 'reb',
          kind: 'forex_rebate',
          method: { kind: 'per_lot', rates: [{ instrumentClass: 'fx', perLot: '10' }] },
          ibModel: { kind: 'split', shares: ['70', '30'] },
        },
      ],
    } as Terms);
    const res = run({
      deals: [d],
      ownership: [owner('t1', 'solo', { brandId: 'fx', segment: 'ib' })],
      rows: [trade('t1', '1')],
    });
    expect(res.lines.map((l) => [l.partnerId, l.amount])).toEqual([['solo', eur('7')]]);
  });
  it.each([
    ['2', '300'],
    ['1.99', '0'],
  ])('FX CPA: deposit 300, %s lots within 30 days → %s', (lots, expected) => {
    const d = deal('ib', {
      currency: 'USD',
      segments: ['ib'],
      components: [
        {
          id: 'cpa',
          kind: 'forex_cpa',
          amount: { default: '300' },
          qualification: { minDeposit: '250', minLots: '2', withinDays: 30 },
          holdDays: 45,
        },
      ],
    } as Terms);
    const res = run({
      deals: [d],
      ownership: [
        owner('t1', 'ib', {
          brandId: 'fx',
          segment: 'ib',
          firstDeposit: { date: '2025-01-02', amount: eur('300'), currency: 'USD' },
        }),
      ],
      rows: [trade('t1', lots)],
    });
    expect(amountOf(res, 'fx_cpa')).toBe(eur(expected));
  });
});

describe('Prop trading', () => {
  const prop = (extra: Record<string, unknown> = {}) =>
    deal('inf', {
      currency: 'EUR',
      segments: ['influencer'],
      components: [
        {
          id: 'pp',
          kind: 'prop_purchase',
          rate: '15',
          purchases: 'first_only',
          base: 'amount_paid',
          refundWindowDays: 14,
          onRefund: 'void',
          ...extra,
        },
      ],
    } as Terms);
  const buyer = [owner('b1', 'inf', { brandId: 'prop', segment: 'influencer' })];
  const purchase = (
    id: string,
    date: string,
    kind: 'first' | 'reset' = 'first',
    paid = '500',
    list = '600',
  ): ActivityRow => ({
    type: 'prop_purchase',
    brandId: 'prop',
    customerId: 'b1',
    purchaseId: id,
    date,
    currency: 'EUR',
    amountPaid: eur(paid),
    listPrice: eur(list),
    purchaseKind: kind,
  });
  const refund = (id: string, date: string, amount = '500'): ActivityRow => ({
    type: 'prop_refund',
    brandId: 'prop',
    customerId: 'b1',
    purchaseId: id,
    date,
    currency: 'EUR',
    amount: eur(amount),
    reason: 'refund',
  });

  it('first purchase only: a reset earns nothing', () => {
    const res = run({
      deals: [prop()],
      ownership: buyer,
      rows: [purchase('p1', '2025-01-05'), purchase('p2', '2025-01-20', 'reset')],
    });
    expect(amountOf(res, 'prop_commission')).toBe(eur('75'));
  });
  it('recurring: the reset earns too', () => {
    const res = run({
      deals: [prop({ purchases: 'recurring' })],
      ownership: buyer,
      rows: [purchase('p1', '2025-01-05'), purchase('p2', '2025-01-20', 'reset')],
    });
    expect(amountOf(res, 'prop_commission')).toBe(eur('150'));
  });
  it('list-price base: 600 × 15% = 90', () => {
    const res = run({
      deals: [prop({ base: 'list_price' })],
      ownership: buyer,
      rows: [purchase('p1', '2025-01-05')],
    });
    expect(amountOf(res, 'prop_commission')).toBe(eur('90'));
  });
  it('a refund inside the window voids the pending commission (sums to zero)', () => {
    const res = run({
      deals: [prop()],
      ownership: buyer,
      rows: [refund('p1', '2025-01-10'), purchase('p1', '2025-01-05')],
    });
    expect(byKind(res, 'prop_void').map((l) => l.amount)).toEqual([-eur('75')]);
    expect(sumOf(res.lines)).toBe(0n);
  });
  it('a refund after the window is clawed back next period (clawback policy)', () => {
    const d = [prop({ onRefund: 'clawback' })];
    const jan = run({ deals: d, ownership: buyer, rows: [purchase('p1', '2025-01-05')] });
    const feb = run({
      period: FEB,
      carried: jan.state,
      deals: d,
      ownership: buyer,
      rows: [refund('p1', '2025-02-10')],
    });
    expect(byKind(feb, 'prop_clawback').map((l) => l.amount)).toEqual([-eur('75')]);
  });
  it('a refund after the window is ignored under the void policy', () => {
    const d = [prop()];
    const jan = run({ deals: d, ownership: buyer, rows: [purchase('p1', '2025-01-05')] });
    const feb = run({
      period: FEB,
      carried: jan.state,
      deals: d,
      ownership: buyer,
      rows: [refund('p1', '2025-02-10')],
    });
    expect(feb.lines).toEqual([]);
  });
  it('a partial refund of 250 of 500 claws back half: −37.50', () => {
    const d = [prop({ onRefund: 'clawback' })];
    const jan = run({ deals: d, ownership: buyer, rows: [purchase('p1', '2025-01-05')] });
    const feb = run({
      period: FEB,
      carried: jan.state,
      deals: d,
      ownership: buyer,
      rows: [refund('p1', '2025-02-10', '250')],
    });
    expect(amountOf(feb, 'prop_clawback')).toBe(-eur('37.50'));
  });
  it('rate tiers by conversions: 3 first purchases reach the 20% band', () => {
    const d = prop({
      rate: undefined,
      tiers: {
        basis: 'conversions',
        period: 'current',
        bands: [
          { from: '0', to: '3', rate: '10' },
          { from: '3', rate: '20' },
        ],
      },
    });
    const owners = ['b1', 'b2', 'b3'].map((c) => owner(c, 'inf', { brandId: 'prop', segment: 'influencer' }));
    const rows = owners.map(
      (o) => ({ ...purchase(`p-${o.customerId}`, '2025-01-05'), customerId: o.customerId }) as ActivityRow,
    );
    const res = run({ deals: [d], ownership: owners, rows });
    expect(amountOf(res, 'prop_commission')).toBe(eur('300')); // 3 × 500 × 20%
  });
});

describe('every segment: fees, caps, overrides, precedence', () => {
  it('pays a monthly retainer once, even with no activity', () => {
    const res = run({
      deals: [
        deal('amb', {
          currency: 'EUR',
          segments: ['ambassador'],
          components: [{ id: 'ret', kind: 'fixed_fee', fee: 'monthly_retainer', amount: '1500' }],
        }),
      ],
      ownership: [],
      rows: [],
    });
    expect(res.lines.map((l) => [l.kind, l.amount, l.customerId])).toEqual([['retainer', eur('1500'), null]]);
  });
  it('pays deliverables of the listed types once each: 3 × 400', () => {
    const d = deal('inf', {
      currency: 'EUR',
      segments: ['influencer'],
      components: [{ id: 'vid', kind: 'deliverable_fee', amount: '400', deliverableTypes: ['video'] }],
    });
    const dv = (id: string, type = 'video'): ActivityRow => ({
      type: 'deliverable',
      partnerId: 'inf',
      segment: 'influencer',
      deliverableId: id,
      deliverableType: type,
      date: '2025-01-10',
    });
    const res = run({
      deals: [d],
      ownership: [],
      rows: [dv('a'), dv('b'), dv('c'), dv('a'), dv('x', 'story')],
    });
    expect(amountOf(res, 'deliverable_fee')).toBe(eur('1200'));
  });
  it('caps per customer: CPA 100 capped at 80 → adjustment −20', () => {
    const res = one(
      {
        currency: 'EUR',
        segments: ['affiliate'],
        caps: { perCustomer: '80' },
        components: [
          { id: 'cpa', kind: 'igaming_cpa', amount: { default: '100' }, qualification: {}, holdDays: 0 },
        ],
      },
      [],
      {
        ownership: [
          owner('c1', 'p1', { firstDeposit: { date: '2025-01-03', amount: eur('10'), currency: 'EUR' } }),
        ],
      },
    );
    expect(amountOf(res, 'cap_adjustment')).toBe(-eur('20'));
    expect(sumOf(res.lines)).toBe(eur('80'));
  });
  it('caps per period: revshare 1,500 capped at 1,000 → adjustment −500', () => {
    const res = one({ ...revshare(), caps: { perPeriod: '1000' } }, [ngrDay('5000')]);
    expect(amountOf(res, 'cap_adjustment')).toBe(-eur('500'));
  });
  it('overrides by depth with a rate beyond: 5%, 2%, then 1%', () => {
    const leaf = deal('leaf', revshare());
    const ovr = (p: string) =>
      deal(p, {
        currency: 'EUR',
        segments: ['affiliate'],
        components: [{ id: 'ovr', kind: 'sub_partner_override', ratesByDepth: ['5', '2'], beyond: '1' }],
      });
    const edge = (c: string, p: string) => ({
      partnerId: c,
      segment: 'affiliate' as const,
      parentPartnerId: p,
      parentSegment: 'affiliate' as const,
    });
    const res = run({
      deals: [leaf, ovr('a1'), ovr('a2'), ovr('a3')],
      ownership: [owner('c1', 'leaf')],
      hierarchy: [edge('leaf', 'a1'), edge('a1', 'a2'), edge('a2', 'a3')],
      rows: [igDay('c1', '2025-01-05', { stakes: eur('1000') })],
    });
    // leaf 300; a1 5% = 15; a2 2% = 6; a3 1% = 3
    expect(Object.fromEntries(res.lines.map((l) => [l.partnerId, l.amount]))).toEqual({
      leaf: eur('300'),
      a1: eur('15'),
      a2: eur('6'),
      a3: eur('3'),
    });
  });
  it('a clawback gives a negative override', () => {
    const sub = deal('sub', {
      currency: 'EUR',
      segments: ['influencer'],
      components: [
        {
          id: 'pp',
          kind: 'prop_purchase',
          rate: '15',
          purchases: 'first_only',
          base: 'amount_paid',
          refundWindowDays: 14,
          onRefund: 'clawback',
        },
      ],
    });
    const master = deal('m', {
      currency: 'EUR',
      segments: ['influencer'],
      components: [{ id: 'ovr', kind: 'sub_partner_override', ratesByDepth: ['10'] }],
    });
    const hierarchy = [
      {
        partnerId: 'sub',
        segment: 'influencer' as const,
        parentPartnerId: 'm',
        parentSegment: 'influencer' as const,
      },
    ];
    const ownership = [owner('b1', 'sub', { brandId: 'prop', segment: 'influencer' })];
    const buy: ActivityRow = {
      type: 'prop_purchase',
      brandId: 'prop',
      customerId: 'b1',
      purchaseId: 'p1',
      date: '2025-01-05',
      currency: 'EUR',
      amountPaid: eur('500'),
      listPrice: eur('500'),
      purchaseKind: 'first',
    };
    const jan = run({ deals: [sub, master], ownership, hierarchy, rows: [buy] });
    const feb = run({
      period: FEB,
      carried: jan.state,
      deals: [sub, master],
      ownership,
      hierarchy,
      rows: [
        {
          type: 'prop_refund',
          brandId: 'prop',
          customerId: 'b1',
          purchaseId: 'p1',
          date: '2025-02-20',
          currency: 'EUR',
          amount: eur('500'),
          reason: 'chargeback',
        },
      ],
    });
    expect(byKind(feb, 'sub_override').map((l) => l.amount)).toEqual([-eur('7.50')]);
    expect(sumOf(jan.lines) + sumOf(feb.lines)).toBe(0n);
  });
  it('override grain: one line over two CPAs of 10.10 at 5% → 20.20 × 5% = 1.01 (not 0.51 + 0.51)', () => {
    const sub = deal('sub', {
      currency: 'EUR',
      segments: ['affiliate'],
      components: [
        { id: 'cpa', kind: 'igaming_cpa', amount: { default: '10.10' }, qualification: {}, holdDays: 0 },
      ],
    });
    const master = deal('m', {
      currency: 'EUR',
      segments: ['affiliate'],
      components: [{ id: 'ovr', kind: 'sub_partner_override', ratesByDepth: ['5'] }],
    });
    const ftd = { firstDeposit: { date: '2025-01-03', amount: eur('10'), currency: 'EUR' } };
    const res = run({
      deals: [sub, master],
      ownership: [owner('c1', 'sub', ftd), owner('c2', 'sub', ftd)],
      hierarchy: [
        { partnerId: 'sub', segment: 'affiliate', parentPartnerId: 'm', parentSegment: 'affiliate' },
      ],
      rows: [],
    });
    const cpas = byKind(res, 'cpa');
    expect(cpas.map((l) => l.amount)).toEqual([eur('10.10'), eur('10.10')]);
    const ovr = byKind(res, 'sub_override');
    expect(ovr).toHaveLength(1);
    // 20.20 × 5% = 1.01 exactly; one rounding per override line
    expect(ovr[0]!.amount).toBe(eur('1.01'));
    expect(ovr[0]!.customerId).toBeNull();
    expect(ovr[0]!.holdUntil).toBe('2025-02-01');
    expect(ovr[0]!.derivedFrom).toBe(cpas[0]!.lineId);
    expect(ovr[0]!.explanation.detail).toEqual([
      { lineId: cpas[0]!.lineId, amount: '10.1' },
      { lineId: cpas[1]!.lineId, amount: '10.1' },
    ]);
    expect(ovr[0]!.explanation.inputs.childAmount).toBe('20.2');
  });
  it('finishStreaming hands out the same lines, in the same order, as finish', () => {
    const ctx = {
      period: JAN,
      brands: BRANDS,
      deals: [
        deal('sub', revshare()),
        deal('m', {
          currency: 'EUR',
          segments: ['affiliate'],
          components: [{ id: 'ovr', kind: 'sub_partner_override', ratesByDepth: ['5'] }],
        }),
      ],
      ownership: [owner('c1', 'sub'), owner('c2', 'sub'), owner('c3', 'm')],
      hierarchy: [
        {
          partnerId: 'sub',
          segment: 'affiliate' as const,
          parentPartnerId: 'm',
          parentSegment: 'affiliate' as const,
        },
      ],
      fxRates: [],
      carried: null,
    };
    const rows = [
      igDay('c1', '2025-01-05', { stakes: eur('1000') }),
      igDay('c2', '2025-01-06', { stakes: eur('300') }),
      igDay('c3', '2025-01-07', { stakes: eur('50') }),
    ];
    const json = (v: unknown) => JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? `${x}n` : x));
    const a = createPeriodRun(ctx);
    a.add(rows);
    const full = a.finish();
    const b = createPeriodRun(ctx);
    b.add(rows);
    const streamed: unknown[] = [];
    const summary = b.finishStreaming((l) => streamed.push(l));
    expect(json(streamed)).toBe(json(full.lines));
    expect(summary.lineCount).toBe(full.lines.length);
    const { lines: _lines, ...rest } = full;
    const { lineCount: _n, ...restStreamed } = summary;
    expect(json(restStreamed)).toBe(json(rest));
  });
  it('override grain: lot override on two clients of 0.01 lot at 0.25/lot → 0.02 × 0.25 = 0.005 → 0.01', () => {
    const leaf = deal('ib2', {
      currency: 'USD',
      segments: ['ib'],
      components: [
        {
          id: 'reb',
          kind: 'forex_rebate',
          method: { kind: 'per_lot', rates: [{ instrumentClass: 'fx', perLot: '3' }] },
        },
      ],
    } as Terms);
    const top = deal('ib1', {
      currency: 'USD',
      segments: ['ib'],
      components: [{ id: 'ovr', kind: 'forex_lot_override', perLotByDepth: ['0.25'] }],
    });
    const fx = { brandId: 'fx', segment: 'ib' as const };
    const res = run({
      deals: [leaf, top],
      ownership: [owner('t1', 'ib2', fx), owner('t2', 'ib2', fx)],
      hierarchy: [{ partnerId: 'ib2', segment: 'ib', parentPartnerId: 'ib1', parentSegment: 'ib' }],
      rows: [trade('t1', '0.01'), trade('t2', '0.01')],
    });
    // each client: 0.01 × 3 = 0.03; per line the override would be 0.0025 → 0.00 twice
    expect(byKind(res, 'fx_rebate').map((l) => l.amount)).toEqual([eur('0.03'), eur('0.03')]);
    const ovr = byKind(res, 'fx_lot_override');
    expect(ovr).toHaveLength(1);
    expect(ovr[0]!.partnerId).toBe('ib1');
    expect(ovr[0]!.amount).toBe(eur('0.01'));
    expect(ovr[0]!.explanation.inputs.lots).toBe('0.02');
    expect(ovr[0]!.explanation.detail?.map((d) => d.lots)).toEqual(['0.01', '0.01']);
  });
  it('five-level IB tree: lot overrides 1, 0.5, 0.25, 0.1 on 10 lots', () => {
    const leaf = deal('ib5', {
      currency: 'USD',
      segments: ['ib'],
      components: [
        {
          id: 'reb',
          kind: 'forex_rebate',
          method: { kind: 'per_lot', rates: [{ instrumentClass: 'fx', perLot: '3' }] },
        },
      ],
    } as Terms);
    const ovr = (p: string) =>
      deal(p, {
        currency: 'USD',
        segments: ['ib'],
        components: [{ id: 'ovr', kind: 'forex_lot_override', perLotByDepth: ['1', '0.5', '0.25', '0.1'] }],
      });
    const edge = (c: string, p: string) => ({
      partnerId: c,
      segment: 'ib' as const,
      parentPartnerId: p,
      parentSegment: 'ib' as const,
    });
    const res = run({
      deals: [leaf, ovr('ib4'), ovr('ib3'), ovr('ib2'), ovr('ib1')],
      ownership: [owner('t1', 'ib5', { brandId: 'fx', segment: 'ib' })],
      hierarchy: [edge('ib5', 'ib4'), edge('ib4', 'ib3'), edge('ib3', 'ib2'), edge('ib2', 'ib1')],
      rows: [trade('t1', '10')],
    });
    expect(Object.fromEntries(res.lines.map((l) => [l.partnerId, l.amount]))).toEqual({
      ib5: eur('30'),
      ib4: eur('10'),
      ib3: eur('5'),
      ib2: eur('2.50'),
      ib1: eur('1'),
    });
  });
  it('a unified deal pays one CPA per customer, by precedence', () => {
    const terms = {
      currency: 'EUR',
      segments: ['affiliate', 'ambassador'],
      precedence: ['amb-cpa', 'aff-cpa'],
      components: [
        { id: 'aff-cpa', kind: 'igaming_cpa', amount: { default: '80' }, qualification: {}, holdDays: 0 },
        {
          id: 'amb-cpa',
          kind: 'igaming_cpa',
          segments: ['ambassador'],
          amount: { default: '150' },
          qualification: {},
          holdDays: 0,
        },
      ],
    } as Terms;
    const ftd = { date: '2025-01-03', amount: eur('50'), currency: 'EUR' };
    const res = run({
      deals: [deal('cr', terms)],
      ownership: [
        owner('c1', 'cr', { segment: 'ambassador', firstDeposit: ftd }),
        owner('c2', 'cr', { firstDeposit: ftd }),
      ],
      rows: [],
    });
    const cpas = byKind(res, 'cpa').sort((a, b) => (a.customerId! < b.customerId! ? -1 : 1));
    expect(cpas.map((l) => [l.customerId, l.segment, l.componentId, l.amount])).toEqual([
      ['c1', 'ambassador', 'amb-cpa', eur('150')],
      ['c2', 'affiliate', 'aff-cpa', eur('80')],
    ]);
  });
  it('a new deal version mid-period pays each day under the version in force', () => {
    const v1 = deal('p1', revshare(), { version: 1, effectiveFrom: '2024-01-01', effectiveTo: '2025-01-16' });
    const v2 = deal('p1', revshare({ rate: '40' }), { version: 2, effectiveFrom: '2025-01-16' });
    const res = run({
      deals: [v1, v2],
      ownership: [owner('c1', 'p1')],
      rows: [ngrDay('100', '2025-01-15'), ngrDay('100', '2025-01-16')],
    });
    expect(byKind(res, 'revshare').map((l) => [l.dealVersion, l.amount])).toEqual([
      [1, eur('30')],
      [2, eur('40')],
    ]);
  });
  it('reports rows it cannot pay: no owner, no deal', () => {
    const res = run({
      deals: [],
      ownership: [owner('c1', 'nobody')],
      rows: [ngrDay('100'), igDay('stranger', '2025-01-05', { stakes: 1n })],
    });
    expect(res.lines).toEqual([]);
    expect(res.issues).toEqual([
      { kind: 'no_deal', partnerId: 'nobody', segment: 'affiliate', count: 1 },
      { kind: 'unattributed', vertical: 'igaming', count: 1 },
    ]);
  });
  it('records competing claims as overlaps, never pays them', () => {
    const res = one(revshare(), [], {
      ownership: [
        owner('c1', 'p1', {
          otherClaims: [{ partnerId: 'p2', segment: 'influencer' }],
          firstDeposit: { date: '2025-01-02', amount: eur('10'), currency: 'EUR' },
        }),
      ],
      deals: [
        deal('p2', {
          currency: 'EUR',
          segments: ['influencer'],
          components: [
            { id: 'cpa', kind: 'igaming_cpa', amount: { default: '100' }, qualification: {}, holdDays: 0 },
          ],
        }),
      ],
    });
    expect(res.lines.filter((l) => l.partnerId === 'p2')).toEqual([]);
    expect(res.overlaps).toMatchObject([
      {
        customerId: 'c1',
        owner: { partnerId: 'p1' },
        claimants: [{ partnerId: 'p2', segment: 'influencer' }],
      },
    ]);
    expect(JAN.id).toBe('2025-01');
  });
});

import { describe, expect, it } from 'vitest';
import { byKind, deal, eur, FEB, igDay, JAN, owner, run, sumOf, trade } from './test-support.js';

/** Every worked example of DOMAIN.md, run through the engine end to end. */
describe('DOMAIN.md worked examples', () => {
  it('NGR: 10,000 − 1,500 − 200 − 15% tax − 500 − 300 − 10% admin = 5,000; at 30% → 1,500', () => {
    const d = deal('p1', {
      currency: 'EUR',
      segments: ['affiliate'],
      components: [
        {
          id: 'rs',
          kind: 'igaming_revshare',
          ngr: {
            deductions: [
              { kind: 'bonuses', method: 'reported' },
              { kind: 'jackpot_contributions', method: 'reported' },
              { kind: 'gaming_tax', method: 'percent', rate: '15', base: 'ggr' },
              { kind: 'payment_fees', method: 'reported' },
              { kind: 'chargebacks', method: 'reported' },
              { kind: 'admin_fee', method: 'percent', rate: '10', base: 'ggr' },
            ],
          },
          rate: '30',
          carryover: { enabled: false },
        },
      ],
    });
    const res = run({
      deals: [d],
      ownership: [owner('c1', 'p1')],
      rows: [
        igDay('c1', '2025-01-05', {
          stakes: eur('25000'),
          wins: eur('15000'),
          bonuses: eur('1500'),
          jackpotContributions: eur('200'),
          paymentFees: eur('500'),
          chargebacks: eur('300'),
        }),
      ],
    });
    const [line] = byKind(res, 'revshare');
    expect(line?.amount).toBe(eur('1500'));
    expect(line?.explanation.inputs.ngr).toBe('5000');
    expect(line?.explanation.deductions?.map((d) => [d.kind, d.amount])).toEqual([
      ['bonuses', '1500'],
      ['jackpot_contributions', '200'],
      ['gaming_tax', '1500'],
      ['payment_fees', '500'],
      ['chargebacks', '300'],
      ['admin_fee', '1000'],
    ]);
  });

  const tiers = [
    { from: '0', to: '5000', rate: '25' },
    { from: '5000', to: '20000', rate: '30' },
    { from: '20000', rate: '35' },
  ];
  it.each([
    ['retroactive', '8750'],
    ['incremental', '7500'],
  ] as const)('tiers on NGR 25,000, %s → %s', (mode, expected) => {
    const d = deal('p1', {
      currency: 'EUR',
      segments: ['affiliate'],
      components: [
        {
          id: 'rs',
          kind: 'igaming_revshare',
          ngr: { deductions: [] },
          tiers: { basis: 'ngr', period: 'current', mode, bands: tiers },
          carryover: { enabled: false },
        },
      ],
    });
    const res = run({
      deals: [d],
      ownership: [owner('c1', 'p1')],
      rows: [igDay('c1', '2025-01-05', { stakes: eur('25000') })],
    });
    expect(byKind(res, 'revshare')[0]?.amount).toBe(eur(expected));
  });

  it.each([
    [true, '0', '1500'],
    [false, '0', '4500'],
  ])('carryover %s: month 1 −10,000 → %s, month 2 +15,000 at 30%% → %s', (enabled, m1, m2) => {
    const d = deal('p1', {
      currency: 'EUR',
      segments: ['affiliate'],
      components: [
        {
          id: 'rs',
          kind: 'igaming_revshare',
          ngr: { deductions: [] },
          rate: '30',
          carryover: enabled ? { enabled, scope: 'per_brand' } : { enabled },
        },
      ],
    });
    const jan = run({
      deals: [d],
      ownership: [owner('c1', 'p1')],
      rows: [igDay('c1', '2025-01-05', { wins: eur('10000') })],
    });
    expect(byKind(jan, 'revshare')[0]?.amount).toBe(eur(m1));
    const feb = run({
      period: FEB,
      carried: jan.state,
      deals: [d],
      ownership: [owner('c1', 'p1')],
      rows: [igDay('c1', '2025-02-05', { stakes: eur('15000') })],
    });
    expect(byKind(feb, 'revshare')[0]?.amount).toBe(eur(m2));
    expect(feb.state.carryover).toEqual([]);
  });

  it('hybrid: 10 qualified FTDs at 100 + 20% of NGR 8,000 = 2,600', () => {
    const d = deal('p1', {
      currency: 'EUR',
      segments: ['affiliate'],
      components: [
        {
          id: 'cpa',
          kind: 'igaming_cpa',
          amount: { default: '100' },
          qualification: { minFirstDeposit: '20' },
          holdDays: 30,
        },
        {
          id: 'rs',
          kind: 'igaming_revshare',
          ngr: { deductions: [] },
          rate: '20',
          carryover: { enabled: false },
        },
      ],
    });
    const ownership = Array.from({ length: 10 }, (_, i) =>
      owner(`c${i}`, 'p1', { firstDeposit: { date: '2025-01-03', amount: eur('50'), currency: 'EUR' } }),
    );
    const rows = ownership.map((o) => igDay(o.customerId, '2025-01-04', { stakes: eur('800') }));
    const res = run({ deals: [d], ownership, rows });
    expect(byKind(res, 'cpa')).toHaveLength(10);
    expect(sumOf(byKind(res, 'cpa'))).toBe(eur('1000'));
    expect(byKind(res, 'revshare')[0]?.amount).toBe(eur('1600'));
    expect(sumOf(res.lines)).toBe(eur('2600'));
    expect(byKind(res, 'cpa')[0]?.holdUntil).toBe('2025-03-03');
  });

  it('sub-affiliate override: 5% of the sub-partner’s earnings, paid on top', () => {
    const sub = deal('sub', {
      currency: 'EUR',
      segments: ['affiliate'],
      components: [
        {
          id: 'rs',
          kind: 'igaming_revshare',
          ngr: { deductions: [] },
          rate: '30',
          carryover: { enabled: false },
        },
      ],
    });
    const master = deal('master', {
      currency: 'EUR',
      segments: ['affiliate'],
      components: [{ id: 'ovr', kind: 'sub_partner_override', ratesByDepth: ['5'] }],
    });
    const res = run({
      deals: [sub, master],
      ownership: [owner('c1', 'sub')],
      hierarchy: [
        { partnerId: 'sub', segment: 'affiliate', parentPartnerId: 'master', parentSegment: 'affiliate' },
      ],
      rows: [igDay('c1', '2025-01-05', { stakes: eur('4115') })],
    });
    const rs = byKind(res, 'revshare')[0]!;
    expect(rs.amount).toBe(eur('1234.50'));
    const ovr = byKind(res, 'sub_override')[0]!;
    expect(ovr.partnerId).toBe('master');
    expect(ovr.amount).toBe(eur('61.73')); // 61.725 half-up
    expect(ovr.derivedFrom).toBe(rs.lineId);
  });

  it('per-lot rebate by instrument class: FX 4/lot, indices 3.5/lot', () => {
    const d = deal('ib', {
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
              { instrumentClass: 'indices', perLot: '3.5' },
            ],
          },
        },
      ],
    });
    const res = run({
      deals: [d],
      ownership: [owner('t1', 'ib', { brandId: 'fx', segment: 'ib' })],
      rows: [trade('t1', '2'), trade('t1', '3', { instrumentClass: 'indices', symbol: 'US30' })],
    });
    expect(byKind(res, 'fx_rebate')[0]?.amount).toBe(eur('18.50')); // 2×4 + 3×3.5
  });

  it('point-based: 1 lot × 10 points × 0.00001 × 100,000 = 10', () => {
    const d = deal('ib', {
      currency: 'USD',
      segments: ['ib'],
      components: [
        {
          id: 'reb',
          kind: 'forex_rebate',
          method: {
            kind: 'points',
            rates: [{ instrumentClass: 'fx', points: '10', tickSize: '0.00001', contractSize: '100000' }],
          },
        },
      ],
    });
    const res = run({
      deals: [d],
      ownership: [owner('t1', 'ib', { brandId: 'fx', segment: 'ib' })],
      rows: [trade('t1', '1')],
    });
    expect(byKind(res, 'fx_rebate')[0]?.amount).toBe(eur('10'));
  });

  it('spread share: 5 lots × 13.6 × 30% = 20.40', () => {
    const d = deal('ib', {
      currency: 'USD',
      segments: ['ib'],
      components: [{ id: 'reb', kind: 'forex_rebate', method: { kind: 'spread_share', percent: '30' } }],
    });
    const res = run({
      deals: [d],
      ownership: [owner('t1', 'ib', { brandId: 'fx', segment: 'ib' })],
      rows: [trade('t1', '5', { spreadPerLot: eur('13.60') })],
    });
    expect(byKind(res, 'fx_rebate')[0]?.amount).toBe(eur('20.40'));
  });

  it('split model: pool 10/lot, sub-IB allocated 70% → sub 7, master 3', () => {
    const d = deal('sub', {
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
    });
    const res = run({
      deals: [d],
      ownership: [owner('t1', 'sub', { brandId: 'fx', segment: 'ib' })],
      hierarchy: [{ partnerId: 'sub', segment: 'ib', parentPartnerId: 'master', parentSegment: 'ib' }],
      rows: [trade('t1', '1')],
    });
    expect(byKind(res, 'fx_rebate').map((l) => [l.partnerId, l.amount])).toEqual([['sub', eur('7')]]);
    expect(byKind(res, 'ib_split').map((l) => [l.partnerId, l.amount])).toEqual([['master', eur('3')]]);
  });

  it('additive override: level-3 IB client trades 10 lots, own 3/lot, overrides 1 and 2 → 30 + 10 + 20 = 60', () => {
    const l3 = deal('l3', {
      currency: 'USD',
      segments: ['ib'],
      components: [
        {
          id: 'reb',
          kind: 'forex_rebate',
          method: { kind: 'per_lot', rates: [{ instrumentClass: 'fx', perLot: '3' }] },
        },
      ],
    });
    const l2 = deal('l2', {
      currency: 'USD',
      segments: ['ib'],
      components: [{ id: 'ovr', kind: 'forex_lot_override', perLotByDepth: ['1'] }],
    });
    const l1 = deal('l1', {
      currency: 'USD',
      segments: ['ib'],
      components: [{ id: 'ovr', kind: 'forex_lot_override', perLotByDepth: ['9', '2'] }],
    });
    const res = run({
      deals: [l1, l2, l3],
      ownership: [owner('t1', 'l3', { brandId: 'fx', segment: 'ib' })],
      hierarchy: [
        { partnerId: 'l3', segment: 'ib', parentPartnerId: 'l2', parentSegment: 'ib' },
        { partnerId: 'l2', segment: 'ib', parentPartnerId: 'l1', parentSegment: 'ib' },
      ],
      rows: [trade('t1', '10')],
    });
    const by = Object.fromEntries(res.lines.map((l) => [l.partnerId, l.amount]));
    expect(by).toEqual({ l3: eur('30'), l2: eur('10'), l1: eur('20') });
    expect(sumOf(res.lines)).toBe(eur('60'));
  });

  it('minimum holding time: a trade closed within 180 s earns nothing', () => {
    const d = deal('ib', {
      currency: 'USD',
      segments: ['ib'],
      components: [
        {
          id: 'reb',
          kind: 'forex_rebate',
          method: { kind: 'per_lot', rates: [{ instrumentClass: 'fx', perLot: '4' }] },
          eligibility: { minHoldSeconds: 180 },
        },
      ],
    });
    const closedAt = Date.UTC(2025, 0, 10, 12);
    const res = run({
      deals: [d],
      ownership: [owner('t1', 'ib', { brandId: 'fx', segment: 'ib' })],
      rows: [
        trade('t1', '1', { tradeId: 'a', openedAt: closedAt - 179_000, closedAt }),
        trade('t1', '1', { tradeId: 'b', openedAt: closedAt - 180_000, closedAt }),
      ],
    });
    expect(byKind(res, 'fx_rebate')[0]?.amount).toBe(eur('4'));
  });

  it('credit coefficient: equity 1,000 with credit 200 → rebate × 0.8', () => {
    const d = deal('ib', {
      currency: 'USD',
      segments: ['ib'],
      components: [
        {
          id: 'reb',
          kind: 'forex_rebate',
          method: { kind: 'per_lot', rates: [{ instrumentClass: 'fx', perLot: '10' }] },
          eligibility: { creditCoefficient: true },
        },
      ],
    });
    const res = run({
      deals: [d],
      ownership: [owner('t1', 'ib', { brandId: 'fx', segment: 'ib' })],
      rows: [trade('t1', '1', { equity: eur('1000'), credit: eur('200') })],
    });
    expect(byKind(res, 'fx_rebate')[0]?.amount).toBe(eur('8'));
  });

  it('prop: a €500 challenge at 15% → €75, held until the 14-day refund window ends', () => {
    const d = deal('inf', {
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
        },
      ],
    });
    const res = run({
      deals: [d],
      ownership: [owner('b1', 'inf', { brandId: 'prop', segment: 'influencer' })],
      rows: [
        {
          type: 'prop_purchase',
          brandId: 'prop',
          customerId: 'b1',
          purchaseId: 'p1',
          date: '2025-01-10',
          currency: 'EUR',
          amountPaid: eur('500'),
          listPrice: eur('600'),
          purchaseKind: 'first',
        },
      ],
    });
    const [line] = byKind(res, 'prop_commission');
    expect(line?.amount).toBe(eur('75'));
    expect(line?.holdUntil).toBe('2025-01-24');
  });

  it('prop funded stage: 2.5% of a 4,000 payout → 100', () => {
    const d = deal('inf', {
      currency: 'EUR',
      segments: ['influencer'],
      components: [{ id: 'fp', kind: 'prop_funded_payout', percent: '2.5' }],
    });
    const res = run({
      deals: [d],
      ownership: [owner('b1', 'inf', { brandId: 'prop', segment: 'influencer' })],
      rows: [
        {
          type: 'prop_payout',
          brandId: 'prop',
          customerId: 'b1',
          payoutId: 'x1',
          date: '2025-01-20',
          currency: 'EUR',
          amount: eur('4000'),
        },
      ],
    });
    expect(byKind(res, 'prop_funded')[0]?.amount).toBe(eur('100'));
  });

  it('volume tiers over a rolling window: 0–50 lots 5/lot, 50–200 7/lot, 200–500 10/lot', () => {
    const d = deal('ib', {
      currency: 'USD',
      segments: ['ib'],
      components: [
        {
          id: 'vol',
          kind: 'forex_rebate',
          method: {
            kind: 'volume_tiers',
            windowDays: 30,
            bands: [
              { from: '0', to: '50', perLot: '5' },
              { from: '50', to: '200', perLot: '7' },
              { from: '200', perLot: '10' },
            ],
          },
        },
      ],
    });
    const ownership = [owner('t1', 'ib', { brandId: 'fx', segment: 'ib' })];
    const jan = run({
      deals: [d],
      ownership,
      rows: [trade('t1', '60', { closedAt: Date.UTC(2025, 0, 20) })],
    });
    expect(byKind(jan, 'fx_rebate')[0]?.amount).toBe(eur('300')); // no history: 60 × 5
    const feb = run({
      period: FEB,
      carried: jan.state,
      deals: [d],
      ownership,
      rows: [trade('t1', '10', { closedAt: Date.UTC(2025, 1, 3) })],
    });
    expect(byKind(feb, 'fx_rebate')[0]?.amount).toBe(eur('70')); // 60 lots in the window → 7/lot
    expect(JAN.id).toBe('2025-01');
  });
});

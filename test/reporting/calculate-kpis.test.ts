import { describe, expect, it } from 'vitest';
import {
  calculateActivePartners,
  calculateAuditReadiness,
  calculateConvertedTotal,
  calculateKpis,
  calculateLtv,
  calculateOnboardedToActive,
  calculateOverlapCost,
  calculatePartnerMixBreadth,
  calculateTierWeight,
  calculateTopRetention,
  calculateWeightedOnboardings,
  type KpiInput,
  type PartnerSegmentRevenue,
  type PeriodFacts,
  previousPeriod,
  quarterOf,
} from '../../src/reporting/calculate-kpis.js';
import { calculateReportRows, formatReportCsv } from '../../src/reporting/calculate-report-rows.js';

const EUR = 'EUR';
const rates = new Map([['USD', '0.9']]); // 1 USD = 0.90 EUR
const rev = (
  partnerId: string,
  segment: string,
  revenue: bigint,
  active = true,
  currency = EUR,
): PartnerSegmentRevenue => ({
  partnerId,
  segment,
  currency,
  revenue,
  active,
});

describe('periods and quarters', () => {
  it('the previous period has the same length and ends where the period starts', () => {
    expect(previousPeriod({ from: '2026-04-01', to: '2026-07-01' })).toEqual({
      from: '2025-12-31',
      to: '2026-04-01',
    });
    expect(previousPeriod({ from: '2026-03-01', to: '2026-03-31' })).toEqual({
      from: '2026-01-30',
      to: '2026-03-01',
    });
  });
  it('a quarter boundary: the last second of March is Q1, midnight of 1 April is Q2 (UTC)', () => {
    expect(quarterOf(new Date('2026-03-31T23:59:59Z'))).toBe('2026-Q1');
    expect(quarterOf(new Date('2026-04-01T00:00:00Z'))).toBe('2026-Q2');
  });
});

describe('weighted onboardings', () => {
  const weights = new Map([['brand-b', new Map([['vip', 5]])]]);
  it('default weights follow the tier order; a brand table overrides; unknown tiers weigh 1', () => {
    expect(calculateTierWeight(new Map(), 'x', 'standard')).toBe(1);
    expect(calculateTierWeight(new Map(), 'x', 'silver')).toBe(3);
    expect(calculateTierWeight(new Map(), 'x', 'gold')).toBe(4);
    expect(calculateTierWeight(new Map(), 'x', 'mystery')).toBe(1);
    expect(calculateTierWeight(weights, 'brand-b', 'vip')).toBe(5);
    expect(calculateTierWeight(weights, 'brand-b', 'gold')).toBe(1);
  });
  it('groups by quarter across a boundary: 1 + 4 in Q1, 5 in Q2', () => {
    const r = calculateWeightedOnboardings(
      [
        { partnerId: 'a', brandId: 'x', tier: 'standard', onboardedAt: new Date('2026-03-02T10:00:00Z') },
        { partnerId: 'b', brandId: 'x', tier: 'gold', onboardedAt: new Date('2026-03-31T23:59:59Z') },
        { partnerId: 'c', brandId: 'brand-b', tier: 'vip', onboardedAt: new Date('2026-04-01T00:00:00Z') },
      ],
      weights,
    );
    expect(r).toEqual({
      count: 3,
      weighted: 10,
      byQuarter: [
        { quarter: '2026-Q1', count: 2, weighted: 5 },
        { quarter: '2026-Q2', count: 1, weighted: 5 },
      ],
    });
  });
});

describe('onboarded to active within 90 days', () => {
  it('day 90 counts, day 91 does not; an open window is reported', () => {
    const r = calculateOnboardedToActive(
      [
        { partnerId: 'a', onboardedOn: '2026-01-01', firstActiveOn: '2026-01-01' }, // day 0
        { partnerId: 'b', onboardedOn: '2026-01-01', firstActiveOn: '2026-04-01' }, // day 90
        { partnerId: 'c', onboardedOn: '2026-01-01', firstActiveOn: '2026-04-02' }, // day 91
        { partnerId: 'd', onboardedOn: '2026-03-20', firstActiveOn: null }, // 42 days by 2026-05-01: still open
      ],
      '2026-05-01',
    );
    expect(r).toEqual({ share: 50, cohort: 4, activeWithin90: 2, windowOpen: 1 });
  });
  it('no cohort: no share', () => {
    expect(calculateOnboardedToActive([], '2026-05-01').share).toBeNull();
  });
});

describe('revenue KPIs', () => {
  // partner p3 works in three segments; p1 is an affiliate; USD converted at 0.90
  const rows = [
    rev('p1', 'affiliate', 600_00n),
    rev('p3', 'affiliate', 100_00n),
    rev('p3', 'ib', 200_00n, true, 'USD'), // 180.00 EUR
    rev('p3', 'influencer', 20_00n, false),
  ];
  it('converts once per currency, half-up, and lists currencies without a rate', () => {
    expect(
      calculateConvertedTotal(
        [
          { currency: 'USD', amount: 1n },
          { currency: 'USD', amount: 2n },
          { currency: 'GBP', amount: 5n },
          { currency: EUR, amount: 10n },
        ],
        EUR,
        rates,
      ),
    ).toEqual({ amount: 13n, missing: ['GBP'] }); // 3 × 0.9 = 2.7 → 3, + 10
  });
  it('partner-mix breadth: 1 − 700 / 900 = 22.2 %', () => {
    const r = calculatePartnerMixBreadth(rows, EUR, rates);
    expect(r.share).toBe(22.2);
    expect(r.dominant).toBe('affiliate');
    expect(r.segments).toEqual([
      { segment: 'affiliate', revenue: '70000' },
      { segment: 'ib', revenue: '18000' },
      { segment: 'influencer', revenue: '2000' },
    ]);
  });
  it('a partner in three segments counts once in total and once in each segment where it was active', () => {
    expect(calculateActivePartners(rows)).toEqual({
      total: 2,
      bySegment: [
        { segment: 'affiliate', partners: 2 },
        { segment: 'ib', partners: 1 },
      ],
    });
  });
  it('no activity: no breadth, no active partners', () => {
    expect(calculatePartnerMixBreadth([], EUR, rates).share).toBeNull();
    expect(calculateActivePartners([])).toEqual({ total: 0, bySegment: [] });
  });
  it('top-partner retention: a partner leaving the top group', () => {
    const before = [
      rev('a', 'affiliate', 2000n),
      rev('b', 'ib', 1500n),
      rev('c', 'ib', 900n),
      rev('d', 'ib', 1000n),
    ];
    // threshold 1000 (strictly over): a and b are top; d sits exactly on it and is not
    const after = [
      rev('a', 'affiliate', 600n),
      rev('a', 'ib', 600n),
      rev('b', 'ib', 1000n),
      rev('c', 'ib', 5000n),
    ];
    expect(calculateTopRetention(before, after, 1000n, EUR, rates)).toEqual({
      share: 50,
      top: 2,
      retained: 1,
      left: ['b'],
    });
    expect(calculateTopRetention([], after, 1000n, EUR, rates).share).toBeNull();
  });
  it('LTV per cohort and overall, customers on the brand-currency row', () => {
    const r = calculateLtv(
      [
        { cohort: '2026-01', currency: EUR, customers: 3, revenue: 100n },
        { cohort: '2026-01', currency: 'USD', customers: 0, revenue: 100n }, // 90 EUR
        { cohort: '2026-02', currency: EUR, customers: 2, revenue: 0n },
      ],
      EUR,
      rates,
    );
    expect(r).toEqual({
      value: '38', // 190 / 5
      customers: 5,
      cohorts: [
        { cohort: '2026-01', customers: 3, ltv: '63' }, // 190 / 3 = 63.3
        { cohort: '2026-02', customers: 2, ltv: '0' },
      ],
    });
  });
  it('overlaps: distinct customers, claims, and one payment per claim', () => {
    expect(
      calculateOverlapCost(
        [
          { customerId: 'c1', commission: [{ currency: EUR, amount: 50_00n }] },
          { customerId: 'c1', commission: [{ currency: EUR, amount: 50_00n }] }, // a second competitor
          { customerId: 'c2', commission: [{ currency: 'USD', amount: 10_00n }] },
          { customerId: 'c3', commission: [] },
        ],
        EUR,
        rates,
      ),
    ).toEqual({ customers: 3, claims: 4, cost: '10900', missing: [] });
  });
  it('audit-readiness: every input audited, and 0 % while the chain is not verified', () => {
    const line = (id: string, ok: boolean) => ({
      lineId: id,
      booked: true,
      ownership: ok,
      dealVersion: true,
      approval: true,
    });
    const lines = [line('1', true), line('2', true), line('3', false)];
    expect(calculateAuditReadiness(lines, true)).toEqual({
      share: 66.7,
      lines: 3,
      ready: 2,
      chainVerified: true,
    });
    expect(calculateAuditReadiness(lines, false).share).toBe(0);
    expect(calculateAuditReadiness([], true).share).toBeNull();
  });
});

const empty = (from: string, to: string): PeriodFacts => ({
  period: { from, to },
  onboardings: [],
  cohort: [],
  revenue: [],
  ltv: [],
  overlaps: [],
  auditLines: [],
  chainVerified: false,
  npsScores: [],
});

describe('calculateKpis', () => {
  it('no activity at all: every KPI present with a definition, values null or zero', () => {
    const input: KpiInput = {
      reportingCurrency: EUR,
      rates,
      topThreshold: 1000n,
      tierWeights: new Map(),
      today: '2026-05-01',
      current: empty('2026-04-01', '2026-05-01'),
      previous: empty('2026-03-02', '2026-04-01'),
      beforePrevious: [],
    };
    const r = calculateKpis(input);
    expect(r.kpis.map((k) => k.key)).toEqual([
      'weightedOnboardings',
      'onboardedToActive',
      'partnerMixBreadth',
      'attributedRevenue',
      'customerLtv',
      'activePartners',
      'topPartnerRetention',
      'overlaps',
      'auditReadiness',
      'nps',
    ]);
    expect(Object.fromEntries(r.kpis.map((k) => [k.key, k.value]))).toEqual({
      weightedOnboardings: 0,
      onboardedToActive: null,
      partnerMixBreadth: null,
      attributedRevenue: '0',
      customerLtv: null,
      activePartners: 0,
      topPartnerRetention: null,
      overlaps: 0,
      auditReadiness: null,
      nps: null,
    });
    for (const k of r.kpis) expect(k.definition.length).toBeGreaterThan(20);
  });
  it('trend: value, previous and change per KPI (money as strings)', () => {
    const current = {
      ...empty('2026-04-01', '2026-05-01'),
      revenue: [rev('a', 'affiliate', 3000n), rev('b', 'ib', 1000n)],
      npsScores: [10, 9, 8, 3],
    };
    const previous = {
      ...empty('2026-03-02', '2026-04-01'),
      revenue: [rev('a', 'affiliate', 2500n)],
      npsScores: [6],
    };
    const r = calculateKpis({
      reportingCurrency: EUR,
      rates,
      topThreshold: 2000n,
      tierWeights: new Map(),
      today: '2026-05-01',
      current,
      previous,
      beforePrevious: [rev('a', 'affiliate', 100n)],
    });
    const by = Object.fromEntries(r.kpis.map((k) => [k.key, k]));
    expect([
      by.attributedRevenue!.value,
      by.attributedRevenue!.previous,
      by.attributedRevenue!.change,
    ]).toEqual(['4000', '2500', '1500']);
    expect([by.partnerMixBreadth!.value, by.partnerMixBreadth!.previous]).toEqual([25, 0]);
    expect([by.activePartners!.value, by.activePartners!.previous, by.activePartners!.change]).toEqual([
      2, 1, 1,
    ]);
    // a was top (2500 > 2000) last period and is still (3000); before that nobody was top
    expect([by.topPartnerRetention!.value, by.topPartnerRetention!.previous]).toEqual([100, null]);
    // (2 promoters − 1 detractor) / 4 = 25; previous −100
    expect([by.nps!.value, by.nps!.previous, by.nps!.change]).toEqual([25, -100, 125]);
  });
});

describe('grouped report rows', () => {
  it('merges currencies per group, derives conversion rates and EPC, and writes CSV with the chosen columns', () => {
    const r = calculateReportRows(
      [
        {
          key: '2026-04-01',
          label: '2026-04-01',
          currency: EUR,
          counts: { clicks: 200n, registrations: 10n, ftds: 3n },
          amounts: { revenue: 100_00n },
        },
        {
          key: '2026-04-01',
          label: '2026-04-01',
          currency: 'USD',
          counts: { clicks: 100n, registrations: 5n, ftds: 0n },
          amounts: { revenue: 50_00n },
        },
      ],
      EUR,
      rates,
    );
    expect(r.rows).toEqual([
      {
        key: '2026-04-01',
        label: '2026-04-01',
        values: {
          clicks: 300,
          registrations: 15,
          ftds: 3,
          revenue: '14500',
          click_to_registration_pct: 5,
          registration_to_ftd_pct: 20,
          epc: '48', // 14500 / 300 = 48.3
        },
      },
    ]);
    expect(
      formatReportCsv(
        'date',
        ['clicks', 'revenue'],
        [{ key: 'x', label: '=cmd', values: { clicks: 1, revenue: '-5' } }],
      ),
    ).toBe("date,label,clicks,revenue\r\nx,'=cmd,1,-5\r\n");
  });
});

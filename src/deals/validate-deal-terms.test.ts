import { describe, expect, it } from 'vitest';
import { validateDealTerms } from './validate-deal-terms.js';

const revshare = (over: Record<string, unknown> = {}) => ({
  id: 'rs',
  kind: 'igaming_revshare',
  ngr: { deductions: [] },
  rate: '30',
  carryover: { enabled: false },
  ...over,
});
const base = (components: unknown[], over: Record<string, unknown> = {}) => ({
  schemaVersion: 1,
  name: 'Test deal',
  currency: 'EUR',
  segments: ['affiliate'],
  components,
  ...over,
});

function errorsOf(json: unknown, options = {}) {
  const r = validateDealTerms(json, options);
  if (r.ok) throw new Error('expected the deal to be rejected');
  return r.errors;
}

describe('validateDealTerms', () => {
  it('accepts a minimal revshare deal', () => {
    const r = validateDealTerms(base([revshare()]));
    expect(r.ok).toBe(true);
  });

  const bands = (list: unknown[]) =>
    base([
      revshare({
        rate: undefined,
        tiers: { basis: 'ngr', period: 'current', mode: 'retroactive', bands: list },
      }),
    ]);

  it.each([
    ['not an object', 42, ''],
    ['missing name', { ...base([revshare()]), name: undefined }, '/name'],
    ['wrong schema version', base([revshare()], { schemaVersion: 2 }), '/schemaVersion'],
    ['unknown currency', base([revshare()], { currency: 'XXX' }), '/currency'],
    ['lower-case currency', base([revshare()], { currency: 'eur' }), '/currency'],
    ['unknown segment', base([revshare()], { segments: ['partner'] }), '/segments/0'],
    ['no components', base([]), '/components'],
    ['unknown component kind', base([{ id: 'x', kind: 'magic' }]), '/components/0/kind'],
    ['percent as a number', base([revshare({ rate: 30 })]), '/components/0/rate'],
    ['percent over 100', base([revshare({ rate: '130' })]), '/components/0/rate'],
    ['percent with 5 decimals', base([revshare({ rate: '1.23456' })]), '/components/0/rate'],
    [
      'both rate and tiers',
      base([
        revshare({
          tiers: { basis: 'ngr', period: 'current', mode: 'retroactive', bands: [{ from: '0', rate: '20' }] },
        }),
      ]),
      '/components/0/rate',
    ],
    ['neither rate nor tiers', base([revshare({ rate: undefined })]), '/components/0/rate'],
    ['unknown field', base([revshare({ colour: 'red' })]), '/components/0/colour'],
    ['first band not at 0', bands([{ from: '100', rate: '20' }]), '/components/0/tiers/bands/0/from'],
    [
      'gap between bands',
      bands([
        { from: '0', to: '5000', rate: '25' },
        { from: '6000', rate: '30' },
      ]),
      '/components/0/tiers/bands/1/from',
    ],
    [
      'descending band',
      bands([
        { from: '0', to: '5000', rate: '25' },
        { from: '5000', to: '4000', rate: '30' },
        { from: '4000', rate: '35' },
      ]),
      '/components/0/tiers/bands/1/to',
    ],
    [
      'open band before the last',
      bands([
        { from: '0', rate: '25' },
        { from: '5000', rate: '30' },
      ]),
      '/components/0/tiers/bands/0/to',
    ],
    ['closed last band', bands([{ from: '0', to: '5000', rate: '25' }]), '/components/0/tiers/bands/0/to'],
    [
      'tier rate over 100',
      bands([
        { from: '0', to: '10', rate: '25' },
        { from: '10', rate: '101' },
      ]),
      '/components/0/tiers/bands/1/rate',
    ],
    [
      'incremental NDC tiers',
      base([
        revshare({
          rate: undefined,
          tiers: { basis: 'ndc', period: 'current', mode: 'incremental', bands: [{ from: '0', rate: '25' }] },
        }),
      ]),
      '/components/0/tiers/mode',
    ],
    [
      'carryover without scope',
      base([revshare({ carryover: { enabled: true } })]),
      '/components/0/carryover/scope',
    ],
    [
      'deduction listed twice',
      base([
        revshare({
          ngr: {
            deductions: [
              { kind: 'bonuses', method: 'reported' },
              { kind: 'bonuses', method: 'reported' },
            ],
          },
        }),
      ]),
      '/components/0/ngr/deductions/1/kind',
    ],
    [
      'percent deduction without base',
      base([revshare({ ngr: { deductions: [{ kind: 'gaming_tax', method: 'percent', rate: '15' }] } })]),
      '/components/0/ngr/deductions/0',
    ],
    ['duplicate component id', base([revshare(), revshare()]), '/components/1/id'],
    [
      'component segment outside the deal',
      base([revshare({ segments: ['ib'] })]),
      '/components/0/segments/0',
    ],
    ['precedence naming no component', base([revshare()], { precedence: ['nope'] }), '/precedence/0'],
    [
      'split allocations over 100%',
      base(
        [
          {
            id: 'reb',
            kind: 'forex_rebate',
            method: { kind: 'spread_share', percent: '30' },
            ibModel: { kind: 'split', shares: ['70', '40'] },
          },
        ],
        { segments: ['ib'] },
      ),
      '/components/0/ibModel/shares',
    ],
    [
      'per-lot rate listed twice',
      base(
        [
          {
            id: 'reb',
            kind: 'forex_rebate',
            method: {
              kind: 'per_lot',
              rates: [
                { instrumentClass: 'fx', perLot: '4' },
                { instrumentClass: 'fx', perLot: '5' },
              ],
            },
          },
        ],
        { segments: ['ib'] },
      ),
      '/components/0/method/rates/1',
    ],
    [
      'CySEC brand paying clients',
      base(
        [
          {
            id: 'reb',
            kind: 'forex_rebate',
            method: { kind: 'spread_share', percent: '30' },
            clientRebatePercent: '10',
          },
        ],
        {
          segments: ['ib'],
          jurisdictions: ['CySEC'],
        },
      ),
      '/components/0/clientRebatePercent',
    ],
    [
      'negative CPA amount',
      base([{ id: 'c', kind: 'igaming_cpa', amount: { default: '-100' }, qualification: {}, holdDays: 30 }]),
      '/components/0/amount/default',
    ],
    [
      'lower-case country code',
      base([
        {
          id: 'c',
          kind: 'igaming_cpa',
          amount: { default: '100', byCountry: { gb: '150' } },
          qualification: {},
          holdDays: 30,
        },
      ]),
      '/components/0/amount/byCountry',
    ],
    [
      'clawback horizon shorter than the refund window',
      base([
        {
          id: 'p',
          kind: 'prop_purchase',
          rate: '15',
          purchases: 'first_only',
          base: 'amount_paid',
          refundWindowDays: 14,
          onRefund: 'clawback',
          clawbackHorizonDays: 7,
        },
      ]),
      '/components/0/clawbackHorizonDays',
    ],
    ['zero period cap', base([revshare()], { caps: { perPeriod: '0' } }), '/caps/perPeriod'],
    [
      'override rate over 100',
      base([{ id: 'o', kind: 'sub_partner_override', ratesByDepth: ['5', '150'] }]),
      '/components/0/ratesByDepth/1',
    ],
  ])('rejects %s', (_name, json, path) => {
    const errors = errorsOf(json);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.map((e) => e.path)).toContainEqual(
      expect.stringMatching(new RegExp(`^${path.replace(/[/]/g, '\\/')}`)),
    );
    for (const e of errors) expect(e.message.length).toBeGreaterThan(0);
  });

  it('applies the CySEC/ESMA rule from the brands the deal is issued for', () => {
    const json = base(
      [
        {
          id: 'reb',
          kind: 'forex_rebate',
          method: { kind: 'spread_share', percent: '30' },
          clientRebatePercent: '10',
        },
      ],
      {
        segments: ['ib'],
        brands: ['fxeu'],
      },
    );
    expect(validateDealTerms(json).ok).toBe(true);
    const errors = errorsOf(json, { brandJurisdictions: { fxeu: ['ESMA'] } });
    expect(errors).toEqual([
      { path: '/components/0/clientRebatePercent', message: expect.stringMatching(/CySEC\/ESMA/) },
    ]);
  });
});

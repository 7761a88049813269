import Type from 'typebox';

/**
 * Deal terms, schema version 1: the JSON a partner accepts. Amounts are decimal strings in the deal's
 * currency (major units), percentages are decimal strings of a percent ("30" = 30%, at most 4 decimals),
 * lots are decimal strings (at most 6 decimals). Tier bands include `from` and exclude `to`.
 * See docs/deals.md for the meaning of every field.
 */

export const SEGMENTS = ['affiliate', 'ib', 'ambassador', 'influencer', 'integrator', 'reseller'] as const;
export const Segment = Type.Union([
  Type.Literal('affiliate'),
  Type.Literal('ib'),
  Type.Literal('ambassador'),
  Type.Literal('influencer'),
  Type.Literal('integrator'),
  Type.Literal('reseller'),
]);
export type Segment = (typeof SEGMENTS)[number];

const Id = Type.String({
  pattern: '^[A-Za-z0-9_.:-]{1,64}$',
  description: 'identifier, unique within the deal',
});
/** A non-negative money amount in the deal currency, major units. */
export const Amount = Type.String({
  pattern: '^\\d{1,15}(\\.\\d{1,6})?$',
  description: 'non-negative decimal amount',
});
/** A percentage 0–100 with at most 4 decimals. */
export const Percent = Type.String({ pattern: '^\\d{1,3}(\\.\\d{1,4})?$', description: 'percent, 0–100' });
/** A non-negative decimal quantity (lots, multiples, tick sizes). */
export const Quantity = Type.String({
  pattern: '^\\d{1,15}(\\.\\d{1,12})?$',
  description: 'non-negative decimal',
});
const Days = Type.Integer({ minimum: 0, maximum: 3650 });
const CountryCode = Type.String({ pattern: '^[A-Z]{2}$' });
const BrandId = Type.String({ minLength: 1, maxLength: 64 });

const Scope = {
  id: Id,
  segments: Type.Optional(Type.Array(Segment, { minItems: 1, uniqueItems: true })),
  brands: Type.Optional(Type.Array(BrandId, { minItems: 1, uniqueItems: true })),
  note: Type.Optional(Type.String({ maxLength: 500 })),
};

const obj = <P extends Type.TProperties>(props: P) => Type.Object(props, { additionalProperties: false });

// ---------- shared pieces ----------

export const RateBand = obj({ from: Quantity, to: Type.Optional(Quantity), rate: Percent });
export const PerLotBand = obj({ from: Quantity, to: Type.Optional(Quantity), perLot: Amount });

export const CountryAmounts = obj({
  default: Amount,
  byCountry: Type.Optional(Type.Record(CountryCode, Amount)),
});

export const EXCLUSIONS = ['self_excluded', 'duplicate', 'fraud'] as const;
const Exclusion = Type.Union([
  Type.Literal('self_excluded'),
  Type.Literal('duplicate'),
  Type.Literal('fraud'),
]);

// ---------- iGaming ----------

export const DEDUCTION_KINDS = [
  'bonuses',
  'jackpot_contributions',
  'gaming_tax',
  'payment_fees',
  'chargebacks',
  'admin_fee',
] as const;
export type DeductionKind = (typeof DEDUCTION_KINDS)[number];
const DeductionKindT = Type.Union([
  Type.Literal('bonuses'),
  Type.Literal('jackpot_contributions'),
  Type.Literal('gaming_tax'),
  Type.Literal('payment_fees'),
  Type.Literal('chargebacks'),
  Type.Literal('admin_fee'),
]);

export const Deduction = Type.Union([
  obj({ kind: DeductionKindT, method: Type.Literal('reported') }),
  obj({
    kind: DeductionKindT,
    method: Type.Literal('percent'),
    rate: Percent,
    base: Type.Union([Type.Literal('ggr'), Type.Literal('running_net')]),
  }),
]);

export const NgrTiers = obj({
  basis: Type.Union([Type.Literal('ngr'), Type.Literal('ndc')]),
  period: Type.Union([Type.Literal('current'), Type.Literal('last_closed')]),
  mode: Type.Union([Type.Literal('retroactive'), Type.Literal('incremental')]),
  bands: Type.Array(RateBand, { minItems: 1, maxItems: 50 }),
});

export const IgamingRevshare = obj({
  ...Scope,
  kind: Type.Literal('igaming_revshare'),
  ngr: obj({ deductions: Type.Array(Deduction, { maxItems: 6 }) }),
  rate: Type.Optional(Percent),
  tiers: Type.Optional(NgrTiers),
  carryover: obj({
    enabled: Type.Boolean(),
    scope: Type.Optional(Type.Union([Type.Literal('per_brand'), Type.Literal('bundled')])),
  }),
  duration: Type.Optional(
    Type.Union([
      obj({ kind: Type.Literal('lifetime') }),
      obj({ kind: Type.Literal('limited'), months: Type.Integer({ minimum: 1, maximum: 600 }) }),
    ]),
  ),
});

export const IgamingCpa = obj({
  ...Scope,
  kind: Type.Literal('igaming_cpa'),
  amount: CountryAmounts,
  qualification: obj({
    minFirstDeposit: Type.Optional(Amount),
    depositWithinDays: Type.Optional(Days),
    minWagering: Type.Optional(Amount),
    minWageringMultiple: Type.Optional(Quantity),
    minBets: Type.Optional(Type.Integer({ minimum: 0 })),
    activityWithinDays: Type.Optional(Days),
    exclude: Type.Optional(Type.Array(Exclusion, { uniqueItems: true })),
  }),
  holdDays: Days,
});

// ---------- Forex / CFD ----------

const InstrumentClass = Type.String({ minLength: 1, maxLength: 32 });
const AccountType = Type.String({ minLength: 1, maxLength: 32 });

export const Eligibility = obj({
  minHoldSeconds: Type.Optional(Type.Integer({ minimum: 0 })),
  capPerTrade: Type.Optional(Amount),
  creditCoefficient: Type.Optional(Type.Boolean()),
  hedgeNetting: Type.Optional(Type.Boolean()),
});

export const RebateMethod = Type.Union([
  obj({
    kind: Type.Literal('per_lot'),
    rates: Type.Array(
      obj({ instrumentClass: InstrumentClass, accountType: Type.Optional(AccountType), perLot: Amount }),
      {
        minItems: 1,
      },
    ),
  }),
  obj({
    kind: Type.Literal('points'),
    rates: Type.Array(
      obj({
        instrumentClass: InstrumentClass,
        accountType: Type.Optional(AccountType),
        points: Quantity,
        tickSize: Quantity,
        contractSize: Quantity,
      }),
      { minItems: 1 },
    ),
  }),
  obj({ kind: Type.Literal('spread_share'), percent: Percent }),
  obj({
    kind: Type.Literal('volume_tiers'),
    windowDays: Type.Integer({ minimum: 1, maximum: 366 }),
    instrumentClasses: Type.Optional(Type.Array(InstrumentClass, { minItems: 1, uniqueItems: true })),
    bands: Type.Array(PerLotBand, { minItems: 1, maxItems: 50 }),
  }),
]);

export const IbModel = Type.Union([
  obj({ kind: Type.Literal('direct') }),
  obj({ kind: Type.Literal('split'), shares: Type.Array(Percent, { minItems: 2, maxItems: 20 }) }),
]);

export const ForexRebate = obj({
  ...Scope,
  kind: Type.Literal('forex_rebate'),
  method: RebateMethod,
  eligibility: Type.Optional(Eligibility),
  ibModel: Type.Optional(IbModel),
  clientRebatePercent: Type.Optional(Percent),
});

export const ForexMarkupShare = obj({
  ...Scope,
  kind: Type.Literal('forex_markup_share'),
  percent: Percent,
  eligibility: Type.Optional(Eligibility),
});

export const ForexLotOverride = obj({
  ...Scope,
  kind: Type.Literal('forex_lot_override'),
  perLotByDepth: Type.Array(Amount, { minItems: 1, maxItems: 20 }),
  beyond: Type.Optional(Amount),
});

export const ForexCpa = obj({
  ...Scope,
  kind: Type.Literal('forex_cpa'),
  amount: CountryAmounts,
  qualification: obj({
    minDeposit: Type.Optional(Amount),
    minLots: Type.Optional(Quantity),
    withinDays: Type.Optional(Days),
    exclude: Type.Optional(Type.Array(Exclusion, { uniqueItems: true })),
  }),
  holdDays: Days,
});

// ---------- Prop trading ----------

export const PropTiers = obj({
  basis: Type.Union([Type.Literal('sales'), Type.Literal('conversions')]),
  period: Type.Union([Type.Literal('current'), Type.Literal('last_closed')]),
  bands: Type.Array(RateBand, { minItems: 1, maxItems: 50 }),
});

export const PropPurchase = obj({
  ...Scope,
  kind: Type.Literal('prop_purchase'),
  rate: Type.Optional(Percent),
  tiers: Type.Optional(PropTiers),
  purchases: Type.Union([Type.Literal('first_only'), Type.Literal('recurring')]),
  base: Type.Union([Type.Literal('amount_paid'), Type.Literal('list_price')]),
  refundWindowDays: Days,
  onRefund: Type.Union([Type.Literal('void'), Type.Literal('clawback')]),
  clawbackHorizonDays: Type.Optional(Days),
});

export const PropFundedPayout = obj({ ...Scope, kind: Type.Literal('prop_funded_payout'), percent: Percent });

// ---------- every segment ----------

export const SubPartnerOverride = obj({
  ...Scope,
  kind: Type.Literal('sub_partner_override'),
  ratesByDepth: Type.Array(Percent, { minItems: 1, maxItems: 20 }),
  beyond: Type.Optional(Percent),
});

export const FixedFee = obj({
  ...Scope,
  kind: Type.Literal('fixed_fee'),
  fee: Type.Literal('monthly_retainer'),
  amount: Amount,
});

export const DeliverableFee = obj({
  ...Scope,
  kind: Type.Literal('deliverable_fee'),
  amount: Amount,
  deliverableTypes: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { minItems: 1 })),
});

/** Every component schema, by its `kind`. */
export const COMPONENT_SCHEMAS = {
  igaming_revshare: IgamingRevshare,
  igaming_cpa: IgamingCpa,
  forex_rebate: ForexRebate,
  forex_markup_share: ForexMarkupShare,
  forex_lot_override: ForexLotOverride,
  forex_cpa: ForexCpa,
  prop_purchase: PropPurchase,
  prop_funded_payout: PropFundedPayout,
  sub_partner_override: SubPartnerOverride,
  fixed_fee: FixedFee,
  deliverable_fee: DeliverableFee,
} as const;
export type ComponentKind = keyof typeof COMPONENT_SCHEMAS;
export const COMPONENT_KINDS = Object.keys(COMPONENT_SCHEMAS) as ComponentKind[];

export const Component = Type.Union([
  IgamingRevshare,
  IgamingCpa,
  ForexRebate,
  ForexMarkupShare,
  ForexLotOverride,
  ForexCpa,
  PropPurchase,
  PropFundedPayout,
  SubPartnerOverride,
  FixedFee,
  DeliverableFee,
]);

const Currency = Type.String({ pattern: '^[A-Z]{3,4}$' });

const envelope = {
  schemaVersion: Type.Literal(1),
  name: Type.String({ minLength: 1, maxLength: 200 }),
  currency: Currency,
  rounding: Type.Optional(Type.Union([Type.Literal('half_up'), Type.Literal('half_even')])),
  segments: Type.Array(Segment, { minItems: 1, uniqueItems: true }),
  precedence: Type.Optional(Type.Array(Id, { uniqueItems: true })),
  brands: Type.Optional(Type.Array(BrandId, { minItems: 1, uniqueItems: true })),
  jurisdictions: Type.Optional(
    Type.Array(Type.String({ minLength: 1, maxLength: 32 }), { uniqueItems: true }),
  ),
  caps: Type.Optional(obj({ perPeriod: Type.Optional(Amount), perCustomer: Type.Optional(Amount) })),
  negativeBalance: Type.Optional(
    Type.Union([Type.Literal('carry'), Type.Literal('reset')], {
      description:
        "what happens to the partner's negative payable balance at a payout batch: carry (default) offsets it against later earnings; reset writes it off so the partner starts again at zero",
    }),
  ),
};

/** The full deal-terms schema (used for the OpenAPI document and documentation). */
export const DealTermsSchema = obj({
  ...envelope,
  components: Type.Array(Component, { minItems: 1, maxItems: 50 }),
});

/** The envelope with components checked only for a known `kind`; each component is then checked by its own schema so errors name the right field. */
export const DealEnvelopeSchema = obj({
  ...envelope,
  components: Type.Array(
    Type.Object({ kind: Type.Union(COMPONENT_KINDS.map((k) => Type.Literal(k))), id: Id }),
    { minItems: 1, maxItems: 50 },
  ),
});

export type DealTerms = Type.Static<typeof DealTermsSchema>;
export type DealComponent = Type.Static<typeof Component>;
export type RateBandT = Type.Static<typeof RateBand>;
export type PerLotBandT = Type.Static<typeof PerLotBand>;
export type IgamingRevshareT = Type.Static<typeof IgamingRevshare>;
export type IgamingCpaT = Type.Static<typeof IgamingCpa>;
export type ForexRebateT = Type.Static<typeof ForexRebate>;
export type ForexMarkupShareT = Type.Static<typeof ForexMarkupShare>;
export type ForexLotOverrideT = Type.Static<typeof ForexLotOverride>;
export type ForexCpaT = Type.Static<typeof ForexCpa>;
export type PropPurchaseT = Type.Static<typeof PropPurchase>;
export type PropFundedPayoutT = Type.Static<typeof PropFundedPayout>;
export type SubPartnerOverrideT = Type.Static<typeof SubPartnerOverride>;
export type FixedFeeT = Type.Static<typeof FixedFee>;
export type DeliverableFeeT = Type.Static<typeof DeliverableFee>;
export type DeductionT = Type.Static<typeof Deduction>;
export type CountryAmountsT = Type.Static<typeof CountryAmounts>;
export type EligibilityT = Type.Static<typeof Eligibility>;

import type { ComponentKind } from './schema.js';

/**
 * The kind of revenue event a component pays on. Within one deal at most one component pays a given
 * class for a given customer (the first applicable in `precedence` order), so one revenue event is paid
 * once. `hierarchy` and `fee` components do not pay on customer revenue events.
 */
export type RevenueClass =
  | 'igaming_ngr'
  | 'igaming_cpa'
  | 'forex_trade'
  | 'forex_markup'
  | 'forex_cpa'
  | 'prop_purchase'
  | 'prop_payout'
  | 'hierarchy'
  | 'fee';

const CLASSES: Record<ComponentKind, RevenueClass> = {
  igaming_revshare: 'igaming_ngr',
  igaming_cpa: 'igaming_cpa',
  forex_rebate: 'forex_trade',
  forex_markup_share: 'forex_markup',
  forex_cpa: 'forex_cpa',
  forex_lot_override: 'hierarchy',
  prop_purchase: 'prop_purchase',
  prop_funded_payout: 'prop_payout',
  sub_partner_override: 'hierarchy',
  fixed_fee: 'fee',
  deliverable_fee: 'fee',
};

export function revenueClassOf(kind: ComponentKind): RevenueClass {
  return CLASSES[kind];
}

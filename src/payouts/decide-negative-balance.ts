/** What a deal says about a partner's negative payable balance (deal terms `negativeBalance`, default carry). */
export type NegativeBalancePolicy = 'carry' | 'reset';

/** A deal version in force for the partner on the batch's brand at the pay date. */
export interface DealInForce {
  readonly dealId: string;
  readonly version: number;
  readonly name: string;
  /** The terms' `negativeBalance`, as stored (absent = carry; anything unknown is treated as carry). */
  readonly negativeBalance: string | null;
}

export interface NegativeBalanceRule {
  readonly policy: NegativeBalancePolicy;
  /** The deal whose terms decided (for the write-off line and its explanation); null when none is in force. */
  readonly deal: DealInForce | null;
  readonly detail: string;
}

/**
 * Which policy governs a partner's negative balance on a brand: the deal in force on the pay date decides.
 * With no deal in force the balance carries (nothing grants a write-off). Should several deals be in force at
 * once, `reset` applies only when every one of them says `reset` — a write-off forgives money the partner
 * owes, so it needs the consent of every deal that governs the netted balance, and a balance netted across
 * segments cannot be split back by segment. Otherwise the first deal saying (or defaulting to) carry decides.
 */
export function decideNegativeBalanceRule(deals: readonly DealInForce[]): NegativeBalanceRule {
  if (deals.length === 0)
    return { policy: 'carry', deal: null, detail: 'no deal in force: the negative balance carries' };
  const carrying = deals.find((d) => d.negativeBalance !== 'reset');
  if (carrying)
    return {
      policy: 'carry',
      deal: carrying,
      detail: `deal "${carrying.name}" v${carrying.version} says negativeBalance ${
        carrying.negativeBalance === 'carry' ? 'carry' : 'carry (default)'
      }: offset against later earnings`,
    };
  const first = deals[0]!;
  return {
    policy: 'reset',
    deal: first,
    detail: `deal "${first.name}" v${first.version} says negativeBalance reset: written off to zero`,
  };
}

import type { NegativeBalancePolicy } from './decide-negative-balance.js';

/** What the batch needs to know of one partner and currency (all read beforehand). */
export interface PayoutCandidate {
  partnerId: string;
  currency: string;
  /** Sum of the partner's eligible payable lines (negative lines included), minor units. */
  amount: bigint;
  payoutsBlocked: boolean;
  taxFormStatus: string;
  method: { kind: string; isChange: boolean; usableFrom: Date; notifiedAt: Date | null } | null;
  /** What the deal in force says about a negative balance (decideNegativeBalanceRule); default carry. */
  negativeBalance?: NegativeBalancePolicy;
}

export type PayoutSkipReason =
  | 'partner_suspended'
  | 'no_payment_method'
  | 'cooling_off'
  | 'not_notified'
  | 'tax_form_missing'
  | 'negative_balance'
  | 'nothing_due'
  | 'below_threshold';

export type PayoutDecision =
  | { kind: 'pay' }
  | { kind: 'skip'; reason: PayoutSkipReason; detail: string }
  /** A negative balance under a `reset` deal: written off by `amount` (> 0) so the partner is back at zero. */
  | { kind: 'write_off'; amount: bigint; detail: string };

/**
 * Whether a partner's payable balance in one currency goes into a batch. Below the threshold the balance
 * rolls over; a negative balance carries into the next period (clawbacks net against later commission)
 * unless the deal in force says `negativeBalance: reset`, when it is written off. A suspended partner's
 * balance is held as it is (no payout, no write-off).
 */
export function decidePayout(
  c: PayoutCandidate,
  rules: { minPayout: bigint; taxFormRequired: boolean },
  now: Date,
): PayoutDecision {
  if (c.payoutsBlocked)
    return { kind: 'skip', reason: 'partner_suspended', detail: 'payouts stop while suspended' };
  if (c.amount === 0n)
    return { kind: 'skip', reason: 'nothing_due', detail: 'the payable lines net to zero' };
  if (c.amount < 0n)
    return c.negativeBalance === 'reset'
      ? {
          kind: 'write_off',
          amount: -c.amount,
          detail: `negative balance ${c.amount} written off (deal: negativeBalance reset)`,
        }
      : { kind: 'skip', reason: 'negative_balance', detail: `balance ${c.amount} carries forward` };
  if (c.amount < rules.minPayout)
    return {
      kind: 'skip',
      reason: 'below_threshold',
      detail: `${c.amount} below the minimum ${rules.minPayout}: rolls over`,
    };
  if (rules.taxFormRequired && (c.taxFormStatus === 'missing' || c.taxFormStatus === ''))
    return {
      kind: 'skip',
      reason: 'tax_form_missing',
      detail: 'a tax form (W-9, W-8BEN, W-8BEN-E) is required',
    };
  if (!c.method) return { kind: 'skip', reason: 'no_payment_method', detail: 'no payment method' };
  if (c.method.isChange && c.method.notifiedAt === null)
    return {
      kind: 'skip',
      reason: 'not_notified',
      detail: 'the partner was not notified of the changed method',
    };
  if (c.method.isChange && now < c.method.usableFrom)
    return {
      kind: 'skip',
      reason: 'cooling_off',
      detail: `changed payment method usable from ${c.method.usableFrom.toISOString()}`,
    };
  return { kind: 'pay' };
}

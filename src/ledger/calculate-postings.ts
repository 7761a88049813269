import type { LedgerAccount, LineState } from './ledger-tables.js';

/** One side of a posting: debit > 0, credit < 0 (minor units). */
export interface PostingLeg {
  readonly account: LedgerAccount;
  /** Partner accounts carry the partner; the operator's accounts do not. */
  readonly partner: boolean;
  readonly amount: bigint;
}

/**
 * The double-entry posting of moving `amount` from one account to another: credit `to`, debit `from`.
 * Every posting sums to zero. A negative amount (a clawback) simply flows the other way.
 */
export function calculateTransfer(from: LedgerAccount, to: LedgerAccount, amount: bigint): PostingLeg[] {
  return [
    { account: from, partner: from !== 'commission_expense' && from !== 'cash', amount },
    { account: to, partner: to !== 'commission_expense' && to !== 'cash', amount: -amount },
  ];
}

/** Where a line's money sits in each state (a paid line has left the partner's accounts). */
export function accountOfState(state: LineState): LedgerAccount | null {
  switch (state) {
    case 'pending':
    case 'approved':
      return 'partner_pending';
    case 'payable':
      return 'partner_payable';
    case 'paid':
      return 'cash';
    case 'rejected':
    case 'reversed':
    case 'written_off':
      return 'commission_expense';
  }
}

export type LineAction = 'approve' | 'reject' | 'release' | 'reverse';

export type LineTransition =
  | { kind: 'move'; to: LineState; legs: PostingLeg[] }
  | { kind: 'refuse'; reason: string };

/**
 * What an action does to a line: pending → approved (finance) → payable (hold over) → paid (payout), or
 * rejected (finance, before payable) / reversed (a payable line taken back). `holdOver` says whether the
 * hold period has ended at the time of the action: an approved line with its hold over is payable at once.
 */
export function decideLineTransition(
  state: LineState,
  action: LineAction,
  amount: bigint,
  holdOver: boolean,
): LineTransition {
  const move = (to: LineState): LineTransition => {
    const from = accountOfState(state)!;
    const dest = accountOfState(to)!;
    return { kind: 'move', to, legs: from === dest ? [] : calculateTransfer(from, dest, amount) };
  };
  switch (action) {
    case 'approve':
      if (state !== 'pending') return { kind: 'refuse', reason: `line is ${state}, not pending` };
      return move(holdOver ? 'payable' : 'approved');
    case 'release':
      if (state !== 'approved') return { kind: 'refuse', reason: `line is ${state}, not approved` };
      if (!holdOver) return { kind: 'refuse', reason: 'hold period not over' };
      return move('payable');
    case 'reject':
      if (state !== 'pending' && state !== 'approved')
        return { kind: 'refuse', reason: `line is ${state}: only pending or approved lines can be rejected` };
      return move('rejected');
    case 'reverse':
      if (state !== 'payable') return { kind: 'refuse', reason: `line is ${state}, not payable` };
      return move('reversed');
  }
}

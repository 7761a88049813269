import type { ClaimState } from './claim-tables.js';

/** What staff may do with a claim. */
export type ClaimAction = 'review' | 'accept' | 'reject';

export type ClaimDecision = { kind: 'move'; to: ClaimState } | { kind: 'refuse'; reason: string };

/**
 * The claim state machine: open → in_review → accepted | rejected. A claim may be accepted or rejected
 * straight from `open` (the review step is optional); accepted and rejected are final.
 */
export function decideClaimTransition(from: ClaimState, action: ClaimAction): ClaimDecision {
  if (from === 'accepted' || from === 'rejected')
    return { kind: 'refuse', reason: `the claim is already ${from}` };
  if (action === 'review')
    return from === 'open'
      ? { kind: 'move', to: 'in_review' }
      : { kind: 'refuse', reason: 'the claim is already in review' };
  return { kind: 'move', to: action === 'accept' ? 'accepted' : 'rejected' };
}

/** The answer deadline: `days` calendar days after filing. */
export function calculateDueAt(filedAt: Date, days: number): Date {
  return new Date(filedAt.getTime() + days * 86_400_000);
}

/** An unanswered claim past its deadline. */
export function isOverdue(state: ClaimState, dueAt: Date, now: Date): boolean {
  return (state === 'open' || state === 'in_review') && now.getTime() > dueAt.getTime();
}

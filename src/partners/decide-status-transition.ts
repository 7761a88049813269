/** The partner status workflow (pure): which change is allowed from which state, and what it is called. */

export const PARTNER_STATUSES = [
  'applied',
  'in_review',
  'approved',
  'rejected',
  'contracted',
  'active',
  'suspended',
  'terminated',
] as const;
export type PartnerStatus = (typeof PARTNER_STATUSES)[number];

/** The name of each allowed move, as shown in the timeline and the audit trail. */
const MOVES: Record<PartnerStatus, Partial<Record<PartnerStatus, string>>> = {
  applied: { in_review: 'review_started', rejected: 'rejected' },
  in_review: { approved: 'approved', rejected: 'rejected' },
  approved: { contracted: 'contracted', rejected: 'rejected', terminated: 'terminated' },
  rejected: { in_review: 'reopened' },
  contracted: { active: 'activated', terminated: 'terminated' },
  active: { suspended: 'suspended', terminated: 'terminated' },
  suspended: { active: 'reinstated', terminated: 'terminated' },
  terminated: {},
};

/** Moves that must say why (shown to the partner and kept for regulators). */
const REASON_REQUIRED = new Set(['rejected', 'suspended', 'terminated', 'reinstated', 'reopened']);

export interface DocumentProblem {
  type: string;
  problem: 'missing' | 'unreviewed' | 'expired' | 'rejected';
}

export interface TransitionContext {
  /** Who asks: a person (`manual`) or the contract acceptance (`contract_accepted`). */
  trigger: 'manual' | 'contract_accepted';
  hasAcceptedContract: boolean;
  /** Required documents that are not in order (from calculateVetting). */
  documentProblems: readonly DocumentProblem[];
  reason: string | null;
}

export type TransitionDecision =
  | { kind: 'allow'; move: string; from: PartnerStatus; to: PartnerStatus }
  | { kind: 'invalid_transition'; from: PartnerStatus; to: PartnerStatus; allowed: PartnerStatus[] }
  | { kind: 'reason_required'; move: string }
  | { kind: 'needs_accepted_contract' }
  | { kind: 'documents_not_in_order'; problems: readonly DocumentProblem[] };

/** Moves a person can ask for from `from` (the contracted step comes from accepting a contract). */
export function allowedMoves(from: PartnerStatus): PartnerStatus[] {
  return (Object.keys(MOVES[from]) as PartnerStatus[]).filter((to) => to !== 'contracted');
}

/** Decides a status change. Activation (and reinstatement) needs an accepted contract and documents in order. */
export function decideStatusTransition(
  from: PartnerStatus,
  to: PartnerStatus,
  ctx: TransitionContext,
): TransitionDecision {
  const move = MOVES[from][to];
  const allowed = allowedMoves(from);
  if (!move) return { kind: 'invalid_transition', from, to, allowed };
  if (to === 'contracted' && ctx.trigger !== 'contract_accepted') {
    return ctx.hasAcceptedContract ? { kind: 'allow', move, from, to } : { kind: 'needs_accepted_contract' };
  }
  if (REASON_REQUIRED.has(move) && !ctx.reason?.trim()) return { kind: 'reason_required', move };
  if (to === 'active') {
    if (!ctx.hasAcceptedContract) return { kind: 'needs_accepted_contract' };
    if (ctx.documentProblems.length > 0)
      return { kind: 'documents_not_in_order', problems: ctx.documentProblems };
  }
  return { kind: 'allow', move, from, to };
}

export function isPartnerStatus(s: string): s is PartnerStatus {
  return (PARTNER_STATUSES as readonly string[]).includes(s);
}

/**
 * Deliverable decisions (pure). A submitted deliverable is approved or rejected once; a decision is final
 * (an approved deliverable that was paid is corrected by a clawback, as any paid line). Rejecting needs a reason.
 */
export type DeliverableDecision =
  | { kind: 'decide'; status: 'approved' | 'rejected'; reason: string | null }
  | { kind: 'refuse'; code: 'INVALID_TRANSITION' | 'VALIDATION_FAILED'; message: string; field?: string };

export function decideDeliverable(
  current: 'submitted' | 'approved' | 'rejected',
  decision: 'approve' | 'reject',
  reason: string | undefined,
): DeliverableDecision {
  if (current !== 'submitted')
    return {
      kind: 'refuse',
      code: 'INVALID_TRANSITION',
      message: `This deliverable was already ${current}: a decision is final.`,
    };
  const text = reason?.trim() || null;
  if (decision === 'reject' && !text)
    return {
      kind: 'refuse',
      code: 'VALIDATION_FAILED',
      message: 'Give the partner a reason for the rejection.',
      field: '/reason',
    };
  return { kind: 'decide', status: decision === 'approve' ? 'approved' : 'rejected', reason: text };
}

/** A delivery date must be a real calendar day, not after today (the brand's calendar is close enough: ±1 day). */
export function checkDeliveredOn(deliveredOn: string, today: string): string | null {
  const d = new Date(`${deliveredOn}T00:00:00Z`);
  if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== deliveredOn) return 'must be a real date';
  const tomorrow = new Date(Date.parse(`${today}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  if (deliveredOn > tomorrow) return 'must not be in the future';
  return null;
}

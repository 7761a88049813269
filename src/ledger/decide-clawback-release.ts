/**
 * What a commission line is still worth, split by who corrected it (minor units; only lines that still count:
 * a rejected or reversed line moved its money back and is left out).
 */
export interface LineWorth {
  /** The line's own amount. */
  readonly original: bigint;
  /** The close's corrections: a refund's or chargeback's void/clawback line, late-data adjustments. */
  readonly engine: bigint;
  /** Finance's clawbacks (`POST /commission-lines/:id/clawback`), ≤ 0. */
  readonly manual: bigint;
  /** Clawback releases booked so far (this rule's own lines), ≥ 0 when in force. */
  readonly released: bigint;
}

export type ClawbackRelease =
  | { kind: 'none'; reason: 'no_manual_clawback' | 'settled' }
  /** Book `amount` (> 0 releases more of finance's clawback, < 0 withdraws an earlier release). */
  | { kind: 'book'; amount: bigint; target: bigint; overTaken: bigint };

/** What is left to take back: the amount with every correction still in force. */
export const worthLeft = (w: LineWorth): bigint => w.original + w.engine + w.manual + w.released;

/**
 * The feed's reversal (booked in full by the close, as the engine computed it) and finance's manual clawbacks of
 * the same line must never together take back more than the line was worth. The part of the manual clawbacks
 * that the close's corrections made redundant is released by a line of its own: the release in force is
 * `clamp(−(original + engine + manual), 0, −manual)` — never more than finance took back, and nothing while the
 * line is not over-taken. The result is the difference from the releases already booked, so deciding again
 * after booking it gives `settled` (idempotent), and a later change (late data moving the refund back, a
 * clawback rejected) books the difference in either direction.
 */
export function decideClawbackRelease(w: LineWorth): ClawbackRelease {
  const taken = -w.manual;
  if (taken <= 0n && w.released === 0n) return { kind: 'none', reason: 'no_manual_clawback' };
  const overTaken = -(w.original + w.engine + w.manual);
  const cap = taken > 0n ? taken : 0n;
  const target = overTaken <= 0n ? 0n : overTaken > cap ? cap : overTaken;
  if (target === w.released) return { kind: 'none', reason: 'settled' };
  return { kind: 'book', amount: target - w.released, target, overTaken };
}

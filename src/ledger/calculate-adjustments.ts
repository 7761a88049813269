/** A line already booked for a source period (original or earlier adjustment), by engine line id. */
export interface BookedLine {
  readonly id: string;
  readonly engineLineId: string;
  readonly amount: bigint;
  readonly currency: string;
  /** True for the original line (not an adjustment): adjustments link to it. */
  readonly original: boolean;
}

export interface RecomputedLine {
  readonly lineId: string;
  readonly amount: bigint;
  readonly currency: string;
}

export interface Adjustment {
  readonly engineLineId: string;
  /** New amount − amount booked so far (original plus earlier adjustments). */
  readonly delta: bigint;
  readonly currency: string;
  readonly bookedSoFar: bigint;
  readonly recomputed: bigint;
  /** The original line this corrects, or null when the recomputation produced a new line. */
  readonly correctsLineId: string | null;
}

/**
 * Late data for a closed period: the period is recomputed and each line's difference from what was booked
 * becomes an adjustment. Identical data gives no adjustment, so re-running changes nothing.
 */
export function calculateAdjustments(
  booked: readonly BookedLine[],
  recomputed: readonly RecomputedLine[],
): Adjustment[] {
  const byId = new Map<string, { sum: bigint; currency: string; original: string | null }>();
  for (const b of booked) {
    const e = byId.get(b.engineLineId) ?? { sum: 0n, currency: b.currency, original: null };
    e.sum += b.amount;
    if (b.original) e.original = b.id;
    byId.set(b.engineLineId, e);
  }
  const out: Adjustment[] = [];
  const seen = new Set<string>();
  for (const r of recomputed) {
    seen.add(r.lineId);
    const e = byId.get(r.lineId);
    const so = e?.sum ?? 0n;
    if (r.amount !== so)
      out.push({
        engineLineId: r.lineId,
        delta: r.amount - so,
        currency: r.currency,
        bookedSoFar: so,
        recomputed: r.amount,
        correctsLineId: e?.original ?? null,
      });
  }
  for (const [id, e] of byId) {
    if (seen.has(id) || e.sum === 0n) continue;
    out.push({
      engineLineId: id,
      delta: -e.sum,
      currency: e.currency,
      bookedSoFar: e.sum,
      recomputed: 0n,
      correctsLineId: e.original,
    });
  }
  return out.sort((a, b) => (a.engineLineId < b.engineLineId ? -1 : a.engineLineId > b.engineLineId ? 1 : 0));
}

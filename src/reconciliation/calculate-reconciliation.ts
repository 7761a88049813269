export type Metric = 'revenue' | 'ngr' | 'lots' | 'purchases';

export interface MetricRow {
  metric: Metric;
  currency: string;
  /** exact values at 6 decimals (money in major units, lots in lots) */
  computed: bigint | null;
  reported: bigint | null;
  explained: boolean;
}

export interface Difference extends MetricRow {
  difference: bigint;
  withinTolerance: boolean;
}

export const SCALE = 6;

/**
 * Computed vs reported per metric and currency; a difference is within tolerance when its absolute value is
 * at most `toleranceMinor` minor units (for lots: hundredths of a lot). Pure.
 */
export function calculateDifferences(
  rows: readonly MetricRow[],
  tolerance: { money: bigint; lots: bigint },
): Difference[] {
  return rows.map((r) => {
    const difference = (r.computed ?? 0n) - (r.reported ?? 0n);
    const abs = difference < 0n ? -difference : difference;
    const tol = r.metric === 'lots' ? tolerance.lots : tolerance.money;
    return { ...r, difference, withinTolerance: abs <= tol };
  });
}

/** What blocks marking a period final: differences above tolerance that no note explains. */
export function decideFinal(
  diffs: readonly Difference[],
): { kind: 'ok' } | { kind: 'blocked'; reasons: string[] } {
  const reasons = diffs
    .filter((d) => !d.withinTolerance && !d.explained)
    .map(
      (d) =>
        `${d.metric} ${d.currency}: computed and reported differ by more than the tolerance, unexplained`,
    );
  return reasons.length ? { kind: 'blocked', reasons } : { kind: 'ok' };
}

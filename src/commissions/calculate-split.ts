import { PPM_ONE, type Ppm, type RoundingMode, roundDiv } from '../money/index.js';

/**
 * Splits a pool down an IB tree: level 0 is the owning IB, level 1 its parent, and so on; `shares` are
 * each level's percent of the pool. Rounding telescopes (each level gets round(pool × cumulative share)
 * − round(pool × previous cumulative share)), so the levels add up to round(pool × Σ shares) and never
 * to more than the rounded pool. Pool 10/lot, owner 70%, parent 30% → 7 and 3.
 * `pool` is at `scale`; results are minor units (`digits`).
 */
export function calculateSplit(
  pool: bigint,
  scale: number,
  digits: number,
  shares: readonly Ppm[],
  mode: RoundingMode,
): bigint[] {
  const denom = PPM_ONE * 10n ** BigInt(scale - digits);
  const out: bigint[] = [];
  let cumulative = 0n;
  let previous = 0n;
  for (const share of shares) {
    cumulative += share;
    const rounded = roundDiv(pool * cumulative, denom, mode);
    out.push(rounded - previous);
    previous = rounded;
  }
  return out;
}

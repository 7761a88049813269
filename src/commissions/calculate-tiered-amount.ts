import { PPM_ONE, type Ppm } from '../money/index.js';

/** A tier band on some value scale: `from` inclusive, `to` exclusive (null = open), rate in ppm. */
export interface Band {
  readonly from: bigint;
  readonly to: bigint | null;
  readonly rate: Ppm;
}

export interface TierPart {
  readonly band: number;
  /** Portion of the value falling in the band (incremental) or the whole value (retroactive). */
  readonly portion: bigint;
  /** portion × rate, at the value's scale + 6 (ppm digits). */
  readonly amount: bigint;
}

export interface TierResult {
  readonly mode: 'retroactive' | 'incremental';
  /** Index of the band the value reached. */
  readonly reached: number;
  /** value × rate(s), at the value's scale + 6. */
  readonly amount: bigint;
  readonly parts: readonly TierPart[];
}

/** Index of the band containing `value` (lower bound inclusive, upper exclusive); values below 0 fall in the first band. */
export function findBand(bands: readonly Band[], value: bigint): number {
  for (let i = bands.length - 1; i >= 0; i--) {
    if (value >= bands[i]!.from) return i;
  }
  return 0;
}

/**
 * Applies tier bands to `value`. Retroactive: the whole value at the reached band's rate.
 * Incremental: each band's slice at its own rate. Tiers 0–5,000 25%, 5,000–20,000 30%, 20,000+ 35% on
 * 25,000: retroactive 8,750; incremental 1,250 + 4,500 + 1,750 = 7,500. A value ≤ 0 earns 0.
 */
export function calculateTieredAmount(
  bands: readonly Band[],
  value: bigint,
  mode: 'retroactive' | 'incremental',
): TierResult {
  const reached = findBand(bands, value);
  if (value <= 0n) return { mode, reached, amount: 0n, parts: [] };
  if (mode === 'retroactive') {
    const rate = bands[reached]!.rate;
    const amount = value * rate;
    return { mode, reached, amount, parts: [{ band: reached, portion: value, amount }] };
  }
  const parts: TierPart[] = [];
  let amount = 0n;
  for (let i = 0; i <= reached; i++) {
    const band = bands[i]!;
    const top = band.to === null || value < band.to ? value : band.to;
    const portion = top - band.from;
    if (portion <= 0n) continue;
    const a = portion * band.rate;
    parts.push({ band: i, portion, amount: a });
    amount += a;
  }
  return { mode, reached, amount, parts };
}

/** value × ppm, keeping the 6 extra digits (exact). */
export function applyPpm(value: bigint, rate: Ppm): bigint {
  return value * rate;
}

export { PPM_ONE };

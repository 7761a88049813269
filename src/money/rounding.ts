import { pow10 } from './pow10.js';

/**
 * How a value that falls between two minor units is rounded. `half_up` rounds ties away from zero
 * (so a clawback of −x rounds to exactly −round(x)); `half_even` is banker's rounding.
 */
export type RoundingMode = 'half_up' | 'half_even';

export const ROUNDING_MODES: readonly RoundingMode[] = ['half_up', 'half_even'];

/**
 * The one rounding rule of Consort: divides `numerator` by a positive `denominator` and rounds the
 * quotient to an integer with `mode`. Every rounding in money, FX and the engine goes through here.
 */
export function roundDiv(numerator: bigint, denominator: bigint, mode: RoundingMode): bigint {
  if (denominator <= 0n) throw new Error('roundDiv needs a positive denominator');
  const negative = numerator < 0n;
  const abs = negative ? -numerator : numerator;
  let q = abs / denominator;
  const r = abs - q * denominator;
  if (r !== 0n) {
    const twice = r * 2n;
    if (twice > denominator || (twice === denominator && (mode === 'half_up' || (q & 1n) === 1n))) q += 1n;
  }
  return negative ? -q : q;
}

/**
 * Rounds a scaled value (`units` × 10^−`scale`) to `digits` decimal places, e.g. an exact amount at
 * scale 36 to a currency's minor units. Exact (no rounding) when `digits` ≥ `scale`.
 */
export function roundScaled(units: bigint, scale: number, digits: number, mode: RoundingMode): bigint {
  if (scale <= digits) return units * pow10(digits - scale);
  return roundDiv(units, pow10(scale - digits), mode);
}

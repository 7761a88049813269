import { type Decimal, formatDecimal, parseDecimalOrThrow, pow10, roundDiv } from '../money/index.js';

/** Derived rates keep this many decimals (rounded half-up), like the ECB's own 4-6 significant digits and more. */
export const DERIVED_RATE_DECIMALS = 10;

/**
 * The cross rate A→B through EUR from the two EUR reference rates (1 EUR = eurToA A, 1 EUR = eurToB B):
 * 1 A = eurToB / eurToA B, rounded half-up to 10 decimals. `eurToA` = "1" gives EUR→B itself, and
 * `eurToB` = "1" the inverse B… i.e. A→EUR.
 */
export function calculateCrossRate(eurToA: string, eurToB: string): string {
  const a: Decimal = parseDecimalOrThrow(eurToA);
  const b: Decimal = parseDecimalOrThrow(eurToB);
  // (b.units / 10^b.scale) / (a.units / 10^a.scale) = b.units × 10^a.scale / (a.units × 10^b.scale)
  const num = b.units * pow10(a.scale + DERIVED_RATE_DECIMALS);
  const den = a.units * pow10(b.scale);
  const units = roundDiv(num, den, 'half_up');
  return formatDecimal({ units, scale: DERIVED_RATE_DECIMALS });
}

import { minorDigits } from './currency.js';
import { type Decimal, parseDecimal } from './decimal.js';
import type { Money } from './money.js';
import { pow10 } from './pow10.js';
import { type RoundingMode, roundDiv } from './rounding.js';

/** Fractional digits a percentage may carry in deal terms ("33.3333" is fine, "33.33333" is not). */
export const PERCENT_MAX_DECIMALS = 4;

/**
 * A percentage as an exact integer of parts per million of the whole (30% → 300,000), so that
 * `x × ppm / 1,000,000` is exact for every percent with up to four decimals.
 */
export type Ppm = bigint;

export const PPM_ONE: Ppm = 1_000_000n;

/** Parses "30" / "2.5" / "33.3333" (a percent) to parts per million; undefined when not a percent with ≤ 4 decimals. */
export function parsePercent(text: string): Ppm | undefined {
  const d = parseDecimal(text);
  if (!d || d.scale > PERCENT_MAX_DECIMALS) return undefined;
  return percentDecimalToPpm(d);
}

export function parsePercentOrThrow(text: string): Ppm {
  const p = parsePercent(text);
  if (p === undefined)
    throw new Error(`Not a percent with at most ${PERCENT_MAX_DECIMALS} decimals: ${text}`);
  return p;
}

function percentDecimalToPpm(d: Decimal): Ppm {
  // percent → fraction is /100, fraction → ppm is ×1e6: ×1e4 overall.
  return d.units * pow10(4 - d.scale);
}

/** `percent` of a money amount, rounded to the currency's minor unit with `mode` (5% of 123.45 → 6.17). */
export function percentOf(m: Money, percent: Ppm, mode: RoundingMode): Money {
  minorDigits(m.currency);
  return { amount: roundDiv(m.amount * percent, PPM_ONE, mode), currency: m.currency };
}

import { pow10 } from './pow10.js';
import { type RoundingMode, roundScaled } from './rounding.js';

/** An exact decimal: `units` × 10^−`scale`. Never a float. */
export interface Decimal {
  readonly units: bigint;
  readonly scale: number;
}

const DECIMAL_RE = /^([+-])?(\d+)(?:\.(\d+))?$/;

/** Parses a plain decimal string ("12", "-0.05", "33.3333"). Returns undefined when it is not one. */
export function parseDecimal(text: string): Decimal | undefined {
  const m = DECIMAL_RE.exec(text.trim());
  if (!m) return undefined;
  const frac = m[3] ?? '';
  const units = BigInt((m[2] ?? '0') + frac);
  return { units: m[1] === '-' ? -units : units, scale: frac.length };
}

/** Like parseDecimal but throws: for values that were already validated. */
export function parseDecimalOrThrow(text: string): Decimal {
  const d = parseDecimal(text);
  if (!d) throw new Error(`Not a decimal: ${JSON.stringify(text)}`);
  return d;
}

/** The decimal's value at a given scale (units × 10^(scale − d.scale)), rounding with `mode` when it has more digits. */
export function decimalAtScale(d: Decimal, scale: number, mode: RoundingMode = 'half_up'): bigint {
  return roundScaled(d.units, d.scale, scale, mode);
}

/** True when the decimal has at most `scale` fractional digits once trailing zeros are dropped. */
export function fitsScale(d: Decimal, scale: number): boolean {
  if (d.scale <= scale) return true;
  return d.units % pow10(d.scale - scale) === 0n;
}

/** Formats a scaled integer as a plain decimal string with exactly `scale` fractional digits. */
export function formatScaled(units: bigint, scale: number): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString();
  if (scale === 0) return (negative ? '-' : '') + digits;
  const padded = digits.padStart(scale + 1, '0');
  const int = padded.slice(0, padded.length - scale);
  const frac = padded.slice(padded.length - scale);
  return `${negative ? '-' : ''}${int}.${frac}`;
}

/**
 * Formats a scaled integer dropping trailing fractional zeros ("7.500" → "7.5", "3.000" → "3"). Built from
 * the digits in one step (no padded copy, no trimming afterwards): the engine formats hundreds of thousands
 * of amounts at scales of 24–36 digits when it explains a period.
 */
export function formatScaledTrim(units: bigint, scale: number): string {
  if (units === 0n) return '0';
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString();
  const sign = negative ? '-' : '';
  if (scale <= 0) return sign + digits;
  const len = digits.length;
  // significant end: trailing zeros inside the fraction are dropped
  let end = len;
  const fracStart = len - scale;
  while (end > fracStart && digits.charCodeAt(end - 1) === 48) end--; // '0' (the first digit never is)
  if (fracStart > 0) {
    return end === fracStart
      ? sign + digits.slice(0, fracStart)
      : `${sign}${digits.slice(0, fracStart)}.${digits.slice(fracStart, end)}`;
  }
  // |value| < 1: "0." then the zeros the digits do not reach, then the significant digits
  const zeros = -fracStart <= ZEROS.length ? ZEROS.slice(0, -fracStart) : '0'.repeat(-fracStart);
  return `${sign}0.${zeros}${digits.slice(0, end)}`;
}
const ZEROS = '0'.repeat(64);

/** Formats a Decimal without trailing zeros. */
export function formatDecimal(d: Decimal): string {
  return formatScaledTrim(d.units, d.scale);
}

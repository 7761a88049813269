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

/** Formats a scaled integer dropping trailing fractional zeros ("7.500" → "7.5", "3.000" → "3"). */
export function formatScaledTrim(units: bigint, scale: number): string {
  if (units === 0n) return '0';
  const s = formatScaled(units, scale);
  if (scale === 0) return s;
  let end = s.length;
  while (s.charCodeAt(end - 1) === 48) end--; // '0'
  if (s.charCodeAt(end - 1) === 46) end--; // '.'
  return end === s.length ? s : s.slice(0, end);
}

/** Formats a Decimal without trailing zeros. */
export function formatDecimal(d: Decimal): string {
  return formatScaledTrim(d.units, d.scale);
}

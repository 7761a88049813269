import { minorDigits } from './currency.js';
import { parseDecimal } from './decimal.js';
import { formatScaled } from './decimal.js';
import { pow10 } from './pow10.js';
import { type RoundingMode, roundScaled } from './rounding.js';

/** An amount of money: integer minor units (cents, yen, fils) of an explicit ISO currency. */
export interface Money {
  readonly amount: bigint;
  readonly currency: string;
}

/** Builds a Money from minor units. */
export function money(amount: bigint, currency: string): Money {
  minorDigits(currency);
  return { amount, currency };
}

export type ParseMoneyResult =
  | { kind: 'ok'; money: Money }
  | { kind: 'error'; reason: 'not_decimal' | 'too_precise' | 'unknown_currency' };

/**
 * Parses a major-unit decimal string ("12.34") in `currency`. More fractional digits than the currency
 * has are refused (`too_precise`) rather than silently rounded.
 */
export function parseMoney(text: string, currency: string): ParseMoneyResult {
  const digits = currencyDigitsOrUndefined(currency);
  if (digits === undefined) return { kind: 'error', reason: 'unknown_currency' };
  const d = parseDecimal(text);
  if (!d) return { kind: 'error', reason: 'not_decimal' };
  if (d.scale > digits) {
    const excess = pow10(d.scale - digits);
    if (d.units % excess !== 0n) return { kind: 'error', reason: 'too_precise' };
    return { kind: 'ok', money: { amount: d.units / excess, currency } };
  }
  return { kind: 'ok', money: { amount: d.units * pow10(digits - d.scale), currency } };
}

/** parseMoney for trusted input: throws on a malformed value. */
export function parseMoneyOrThrow(text: string, currency: string): Money {
  const r = parseMoney(text, currency);
  if (r.kind === 'error') throw new Error(`Invalid money ${JSON.stringify(text)} ${currency}: ${r.reason}`);
  return r.money;
}

/** Major-unit string with the currency's digits ("1500.00", "-3", "0.125"). */
export function formatMoney(m: Money): string {
  return formatScaled(m.amount, minorDigits(m.currency));
}

/** The minor-unit amount of a scaled exact value (units × 10^−scale major units), rounded with `mode`. */
export function moneyFromScaled(units: bigint, scale: number, currency: string, mode: RoundingMode): Money {
  return { amount: roundScaled(units, scale, minorDigits(currency), mode), currency };
}

export function addMoney(a: Money, b: Money): Money {
  assertSameCurrency(a, b);
  return { amount: a.amount + b.amount, currency: a.currency };
}

export function subtractMoney(a: Money, b: Money): Money {
  assertSameCurrency(a, b);
  return { amount: a.amount - b.amount, currency: a.currency };
}

export function negateMoney(a: Money): Money {
  return { amount: -a.amount, currency: a.currency };
}

/** Sum of amounts of one currency; `currency` names the result when the list is empty. */
export function sumMoney(items: readonly Money[], currency: string): Money {
  let total = 0n;
  for (const m of items) {
    if (m.currency !== currency) throw new Error(`Currency mismatch: ${m.currency} vs ${currency}`);
    total += m.amount;
  }
  return { amount: total, currency };
}

export function compareMoney(a: Money, b: Money): -1 | 0 | 1 {
  assertSameCurrency(a, b);
  return a.amount < b.amount ? -1 : a.amount > b.amount ? 1 : 0;
}

export function isZeroMoney(a: Money): boolean {
  return a.amount === 0n;
}

function assertSameCurrency(a: Money, b: Money): void {
  if (a.currency !== b.currency) throw new Error(`Currency mismatch: ${a.currency} vs ${b.currency}`);
}

function currencyDigitsOrUndefined(currency: string): number | undefined {
  try {
    return minorDigits(currency);
  } catch {
    return undefined;
  }
}

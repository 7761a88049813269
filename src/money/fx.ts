import { minorDigits } from './currency.js';
import { type Decimal, parseDecimal } from './decimal.js';
import type { Money } from './money.js';
import { pow10 } from './pow10.js';
import { type RoundingMode, roundDiv } from './rounding.js';

/** One exchange rate: 1 `base` = `rate` `quote` on `date` (YYYY-MM-DD), with its source for the audit trail. */
export interface FxRate {
  readonly date: string;
  readonly base: string;
  readonly quote: string;
  readonly rate: string;
  readonly source?: string;
}

/**
 * Converts money at an explicit rate (1 from = rate to), rounding once to the target's minor unit.
 * 100.00 EUR at 1.0850 → 108.50 USD.
 */
export function convertMoney(m: Money, rate: Decimal, to: string, mode: RoundingMode): Money {
  if (rate.units <= 0n) throw new Error('FX rate must be positive');
  const fromDigits = minorDigits(m.currency);
  const toDigits = minorDigits(to);
  // amount_to_minor = amount_from_minor × rate × 10^(toDigits − fromDigits)
  const shift = toDigits - fromDigits - rate.scale;
  const numerator = m.amount * rate.units;
  const amount = shift >= 0 ? numerator * pow10(shift) : roundDiv(numerator, pow10(-shift), mode);
  return { amount, currency: to };
}

/** Result of looking a rate up: the rate or why it is missing. */
export type FxLookup =
  | { kind: 'rate'; rate: Decimal; source: FxRate | null }
  | { kind: 'missing'; from: string; to: string; date: string };

/**
 * An in-memory rate table. `lookup(from, to, date)` returns the rate published for that date, or the
 * latest one before it (rates are not published on weekends); a pair is usable in both directions only
 * when the inverse is published: inverting would need a rounding the audit trail could not show.
 */
export interface FxTable {
  lookup(from: string, to: string, date: string): FxLookup;
}

/** Builds an FxTable from rate rows. Throws on a malformed rate (a data-layer bug). */
export function createFxTable(rates: readonly FxRate[]): FxTable {
  const byPair = new Map<string, { date: string; rate: Decimal; row: FxRate }[]>();
  for (const row of rates) {
    const rate = parseDecimal(row.rate);
    if (!rate || rate.units <= 0n)
      throw new Error(`Invalid FX rate ${row.base}/${row.quote} ${row.date}: ${row.rate}`);
    minorDigits(row.base);
    minorDigits(row.quote);
    const key = `${row.base}/${row.quote}`;
    let list = byPair.get(key);
    if (!list) {
      list = [];
      byPair.set(key, list);
    }
    list.push({ date: row.date, rate, row });
  }
  for (const list of byPair.values()) list.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  const one: Decimal = { units: 1n, scale: 0 };
  return {
    lookup(from, to, date) {
      if (from === to) return { kind: 'rate', rate: one, source: null };
      const list = byPair.get(`${from}/${to}`);
      if (!list) return { kind: 'missing', from, to, date };
      // binary search for the last date <= date
      let lo = 0;
      let hi = list.length - 1;
      let found = -1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        const entry = list[mid]!;
        if (entry.date <= date) {
          found = mid;
          lo = mid + 1;
        } else hi = mid - 1;
      }
      if (found < 0) return { kind: 'missing', from, to, date };
      const entry = list[found]!;
      return { kind: 'rate', rate: entry.rate, source: entry.row };
    },
  };
}

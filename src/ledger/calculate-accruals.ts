import type { CommissionLine } from '../commissions/index.js';

/** A provisional total of one partner segment in one currency (minor units). */
export interface AccrualTotal {
  partnerId: string;
  segment: string;
  currency: string;
  amount: bigint;
  lines: number;
}

/**
 * Folds engine lines into provisional totals per partner, segment and currency, one line at a time (the
 * lines themselves are not kept). `add` per line, `totals()` at the end, sorted for a stable result.
 */
export function createAccrualFold() {
  const byKey = new Map<string, AccrualTotal>();
  return {
    add(l: Pick<CommissionLine, 'partnerId' | 'segment' | 'currency' | 'amount'>): void {
      const key = `${l.partnerId}\u0000${l.segment}\u0000${l.currency}`;
      const t = byKey.get(key);
      if (t) {
        t.amount += l.amount;
        t.lines += 1;
      } else
        byKey.set(key, {
          partnerId: l.partnerId,
          segment: l.segment,
          currency: l.currency,
          amount: l.amount,
          lines: 1,
        });
    },
    totals(): AccrualTotal[] {
      return [...byKey.values()].sort(
        (a, b) =>
          a.partnerId.localeCompare(b.partnerId) ||
          a.segment.localeCompare(b.segment) ||
          a.currency.localeCompare(b.currency),
      );
    },
  };
}

/** The local calendar date (YYYY-MM-DD) of an instant in a time zone. */
export function localDate(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(at);
}

/** The day after a YYYY-MM-DD date. */
export function nextDay(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/** Pure helpers of the Close period action (no React, unit-tested in test/web/close-period-format.test.ts). */

/** The month before `now` as YYYY-MM: the period finance usually closes. */
export function previousMonth(now: Date): string {
  const y = now.getUTCFullYear();
  const m = now.getUTCMonth(); // 0-based: the previous month's 1-based number
  return m === 0 ? `${y - 1}-12` : `${y}-${String(m).padStart(2, '0')}`;
}

/** A close total is in minor units: as a decimal string in the currency's own digits (EUR 13600 → "136.00"). */
export function minorToDecimal(amount: string, currency: string): string {
  let digits = 2;
  try {
    digits =
      new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ??
      2;
  } catch {
    // an unknown code: keep two digits
  }
  const neg = amount.startsWith('-');
  const abs = (neg ? amount.slice(1) : amount).padStart(digits + 1, '0');
  const whole = abs.slice(0, abs.length - digits);
  const frac = abs.slice(abs.length - digits);
  return `${neg ? '-' : ''}${whole}${digits > 0 ? `.${frac}` : ''}`;
}

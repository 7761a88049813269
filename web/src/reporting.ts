/**
 * Formatting and periods for the reporting pages (docs/kpis.md). Money arrives as minor-unit strings of the
 * reporting currency and is formatted without floats: the decimal point is inserted into the digit string,
 * which Intl.NumberFormat formats as an exact decimal string.
 */
import type { KpiUnit, KpiValue } from './api/types';

const digitsCache = new Map<string, number>();

/** The currency's minor-unit digits (EUR 2, JPY 0, KWD 3), from the browser's ISO 4217 data. */
export function minorDigits(currency: string): number {
  let d = digitsCache.get(currency);
  if (d === undefined) {
    try {
      d = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions()
        .maximumFractionDigits;
    } catch {
      d = 2;
    }
    digitsCache.set(currency, d ?? 2);
  }
  return d ?? 2;
}

/** "-123456" with 2 digits → "-1234.56" (string arithmetic only). */
export function minorToDecimal(minor: string, digits: number): string {
  const m = /^(-?)(\d+)$/.exec(minor.trim());
  if (!m) return minor;
  const [, sign, raw] = m as unknown as [string, string, string];
  if (digits === 0) return `${sign}${raw.replace(/^0+(?=\d)/, '')}`;
  const padded = raw.padStart(digits + 1, '0');
  const int = padded.slice(0, -digits).replace(/^0+(?=\d)/, '');
  return `${sign}${int}.${padded.slice(-digits)}`;
}

/**
 * A non-negative decimal typed by a user ("50", "50.5", "50.00") → minor units ("5000" with 2 digits), by
 * string arithmetic; `too_precise` when it has more decimals than the currency allows.
 */
export function decimalToMinor(
  text: string,
  digits: number,
): { kind: 'ok'; minor: string } | { kind: 'invalid' | 'too_precise' } {
  const m = /^(\d+)(?:\.(\d*))?$/.exec(text.trim());
  if (!m) return { kind: 'invalid' };
  const frac = m[2] ?? '';
  if (frac.length > digits) return { kind: 'too_precise' };
  return { kind: 'ok', minor: `${m[1]}${frac.padEnd(digits, '0')}`.replace(/^0+(?=\d)/, '') };
}

/** A minor-unit amount as money: "123456", "EUR" → "€1,234.56". */
export function formatMinor(
  minor: string | number | null | undefined,
  currency: string,
  signed = false,
): string {
  if (minor === null || minor === undefined || minor === '') return '—';
  const digits = minorDigits(currency);
  const decimal = minorToDecimal(String(minor), digits);
  try {
    const f = new Intl.NumberFormat('en', {
      style: 'currency',
      currency,
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
      ...(signed ? { signDisplay: 'exceptZero' as const } : {}),
    });
    // Intl formats a decimal string exactly (no conversion to a float).
    return f.format(decimal as unknown as number);
  } catch {
    return `${decimal} ${currency}`;
  }
}

const integer = new Intl.NumberFormat('en');
const oneDecimal = new Intl.NumberFormat('en', { maximumFractionDigits: 1 });

/** A KPI or report value in its unit; `null` is "no data". */
export function formatValue(value: KpiValue | undefined, unit: KpiUnit, currency: string): string {
  if (value === null || value === undefined) return '—';
  switch (unit) {
    case 'money':
      return formatMinor(String(value), currency);
    case 'percent':
      return `${oneDecimal.format(Number(value))} %`;
    case 'points':
      return oneDecimal.format(Number(value));
    case 'weighted_count':
      return oneDecimal.format(Number(value));
    default:
      return integer.format(Number(value));
  }
}

/** The change against the previous period, signed, in the KPI's unit (percentages in points). */
export function formatChange(change: KpiValue | undefined, unit: KpiUnit, currency: string): string | null {
  if (change === null || change === undefined) return null;
  if (unit === 'money') return formatMinor(String(change), currency, true);
  const n = Number(change);
  const sign = n > 0 ? '+' : n < 0 ? '−' : '±';
  const abs = Math.abs(n);
  if (unit === 'percent') return `${sign}${oneDecimal.format(abs)} pts`;
  return `${sign}${unit === 'count' ? integer.format(abs) : oneDecimal.format(abs)}`;
}

/** −1, 0 or 1 for a KPI change (money as a minor-unit string is compared as a string). */
export function direction(change: KpiValue | undefined): -1 | 0 | 1 {
  if (change === null || change === undefined) return 0;
  const s = String(change);
  if (/^-/.test(s) && /[1-9]/.test(s)) return -1;
  return /[1-9]/.test(s) ? 1 : 0;
}

export function isoDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}

export function addDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return isoDay(d);
}

export const PERIOD_PRESETS = [
  { value: '7', label: 'Last 7 days' },
  { value: '30', label: 'Last 30 days' },
  { value: '90', label: 'Last 90 days' },
  { value: 'month', label: 'This month' },
  { value: 'quarter', label: 'This quarter' },
  { value: 'year', label: 'Last 365 days' },
] as const;
export type PeriodPreset = (typeof PERIOD_PRESETS)[number]['value'];

/** A preset as [from, to) of UTC days, `to` exclusive (tomorrow, so today counts). */
export function presetPeriod(preset: PeriodPreset, today = new Date()): { from: string; to: string } {
  const t = isoDay(today);
  const to = addDays(t, 1);
  switch (preset) {
    case 'month':
      return { from: `${t.slice(0, 8)}01`, to };
    case 'quarter': {
      const m = Math.floor(today.getUTCMonth() / 3) * 3 + 1;
      return { from: `${t.slice(0, 4)}-${String(m).padStart(2, '0')}-01`, to };
    }
    case 'year':
      return { from: addDays(to, -365), to };
    default:
      return { from: addDays(to, -Number(preset)), to };
  }
}

export const COLUMN_LABELS: Record<string, string> = {
  clicks: 'Clicks',
  unique_clicks: 'Unique clicks',
  registrations: 'Registrations',
  ftds: 'FTDs',
  deposits: 'Deposits',
  purchases: 'Purchases',
  ftd_amount: 'FTD amount',
  deposit_amount: 'Deposit amount',
  purchase_amount: 'Purchase amount',
  refund_amount: 'Refund amount',
  revenue: 'Revenue',
  click_to_registration_pct: 'Click → registration',
  registration_to_ftd_pct: 'Registration → FTD',
  epc: 'EPC',
};

export const MONEY_COLUMNS = new Set([
  'ftd_amount',
  'deposit_amount',
  'purchase_amount',
  'refund_amount',
  'revenue',
  'epc',
]);
export const PERCENT_COLUMNS = new Set(['click_to_registration_pct', 'registration_to_ftd_pct']);

export function columnUnit(column: string): KpiUnit {
  return MONEY_COLUMNS.has(column) ? 'money' : PERCENT_COLUMNS.has(column) ? 'percent' : 'count';
}

/** value − previous of a report cell, in its unit (money by BigInt on the minor-unit strings). */
export function difference(a: KpiValue | undefined, b: KpiValue | undefined, column: string): KpiValue {
  if (a === null || a === undefined || b === null || b === undefined) return null;
  if (MONEY_COLUMNS.has(column)) {
    try {
      return (BigInt(String(a)) - BigInt(String(b))).toString();
    } catch {
      return null;
    }
  }
  return Math.round((Number(a) - Number(b)) * 10) / 10;
}

export const GROUP_BY_LABELS: Record<string, string> = {
  date: 'Date',
  week: 'Week',
  month: 'Month',
  brand: 'Brand',
  segment: 'Segment',
  partner: 'Partner',
  manager: 'Partner manager',
  country: 'Country',
  link: 'Link',
  sub_id: 'Sub-ID',
};

/** Days from `from` to `to` (exclusive end). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

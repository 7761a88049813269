import { roundDiv } from '../money/index.js';
import { calculateConvertedTotal, percent, type RateMap } from './calculate-kpis.js';

/** Columns a grouped report can show; amounts are minor units of the reporting currency. */
export const REPORT_COLUMNS = [
  'clicks',
  'unique_clicks',
  'registrations',
  'ftds',
  'deposits',
  'purchases',
  'ftd_amount',
  'deposit_amount',
  'purchase_amount',
  'refund_amount',
  'revenue',
  'click_to_registration_pct',
  'registration_to_ftd_pct',
  'epc',
] as const;
export type ReportColumn = (typeof REPORT_COLUMNS)[number];

export interface RawGroupRow {
  key: string;
  label: string;
  currency: string;
  counts: Record<string, bigint>;
  amounts: Record<string, bigint>;
}

export interface ReportRow {
  key: string;
  label: string;
  /** Counts and percentages as numbers, amounts as minor-unit strings. */
  values: Record<string, number | string | null>;
}

/**
 * Merges the per-currency rows of each group into one row in the reporting currency and derives the rates:
 * click → registration %, registration → FTD %, EPC (revenue per click, minor units, half-up).
 */
export function calculateReportRows(
  rows: readonly RawGroupRow[],
  currency: string,
  rates: RateMap,
): { rows: ReportRow[]; missingRates: string[] } {
  const groups = new Map<string, RawGroupRow[]>();
  for (const r of rows) {
    const g = groups.get(r.key) ?? [];
    g.push(r);
    groups.set(r.key, g);
  }
  const missing = new Set<string>();
  const out: ReportRow[] = [];
  for (const [key, g] of groups) {
    const values: Record<string, number | string | null> = {};
    const counts = new Map<string, bigint>();
    for (const r of g)
      for (const [c, v] of Object.entries(r.counts)) counts.set(c, (counts.get(c) ?? 0n) + v);
    for (const [c, v] of counts) values[c] = Number(v);
    const amountCols = new Set(g.flatMap((r) => Object.keys(r.amounts)));
    const converted = new Map<string, bigint>();
    for (const c of amountCols) {
      const t = calculateConvertedTotal(
        g.map((r) => ({ currency: r.currency, amount: r.amounts[c] ?? 0n })),
        currency,
        rates,
      );
      for (const m of t.missing) missing.add(m);
      converted.set(c, t.amount);
      values[c] = t.amount.toString();
    }
    const clicks = counts.get('clicks') ?? 0n;
    values.click_to_registration_pct = percent(counts.get('registrations') ?? 0n, clicks);
    values.registration_to_ftd_pct = percent(counts.get('ftds') ?? 0n, counts.get('registrations') ?? 0n);
    const revenue = converted.get('revenue') ?? 0n;
    values.epc = clicks === 0n ? null : roundDiv(revenue, clicks, 'half_up').toString();
    out.push({ key, label: g[0]!.label, values });
  }
  return { rows: out, missingRates: [...missing].sort() };
}

function csvCell(v: string | number | null): string {
  if (v === null) return '';
  const s = String(v);
  // a leading = + - @ would be a formula in a spreadsheet: prefix with a quote (CSV injection)
  const safe = /^[=+\-@\t\r]/.test(s) && !/^-?\d+(\.\d+)?$/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** CSV of a grouped report: the group column, its label, then the chosen columns in order. */
export function formatReportCsv(
  groupBy: string,
  columns: readonly string[],
  rows: readonly ReportRow[],
): string {
  const lines = [[groupBy, 'label', ...columns].map(csvCell).join(',')];
  for (const r of rows)
    lines.push([r.key, r.label, ...columns.map((c) => r.values[c] ?? null)].map(csvCell).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

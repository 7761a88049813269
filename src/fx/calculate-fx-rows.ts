import { parseDecimal } from '../money/index.js';

/** A rate as stored: 1 `base` = `rate` `quote` on `date`. */
export interface FxRow {
  date: string;
  base: string;
  quote: string;
  rate: string;
  source: string;
}

export interface FxReject {
  /** 1-based line number in the file (the header is line 1). */
  line: number;
  column?: string;
  reason: string;
}

export type FxParse =
  | { kind: 'ok'; format: 'ecb' | 'generic'; rows: FxRow[]; skipped: number }
  | { kind: 'rejected'; rejects: FxReject[] };

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * ISO 4217 shape. Rate history legitimately holds retired currencies (CYP, EEK, ROL… in the ECB file), so an
 * import takes any three-letter code; converting money needs the currency's minor unit (src/money).
 */
function isCurrency(code: string): boolean {
  return /^[A-Z]{3}$/.test(code);
}

function validDate(s: string): boolean {
  if (!DATE.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/** Rates are positive decimals with at most 10 fractional digits (the column is numeric(28,10)). */
function validRate(s: string): boolean {
  const d = parseDecimal(s);
  return d !== undefined && d.units > 0n && d.scale <= 10;
}

function splitLines(text: string): string[] {
  return text.replace(/^\uFEFF/, '').split(/\r?\n/);
}

/**
 * Parses an FX rate file, all-or-nothing: either every row is valid, or every bad row is reported.
 * Two layouts are accepted:
 * - the European Central Bank's reference-rate CSV as published (`Date,USD,JPY,…` with one row per day and
 *   `N/A` where a currency had no rate): each cell is 1 EUR = x CCY, source `ECB`;
 * - a generic `date,from,to,rate[,source]` file.
 */
export function calculateFxRows(text: string, defaultSource = 'import'): FxParse {
  const lines = splitLines(text);
  const header = (lines[0] ?? '').split(',').map((h) => h.trim());
  const rejects: FxReject[] = [];
  const rows: FxRow[] = [];
  let skipped = 0;
  if (header[0] === 'Date') {
    const currencies = header.slice(1);
    currencies.forEach((c, i) => {
      if (c !== '' && !isCurrency(c))
        rejects.push({ line: 1, column: c, reason: `column ${i + 2}: unknown currency ${c}` });
    });
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i]!;
      if (line.trim() === '') continue;
      const cells = line.split(',').map((c) => c.trim());
      const date = cells[0]!;
      if (!validDate(date)) {
        rejects.push({ line: i + 1, column: 'Date', reason: `not a date: ${JSON.stringify(date)}` });
        continue;
      }
      currencies.forEach((ccy, j) => {
        if (ccy === '') return;
        const v = cells[j + 1] ?? '';
        if (v === '' || v === 'N/A') {
          skipped++;
          return;
        }
        if (!validRate(v))
          rejects.push({ line: i + 1, column: ccy, reason: `not a positive rate: ${JSON.stringify(v)}` });
        else rows.push({ date, base: 'EUR', quote: ccy, rate: v, source: 'ECB' });
      });
    }
    return rejects.length ? { kind: 'rejected', rejects } : { kind: 'ok', format: 'ecb', rows, skipped };
  }
  const want = ['date', 'from', 'to', 'rate'];
  if (want.some((w, i) => header[i]?.toLowerCase() !== w)) {
    return {
      kind: 'rejected',
      rejects: [
        {
          line: 1,
          reason:
            'unknown layout: expected the ECB reference-rate CSV or the header date,from,to,rate[,source]',
        },
      ],
    };
  }
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    const [date = '', from = '', to = '', rate = '', source = ''] = line.split(',').map((c) => c.trim());
    const errs: string[] = [];
    if (!validDate(date)) errs.push(`date: not a date ${JSON.stringify(date)}`);
    if (!isCurrency(from)) errs.push(`from: unknown currency ${JSON.stringify(from)}`);
    if (!isCurrency(to)) errs.push(`to: unknown currency ${JSON.stringify(to)}`);
    if (from === to && from !== '') errs.push('to: same currency as from');
    if (!validRate(rate))
      errs.push(`rate: not a positive decimal with at most 10 decimals ${JSON.stringify(rate)}`);
    if (errs.length) rejects.push({ line: i + 1, reason: errs.join('; ') });
    else rows.push({ date, base: from, quote: to, rate, source: source || defaultSource });
  }
  return rejects.length ? { kind: 'rejected', rejects } : { kind: 'ok', format: 'generic', rows, skipped };
}

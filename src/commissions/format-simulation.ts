import { formatScaled, minorDigits } from '../money/index.js';
import type { SimulationResult } from './run-simulation.js';
import type { CommissionLine } from './types.js';

export type SimulationFormat = 'table' | 'json' | 'csv';

const amount = (l: { amount: bigint; currency: string }) => formatScaled(l.amount, minorDigits(l.currency));

/** Renders a simulation as an aligned text table, JSON (bigints as decimal strings) or CSV. Deterministic. */
export function formatSimulation(result: SimulationResult, format: SimulationFormat): string {
  if (format === 'json') return `${JSON.stringify(toJson(result), null, 2)}\n`;
  if (format === 'csv') return toCsv(result.lines);
  return toTable(result);
}

/** JSON-safe view: money as major-unit decimal strings. */
export function toJson(result: SimulationResult): unknown {
  return {
    periods: result.periods,
    lines: result.lines.map((l) => ({ ...l, amount: amount(l) })),
    totals: result.totals.map((t) => ({ ...t, amount: amount(t) })),
    issues: result.issues,
    overlaps: result.overlaps.map((o) => ({
      ...o,
      wouldHaveCost: o.wouldHaveCost.map((c) => ({ ...c, amount: amount(c) })),
    })),
    state: result.state,
  };
}

const CSV_COLUMNS = [
  'periodId',
  'partnerId',
  'segment',
  'payee',
  'brandId',
  'customerId',
  'kind',
  'amount',
  'currency',
  'holdUntil',
  'dealId',
  'dealVersion',
  'componentId',
  'derivedFrom',
  'formula',
  'lineId',
] as const;

/** RFC 4180 field escaping: quote when the value holds a comma, quote, CR or LF. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function toCsv(lines: readonly CommissionLine[]): string {
  const out = [CSV_COLUMNS.join(',')];
  for (const l of lines) {
    const row: Record<(typeof CSV_COLUMNS)[number], string> = {
      periodId: l.periodId,
      partnerId: l.partnerId,
      segment: l.segment,
      payee: l.payee,
      brandId: l.brandId ?? '',
      customerId: l.customerId ?? '',
      kind: l.kind,
      amount: amount(l),
      currency: l.currency,
      holdUntil: l.holdUntil ?? '',
      dealId: l.dealId,
      dealVersion: String(l.dealVersion),
      componentId: l.componentId,
      derivedFrom: l.derivedFrom ?? '',
      formula: l.explanation.formula,
      lineId: l.lineId,
    };
    out.push(CSV_COLUMNS.map((c) => csvField(row[c])).join(','));
  }
  return `${out.join('\r\n')}\r\n`;
}

function toTable(result: SimulationResult): string {
  const header = [
    'period',
    'partner',
    'segment',
    'kind',
    'brand',
    'customer',
    'amount',
    'currency',
    'hold until',
  ];
  const rows = result.lines.map((l) => [
    l.periodId,
    l.partnerId,
    l.segment,
    l.kind,
    l.brandId ?? '*',
    l.customerId ?? '*',
    amount(l),
    l.currency,
    l.holdUntil ?? '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const fmt = (r: string[]) =>
    r
      .map((c, i) => (i === 6 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const out = [fmt(header), fmt(widths.map((w) => '-'.repeat(w)))];
  result.lines.forEach((l, i) => {
    out.push(fmt(rows[i]!));
    out.push(`    ${l.explanation.formula}`);
    for (const d of l.explanation.deductions ?? [])
      out.push(`      − ${d.kind}${d.rate ? ` ${d.rate} of ${d.base}` : ''}: ${d.amount}`);
    for (const n of l.explanation.notes ?? []) out.push(`      · ${n}`);
    if (l.derivedFrom) out.push(`      ← from ${l.derivedFrom}`);
  });
  out.push('');
  out.push('Totals');
  for (const t of result.totals)
    out.push(`  ${t.partnerId} ${t.segment}: ${amount(t)} ${t.currency} (${t.lines} lines)`);
  if (result.issues.length > 0) {
    out.push('');
    out.push('Issues');
    for (const i of result.issues) out.push(`  ${i.periodId} ${JSON.stringify(i)}`);
  }
  return `${out.join('\n')}\n`;
}

import { createHash } from 'node:crypto';
import { stringify } from 'csv-stringify/sync';

/** JSON with keys sorted at every level and no whitespace: the canonical form that is hashed. */
export function canonicalJson(v: unknown): string {
  const sort = (x: unknown): unknown => {
    if (Array.isArray(x)) return x.map(sort);
    if (x && typeof x === 'object')
      return Object.fromEntries(
        Object.keys(x as object)
          .sort()
          .map((k) => [k, sort((x as Record<string, unknown>)[k])]),
      );
    return x;
  };
  return JSON.stringify(sort(v));
}

export const sha256Hex = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

/** The facts of one commission line a statement seals (never its state, which moves after issue). */
export interface StatementLine {
  id: string;
  kind: string;
  customerId: string | null;
  sourcePeriod: string;
  /** decimal string in major units */
  amount: string;
  currency: string;
  holdUntil: string | null;
  correctsLineId: string | null;
  explanation: unknown;
}

export interface StatementHeader {
  schema: 'consort-statement/1';
  brand: { id: string; code: string; name: string };
  partner: { id: string; name: string; vatNumber: string | null };
  period: string;
  issuedAt: string;
  totals: { currency: string; commission: string; adjustments: string; lines: number }[];
  ngrDeductions: { currency: string; kind: string; amount: string }[];
  carryover: { in: { currency: string; amount: string }[]; out: { currency: string; amount: string }[] };
  payouts: {
    id: string;
    payDate: string;
    currency: string;
    amount: string;
    status: string;
    reference: string | null;
  }[];
  selfBilling: { invoiceNumbers: string[]; vatNumber: string | null; vatTreatment: string | null } | null;
}

export interface StatementContent extends StatementHeader {
  lines: StatementLine[];
}

/** sha256 of one line's canonical JSON. */
export const lineHash = (l: StatementLine) => sha256Hex(canonicalJson(l));

/**
 * The seal: sha256 of the canonical JSON of the header plus the list of line hashes in statement order
 * (`{...header, lineHashes: [...]}`). Anyone holding the CSV can recompute it (see docs/ledger.md).
 */
export function calculateSeal(c: StatementContent): string {
  const { lines, ...header } = c;
  return sha256Hex(canonicalJson({ ...header, lineHashes: lines.map(lineHash) }));
}

export type SealCheck =
  | { kind: 'intact'; sha256: string }
  | { kind: 'broken'; sha256: string; changed: string[]; missing: string[]; message: string };

/** Compares the sealed lines with the lines as they are now; names every line that changed or vanished. */
export function calculateSealCheck(
  sealed: StatementContent,
  sealedSha: string,
  current: ReadonlyMap<string, StatementLine>,
): SealCheck {
  const changed: string[] = [];
  const missing: string[] = [];
  for (const l of sealed.lines) {
    const now = current.get(l.id);
    if (!now) missing.push(l.id);
    else if (lineHash(now) !== lineHash(l)) changed.push(l.id);
  }
  const recomputed = calculateSeal(sealed);
  if (recomputed !== sealedSha)
    return {
      kind: 'broken',
      sha256: sealedSha,
      changed,
      missing,
      message: 'the stored statement does not match its seal',
    };
  if (changed.length || missing.length)
    return {
      kind: 'broken',
      sha256: sealedSha,
      changed,
      missing,
      message: [
        ...changed.map((id) => `line ${id} was altered after the statement was issued`),
        ...missing.map((id) => `line ${id} no longer exists`),
      ].join('; '),
    };
  return { kind: 'intact', sha256: sealedSha };
}

/** CSV: one row per line with its canonical JSON and hash, then a `#seal` row with the header JSON and the seal. */
export function formatStatementCsv(c: StatementContent, sha: string): string {
  const { lines, ...header } = c;
  const rows = lines.map((l) => [
    l.id,
    l.sourcePeriod,
    l.kind,
    l.customerId ?? '',
    l.amount,
    l.currency,
    l.correctsLineId ?? '',
    (l.explanation as { formula?: string } | null)?.formula ?? '',
    canonicalJson(l),
    lineHash(l),
  ]);
  rows.push(['#seal', '', '', '', '', '', '', '', canonicalJson(header), sha]);
  return stringify(rows, {
    header: true,
    columns: [
      'line_id',
      'source_period',
      'kind',
      'customer_id',
      'amount',
      'currency',
      'corrects_line_id',
      'formula',
      'line_json',
      'line_sha256',
    ],
  });
}

const h = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** HTML statement: every line with its explanation, deductions, carryover, adjustments, payouts and the seal. */
export function formatStatementHtml(c: StatementContent, sha: string): string {
  const rows = c.lines
    .map((l) => {
      const e = l.explanation as { formula?: string; deductions?: { kind: string; amount: string }[] } | null;
      const ded = e?.deductions?.length
        ? `<br><small>${e.deductions.map((d) => `${h(d.kind)} ${h(d.amount)}`).join(', ')}</small>`
        : '';
      return `<tr><td><code>${h(l.id)}</code></td><td>${h(l.sourcePeriod)}</td><td>${h(l.kind)}${l.correctsLineId ? `<br><small>corrects ${h(l.correctsLineId)}</small>` : ''}</td><td>${h(l.customerId ?? '')}</td><td>${h(e?.formula ?? '')}${ded}</td><td style="text-align:right">${h(l.amount)} ${h(l.currency)}</td></tr>`;
    })
    .join('\n');
  const list = (xs: { currency: string; amount: string }[]) =>
    xs.map((x) => `${h(x.amount)} ${h(x.currency)}`).join(', ') || '0';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Statement ${h(c.partner.name)} ${h(c.period)}</title></head>
<body>
<h1>Commission statement ${h(c.period)}</h1>
<p>${h(c.brand.name)} — ${h(c.partner.name)}${c.selfBilling ? ` — self-billing invoice ${h(c.selfBilling.invoiceNumbers.join(', '))} (VAT ${h(c.selfBilling.vatNumber ?? 'n/a')}, ${h(c.selfBilling.vatTreatment ?? '')})` : ''}</p>
<h2>Totals</h2>
<ul>${c.totals.map((t) => `<li>${h(t.currency)}: commission ${h(t.commission)}, of which adjustments ${h(t.adjustments)} (${t.lines} lines)</li>`).join('')}</ul>
<h2>NGR deductions</h2>
<ul>${c.ngrDeductions.map((d) => `<li>${h(d.kind)}: ${h(d.amount)} ${h(d.currency)}</li>`).join('') || '<li>none</li>'}</ul>
<p>Negative carryover in: ${list(c.carryover.in)}; out: ${list(c.carryover.out)}</p>
<h2>Payouts</h2>
<ul>${c.payouts.map((p) => `<li>${h(p.payDate)} ${h(p.amount)} ${h(p.currency)} ${h(p.status)} ${h(p.reference ?? '')}</li>`).join('') || '<li>none</li>'}</ul>
<h2>Lines</h2>
<table border="1" cellpadding="4"><thead><tr><th>line</th><th>period</th><th>kind</th><th>customer</th><th>explanation</th><th>amount</th></tr></thead>
<tbody>
${rows}
</tbody></table>
<p>Sealed: sha256 <code>${h(sha)}</code>, issued ${h(c.issuedAt)}. Verify at /api/v1/statements/&lt;id&gt;/verify.</p>
</body></html>
`;
}

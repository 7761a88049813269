import PDFDocument from 'pdfkit';
import type { StatementContent } from './calculate-statement.js';

/** The standard PDF fonts speak WinAnsi: keep Latin-1, write the minus sign as '-', anything else as '?'. */
const latin1 = (s: string) =>
  [...s.replace(/\u2212/g, '-')].map((ch) => ((ch.codePointAt(0) ?? 0) <= 0xff ? ch : '?')).join('');

/**
 * A sealed statement as PDF (pdfkit, standard Helvetica/Courier, uncompressed content streams so the text can
 * be read back): the same content as the HTML — totals, NGR deductions, carryover, payouts, every line with its
 * explanation — and the same seal, printed on it and recorded in the document's Subject and Keywords.
 */
export function formatStatementPdf(c: StatementContent, sha: string): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margin: 48,
    compress: false,
    info: {
      Title: latin1(`Commission statement ${c.period} - ${c.partner.name}`),
      Author: latin1(c.brand.name),
      Subject: `sha256 ${sha}`,
      Keywords: `consort-statement/1 seal sha256 ${sha}`,
      CreationDate: new Date(c.issuedAt),
    },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (b: Buffer) => chunks.push(b));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const text = (s: string, opts: PDFKit.Mixins.TextOptions = {}) => doc.text(latin1(s), opts);
  const heading = (s: string) => {
    doc.moveDown(0.6).font('Helvetica-Bold').fontSize(12);
    text(s);
    doc.font('Helvetica').fontSize(9);
  };
  const list = (xs: { currency: string; amount: string }[]) =>
    xs.map((x) => `${x.amount} ${x.currency}`).join(', ') || '0';

  doc.font('Helvetica-Bold').fontSize(16);
  text(`Commission statement ${c.period}`);
  doc.font('Helvetica').fontSize(10);
  text(`${c.brand.name} - ${c.partner.name}`);
  if (c.selfBilling)
    text(
      `Self-billing invoice ${c.selfBilling.invoiceNumbers.join(', ')} (VAT ${c.selfBilling.vatNumber ?? 'n/a'}, ${c.selfBilling.vatTreatment ?? ''})`,
    );
  heading('Totals');
  for (const t of c.totals)
    text(
      `${t.currency}: commission ${t.commission}, of which adjustments ${t.adjustments} (${t.lines} lines)`,
    );
  heading('NGR deductions');
  if (c.ngrDeductions.length === 0) text('none');
  for (const d of c.ngrDeductions) text(`${d.kind}: ${d.amount} ${d.currency}`);
  text(`Negative carryover in: ${list(c.carryover.in)}; out: ${list(c.carryover.out)}`);
  heading('Payouts');
  if (c.payouts.length === 0) text('none');
  for (const p of c.payouts) text(`${p.payDate} ${p.amount} ${p.currency} ${p.status} ${p.reference ?? ''}`);
  heading('Lines');
  for (const l of c.lines) {
    const e = l.explanation as { formula?: string; deductions?: { kind: string; amount: string }[] } | null;
    doc.font('Helvetica-Bold');
    text(
      `${l.amount} ${l.currency}  ${l.kind}  ${l.sourcePeriod}${l.customerId ? `  customer ${l.customerId}` : ''}`,
    );
    doc.font('Helvetica');
    text(`line ${l.id}${l.correctsLineId ? `, corrects ${l.correctsLineId}` : ''}`);
    if (e?.formula) text(e.formula);
    if (e?.deductions?.length) text(e.deductions.map((d) => `${d.kind} ${d.amount}`).join(', '));
    doc.moveDown(0.3);
  }
  heading('Seal');
  text(`Issued ${c.issuedAt}. Sealed: sha256`);
  doc.font('Courier').fontSize(9);
  text(sha);
  doc.font('Helvetica').fontSize(9);
  text('Verify at /api/v1/statements/<id>/verify (the seal is recorded in the audit chain).');
  doc.end();
  return done;
}

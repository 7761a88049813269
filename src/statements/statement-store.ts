import { type Kysely, sql, type Transaction } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { type Actor, appendAudit } from '../audit/audit-store.js';
import type { CarriedState } from '../commissions/index.js';
import { previousPeriod } from '../ledger/close-inputs-store.js';
import { loadLedgerSettings } from '../ledger/settings-store.js';
import { decimalAtScale, formatScaled, formatScaledTrim, minorDigits, parseDecimal } from '../money/index.js';
import type { Database } from '../platform/db/schema.js';
import { AppError, notFound } from '../platform/http/errors.js';
import {
  calculateSeal,
  calculateSealCheck,
  type SealCheck,
  type StatementContent,
  type StatementLine,
} from './calculate-statement.js';

type Db = Kysely<Database> | Transaction<Database>;

interface LineRow {
  id: string;
  kind: string;
  customer_id: string | null;
  source_period: string;
  amount: string;
  currency: string;
  hold_until: string | null;
  corrects_line_id: string | null;
  explanation: unknown;
}

/** A line as a statement shows and seals it (amount in major units, explanation as booked). */
export function statementLineOf(r: LineRow): StatementLine {
  return {
    id: r.id,
    kind: r.kind,
    customerId: r.customer_id,
    sourcePeriod: r.source_period,
    amount: formatScaled(BigInt(r.amount), minorDigits(r.currency)),
    currency: r.currency,
    holdUntil: r.hold_until,
    correctsLineId: r.corrects_line_id,
    explanation: typeof r.explanation === 'string' ? JSON.parse(r.explanation) : r.explanation,
  };
}

const LINE_COLUMNS = [
  'id',
  'kind',
  'customer_id',
  'source_period',
  'amount',
  'currency',
  'hold_until',
  'corrects_line_id',
  'explanation',
] as const;

function carryOf(state: CarriedState | null, partnerId: string) {
  const m = new Map<string, bigint>();
  for (const c of state?.carryover ?? []) {
    if (c.partnerId !== partnerId) continue;
    const d = parseDecimal(c.amount);
    if (d) m.set(c.currency, (m.get(c.currency) ?? 0n) + decimalAtScale(d, minorDigits(c.currency)));
  }
  return [...m].sort().map(([currency, v]) => ({ currency, amount: formatScaled(v, minorDigits(currency)) }));
}

async function loadState(db: Db, brandId: string, period: string): Promise<CarriedState | null> {
  const r = await db
    .selectFrom('carried_states')
    .select('state')
    .where('brand_id', '=', brandId)
    .where('period', '=', period)
    .executeTakeFirst();
  return r ? ((typeof r.state === 'string' ? JSON.parse(r.state) : r.state) as CarriedState) : null;
}

/**
 * Builds and seals a partner's statement of a closed period: every line booked in it with its explanation,
 * NGR deductions itemised, carryover in and out, adjustments and the payouts that paid its lines. The seal
 * (sha256) is recorded in the audit chain. Issuing again returns the statement already issued.
 */
export async function issueStatement(
  trx: Transaction<Database>,
  actor: Actor,
  input: { brandId: string; partnerId: string; period: string },
  now: Date,
) {
  const existing = await trx
    .selectFrom('statements')
    .selectAll()
    .where('brand_id', '=', input.brandId)
    .where('partner_id', '=', input.partnerId)
    .where('period', '=', input.period)
    .executeTakeFirst();
  if (existing) return existing;
  const period = await trx
    .selectFrom('ledger_periods')
    .select(['id', 'state'])
    .where('brand_id', '=', input.brandId)
    .where('period', '=', input.period)
    .executeTakeFirst();
  if (!period || period.state === 'open')
    throw new AppError('INVALID_TRANSITION', `period ${input.period} is not closed: no statement yet`);
  const brand = await trx
    .selectFrom('brands')
    .select(['id', 'code', 'name'])
    .where('id', '=', input.brandId)
    .executeTakeFirstOrThrow();
  const partner = await trx
    .selectFrom('partners')
    .select(['id', 'display_name', 'legal_name', 'vat_number'])
    .where('id', '=', input.partnerId)
    .executeTakeFirst();
  if (!partner) throw notFound('Partner');
  const rows = (await trx
    .selectFrom('commission_lines')
    .select([...LINE_COLUMNS, 'payout_line_id', 'line_key'])
    .where('period_id', '=', period.id)
    .where('partner_id', '=', input.partnerId)
    .orderBy('line_key')
    .execute()) as (LineRow & { payout_line_id: string | null })[];
  const lines = rows.map(statementLineOf);
  const totals = new Map<string, { c: bigint; a: bigint; n: number }>();
  const ded = new Map<string, bigint>();
  for (const r of rows) {
    const t = totals.get(r.currency) ?? { c: 0n, a: 0n, n: 0 };
    t.c += BigInt(r.amount);
    if (r.corrects_line_id || r.source_period !== input.period) t.a += BigInt(r.amount);
    t.n++;
    totals.set(r.currency, t);
    const e = (typeof r.explanation === 'string' ? JSON.parse(r.explanation) : r.explanation) as {
      deductions?: { kind: string; amount: string }[];
    };
    for (const d of e?.deductions ?? []) {
      const v = parseDecimal(d.amount);
      if (!v) continue;
      const k = `${r.currency}|${d.kind}`;
      ded.set(k, (ded.get(k) ?? 0n) + decimalAtScale(v, 6));
    }
  }
  const payoutIds = [...new Set(rows.map((r) => r.payout_line_id).filter((x): x is string => x !== null))];
  const payouts = payoutIds.length
    ? await trx
        .selectFrom('payout_lines as pl')
        .innerJoin('payout_batches as b', 'b.id', 'pl.batch_id')
        .select([
          'pl.id',
          'b.pay_date',
          'pl.pay_currency',
          'pl.pay_amount',
          'pl.status',
          'pl.reference',
          'pl.invoice_number',
        ])
        .where('pl.id', 'in', payoutIds)
        .orderBy('pl.id')
        .execute()
    : [];
  const settings = await loadLedgerSettings(trx, input.brandId);
  const content: StatementContent = {
    schema: 'consort-statement/1',
    brand: { id: brand.id, code: brand.code, name: brand.name },
    partner: {
      id: partner.id,
      name: partner.legal_name ?? partner.display_name,
      vatNumber: partner.vat_number,
    },
    period: input.period,
    issuedAt: now.toISOString(),
    totals: [...totals].sort().map(([currency, t]) => ({
      currency,
      commission: formatScaled(t.c, minorDigits(currency)),
      adjustments: formatScaled(t.a, minorDigits(currency)),
      lines: t.n,
    })),
    ngrDeductions: [...ded].sort().map(([k, v]) => {
      const [currency, kind] = k.split('|') as [string, string];
      return { currency, kind, amount: formatScaledTrim(v, 6) };
    }),
    carryover: {
      in: carryOf(await loadState(trx, input.brandId, previousPeriod(input.period)), input.partnerId),
      out: carryOf(await loadState(trx, input.brandId, input.period), input.partnerId),
    },
    payouts: payouts.map((p) => ({
      id: p.id,
      payDate: p.pay_date,
      currency: p.pay_currency,
      amount: formatScaled(BigInt(p.pay_amount), minorDigits(p.pay_currency)),
      status: p.status,
      reference: p.reference,
    })),
    selfBilling: settings.selfBilling
      ? {
          invoiceNumbers: payouts.map((p) => p.invoice_number).filter((x): x is string => x !== null),
          vatNumber: partner.vat_number,
          vatTreatment: settings.vatTreatment,
        }
      : null,
    lines,
  };
  const sha = calculateSeal(content);
  const row = await trx
    .insertInto('statements')
    .values({
      id: uuidv7(),
      brand_id: input.brandId,
      partner_id: input.partnerId,
      period: input.period,
      content: JSON.stringify(content),
      sha256: sha,
      issued_at: now,
      issued_by: actor.id,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await appendAudit(
    trx,
    actor,
    {
      action: 'statement.issued',
      entityType: 'statement',
      entityId: row.id,
      detail: { sha256: sha, partnerId: input.partnerId, period: input.period, lines: lines.length },
    },
    now,
  );
  return row;
}

export function statementContent(row: { content: unknown }): StatementContent {
  return (typeof row.content === 'string' ? JSON.parse(row.content) : row.content) as StatementContent;
}

/**
 * Verifies a sealed statement: the stored content matches its seal, the seal is the one recorded in the
 * audit chain at issue, and every sealed line is unchanged in the ledger (a changed line is named).
 */
export async function verifyStatement(db: Db, id: string): Promise<SealCheck> {
  const st = await db.selectFrom('statements').selectAll().where('id', '=', id).executeTakeFirst();
  if (!st) throw notFound('Statement');
  const content = statementContent(st);
  const audited = await db
    .selectFrom('audit_log')
    .select('id')
    .where('action', '=', 'statement.issued')
    .where('entity_id', '=', st.id)
    .where(sql<boolean>`diff->>'sha256' = ${st.sha256}`)
    .executeTakeFirst();
  const ids = content.lines.map((l) => l.id);
  const current = new Map<string, StatementLine>();
  for (let i = 0; i < ids.length; i += 5000) {
    const rows = (await db
      .selectFrom('commission_lines')
      .select([...LINE_COLUMNS])
      .where('id', 'in', ids.slice(i, i + 5000))
      .execute()) as LineRow[];
    for (const r of rows) current.set(r.id, statementLineOf(r));
  }
  const check = calculateSealCheck(content, st.sha256, current);
  if (!audited)
    return {
      kind: 'broken',
      sha256: st.sha256,
      changed: check.kind === 'broken' ? check.changed : [],
      missing: check.kind === 'broken' ? check.missing : [],
      message: 'the seal is not the one recorded in the audit trail at issue',
    };
  return check;
}

import { parse } from 'csv-parse/sync';
import { type Kysely, sql, type Transaction } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { type Actor, appendAudit } from '../audit/audit-store.js';
import { type BrandRow, periodBounds } from '../ledger/close-inputs-store.js';
import { loadLedgerSettings } from '../ledger/settings-store.js';
import { decimalAtScale, formatScaledTrim, minorDigits, parseDecimal, pow10 } from '../money/index.js';
import type { Database } from '../platform/db/schema.js';
import { AppError } from '../platform/http/errors.js';
import {
  calculateDifferences,
  decideFinal,
  type Metric,
  type MetricRow,
  SCALE,
} from './calculate-reconciliation.js';

type Db = Kysely<Database> | Transaction<Database>;
const METRICS: Metric[] = ['revenue', 'ngr', 'lots', 'purchases'];

export interface TotalsRow {
  brand: string;
  period: string;
  metric: Metric;
  currency: string;
  reported: string;
}

/** Parses the operator's totals CSV: brand,period,metric,currency,reported (all rows or none). */
export function parseTotalsCsv(text: string): TotalsRow[] {
  const records = parse(text, { columns: true, skip_empty_lines: true, trim: true }) as Record<
    string,
    string
  >[];
  const errors: string[] = [];
  const out: TotalsRow[] = [];
  records.forEach((r, i) => {
    const line = i + 2;
    if (!r.brand) errors.push(`line ${line}: brand is required`);
    if (!/^\d{4}-\d{2}$/.test(r.period ?? '')) errors.push(`line ${line}: period must be YYYY-MM`);
    if (!METRICS.includes(r.metric as Metric))
      errors.push(`line ${line}: metric must be one of ${METRICS.join(', ')}`);
    if (!/^[A-Z]{3}$/.test(r.currency ?? '') && r.metric !== 'lots')
      errors.push(`line ${line}: currency must be ISO 4217`);
    if (!parseDecimal(r.reported ?? '')) errors.push(`line ${line}: reported must be a decimal number`);
    out.push({
      brand: r.brand ?? '',
      period: r.period ?? '',
      metric: r.metric as Metric,
      currency: r.metric === 'lots' ? r.currency || 'LOT' : (r.currency ?? ''),
      reported: r.reported ?? '',
    });
  });
  if (errors.length)
    throw new AppError(
      'VALIDATION_FAILED',
      `${errors.length} row(s) rejected, nothing imported:\n  ${errors.join('\n  ')}`,
    );
  return out;
}

/** Saves reported totals (a re-import of the same brand, period, metric and currency replaces the figure). */
export async function saveTotals(
  trx: Transaction<Database>,
  actor: Actor,
  rows: readonly TotalsRow[],
  source: string,
  now: Date,
) {
  const brands = await trx.selectFrom('brands').select(['id', 'code']).execute();
  for (const r of rows) {
    const b = brands.find((x) => x.code === r.brand || x.id === r.brand);
    if (!b) throw new AppError('VALIDATION_FAILED', `unknown brand ${r.brand}`);
    await trx
      .insertInto('reconciliation_totals')
      .values({
        id: uuidv7(),
        brand_id: b.id,
        period: r.period,
        metric: r.metric,
        currency: r.currency,
        reported: r.reported,
        source,
        imported_at: now,
      })
      .onConflict((oc) =>
        oc.columns(['brand_id', 'period', 'metric', 'currency']).doUpdateSet((eb) => ({
          reported: eb.ref('excluded.reported'),
          source: eb.ref('excluded.source'),
          imported_at: eb.ref('excluded.imported_at'),
        })),
      )
      .execute();
  }
  await appendAudit(
    trx,
    actor,
    {
      action: 'reconciliation.totals_imported',
      entityType: 'reconciliation_totals',
      detail: {
        source,
        rows: rows.length,
        content: rows.map((r) => `${r.brand},${r.period},${r.metric},${r.currency},${r.reported}`),
      },
    },
    now,
  );
  return { rows: rows.length };
}

const toScaled = (v: string, digits: number) => BigInt(v) * pow10(SCALE - digits);

/** Computed totals of the brand's activity in the period, per metric and currency (6 decimals). */
async function computedTotals(db: Db, brand: BrandRow, period: string) {
  const p = periodBounds(period);
  const tz = brand.timezone;
  const out: { metric: Metric; currency: string; value: bigint }[] = [];
  const ig = await sql<{
    currency: string;
    ggr: string;
    ngr: string;
  }>`select currency, sum(stakes - wins)::text as ggr,
      sum(stakes - wins - bonuses - jackpot_contributions - gaming_tax - payment_fees - chargebacks - admin_fee)::text as ngr
    from igaming_days where brand_id = ${brand.id} and day >= ${p.start} and day < ${p.end} group by currency`.execute(
    db,
  );
  for (const r of ig.rows) {
    out.push({ metric: 'revenue', currency: r.currency, value: toScaled(r.ggr, minorDigits(r.currency)) });
    out.push({ metric: 'ngr', currency: r.currency, value: toScaled(r.ngr, minorDigits(r.currency)) });
  }
  const tr = await sql<{ currency: string; rev: string; lots: string }>`select currency,
      sum(round(lots * (spread_per_lot + markup_per_lot)) + commission)::bigint::text as rev, sum(lots)::text as lots
    from trades where brand_id = ${brand.id} and closed_at >= (${p.start}::timestamp at time zone ${tz})
      and closed_at < (${p.end}::timestamp at time zone ${tz}) group by currency`.execute(db);
  let lots = 0n;
  for (const r of tr.rows) {
    out.push({ metric: 'revenue', currency: r.currency, value: toScaled(r.rev, minorDigits(r.currency)) });
    lots += decimalAtScale(parseDecimal(r.lots)!, SCALE);
  }
  if (tr.rows.length) out.push({ metric: 'lots', currency: 'LOT', value: lots });
  const pp = await sql<{
    currency: string;
    paid: string;
    refunded: string;
  }>`select currency, sum(paid)::text as paid, sum(refunded)::text as refunded from (
      select currency, amount_paid as paid, 0 as refunded from prop_purchases where brand_id = ${brand.id} and day >= ${p.start} and day < ${p.end}
      union all select currency, 0, amount from prop_refunds where brand_id = ${brand.id} and day >= ${p.start} and day < ${p.end}) x group by currency`.execute(
    db,
  );
  for (const r of pp.rows) {
    const d = minorDigits(r.currency);
    out.push({ metric: 'purchases', currency: r.currency, value: toScaled(r.paid, d) });
    out.push({
      metric: 'revenue',
      currency: r.currency,
      value: toScaled(r.paid, d) - toScaled(r.refunded, d),
    });
  }
  return out;
}

/**
 * Computed vs reported for a brand and period, each difference traced: activity that arrived after the
 * close (booked as adjustments), the customers contributing most to the metric, and the period's lines.
 */
export async function reconciliationReport(db: Db, brand: BrandRow, period: string) {
  const settings = await loadLedgerSettings(db, brand.id);
  const computed = await computedTotals(db, brand, period);
  const reported = await db
    .selectFrom('reconciliation_totals')
    .selectAll()
    .where('brand_id', '=', brand.id)
    .where('period', '=', period)
    .execute();
  const notes = await db
    .selectFrom('reconciliation_notes')
    .selectAll()
    .where('brand_id', '=', brand.id)
    .where('period', '=', period)
    .execute();
  const keys = new Set([
    ...computed.map((c) => `${c.metric}|${c.currency}`),
    ...reported.map((r) => `${r.metric}|${r.currency}`),
  ]);
  const rows: MetricRow[] = [...keys].sort().map((k) => {
    const [metric, currency] = k.split('|') as [Metric, string];
    const c = computed.find((x) => x.metric === metric && x.currency === currency);
    const r = reported.find((x) => x.metric === metric && x.currency === currency);
    return {
      metric,
      currency,
      computed: c ? c.value : null,
      reported: r ? decimalAtScale(parseDecimal(r.reported)!, SCALE) : null,
      explained: notes.some((n) => n.metric === metric && n.currency === currency),
    };
  });
  const tolMoney = settings.reconciliationTolerance * pow10(SCALE - 2);
  const diffs = calculateDifferences(rows, { money: tolMoney, lots: pow10(SCALE - 2) });
  const per = await db
    .selectFrom('ledger_periods')
    .select(['id', 'state', 'closed_at'])
    .where('brand_id', '=', brand.id)
    .where('period', '=', period)
    .executeTakeFirst();
  const p = periodBounds(period);
  const late = per?.closed_at
    ? await sql<{
        kind: string;
        n: string;
      }>`select 'igaming_days' as kind, count(*)::text as n from igaming_days where brand_id = ${brand.id} and day >= ${p.start} and day < ${p.end} and received_at > ${per.closed_at}
        union all select 'trades', count(*)::text from trades where brand_id = ${brand.id} and closed_at >= ${p.start}::date and closed_at < ${p.end}::date and received_at > ${per.closed_at}
        union all select 'prop_purchases', count(*)::text from prop_purchases where brand_id = ${brand.id} and day >= ${p.start} and day < ${p.end} and received_at > ${per.closed_at}
        union all select 'prop_refunds', count(*)::text from prop_refunds where brand_id = ${brand.id} and day >= ${p.start} and day < ${p.end} and received_at > ${per.closed_at}`.execute(
        db,
      )
    : { rows: [] };
  const topCustomers = await sql<{
    customer: string;
    ngr: string;
    currency: string;
  }>`select c.public_id as customer, d.currency,
      sum(d.stakes - d.wins - d.bonuses - d.jackpot_contributions - d.gaming_tax - d.payment_fees - d.chargebacks - d.admin_fee)::text as ngr
    from igaming_days d join customers c on c.id = d.customer_id where d.brand_id = ${brand.id} and d.day >= ${p.start} and d.day < ${p.end}
    group by 1, 2 order by abs(sum(d.stakes - d.wins)) desc limit 20`.execute(db);
  const adjustments = per
    ? await db
        .selectFrom('commission_lines')
        .select(['id', 'kind', 'amount', 'currency', 'corrects_line_id', 'customer_id'])
        .where('brand_id', '=', brand.id)
        .where('source_period', '=', period)
        .where('corrects_line_id', 'is not', null)
        .execute()
    : [];
  const fmt = (v: bigint | null) => (v === null ? null : formatScaledTrim(v, SCALE));
  return {
    brand: brand.code,
    period,
    state: per?.state ?? 'open',
    tolerance: formatScaledTrim(tolMoney, SCALE),
    differences: diffs.map((d) => ({
      metric: d.metric,
      currency: d.currency,
      computed: fmt(d.computed),
      reported: fmt(d.reported),
      difference: fmt(d.difference),
      withinTolerance: d.withinTolerance,
      explained: d.explained,
      notes: notes
        .filter((n) => n.metric === d.metric && n.currency === d.currency)
        .map((n) => n.explanation),
    })),
    trace: {
      lateRows: late.rows.filter((r) => Number(r.n) > 0).map((r) => ({ table: r.kind, rows: Number(r.n) })),
      topCustomers: topCustomers.rows,
      correctingLines: adjustments.map((a) => ({
        id: a.id,
        kind: a.kind,
        amount: a.amount,
        currency: a.currency,
        corrects: a.corrects_line_id,
        customer: a.customer_id,
      })),
    },
    final: decideFinal(diffs),
  };
}

export async function addNote(
  trx: Transaction<Database>,
  actor: Actor,
  input: { brandId: string; period: string; metric: string; currency: string; explanation: string },
  now: Date,
) {
  await trx
    .insertInto('reconciliation_notes')
    .values({
      id: uuidv7(),
      brand_id: input.brandId,
      period: input.period,
      metric: input.metric,
      currency: input.currency,
      explanation: input.explanation,
      created_by: actor.id,
      created_at: now,
    })
    .execute();
  await appendAudit(
    trx,
    actor,
    {
      action: 'reconciliation.explained',
      entityType: 'ledger_period',
      entityId: `${input.brandId}:${input.period}`,
      detail: input,
    },
    now,
  );
}

/** Marks a closed period final; refused while an unexplained difference exceeds the tolerance. */
export async function markFinal(
  trx: Transaction<Database>,
  actor: Actor,
  brand: BrandRow,
  period: string,
  now: Date,
) {
  const per = await trx
    .selectFrom('ledger_periods')
    .selectAll()
    .where('brand_id', '=', brand.id)
    .where('period', '=', period)
    .forUpdate()
    .executeTakeFirst();
  if (!per || per.state === 'open')
    throw new AppError('INVALID_TRANSITION', `period ${period} is not closed`);
  if (per.state === 'final') return per;
  const report = await reconciliationReport(trx, brand, period);
  if (report.final.kind === 'blocked')
    throw new AppError(
      'INVALID_TRANSITION',
      `period ${period} cannot be final: ${report.final.reasons.join('; ')}`,
      { reasons: report.final.reasons },
    );
  const row = await trx
    .updateTable('ledger_periods')
    .set({ state: 'final', finalized_at: now, finalized_by: actor.id })
    .where('id', '=', per.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await appendAudit(
    trx,
    actor,
    {
      action: 'period.finalized',
      entityType: 'ledger_period',
      entityId: per.id,
      detail: { brand: brand.code, period, differences: report.differences },
    },
    now,
  );
  return row;
}

import { type Kysely, sql, type Transaction } from 'kysely';
import { type Actor, appendBatchAudit } from '../audit/audit-store.js';
import type { Database } from '../platform/db/schema.js';
import { formatDecimal, parseDecimalOrThrow } from '../money/index.js';
import { calculateCrossRate } from './calculate-cross-rate.js';
import type { FxRow } from './calculate-fx-rows.js';

type Db = Kysely<Database> | Transaction<Database>;

const BATCH = 2000;

export interface FxImportResult {
  rows: number;
  inserted: number;
  updated: number;
  unchanged: number;
  firstDate: string | null;
  lastDate: string | null;
}

/**
 * Writes rates idempotently in the caller's transaction: a new (pair, date) is inserted, a changed rate is
 * a correction (updated, counted), an identical row changes nothing. Audited as one batch with the
 * content hash of the rows.
 */
export async function saveFxRates(
  trx: Transaction<Database>,
  actor: Actor,
  rows: FxRow[],
  now: Date,
): Promise<FxImportResult> {
  let inserted = 0;
  let updated = 0;
  for (let i = 0; i < rows.length; i += BATCH) {
    const chunk = rows.slice(i, i + BATCH);
    const r = await trx
      .insertInto('fx_rates')
      .values(
        chunk.map((x) => ({
          rate_date: x.date,
          base: x.base,
          quote: x.quote,
          rate: x.rate,
          source: x.source,
          imported_at: now,
        })),
      )
      .onConflict((oc) =>
        oc
          .columns(['base', 'quote', 'rate_date'])
          .doUpdateSet((eb) => ({
            rate: eb.ref('excluded.rate'),
            source: eb.ref('excluded.source'),
            imported_at: eb.ref('excluded.imported_at'),
          }))
          .where((eb) =>
            eb.or([
              eb('fx_rates.rate', '<>', eb.ref('excluded.rate')),
              eb('fx_rates.source', '<>', eb.ref('excluded.source')),
            ]),
          ),
      )
      .returning(sql<boolean>`(xmax = 0)`.as('inserted'))
      .execute();
    for (const x of r) {
      if (x.inserted) inserted++;
      else updated++;
    }
  }
  const dates = rows.map((r) => r.date).sort();
  const result: FxImportResult = {
    rows: rows.length,
    inserted,
    updated,
    unchanged: rows.length - inserted - updated,
    firstDate: dates[0] ?? null,
    lastDate: dates[dates.length - 1] ?? null,
  };
  if (rows.length > 0) {
    await appendBatchAudit(
      trx,
      actor,
      {
        action: 'fx_rates.imported',
        entityType: 'fx_rates',
        count: rows.length,
        firstId: result.firstDate!,
        lastId: result.lastDate!,
        content: rows.map((r) => `${r.date},${r.base},${r.quote},${r.rate},${r.source}`).join('\n'),
      },
      now,
    );
  }
  return result;
}

export type RateLookup =
  | { kind: 'rate'; from: string; to: string; rate: string; date: string; source: string; derived: boolean }
  | { kind: 'stale'; from: string; to: string; lastDate: string; ageDays: number; maxAgeDays: number }
  | { kind: 'missing'; from: string; to: string; date: string };

function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}

/** numeric(28,10) comes back padded ('1.1252000000'): rates are shown and hashed in their shortest form. */
export function normaliseRate(rate: string): string {
  return formatDecimal(parseDecimalOrThrow(rate));
}

async function latest(db: Db, base: string, quote: string, date: string) {
  const row = await db
    .selectFrom('fx_rates')
    .select(['rate', 'rate_date', 'source'])
    .where('base', '=', base)
    .where('quote', '=', quote)
    .where('rate_date', '<=', date)
    .orderBy('rate_date', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? { ...row, rate: normaliseRate(row.rate) } : undefined;
}

/**
 * The rate to convert `from` → `to` for an event on `date`: the last rate published on or before it —
 * the pair itself, or derived through EUR from the two EUR reference rates (the older of the two dates
 * counts). A rate older than `maxAgeDays` is reported `stale` rather than used: the caller stops with a
 * clear message instead of converting silently.
 */
export async function findFxRate(
  db: Db,
  from: string,
  to: string,
  date: string,
  maxAgeDays: number,
): Promise<RateLookup> {
  if (from === to) return { kind: 'rate', from, to, rate: '1', date, source: 'identity', derived: false };
  const direct = await latest(db, from, to, date);
  let best: { rate: string; date: string; source: string; derived: boolean } | undefined = direct
    ? { rate: direct.rate, date: direct.rate_date, source: direct.source, derived: false }
    : undefined;
  const viaA =
    from === 'EUR' ? { rate: '1', rate_date: date, source: 'identity' } : await latest(db, 'EUR', from, date);
  const viaB =
    to === 'EUR' ? { rate: '1', rate_date: date, source: 'identity' } : await latest(db, 'EUR', to, date);
  if (viaA && viaB) {
    const d = [viaA.rate_date, viaB.rate_date].sort()[0]!; // the older of the two publication dates
    if (!best || d > best.date) {
      const sources = [...new Set([viaA.source, viaB.source].filter((s) => s !== 'identity'))].join('+');
      best = {
        rate: calculateCrossRate(viaA.rate, viaB.rate),
        date: d,
        source: `${sources} via EUR`,
        derived: true,
      };
    }
  }
  if (!best) return { kind: 'missing', from, to, date };
  const age = daysBetween(best.date, date);
  if (age > maxAgeDays) return { kind: 'stale', from, to, lastDate: best.date, ageDays: age, maxAgeDays };
  return { kind: 'rate', from, to, ...best };
}

export function describeRateProblem(r: Exclude<RateLookup, { kind: 'rate' }>): string {
  return r.kind === 'missing'
    ? `no ${r.from}→${r.to} exchange rate on or before ${r.date}: import rates first (consort import fx)`
    : `the newest ${r.from}→${r.to} exchange rate is from ${r.lastDate}, ${r.ageDays} days old (limit ${r.maxAgeDays}): import current rates first`;
}

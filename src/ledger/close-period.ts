import { createHash } from 'node:crypto';
import type { Transaction } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { type Actor, appendAudit, appendBatchAudit } from '../audit/audit-store.js';
import {
  type CommissionLine,
  createPeriodRun,
  type PeriodSummary,
  type RunIssue,
} from '../commissions/index.js';
import type { Database } from '../platform/db/schema.js';
import { AppError } from '../platform/http/errors.js';
import type { Services } from '../platform/services.js';
import { calculateAdjustments } from './calculate-adjustments.js';
import { calculateTransfer } from './calculate-postings.js';
import { settleClawbackReleases } from './clawback-release-store.js';
import {
  type BrandRow,
  brandInfo,
  countActivity,
  loadBrandByCodeOrThrow,
  loadCarriedState,
  loadDealsInForce,
  loadFxForClose,
  loadHierarchy,
  loadOwnership,
  nextPeriod,
  type PeriodBounds,
  periodBounds,
  previousPeriod,
  streamActivity,
} from './close-inputs-store.js';
import { type CopyRows, copyValue, withCloseTransaction } from './close-connection.js';
import { type EntryRow, entryRows, insertEntries } from './ledger-store.js';
import { loadLedgerSettings } from './settings-store.js';

export interface CloseProgress {
  phase: 'read' | 'write';
  done: number;
  total: number;
}

export interface CloseOptions {
  /** Brand code (or id). */
  brand: string;
  /** 'YYYY-MM' */
  period: string;
  actor: Actor;
  onProgress?: (p: CloseProgress) => void;
  /** Activity rows per read batch (keyset pagination). */
  batchSize?: number;
  /** Lines per write batch. */
  writeBatch?: number;
  /**
   * Fault injection for the crash tests: after `afterBatches` line batches are written inside the close's
   * transaction, throw (`throw`) or wait forever (`stall`, for a SIGKILL from outside).
   */
  fault?: { afterBatches: number; mode: 'throw' | 'stall'; onStall?: () => void };
}

export interface CloseOutcome {
  kind: 'closed' | 'adjusted' | 'unchanged';
  brand: string;
  period: string;
  /** The period the lines were booked in (the next open period for adjustments). */
  bookedPeriod: string | null;
  runId: string | null;
  rows: number;
  lines: number;
  entries: number;
  issues: RunIssue[];
  totals: { currency: string; amount: string }[];
}

const ADJ = '#adj@';

/**
 * The engine line id behind a stored line key (adjustments append `#adj@<booked period>:<n>:<recomputed amount>`,
 * n = how many lines were booked for the engine line before it, so the key stays unique when late data moves an
 * amount back to one it had before).
 */
export function engineLineIdOf(lineKey: string): string {
  const i = lineKey.lastIndexOf(ADJ);
  return i < 0 ? lineKey : lineKey.slice(0, i);
}

export async function lockPeriod(trx: Transaction<Database>, brand: BrandRow, period: string, now: Date) {
  const p = periodBounds(period);
  await trx
    .insertInto('ledger_periods')
    .values({
      id: uuidv7(),
      brand_id: brand.id,
      period,
      starts_on: p.start,
      ends_on: p.end,
      timezone: brand.timezone,
      state: 'open',
      closed_at: null,
      finalized_at: null,
      finalized_by: null,
      created_at: now,
    })
    .onConflict((oc) => oc.columns(['brand_id', 'period']).doNothing())
    .execute();
  return trx
    .selectFrom('ledger_periods')
    .selectAll()
    .where('brand_id', '=', brand.id)
    .where('period', '=', period)
    .forUpdate()
    .executeTakeFirstOrThrow();
}

/**
 * Closes a brand's period: loads activity, ownership, deals in force, hierarchy, FX rates and the carried
 * state; streams the activity through the engine in batches; writes the lines, their accrual entries and
 * the new carried state in ONE transaction. A closed period is never written again: running it again
 * recomputes it and books any difference (late data) as adjustments in the next open period, each linked
 * to the line it corrects; without late data nothing changes.
 */
export async function closePeriod(services: Services, opts: CloseOptions): Promise<CloseOutcome> {
  const now = services.clock();
  const today = now.toISOString().slice(0, 10);
  const db = services.db;
  const brand = await loadBrandByCodeOrThrow(db, opts.brand);
  const bounds = periodBounds(opts.period);
  const settings = await loadLedgerSettings(db, brand.id);
  const result = await withCloseTransaction(services, async (trx, copy) => {
    const period = await lockPeriod(trx, brand, opts.period, now);
    const adjusting = period.state !== 'open';
    if (!adjusting) {
      const earlier = await trx
        .selectFrom('ledger_periods')
        .select(['period', 'state'])
        .where('brand_id', '=', brand.id)
        .where('period', '<', opts.period)
        .where('state', '=', 'open')
        .orderBy('period')
        .executeTakeFirst();
      if (earlier)
        throw new AppError(
          'INVALID_TRANSITION',
          `close ${brand.code} ${earlier.period} first: periods close in order`,
        );
    }
    const carried = await loadCarriedState(trx, brand.id, previousPeriod(opts.period));
    const deals = await loadDealsInForce(trx, brand, bounds);
    const hierarchy = await loadHierarchy(trx, brand.id, deals);
    const { ownership, publicIds } = await loadOwnership(trx, brand.id);
    const fxRates = await loadFxForClose(trx, brand, bounds, deals, settings.fxMaxAgeDays);
    const total = opts.onProgress ? await countActivity(trx, brand, bounds) : 0;
    const run = createPeriodRun({
      period: bounds,
      brands: [brandInfo(brand)],
      deals,
      ownership,
      hierarchy,
      fxRates,
      carried,
    });
    let rows = 0;
    for await (const batch of streamActivity(trx, brand, bounds, publicIds, opts.batchSize)) {
      run.add(batch);
      rows += batch.length;
      opts.onProgress?.({ phase: 'read', done: rows, total });
    }
    const missingFx = (issues: readonly RunIssue[]) => {
      const fxIssue = issues.find((i) => i.kind === 'missing_fx');
      if (fxIssue && fxIssue.kind === 'missing_fx')
        throw new AppError(
          'CONFLICT',
          `close of ${brand.code} ${opts.period} stopped: no ${fxIssue.from}→${fxIssue.to} exchange rate for ${fxIssue.date}`,
        );
    };
    const ctx = { trx, brand, bounds, now, today, actor: opts.actor, opts, copy };
    if (!adjusting) {
      // lines come out one by one; each is kept as its compact input (explanation as JSON text), never the
      // engine's whole line array
      const inputs: LineInput[] = [];
      const summary = run.finishStreaming((l) => inputs.push(lineInputOf(l)));
      missingFx(summary.issues);
      return writeClose(ctx, period.id, summary, inputs, fxRates, rows);
    }
    const res = run.finish();
    missingFx(res.issues);
    return writeAdjustments(ctx, period.id, res.lines, fxRates, rows, res.issues);
  });
  services.auditChainer.kick();
  return result;
}

interface WriteCtx {
  trx: Transaction<Database>;
  brand: BrandRow;
  bounds: PeriodBounds;
  now: Date;
  today: string;
  actor: Actor;
  opts: CloseOptions;
  /** COPY on the transaction's connection (PostgreSQL); undefined on PGlite (multi-row INSERTs). */
  copy: CopyRows | undefined;
}

type LineFacts = Omit<CommissionLine, 'explanation'>;

interface LineInput {
  line: LineFacts;
  lineKey: string;
  amount: bigint;
  /** The explanation as JSON text. */
  explanationJson: string;
  correctsLineId: string | null;
}

/** A fresh engine line as write input (its explanation serialised at once). */
function lineInputOf(l: CommissionLine): LineInput {
  const { explanation, ...facts } = l;
  return {
    line: facts,
    lineKey: l.lineId,
    amount: l.amount,
    explanationJson: JSON.stringify(explanation),
    correctsLineId: null,
  };
}

const LINE_COLUMNS = [
  'id',
  'line_key',
  'brand_id',
  'period_id',
  'source_period',
  'partner_id',
  'segment',
  'payee',
  'customer_id',
  'kind',
  'amount',
  'currency',
  'hold_until',
  'deal_id',
  'deal_version',
  'component_id',
  'derived_from',
  'explanation',
  'corrects_line_id',
  'close_run_id',
  'state',
  'state_reason',
  'state_changed_at',
  'state_changed_by',
  'payout_line_id',
  'created_at',
] as const;

const ENTRY_COLUMNS = [
  'txn_id',
  'entry_key',
  'brand_id',
  'partner_id',
  'account',
  'currency',
  'amount',
  'line_id',
  'payout_line_id',
  'cause',
  'booked_on',
  'created_at',
] as const;

const copyLine = (row: Record<string, unknown>, columns: readonly string[]) => {
  let t = copyValue(row[columns[0]!]);
  for (let i = 1; i < columns.length; i++) t += `\t${copyValue(row[columns[i]!])}`;
  return t;
};

/**
 * Writes lines and their accrual postings in batches (the fault hook sits between batches): COPY on
 * PostgreSQL, multi-row INSERTs on PGlite. Batch k+1 is built while batch k is being written.
 */
async function writeLines(
  c: WriteCtx,
  runId: string,
  bookedPeriodId: string,
  inputs: readonly LineInput[],
): Promise<{ entries: number; content: string[] }> {
  const size = c.opts.writeBatch ?? 2000;
  let entries = 0;
  let batches = 0;
  const content: string[] = [];
  let writing: Promise<void> | undefined;
  const afterBatch = async (done: number) => {
    batches++;
    c.opts.onProgress?.({ phase: 'write', done, total: inputs.length });
    const f = c.opts.fault;
    if (f && batches >= f.afterBatches) {
      if (f.mode === 'throw') throw new Error(`fault injected after ${batches} line batch(es)`);
      f.onStall?.();
      await new Promise(() => undefined);
    }
  };
  for (let i = 0; i < inputs.length; i += size) {
    const chunk = inputs.slice(i, i + size);
    const lineRows = [];
    const entryBatch: EntryRow[] = [];
    for (const x of chunk) {
      const id = uuidv7();
      const l = x.line;
      lineRows.push({
        id,
        line_key: x.lineKey,
        brand_id: c.brand.id,
        period_id: bookedPeriodId,
        source_period: c.bounds.id,
        partner_id: l.partnerId,
        segment: l.segment,
        payee: l.payee,
        customer_id: l.customerId,
        kind: l.kind,
        amount: x.amount.toString(),
        currency: l.currency,
        hold_until: l.holdUntil,
        deal_id: l.dealId,
        deal_version: l.dealVersion,
        component_id: l.componentId,
        derived_from: l.derivedFrom,
        explanation: x.explanationJson,
        corrects_line_id: x.correctsLineId,
        close_run_id: runId,
        state: 'pending' as const,
        state_reason: null,
        state_changed_at: c.now,
        state_changed_by: c.actor.id,
        payout_line_id: null,
        created_at: c.now,
      });
      entryBatch.push(
        ...entryRows(calculateTransfer('commission_expense', 'partner_pending', x.amount), {
          key: `accrual:${x.lineKey}`,
          brandId: c.brand.id,
          partnerId: l.partnerId,
          currency: l.currency,
          lineId: id,
          cause: 'accrual',
          bookedOn: c.today,
          now: c.now,
        }),
      );
      content.push(`${x.lineKey},${x.amount},${l.currency}`);
    }
    const copy = c.copy;
    const lineText = copy ? lineRows.map((r) => copyLine(r, LINE_COLUMNS)) : [];
    const entryText = copy
      ? entryBatch.map((r) => copyLine(r as unknown as Record<string, unknown>, ENTRY_COLUMNS))
      : [];
    // the previous batch must be written (and pass the fault hook) before this one goes out
    if (writing) await writing;
    const done = Math.min(i + size, inputs.length);
    writing = (async () => {
      if (copy) {
        await copy('commission_lines', LINE_COLUMNS, lineText);
        await copy('ledger_entries', ENTRY_COLUMNS, entryText);
      } else {
        for (let j = 0; j < lineRows.length; j += 500)
          await c.trx
            .insertInto('commission_lines')
            .values(lineRows.slice(j, j + 500))
            .execute();
        await insertEntries(c.trx, entryBatch);
      }
      await afterBatch(done);
    })();
    // surfaced by the next await of `writing`; never an unhandled rejection meanwhile
    writing.catch(() => undefined);
    entries += entryBatch.length;
  }
  if (writing) await writing;
  return { entries, content };
}

/** The lines the inputs correct (a refund's reversal or a late adjustment names the line it takes back). */
function correctedIds(inputs: readonly LineInput[]): string[] {
  const ids = new Set<string>();
  for (const x of inputs) if (x.correctsLineId) ids.add(x.correctsLineId);
  return [...ids];
}

/** Refund reversals (prop_void / prop_clawback) link to the purchase commission they take back. */
async function correctedOriginal(c: WriteCtx, l: LineFacts): Promise<string | null> {
  if (l.kind !== 'prop_void' && l.kind !== 'prop_clawback') return null;
  const r = await c.trx
    .selectFrom('commission_lines')
    .select('id')
    .where('brand_id', '=', c.brand.id)
    .where('kind', '=', 'prop_commission')
    .where('partner_id', '=', l.partnerId)
    .where('deal_id', '=', l.dealId)
    .where('component_id', '=', l.componentId)
    .where('customer_id', '=', l.customerId)
    .where('corrects_line_id', 'is', null)
    .orderBy('source_period', 'desc')
    .limit(1)
    .executeTakeFirst();
  return r?.id ?? null;
}

function totalsOf(inputs: readonly { line: LineFacts; amount: bigint }[]) {
  const m = new Map<string, bigint>();
  for (const x of inputs) m.set(x.line.currency, (m.get(x.line.currency) ?? 0n) + x.amount);
  return [...m].sort().map(([currency, amount]) => ({ currency, amount: amount.toString() }));
}

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

async function insertRun(
  c: WriteCtx,
  kind: 'close' | 'adjustment',
  periodId: string,
  bookedPeriodId: string,
  rows: number,
  issues: RunIssue[],
  fx: unknown,
  overlaps: number,
): Promise<string> {
  const id = uuidv7();
  await c.trx
    .insertInto('close_runs')
    .values({
      id,
      brand_id: c.brand.id,
      period_id: periodId,
      kind,
      booked_period_id: bookedPeriodId,
      rows_read: rows,
      lines: 0,
      entries: 0,
      issues: JSON.stringify(issues),
      fx_used: JSON.stringify(fx),
      overlap_count: overlaps,
      actor: c.actor.id,
      started_at: c.now,
      finished_at: c.now,
    })
    .execute();
  return id;
}

async function writeClose(
  c: WriteCtx,
  periodId: string,
  res: PeriodSummary,
  inputs: LineInput[],
  fx: unknown,
  rows: number,
): Promise<CloseOutcome> {
  const runId = await insertRun(c, 'close', periodId, periodId, rows, res.issues, fx, res.overlaps.length);
  for (const x of inputs)
    if (x.line.kind === 'prop_void' || x.line.kind === 'prop_clawback')
      x.correctsLineId = await correctedOriginal(c, x.line);
  const w = await writeLines(c, runId, periodId, inputs);
  const released = await settleClawbackReleases(c.trx, c.actor, correctedIds(inputs), c.now, {
    id: periodId,
    period: c.bounds.id,
  });
  const stateJson = JSON.stringify(res.state);
  await c.trx
    .insertInto('carried_states')
    .values({
      brand_id: c.brand.id,
      period: c.bounds.id,
      state: stateJson,
      sha256: sha256(stateJson),
      close_run_id: runId,
    })
    .execute();
  await c.trx
    .updateTable('close_runs')
    .set({ lines: inputs.length, entries: w.entries, finished_at: new Date() })
    .where('id', '=', runId)
    .execute();
  await c.trx
    .updateTable('ledger_periods')
    .set({ state: 'closed', closed_at: c.now })
    .where('id', '=', periodId)
    .execute();
  const totals = totalsOf(inputs);
  await appendAudit(
    c.trx,
    c.actor,
    {
      action: 'period.closed',
      entityType: 'ledger_period',
      entityId: periodId,
      detail: {
        brand: c.brand.code,
        period: c.bounds.id,
        runId,
        rows,
        lines: inputs.length,
        entries: w.entries,
        totals,
        stateSha256: sha256(stateJson),
        fxRates: (fx as unknown[]).length,
        issues: res.issues.length,
        clawbackReleases: released.map((r) => `${r.id}=${r.amount}`),
      },
    },
    c.now,
  );
  if (inputs.length > 0)
    await appendBatchAudit(
      c.trx,
      c.actor,
      {
        action: 'commission_lines.booked',
        entityType: 'commission_line',
        count: inputs.length,
        firstId: inputs[0]!.lineKey,
        lastId: inputs[inputs.length - 1]!.lineKey,
        content: w.content.join('\n'),
      },
      c.now,
    );
  return {
    kind: 'closed',
    brand: c.brand.code,
    period: c.bounds.id,
    bookedPeriod: c.bounds.id,
    runId,
    rows,
    lines: inputs.length,
    entries: w.entries,
    issues: res.issues,
    totals,
  };
}

/** The earliest open period after `period` (created as the month after the latest one when none is open). */
async function nextOpenPeriod(c: WriteCtx): Promise<{ id: string; period: string }> {
  return bookingPeriodAfter(c.trx, c.brand, c.bounds.id, c.now);
}

/** Where a correction of `period` is booked: the earliest open period after it, created when none is open. */
export async function bookingPeriodAfter(
  trx: Transaction<Database>,
  brand: BrandRow,
  period: string,
  now: Date,
): Promise<{ id: string; period: string }> {
  const c = { trx, brand, now, bounds: { id: period } };
  const open = await c.trx
    .selectFrom('ledger_periods')
    .select(['id', 'period'])
    .where('brand_id', '=', c.brand.id)
    .where('period', '>', c.bounds.id)
    .where('state', '=', 'open')
    .orderBy('period')
    .executeTakeFirst();
  if (open) return open;
  const last = await c.trx
    .selectFrom('ledger_periods')
    .select('period')
    .where('brand_id', '=', c.brand.id)
    .orderBy('period', 'desc')
    .executeTakeFirstOrThrow();
  const p = await lockPeriod(c.trx, c.brand, nextPeriod(last.period), c.now);
  return { id: p.id, period: p.period };
}

async function writeAdjustments(
  c: WriteCtx,
  periodId: string,
  lines: readonly CommissionLine[],
  fx: unknown,
  rows: number,
  issues: RunIssue[],
): Promise<CloseOutcome> {
  const booked = await c.trx
    .selectFrom('commission_lines')
    .selectAll()
    .where('brand_id', '=', c.brand.id)
    .where('source_period', '=', c.bounds.id)
    // clawbacks and manual adjustments are not engine lines: a re-run must not undo them
    .where('line_key', 'not like', 'clawback:%')
    .where('line_key', 'not like', 'manual:%')
    // a write-off of a negative balance (deal negativeBalance: reset) is not an engine line either
    .where('line_key', 'not like', 'write_off:%')
    .execute();
  const adjustments = calculateAdjustments(
    booked.map((b) => ({
      id: b.id,
      engineLineId: engineLineIdOf(b.line_key),
      amount: BigInt(b.amount),
      currency: b.currency,
      original: !b.line_key.includes(ADJ),
    })),
    lines.map((l) => ({ lineId: l.lineId, amount: l.amount, currency: l.currency })),
  );
  if (adjustments.length === 0)
    return {
      kind: 'unchanged',
      brand: c.brand.code,
      period: c.bounds.id,
      bookedPeriod: null,
      runId: null,
      rows,
      lines: 0,
      entries: 0,
      issues,
      totals: [],
    };
  const target = await nextOpenPeriod(c);
  const runId = await insertRun(c, 'adjustment', periodId, target.id, rows, issues, fx, 0);
  const byEngineId = new Map(lines.map((l) => [l.lineId, l]));
  const bookedCount = new Map<string, number>();
  for (const b of booked) {
    const k = engineLineIdOf(b.line_key);
    bookedCount.set(k, (bookedCount.get(k) ?? 0) + 1);
  }
  const bookedById = new Map(booked.map((b) => [b.id, b]));
  const links = new Map<string, string | null>();
  for (const a of adjustments) {
    const fresh = byEngineId.get(a.engineLineId);
    links.set(a.engineLineId, a.correctsLineId ?? (fresh ? await correctedOriginal(c, fresh) : null));
  }
  const inputs: LineInput[] = adjustments.map((a) => {
    const fresh = byEngineId.get(a.engineLineId);
    const orig = a.correctsLineId ? bookedById.get(a.correctsLineId) : undefined;
    const line: CommissionLine = fresh ?? {
      lineId: a.engineLineId,
      periodId: c.bounds.id,
      partnerId: orig!.partner_id,
      segment: orig!.segment as CommissionLine['segment'],
      payee: orig!.payee,
      brandId: c.brand.id,
      customerId: orig!.customer_id,
      kind: orig!.kind as CommissionLine['kind'],
      amount: 0n,
      currency: a.currency,
      holdUntil: null,
      dealId: orig!.deal_id,
      dealVersion: orig!.deal_version,
      componentId: orig!.component_id,
      derivedFrom: orig!.derived_from,
      explanation: { formula: '', inputs: {} },
    };
    const digits = (n: bigint) => n.toString();
    return {
      line,
      lineKey: `${a.engineLineId}${ADJ}${target.period}:${bookedCount.get(a.engineLineId) ?? 0}:${a.recomputed}`,
      amount: a.delta,
      correctsLineId: links.get(a.engineLineId) ?? null,
      explanationJson: JSON.stringify({
        formula: `late data for ${c.bounds.id}: recomputed ${digits(a.recomputed)} − booked ${digits(a.bookedSoFar)} = ${digits(a.delta)} (minor units of ${a.currency})`,
        inputs: {
          adjusts: c.bounds.id,
          bookedIn: target.period,
          recomputed: digits(a.recomputed),
          bookedSoFar: digits(a.bookedSoFar),
        },
        notes: [
          links.get(a.engineLineId)
            ? `corrects line ${links.get(a.engineLineId)}`
            : 'a line the recomputation produced for the first time',
        ],
        recomputedExplanation: fresh?.explanation ?? null,
      }),
    };
  });
  const w = await writeLines(c, runId, target.id, inputs);
  const released = await settleClawbackReleases(c.trx, c.actor, correctedIds(inputs), c.now, target);
  await c.trx
    .updateTable('close_runs')
    .set({ lines: inputs.length, entries: w.entries, finished_at: new Date() })
    .where('id', '=', runId)
    .execute();
  const totals = totalsOf(inputs);
  await appendAudit(
    c.trx,
    c.actor,
    {
      action: 'period.adjusted',
      entityType: 'ledger_period',
      entityId: periodId,
      detail: {
        brand: c.brand.code,
        period: c.bounds.id,
        bookedIn: target.period,
        runId,
        lines: inputs.length,
        totals,
        corrections: inputs.map((i) => `${i.lineKey}=${i.amount}`),
        clawbackReleases: released.map((r) => `${r.id}=${r.amount}`),
      },
    },
    c.now,
  );
  return {
    kind: 'adjusted',
    brand: c.brand.code,
    period: c.bounds.id,
    bookedPeriod: target.period,
    runId,
    rows,
    lines: inputs.length,
    entries: w.entries,
    issues,
    totals,
  };
}

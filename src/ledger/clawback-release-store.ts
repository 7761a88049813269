import type { Transaction } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { type Actor, appendAudit } from '../audit/audit-store.js';
import type { Database } from '../platform/db/schema.js';
import { calculateTransfer } from './calculate-postings.js';
import { decideClawbackRelease, type LineWorth } from './decide-clawback-release.js';
import { entryRows, insertEntries, recordSingleLineRun } from './ledger-store.js';

/** States whose money moved back out of the partner's balance: such a line no longer corrects anything. */
const GONE = ['rejected', 'reversed'] as const;

/** The kind of the line that releases the part of finance's clawbacks a refund from the feed made redundant. */
export const CLAWBACK_RELEASE = 'clawback_release';

interface FamilyLine {
  id: string;
  correctsLineId: string;
  kind: string;
  amount: bigint;
  state: string;
}

/**
 * A line and every line correcting it, down two levels (a refund's void line and the late adjustments of that
 * void line; a late adjustment of the line and finance's clawback of that adjustment). Write-offs are not
 * corrections of a line: they forgive a balance.
 */
async function loadFamily(trx: Transaction<Database>, rootId: string): Promise<FamilyLine[]> {
  const children = await trx
    .selectFrom('commission_lines')
    .select(['id', 'kind', 'amount', 'state', 'corrects_line_id'])
    .where('corrects_line_id', '=', rootId)
    .where('kind', '!=', 'write_off')
    .orderBy('id')
    .execute();
  const grand =
    children.length === 0
      ? []
      : await trx
          .selectFrom('commission_lines')
          .select(['id', 'kind', 'amount', 'state', 'corrects_line_id'])
          .where(
            'corrects_line_id',
            'in',
            children.map((c) => c.id),
          )
          .where('kind', '!=', 'write_off')
          .orderBy('id')
          .execute();
  return [...children, ...grand].map((l) => ({
    id: l.id,
    correctsLineId: l.corrects_line_id!,
    kind: l.kind,
    amount: BigInt(l.amount),
    state: l.state,
  }));
}

/** What a line is still worth, split by who corrected it (lines rejected or reversed count for nothing). */
export async function loadLineWorth(
  trx: Transaction<Database>,
  line: { id: string; amount: string | bigint; state: string },
): Promise<LineWorth & { family: FamilyLine[] }> {
  const family = await loadFamily(trx, line.id);
  let engine = 0n;
  let manual = 0n;
  let released = 0n;
  for (const l of family) {
    if ((GONE as readonly string[]).includes(l.state)) continue;
    if (l.kind === 'clawback') manual += l.amount;
    else if (l.kind === CLAWBACK_RELEASE) released += l.amount;
    else engine += l.amount;
  }
  const original = (GONE as readonly string[]).includes(line.state) ? 0n : BigInt(line.amount);
  return { original, engine, manual, released, family };
}

/** The lines at the top of each id's correction chain (a line correcting nothing is its own root). */
async function rootsOf(trx: Transaction<Database>, ids: readonly string[]): Promise<string[]> {
  const roots = new Set<string>();
  let todo = [...new Set(ids)];
  for (let depth = 0; todo.length > 0 && depth < 4; depth++) {
    const next: string[] = [];
    for (let i = 0; i < todo.length; i += 1000) {
      const rows = await trx
        .selectFrom('commission_lines')
        .select(['id', 'corrects_line_id'])
        .where('id', 'in', todo.slice(i, i + 1000))
        .execute();
      for (const r of rows) {
        if (r.corrects_line_id) next.push(r.corrects_line_id);
        else roots.add(r.id);
      }
    }
    todo = [...new Set(next)];
  }
  return [...roots];
}

/** Of `roots`, those with a clawback or a release of their own (or of a line correcting them): the only ones to settle. */
async function withClawbacks(trx: Transaction<Database>, roots: readonly string[]): Promise<string[]> {
  const out = new Set<string>();
  for (let i = 0; i < roots.length; i += 1000) {
    const chunk = roots.slice(i, i + 1000);
    const direct = await trx
      .selectFrom('commission_lines')
      .select('corrects_line_id')
      .distinct()
      .where('kind', 'in', ['clawback', CLAWBACK_RELEASE])
      .where('corrects_line_id', 'in', chunk)
      .execute();
    for (const r of direct) out.add(r.corrects_line_id!);
    const nested = await trx
      .selectFrom('commission_lines as c')
      .innerJoin('commission_lines as p', 'p.id', 'c.corrects_line_id')
      .select('p.corrects_line_id')
      .distinct()
      .where('c.kind', '=', 'clawback')
      .where('p.corrects_line_id', 'in', chunk)
      .execute();
    for (const r of nested) out.add(r.corrects_line_id!);
  }
  return [...out].sort();
}

export interface BookedRelease {
  id: string;
  correctsLineId: string;
  amount: string;
  currency: string;
  bookedIn: string;
}

/**
 * The rule "a refund from the feed and finance's clawback of the same line never together take back more than
 * the line was worth", applied to the lines behind `lineIds` (the lines a close or re-run just booked, or lines
 * just rejected or reversed): for each root line with a clawback, the part of the clawbacks that the close's
 * corrections made redundant is released by a line of kind `clawback_release` (or an earlier release withdrawn
 * when the correction went away), linked to the root, with its accrual posting, close-run row and audit record.
 * Idempotent: a second call finds every line settled. `bookIn` is the period to book in (the close's or re-run's
 * own); by default the earliest open period after the root's.
 */
export async function settleClawbackReleases(
  trx: Transaction<Database>,
  actor: Actor,
  lineIds: readonly string[],
  now: Date,
  bookIn?: { id: string; period: string },
): Promise<BookedRelease[]> {
  if (lineIds.length === 0) return [];
  const roots = await withClawbacks(trx, await rootsOf(trx, lineIds));
  const out: BookedRelease[] = [];
  for (const rootId of roots) {
    const r = await settleOne(trx, actor, rootId, now, bookIn);
    if (r) out.push(r);
  }
  return out;
}

async function settleOne(
  trx: Transaction<Database>,
  actor: Actor,
  rootId: string,
  now: Date,
  bookIn: { id: string; period: string } | undefined,
): Promise<BookedRelease | null> {
  // the root row is the lock a manual clawback of the same line takes too
  const o = await trx
    .selectFrom('commission_lines')
    .selectAll()
    .where('id', '=', rootId)
    .forUpdate()
    .executeTakeFirstOrThrow();
  const w = await loadLineWorth(trx, o);
  const d = decideClawbackRelease(w);
  if (d.kind === 'none') return null;
  const brand = await trx
    .selectFrom('brands')
    .select(['id', 'code', 'vertical', 'currency', 'timezone', 'jurisdictions'])
    .where('id', '=', o.brand_id)
    .executeTakeFirstOrThrow();
  const { bookingPeriodAfter } = await import('./close-period.js');
  const target = bookIn ?? (await bookingPeriodAfter(trx, brand as never, o.source_period, now));
  const src = await trx
    .selectFrom('ledger_periods')
    .select('id')
    .where('brand_id', '=', o.brand_id)
    .where('period', '=', o.source_period)
    .executeTakeFirstOrThrow();
  const runId = uuidv7();
  await recordSingleLineRun(trx, {
    runId,
    brandId: o.brand_id,
    periodId: src.id,
    bookedPeriodId: target.id,
    kind: 'adjustment',
    actor,
    now,
  });
  const live = (kind: (k: string) => boolean) =>
    w.family.filter((l) => kind(l.kind) && l.state !== 'rejected' && l.state !== 'reversed');
  const clawbacks = live((k) => k === 'clawback');
  const corrections = live((k) => k !== 'clawback' && k !== CLAWBACK_RELEASE);
  const releasesBefore = w.family.filter((l) => l.kind === CLAWBACK_RELEASE).length;
  const key = `clawback:${o.id}:release:${releasesBefore}:${d.target}`;
  const id = uuidv7();
  const cur = o.currency;
  const list = (ls: FamilyLine[]) => ls.map((l) => `${l.id} (${l.kind} ${l.amount})`).join(', ');
  const formula =
    d.amount > 0n
      ? `line ${o.id} (${w.original}) is taken back by the close's corrections (${w.engine}) and by finance's clawbacks (${w.manual}): ${d.overTaken} more than it was worth, so ${d.amount} of the clawbacks is released (minor units of ${cur})`
      : `the close's corrections of line ${o.id} now take back ${-w.engine} of ${w.original}: ${-d.amount} of the earlier clawback release is withdrawn, leaving ${d.target} released (minor units of ${cur})`;
  await trx
    .insertInto('commission_lines')
    .values({
      id,
      line_key: key,
      brand_id: o.brand_id,
      period_id: target.id,
      source_period: o.source_period,
      partner_id: o.partner_id,
      segment: o.segment,
      payee: o.payee,
      customer_id: o.customer_id,
      kind: CLAWBACK_RELEASE,
      amount: d.amount.toString(),
      currency: cur,
      hold_until: null,
      deal_id: o.deal_id,
      deal_version: o.deal_version,
      component_id: o.component_id,
      derived_from: o.derived_from,
      explanation: JSON.stringify({
        formula,
        inputs: {
          original: w.original.toString(),
          closeCorrections: w.engine.toString(),
          clawedBack: w.manual.toString(),
          releasedBefore: w.released.toString(),
          released: d.target.toString(),
        },
        notes: [
          `finance's clawbacks: ${list(clawbacks) || 'none in force'}`,
          `the close's corrections (refund, chargeback, late data): ${list(corrections) || 'none in force'}`,
          'a refund or chargeback and a clawback of the same line never together take back more than the line was worth',
        ],
      }),
      corrects_line_id: o.id,
      close_run_id: runId,
      state: 'pending',
      state_reason:
        d.amount > 0n ? 'clawback released: refund booked by the close' : 'clawback release withdrawn',
      state_changed_at: now,
      state_changed_by: actor.id,
      payout_line_id: null,
      created_at: now,
    })
    .execute();
  await insertEntries(
    trx,
    entryRows(calculateTransfer('commission_expense', 'partner_pending', d.amount), {
      key: `accrual:${key}`,
      brandId: o.brand_id,
      partnerId: o.partner_id,
      currency: cur,
      lineId: id,
      cause: CLAWBACK_RELEASE,
      bookedOn: now.toISOString().slice(0, 10),
      now,
    }),
  );
  await appendAudit(
    trx,
    actor,
    {
      action: 'commission_line.clawback_released',
      entityType: 'commission_line',
      entityId: o.id,
      detail: {
        releaseLineId: id,
        amount: d.amount.toString(),
        releasedInForce: d.target.toString(),
        original: w.original.toString(),
        closeCorrections: w.engine.toString(),
        clawedBack: w.manual.toString(),
        clawbackLineIds: clawbacks.map((l) => l.id),
        correctionLineIds: corrections.map((l) => l.id),
        bookedIn: target.period,
      },
    },
    now,
  );
  return { id, correctsLineId: o.id, amount: d.amount.toString(), currency: cur, bookedIn: target.period };
}

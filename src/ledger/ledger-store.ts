import { type Kysely, sql, type Transaction } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { type Actor, appendAudit } from '../audit/audit-store.js';
import { notifyCommissionHolds } from '../notifications/commission-notices.js';
import type { Database } from '../platform/db/schema.js';
import { AppError } from '../platform/http/errors.js';
import { type LineAction, type PostingLeg, decideLineTransition } from './calculate-postings.js';
import type { LedgerAccount, LineState } from './ledger-tables.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface EntryRow {
  txn_id: string;
  entry_key: string;
  brand_id: string | null;
  partner_id: string | null;
  account: LedgerAccount;
  currency: string;
  amount: string;
  line_id: string | null;
  payout_line_id: string | null;
  cause: string;
  booked_on: string;
  created_at: Date;
}

/** Entry rows of one posting (one transaction id, legs summing to zero), keyed for idempotency. */
export function entryRows(
  legs: readonly PostingLeg[],
  ctx: {
    key: string;
    brandId: string | null;
    partnerId: string;
    currency: string;
    lineId?: string | null;
    payoutLineId?: string | null;
    cause: string;
    bookedOn: string;
    now: Date;
  },
): EntryRow[] {
  const txn = uuidv7();
  return legs.map((l, i) => ({
    txn_id: txn,
    entry_key: `${ctx.key}:${i}`,
    brand_id: ctx.brandId,
    partner_id: l.partner ? ctx.partnerId : null,
    account: l.account,
    currency: ctx.currency,
    amount: l.amount.toString(),
    line_id: ctx.lineId ?? null,
    payout_line_id: ctx.payoutLineId ?? null,
    cause: ctx.cause,
    booked_on: ctx.bookedOn,
    created_at: ctx.now,
  }));
}

export async function insertEntries(trx: Db, rows: readonly EntryRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 1000)
    await trx
      .insertInto('ledger_entries')
      .values(rows.slice(i, i + 1000) as never)
      .execute();
}

export interface Balance {
  account: LedgerAccount;
  currency: string;
  /** What the operator owes the partner on this account (credit balance), minor units. */
  amount: bigint;
}

/** A partner's balances per account and currency, summed from ledger entries (the only source). */
export async function partnerBalances(db: Db, partnerId: string): Promise<Balance[]> {
  const rows = await db
    .selectFrom('ledger_entries')
    .select(['account', 'currency', sql<string>`sum(amount)::text`.as('sum')])
    .where('partner_id', '=', partnerId)
    .groupBy(['account', 'currency'])
    .orderBy('account')
    .orderBy('currency')
    .execute();
  return rows.map((r) => ({ account: r.account, currency: r.currency, amount: -BigInt(r.sum) }));
}

/** True when every posting and every currency of the ledger sums to zero. */
export async function ledgerBalanced(db: Db): Promise<boolean> {
  const r = await sql<{ bad: string }>`select
      (select count(*) from (select txn_id from ledger_entries group by txn_id having sum(amount) <> 0) t)
    + (select count(*) from (select currency from ledger_entries group by currency having sum(amount) <> 0) c) as bad`.execute(
    db,
  );
  return Number(r.rows[0]?.bad ?? 1) === 0;
}

export interface TransitionResult {
  changed: { id: string; from: LineState; to: LineState }[];
  refused: { id: string; reason: string }[];
}

/**
 * Applies `action` to lines (bulk approve/reject by finance, hold release, reversal): each line moves by
 * the state machine and its money moves between accounts by a posting; lines that cannot move are listed
 * with the reason. One audit record per call with the ids, the action and the reason.
 */
export async function transitionLines(
  trx: Transaction<Database>,
  actor: Actor,
  input: { ids: readonly string[]; action: LineAction; reason: string | null; today: string },
  now: Date,
): Promise<TransitionResult> {
  const out: TransitionResult = { changed: [], refused: [] };
  if (input.ids.length === 0) return out;
  const lines = await trx
    .selectFrom('commission_lines as l')
    .innerJoin('partners as p', 'p.id', 'l.partner_id')
    .select([
      'l.id',
      'l.state',
      'l.amount',
      'l.currency',
      'l.hold_until',
      'l.partner_id',
      'l.brand_id',
      'p.commission_held',
    ])
    .where('l.id', 'in', [...input.ids])
    .orderBy('l.id')
    .forUpdate('l')
    .execute();
  const found = new Set(lines.map((l) => l.id));
  for (const id of input.ids) if (!found.has(id)) out.refused.push({ id, reason: 'not found' });
  const entries: EntryRow[] = [];
  for (const l of lines) {
    if (l.commission_held && (input.action === 'approve' || input.action === 'release')) {
      out.refused.push({ id: l.id, reason: 'partner suspended: commission held' });
      continue;
    }
    const holdOver = l.hold_until === null || l.hold_until <= input.today;
    const d = decideLineTransition(l.state, input.action, BigInt(l.amount), holdOver);
    if (d.kind === 'refuse') {
      out.refused.push({ id: l.id, reason: d.reason });
      continue;
    }
    await trx
      .updateTable('commission_lines')
      .set({ state: d.to, state_reason: input.reason, state_changed_at: now, state_changed_by: actor.id })
      .where('id', '=', l.id)
      .execute();
    entries.push(
      ...entryRows(d.legs, {
        key: `${input.action}:${l.id}`,
        brandId: l.brand_id,
        partnerId: l.partner_id,
        currency: l.currency,
        lineId: l.id,
        cause: input.action,
        bookedOn: input.today,
        now,
      }),
    );
    out.changed.push({ id: l.id, from: l.state, to: d.to });
  }
  await insertEntries(trx, entries);
  if ((input.action === 'reject' || input.action === 'reverse') && out.changed.length > 0) {
    // a rejected clawback or refund reversal changes what the line is still worth: settle its clawback release
    const { settleClawbackReleases } = await import('./clawback-release-store.js');
    await settleClawbackReleases(
      trx,
      actor,
      out.changed.map((c) => c.id),
      now,
    );
  }
  await notifyCommissionHolds(trx, lines, out.changed, input.action, now);
  if (out.changed.length > 0)
    await appendAudit(
      trx,
      actor,
      {
        action: `commission_lines.${input.action}`,
        entityType: 'commission_line',
        entityId: out.changed.length === 1 ? out.changed[0]!.id : null,
        detail: {
          reason: input.reason,
          lines: out.changed.map((c) => `${c.id}:${c.from}>${c.to}`),
          refused: out.refused.length,
        },
      },
      now,
    );
  return out;
}

/** Lines whose hold ended by `today` and that finance approved become payable (the hold-release job). */
export async function releaseHolds(
  trx: Transaction<Database>,
  actor: Actor,
  today: string,
  now: Date,
  brandId?: string,
): Promise<TransitionResult> {
  let q = trx
    .selectFrom('commission_lines as l')
    .innerJoin('partners as p', 'p.id', 'l.partner_id')
    .select('l.id')
    .where('l.state', '=', 'approved')
    .where('p.commission_held', '=', false)
    .where((eb) => eb.or([eb('l.hold_until', 'is', null), eb('l.hold_until', '<=', today)]));
  if (brandId) q = q.where('l.brand_id', '=', brandId);
  const ids = (await q.orderBy('l.id').limit(50_000).execute()).map((r) => r.id);
  return transitionLines(trx, actor, { ids, action: 'release', reason: 'hold period over', today }, now);
}

export function assertReason(reason: string | null | undefined, action: string): string {
  if (!reason || reason.trim().length < 3)
    throw new AppError('VALIDATION_FAILED', `a reason is required to ${action}`, {
      fields: [{ path: '/reason', message: 'is required' }],
    });
  return reason.trim();
}

/**
 * A clawback (refund, chargeback, fraud found later): a new negative line linked to the original, booked
 * in the brand's next open period with its accrual posting. The original line is never edited.
 */
export async function clawBackLine(
  trx: Transaction<Database>,
  actor: Actor,
  input: { lineId: string; reason: string; amount?: bigint },
  now: Date,
) {
  // locked: a close booking a refund of the same line settles against this row too
  const o = await trx
    .selectFrom('commission_lines')
    .selectAll()
    .where('id', '=', input.lineId)
    .forUpdate()
    .executeTakeFirst();
  if (!o) throw new AppError('NOT_FOUND', 'Commission line not found.');
  const brand = await trx
    .selectFrom('brands')
    .select(['id', 'code', 'vertical', 'currency', 'timezone', 'jurisdictions'])
    .where('id', '=', o.brand_id)
    .executeTakeFirstOrThrow();
  const { bookingPeriodAfter } = await import('./close-period.js');
  const bookIn = await bookingPeriodAfter(trx, brand as never, o.source_period, now);
  const runId = uuidv7();
  const src = await trx
    .selectFrom('ledger_periods')
    .select('id')
    .where('brand_id', '=', o.brand_id)
    .where('period', '=', o.source_period)
    .executeTakeFirstOrThrow();
  await recordSingleLineRun(trx, {
    runId,
    brandId: o.brand_id,
    periodId: src.id,
    bookedPeriodId: bookIn.id,
    kind: 'adjustment',
    actor,
    now,
  });
  const input2 = { ...input, bookIn, runId };
  if (
    o.state === 'rejected' ||
    o.state === 'reversed' ||
    BigInt(o.amount) <= 0n ||
    o.kind === 'clawback_release'
  )
    throw new AppError(
      'INVALID_TRANSITION',
      `line is ${o.state} with amount ${o.amount}: nothing to claw back`,
    );
  // what the line is still worth: its amount with every line correcting it that is still in force (earlier
  // clawbacks and their releases, the close's own reversals — a refund's void or clawback, a late-data adjustment,
  // and the adjustments of those); a write-off is not a correction of it
  const { loadLineWorth } = await import('./clawback-release-store.js');
  const { worthLeft } = await import('./decide-clawback-release.js');
  const worth = await loadLineWorth(trx, o);
  // the key counts every clawback ever booked on the line (rejected ones too), so it only ever moves down
  const prior = {
    s: worth.family
      .filter((l) => l.kind === 'clawback' && l.correctsLineId === o.id)
      .reduce((a, l) => a + l.amount, 0n),
  };
  const left = worthLeft(worth);
  if (left <= 0n)
    throw new AppError(
      'INVALID_TRANSITION',
      `nothing left to claw back: the lines correcting it already take back its ${o.amount} minor units`,
    );
  const amount = input.amount ?? left;
  if (amount <= 0n || amount > left)
    throw new AppError('VALIDATION_FAILED', `clawback must be between 0 and ${left} minor units`, {
      fields: [{ path: '/amountMinor', message: `at most ${left}`, in: 'body' }],
    });
  const id = uuidv7();
  const key = `clawback:${o.id}:${BigInt(prior.s) - amount}`;
  await trx
    .insertInto('commission_lines')
    .values({
      id,
      line_key: key,
      brand_id: o.brand_id,
      period_id: input2.bookIn.id,
      source_period: o.source_period,
      partner_id: o.partner_id,
      segment: o.segment,
      payee: o.payee,
      customer_id: o.customer_id,
      kind: 'clawback',
      amount: (-amount).toString(),
      currency: o.currency,
      hold_until: null,
      deal_id: o.deal_id,
      deal_version: o.deal_version,
      component_id: o.component_id,
      derived_from: o.derived_from,
      explanation: JSON.stringify({
        formula: `clawback of line ${o.id}: −${amount} (minor units of ${o.currency})`,
        inputs: { original: o.amount, clawedBack: amount.toString(), reason: input.reason },
      }),
      corrects_line_id: o.id,
      close_run_id: input2.runId,
      state: 'pending',
      state_reason: input.reason,
      state_changed_at: now,
      state_changed_by: actor.id,
      payout_line_id: null,
      created_at: now,
    })
    .execute();
  const { calculateTransfer } = await import('./calculate-postings.js');
  await insertEntries(
    trx,
    entryRows(calculateTransfer('commission_expense', 'partner_pending', -amount), {
      key: `accrual:${key}`,
      brandId: o.brand_id,
      partnerId: o.partner_id,
      currency: o.currency,
      lineId: id,
      cause: 'clawback',
      bookedOn: now.toISOString().slice(0, 10),
      now,
    }),
  );
  await appendAudit(
    trx,
    actor,
    {
      action: 'commission_line.clawed_back',
      entityType: 'commission_line',
      entityId: o.id,
      detail: { clawbackLineId: id, amount: amount.toString(), reason: input.reason },
    },
    now,
  );
  return { id, amount: (-amount).toString(), correctsLineId: o.id, bookedIn: input2.bookIn.period };
}

/** The month (`YYYY-MM`) of `now` in a time zone. */
function monthIn(timeZone: string, now: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit' })
    .format(now)
    .slice(0, 7);
}

/**
 * A manual adjustment (an accepted missing-commission claim, a goodwill correction): a new line of kind
 * `manual_adjustment` for the partner, booked in the brand's current month (its time zone) or, when that is
 * closed, the next open period, with its accrual posting. Positive credits the partner, negative debits;
 * like every line it starts `pending` and needs finance's approval. Idempotent per `key`.
 */
export async function bookManualAdjustment(
  trx: Transaction<Database>,
  actor: Actor,
  input: {
    key: string;
    partnerId: string;
    brandId: string;
    amount: bigint;
    currency: string;
    reason: string;
    customerId?: string | null;
    claimId?: string | null;
  },
  now: Date,
): Promise<{ id: string; amount: string; currency: string; bookedIn: string }> {
  if (input.amount === 0n)
    throw new AppError('VALIDATION_FAILED', 'an adjustment must not be zero', {
      fields: [{ path: '/amount', message: 'must not be zero' }],
    });
  const brand = await trx
    .selectFrom('brands')
    .select(['id', 'code', 'vertical', 'currency', 'timezone', 'jurisdictions'])
    .where('id', '=', input.brandId)
    .executeTakeFirst();
  if (!brand) throw new AppError('NOT_FOUND', 'Brand not found.');
  const partner = await trx
    .selectFrom('partners')
    .select(['id', 'segments'])
    .where('id', '=', input.partnerId)
    .executeTakeFirst();
  if (!partner) throw new AppError('NOT_FOUND', 'Partner not found.');
  const { bookingPeriodAfter, lockPeriod } = await import('./close-period.js');
  const month = monthIn(brand.timezone, now);
  const current = await lockPeriod(trx, brand as never, month, now);
  const bookIn =
    current.state === 'open'
      ? { id: current.id, period: current.period }
      : await bookingPeriodAfter(trx, brand as never, month, now);
  const lineKey = `manual:${input.key}`;
  const existing = await trx
    .selectFrom('commission_lines')
    .select(['id', 'amount', 'currency', 'period_id'])
    .where('line_key', '=', lineKey)
    .executeTakeFirst();
  if (existing)
    throw new AppError('CONFLICT', 'This adjustment was already booked.', { lineId: existing.id });
  const runId = uuidv7();
  await recordSingleLineRun(trx, {
    runId,
    brandId: brand.id,
    periodId: bookIn.id,
    bookedPeriodId: bookIn.id,
    kind: 'adjustment',
    actor,
    now,
  });
  const id = uuidv7();
  await trx
    .insertInto('commission_lines')
    .values({
      id,
      line_key: lineKey,
      brand_id: brand.id,
      period_id: bookIn.id,
      source_period: bookIn.period,
      partner_id: partner.id,
      segment: partner.segments[0] ?? 'affiliate',
      payee: 'partner',
      customer_id: input.customerId ?? null,
      kind: 'manual_adjustment',
      amount: input.amount.toString(),
      currency: input.currency,
      hold_until: null,
      deal_id: 'manual',
      deal_version: 0,
      component_id: input.claimId ? 'claim' : 'manual',
      derived_from: null,
      explanation: JSON.stringify({
        formula: `manual adjustment: ${input.amount < 0n ? '−' : '+'}${input.amount < 0n ? -input.amount : input.amount} (minor units of ${input.currency})`,
        inputs: {
          reason: input.reason,
          ...(input.claimId ? { claimId: input.claimId } : {}),
          ...(input.customerId ? { customerId: input.customerId } : {}),
        },
      }),
      corrects_line_id: null,
      close_run_id: runId,
      state: 'pending',
      state_reason: input.reason,
      state_changed_at: now,
      state_changed_by: actor.id,
      payout_line_id: null,
      created_at: now,
    })
    .execute();
  const { calculateTransfer } = await import('./calculate-postings.js');
  await insertEntries(
    trx,
    entryRows(calculateTransfer('commission_expense', 'partner_pending', input.amount), {
      key: `accrual:${lineKey}`,
      brandId: brand.id,
      partnerId: partner.id,
      currency: input.currency,
      lineId: id,
      cause: 'manual_adjustment',
      bookedOn: now.toISOString().slice(0, 10),
      now,
    }),
  );
  await appendAudit(
    trx,
    actor,
    {
      action: 'commission_line.manual_adjustment',
      entityType: 'commission_line',
      entityId: id,
      detail: {
        partnerId: partner.id,
        brandId: brand.id,
        amount: input.amount.toString(),
        currency: input.currency,
        reason: input.reason,
        bookedIn: bookIn.period,
        ...(input.claimId ? { claimId: input.claimId } : {}),
      },
    },
    now,
  );
  return { id, amount: input.amount.toString(), currency: input.currency, bookedIn: bookIn.period };
}

/**
 * The `close_runs` row of a booking that is not a close (a manual adjustment, a clawback, a write-off): one line
 * and its two entries, booked in `bookedPeriodId`.
 */
export async function recordSingleLineRun(
  trx: Transaction<Database>,
  r: {
    runId: string;
    brandId: string;
    periodId: string;
    bookedPeriodId: string;
    kind: 'adjustment' | 'write_off';
    actor: Actor;
    now: Date;
  },
): Promise<void> {
  await trx
    .insertInto('close_runs')
    .values({
      id: r.runId,
      brand_id: r.brandId,
      period_id: r.periodId,
      kind: r.kind,
      booked_period_id: r.bookedPeriodId,
      rows_read: 0,
      lines: 1,
      entries: 2,
      issues: '[]',
      fx_used: '[]',
      overlap_count: 0,
      actor: r.actor.id,
      started_at: r.now,
      finished_at: r.now,
    })
    .execute();
}

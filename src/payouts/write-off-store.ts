import { createHash } from 'node:crypto';
import { sql, type Transaction } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { type Actor, appendAudit } from '../audit/audit-store.js';
import { type BrandRow, previousPeriod } from '../ledger/close-inputs-store.js';
import { bookingPeriodAfter } from '../ledger/close-period.js';
import { calculateTransfer } from '../ledger/calculate-postings.js';
import { entryRows, insertEntries, recordSingleLineRun } from '../ledger/ledger-store.js';
import { formatScaled, minorDigits } from '../money/index.js';
import type { Database } from '../platform/db/schema.js';
import type { DealInForce } from './decide-negative-balance.js';

type Trx = Transaction<Database>;

/**
 * The deal versions in force on `onDate` for each partner on a brand (accepted contracts, each in force from
 * its effective date until the next accepted version's — the close's rule), with their `negativeBalance`.
 */
export async function loadDealsInForceOn(
  trx: Trx,
  brandId: string,
  partnerIds: readonly string[],
  onDate: string,
): Promise<Map<string, DealInForce[]>> {
  const out = new Map<string, DealInForce[]>();
  if (partnerIds.length === 0) return out;
  const rows = await trx
    .selectFrom('contracts')
    .select([
      'id',
      'partner_id',
      'version',
      sql<string>`effective_from::text`.as('from'),
      sql<string | null>`terms->>'name'`.as('name'),
      sql<string | null>`terms->>'negativeBalance'`.as('nb'),
    ])
    .where('brand_id', '=', brandId)
    .where('status', '=', 'accepted')
    .where('partner_id', 'in', [...partnerIds])
    .where('effective_from', '<=', onDate)
    .orderBy('partner_id')
    .orderBy('effective_from')
    .orderBy('version')
    .execute();
  // the last version by (effective_from, version) is the one in force: every earlier one ended when it began
  for (const r of rows)
    out.set(r.partner_id, [
      { dealId: r.id, version: r.version, name: r.name ?? r.id, negativeBalance: r.nb },
    ]);
  return out;
}

export interface WriteOffInput {
  brand: BrandRow;
  partnerId: string;
  currency: string;
  /** The payable lines netted into the negative balance (all of the partner's eligible ones in the currency). */
  lines: readonly { id: string; amount: bigint; period: string; segment: string }[];
  /** The write-off, > 0: minus the lines' sum. */
  amount: bigint;
  deal: DealInForce;
  batchId: string;
  payDate: string;
}

/**
 * Writes a partner's negative payable balance off (deal `negativeBalance: reset`): a new line of kind
 * `write_off` for +amount, booked in the earliest open period from the latest netted line's, with its posting
 * commission_expense → partner_payable (one entry pair linked to the write-off line); the netted lines and the
 * write-off line end `written_off`, each netted line linked to the write-off (`written_off_by`). Audited.
 * Idempotent: the netted lines leave the payable pool, so a second batch finds nothing to write off, and the
 * line key (partner, currency, hash of the netted line ids) is unique.
 */
export async function writeOffNegativeBalance(
  trx: Trx,
  actor: Actor,
  input: WriteOffInput,
  now: Date,
): Promise<{ lineId: string; amount: bigint; bookedIn: string }> {
  const sum = input.lines.reduce((a, l) => a + l.amount, 0n);
  if (input.amount <= 0n || sum !== -input.amount)
    throw new Error(`write-off of ${input.amount} does not bring the balance ${sum} to zero`);
  const ids = input.lines.map((l) => l.id).sort();
  const latest = input.lines
    .map((l) => l.period)
    .sort()
    .at(-1)!;
  const bookIn = await bookingPeriodAfter(trx, input.brand, previousPeriod(latest), now);
  const key = `write_off:${input.partnerId}:${input.currency}:${createHash('sha256')
    .update(ids.join(','))
    .digest('hex')
    .slice(0, 32)}`;
  const worst = input.lines.reduce((m, l) => (l.amount < m.amount ? l : m), input.lines[0]!);
  const digits = minorDigits(input.currency);
  const runId = uuidv7();
  await recordSingleLineRun(trx, {
    runId,
    brandId: input.brand.id,
    periodId: bookIn.id,
    bookedPeriodId: bookIn.id,
    kind: 'write_off',
    actor,
    now,
  });
  const id = uuidv7();
  const reason = `negative balance written off per deal "${input.deal.name}" v${input.deal.version} (negativeBalance: reset)`;
  await trx
    .insertInto('commission_lines')
    .values({
      id,
      line_key: key,
      brand_id: input.brand.id,
      period_id: bookIn.id,
      source_period: bookIn.period,
      partner_id: input.partnerId,
      segment: worst.segment,
      payee: 'partner',
      customer_id: null,
      kind: 'write_off',
      amount: input.amount.toString(),
      currency: input.currency,
      hold_until: null,
      deal_id: input.deal.dealId,
      deal_version: input.deal.version,
      component_id: 'negativeBalance',
      derived_from: null,
      explanation: JSON.stringify({
        formula: `write-off of the negative balance ${formatScaled(sum, digits)} ${input.currency}: +${formatScaled(
          input.amount,
          digits,
        )} ${input.currency}, the partner starts again at zero (deal "${input.deal.name}" v${input.deal.version}: negativeBalance reset)`,
        inputs: {
          balance: sum.toString(),
          writtenOff: input.amount.toString(),
          payDate: input.payDate,
          payoutBatchId: input.batchId,
          lines: input.lines.map((l) => ({ id: l.id, amount: l.amount.toString() })),
        },
      }),
      corrects_line_id: worst.id,
      close_run_id: runId,
      state: 'written_off',
      state_reason: reason,
      state_changed_at: now,
      state_changed_by: actor.id,
      payout_line_id: null,
      created_at: now,
    })
    .execute();
  for (let i = 0; i < ids.length; i += 5000)
    await trx
      .updateTable('commission_lines')
      .set({
        state: 'written_off',
        state_reason: `netted into write-off ${id}`,
        state_changed_at: now,
        state_changed_by: actor.id,
        written_off_by: id,
      })
      .where('id', 'in', ids.slice(i, i + 5000))
      .where('state', '=', 'payable')
      .execute();
  await insertEntries(
    trx,
    entryRows(calculateTransfer('commission_expense', 'partner_payable', input.amount), {
      key,
      brandId: input.brand.id,
      partnerId: input.partnerId,
      currency: input.currency,
      lineId: id,
      cause: 'write_off',
      bookedOn: input.payDate,
      now,
    }),
  );
  await appendAudit(
    trx,
    actor,
    {
      action: 'commission_lines.written_off',
      entityType: 'commission_line',
      entityId: id,
      detail: {
        partnerId: input.partnerId,
        currency: input.currency,
        balance: sum.toString(),
        writtenOff: input.amount.toString(),
        dealId: input.deal.dealId,
        dealVersion: input.deal.version,
        payoutBatchId: input.batchId,
        bookedIn: bookIn.period,
        lines: ids,
      },
    },
    now,
  );
  return { lineId: id, amount: input.amount, bookedIn: bookIn.period };
}

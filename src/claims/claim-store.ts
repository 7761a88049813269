import type { Kysely, Transaction } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { type Actor, appendAudit } from '../audit/audit-store.js';
import { bookManualAdjustment } from '../ledger/ledger-store.js';
import { notify } from '../notifications/index.js';
import { formatScaled, minorDigits, parseMoney } from '../money/index.js';
import type { Database } from '../platform/db/schema.js';
import { AppError, notFound } from '../platform/http/errors.js';
import type { ClaimState } from './claim-tables.js';
import {
  calculateDueAt,
  type ClaimAction,
  decideClaimTransition,
  isOverdue,
} from './decide-claim-transition.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface ClaimRow {
  id: string;
  partner_id: string;
  brand_id: string;
  customer_ref: string;
  expected_amount: string;
  currency: string;
  reason: string;
  period: string | null;
  state: ClaimState;
  due_at: Date;
  accepted_amount: string | null;
  response: string | null;
  adjustment_line_id: string | null;
  filed_by: string | null;
  decided_by: string | null;
  decided_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

/** Who may see which claims: a partner its own, a partner manager the portfolio's, other staff all. */
export type ClaimReach =
  | { kind: 'own'; partnerId: string }
  | { kind: 'portfolio'; managerUserId: string }
  | { kind: 'all' };

const fmt = (minor: string, currency: string) => formatScaled(BigInt(minor), minorDigits(currency));

/** What the partner sees: its claim, the state, the deadline and the answer. */
export function claimView(c: ClaimRow, now: Date) {
  return {
    id: c.id,
    partnerId: c.partner_id,
    brandId: c.brand_id,
    customerRef: c.customer_ref,
    expectedAmount: fmt(c.expected_amount, c.currency),
    currency: c.currency,
    reason: c.reason,
    period: c.period,
    state: c.state,
    dueAt: c.due_at.toISOString(),
    overdue: isOverdue(c.state, c.due_at, now),
    acceptedAmount: c.accepted_amount === null ? null : fmt(c.accepted_amount, c.currency),
    response: c.response,
    adjustmentLineId: c.adjustment_line_id,
    decidedAt: c.decided_at?.toISOString() ?? null,
    createdAt: c.created_at.toISOString(),
  };
}

/** The staff view adds the partner's name and who answered. */
export function staffClaimView(c: ClaimRow & { partner_name: string }, now: Date) {
  return { ...claimView(c, now), partnerName: c.partner_name, decidedBy: c.decided_by };
}

/** Parses a decimal amount in `currency`, refusing more digits than the currency has; 400 naming `path`. */
export function parseAmount(text: string, currency: string, path: string): bigint {
  const r = parseMoney(text.trim(), currency);
  if (r.kind === 'error') {
    const message =
      r.reason === 'unknown_currency'
        ? 'unknown currency'
        : r.reason === 'too_precise'
          ? `has more decimals than ${currency} allows (${minorDigits(currency)})`
          : 'must be a decimal number like 12.50';
    throw new AppError('VALIDATION_FAILED', undefined, {
      fields: [{ path: r.reason === 'unknown_currency' ? '/currency' : path, message, in: 'body' }],
    });
  }
  if (r.money.amount <= 0n)
    throw new AppError('VALIDATION_FAILED', undefined, {
      fields: [{ path, message: 'must be greater than zero', in: 'body' }],
    });
  return r.money.amount;
}

/** Files a claim for the partner; the brand must be one of the partner's (the only one when omitted). */
export async function fileClaim(
  trx: Transaction<Database>,
  actor: Actor,
  input: {
    partnerId: string;
    brandId?: string | undefined;
    customerRef: string;
    expectedAmount: string;
    currency: string;
    reason: string;
    period?: string | undefined;
    responseDays: number;
  },
  now: Date,
): Promise<ClaimRow> {
  const currency = input.currency.toUpperCase();
  const amount = parseAmount(input.expectedAmount, currency, '/expectedAmount');
  const brands = await trx
    .selectFrom('partner_brands')
    .select('brand_id')
    .where('partner_id', '=', input.partnerId)
    .execute();
  let brandId = input.brandId;
  if (!brandId) {
    if (brands.length !== 1)
      throw new AppError('VALIDATION_FAILED', undefined, {
        fields: [
          {
            path: '/brandId',
            message: brands.length === 0 ? 'you are not in any brand yet' : 'choose the brand',
            in: 'body',
          },
        ],
      });
    brandId = brands[0]!.brand_id;
  } else if (!brands.some((b) => b.brand_id === brandId))
    throw new AppError('VALIDATION_FAILED', undefined, {
      fields: [{ path: '/brandId', message: 'is not one of your brands', in: 'body' }],
    });
  if (input.period && input.period > now.toISOString().slice(0, 7))
    throw new AppError('VALIDATION_FAILED', undefined, {
      fields: [{ path: '/period', message: 'must not be in the future', in: 'body' }],
    });
  const row: ClaimRow = {
    id: uuidv7(),
    partner_id: input.partnerId,
    brand_id: brandId,
    customer_ref: input.customerRef.trim(),
    expected_amount: amount.toString(),
    currency,
    reason: input.reason.trim(),
    period: input.period ?? null,
    state: 'open',
    due_at: calculateDueAt(now, input.responseDays),
    accepted_amount: null,
    response: null,
    adjustment_line_id: null,
    filed_by: actor.id,
    decided_by: null,
    decided_at: null,
    created_at: now,
    updated_at: now,
  };
  await trx.insertInto('commission_claims').values(row).execute();
  await appendAudit(
    trx,
    actor,
    {
      action: 'claim.filed',
      entityType: 'commission_claim',
      entityId: row.id,
      detail: {
        partnerId: row.partner_id,
        brandId,
        customerRef: row.customer_ref,
        expectedAmount: row.expected_amount,
        currency,
        period: row.period,
        dueAt: row.due_at.toISOString(),
      },
    },
    now,
  );
  return row;
}

function scoped(db: Db, reach: ClaimReach) {
  let q = db
    .selectFrom('commission_claims as c')
    .innerJoin('partners as p', 'p.id', 'c.partner_id')
    .selectAll('c')
    .select('p.display_name as partner_name');
  if (reach.kind === 'own') q = q.where('c.partner_id', '=', reach.partnerId);
  if (reach.kind === 'portfolio') q = q.where('p.manager_user_id', '=', reach.managerUserId);
  return q;
}

/** Claims within reach, newest first (open ones by deadline when `open` is set). */
export async function listClaims(
  db: Db,
  reach: ClaimReach,
  f: {
    partnerId?: string | undefined;
    state?: ClaimState | undefined;
    open?: boolean | undefined;
    limit: number;
  },
  now: Date,
) {
  let q = scoped(db, reach);
  if (f.partnerId) q = q.where('c.partner_id', '=', f.partnerId);
  if (f.state) q = q.where('c.state', '=', f.state);
  if (f.open) q = q.where('c.state', 'in', ['open', 'in_review']);
  q = f.open
    ? q.orderBy('c.due_at').orderBy('c.id')
    : q.orderBy('c.created_at', 'desc').orderBy('c.id', 'desc');
  const rows = (await q.limit(f.limit).execute()) as (ClaimRow & { partner_name: string })[];
  return rows.map((r) => staffClaimView(r, now));
}

/** One claim within reach, else 404 (the same answer as for an unknown id). */
export async function loadClaimOrThrow(db: Db, reach: ClaimReach, id: string, forUpdate = false) {
  const q = scoped(db, reach).where('c.id', '=', id);
  const row = await (forUpdate ? q.forUpdate('c') : q).executeTakeFirst();
  if (!row) throw notFound('Claim');
  return row as ClaimRow & { partner_name: string };
}

/**
 * Moves a claim (review, accept with an amount, reject with a response), audited. Accepting books a manual
 * adjustment line for the partner through the ledger's manual-adjustment path, linked to the claim.
 */
export async function transitionClaim(
  trx: Transaction<Database>,
  actor: Actor,
  reach: ClaimReach,
  input: { id: string; action: ClaimAction; amount?: string | undefined; response?: string | undefined },
  now: Date,
) {
  const c = await loadClaimOrThrow(trx, reach, input.id, true);
  const d = decideClaimTransition(c.state, input.action);
  if (d.kind === 'refuse') throw new AppError('INVALID_TRANSITION', d.reason, { state: c.state });
  const response = input.response?.trim() || null;
  if (input.action === 'reject' && (!response || response.length < 3))
    throw new AppError('VALIDATION_FAILED', 'a response is required to reject a claim', {
      fields: [{ path: '/response', message: 'is required (at least 3 characters)', in: 'body' }],
    });
  let accepted: bigint | null = null;
  let lineId: string | null = null;
  if (input.action === 'accept') {
    if (!input.amount)
      throw new AppError('VALIDATION_FAILED', 'an amount is required to accept a claim', {
        fields: [{ path: '/amount', message: 'is required', in: 'body' }],
      });
    accepted = parseAmount(input.amount, c.currency, '/amount');
    const line = await bookManualAdjustment(
      trx,
      actor,
      {
        key: `claim:${c.id}`,
        partnerId: c.partner_id,
        brandId: c.brand_id,
        amount: accepted,
        currency: c.currency,
        reason: `claim ${c.id}: ${response ?? c.reason}`.slice(0, 1000),
        customerId: /^cu_[a-z0-9]+$/i.test(c.customer_ref) ? c.customer_ref : null,
        claimId: c.id,
      },
      now,
    );
    lineId = line.id;
  }
  await trx
    .updateTable('commission_claims')
    .set({
      state: d.to,
      updated_at: now,
      ...(input.action === 'review'
        ? {}
        : {
            response,
            decided_by: actor.id,
            decided_at: now,
            accepted_amount: accepted === null ? null : accepted.toString(),
            adjustment_line_id: lineId,
          }),
    })
    .where('id', '=', c.id)
    .execute();
  await appendAudit(
    trx,
    actor,
    {
      action: `claim.${input.action === 'review' ? 'in_review' : d.to}`,
      entityType: 'commission_claim',
      entityId: c.id,
      detail: {
        partnerId: c.partner_id,
        from: c.state,
        to: d.to,
        ...(response ? { response } : {}),
        ...(accepted !== null ? { acceptedAmount: accepted.toString(), currency: c.currency } : {}),
        ...(lineId ? { adjustmentLineId: lineId } : {}),
      },
    },
    now,
  );
  if (input.action !== 'review')
    await notify(
      trx,
      {
        event: 'claim_answered',
        partnerId: c.partner_id,
        data: {
          claimReference: c.customer_ref,
          decision: d.to,
          response:
            accepted !== null
              ? `${fmt(accepted.toString(), c.currency)} ${c.currency} was added to your earnings.${response ? ` ${response}` : ''}`
              : response,
        },
        link: '/portal/earnings',
        dedupeKey: `claim_answered:${c.id}`,
      },
      now,
    );
  return loadClaimOrThrow(trx, reach, c.id);
}

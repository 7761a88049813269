import { stringify } from 'csv-stringify/sync';
import { sql, type Transaction } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { type Actor, appendAudit } from '../audit/audit-store.js';
import { describeRateProblem, findFxRate } from '../fx/fx-store.js';
import { calculateTransfer } from '../ledger/calculate-postings.js';
import { entryRows, insertEntries, type EntryRow } from '../ledger/ledger-store.js';
import { loadLedgerSettings } from '../ledger/settings-store.js';
import { convertMoney, formatScaled, minorDigits, parseDecimalOrThrow } from '../money/index.js';
import { notify } from '../notifications/notification-store.js';
import type { Database } from '../platform/db/schema.js';
import { AppError, notFound } from '../platform/http/errors.js';
import type { Mailer } from '../platform/mail.js';
import type { BrandRow } from '../ledger/close-inputs-store.js';
import { calculateIbanCheck, isBic } from './calculate-iban.js';
import { calculatePain001 } from './calculate-pain001.js';
import { decideNegativeBalanceRule } from './decide-negative-balance.js';
import { decidePayout, type PayoutCandidate } from './decide-payout.js';
import { loadDealsInForceOn, writeOffNegativeBalance } from './write-off-store.js';

type Trx = Transaction<Database>;
type Db = import('kysely').Kysely<Database> | Trx;

export interface MethodInput {
  kind: 'bank' | 'crypto' | 'ewallet';
  currency: string;
  details: Record<string, string>;
}

/** Validates a payment method's details: IBAN (mod-97) and BIC for banks, address for crypto, account for e-wallets. */
export function checkMethod(m: MethodInput): Record<string, string> {
  const bad = (path: string, message: string) =>
    new AppError('VALIDATION_FAILED', `payment method: ${path.slice(1)} ${message}`, {
      fields: [{ path, message, in: 'body' }],
    });
  const d = m.details;
  if (m.kind === 'bank') {
    if (!d.holder?.trim()) throw bad('/details/holder', 'is required');
    const iban = calculateIbanCheck(d.iban ?? '');
    if (iban.kind === 'invalid') throw bad('/details/iban', iban.reason);
    const bic = d.bic?.replace(/\s+/g, '').toUpperCase();
    if (bic && !isBic(bic)) throw bad('/details/bic', 'is not a BIC');
    return { holder: d.holder.trim(), iban: iban.iban, ...(bic ? { bic } : {}) };
  }
  if (m.kind === 'crypto') {
    if (!d.network?.trim()) throw bad('/details/network', 'is required');
    if (!/^[A-Za-z0-9]{20,100}$/.test(d.address ?? ''))
      throw bad('/details/address', 'is not a wallet address');
    return { network: d.network.trim(), address: d.address! };
  }
  if (!d.provider?.trim()) throw bad('/details/provider', 'is required');
  if (!d.account?.trim()) throw bad('/details/account', 'is required');
  return { provider: d.provider.trim(), account: d.account.trim() };
}

/**
 * Sets a partner's payment method. A change of an existing method is not paid before the cooling-off
 * period has passed and the partner has been notified (by e-mail to the partner's address, here).
 */
export async function setPaymentMethod(
  trx: Trx,
  mailer: Mailer,
  actor: Actor,
  input: { partnerId: string; method: MethodInput; coolingOffHours: number },
  now: Date,
) {
  const details = checkMethod(input.method);
  const partner = await trx
    .selectFrom('partners')
    .select(['id', 'email', 'display_name'])
    .where('id', '=', input.partnerId)
    .executeTakeFirst();
  if (!partner) throw notFound('Partner');
  const current = await trx
    .selectFrom('payment_methods')
    .select(['id'])
    .where('partner_id', '=', input.partnerId)
    .where('superseded_at', 'is', null)
    .forUpdate()
    .executeTakeFirst();
  if (current)
    await trx
      .updateTable('payment_methods')
      .set({ superseded_at: now })
      .where('id', '=', current.id)
      .execute();
  const isChange = current !== undefined;
  let notifiedAt: Date | null = null;
  if (partner.email) {
    await mailer.send({
      to: partner.email,
      subject: 'Your payout method was changed',
      text: `Your payout method is now ${input.method.kind} (${input.method.currency}).${
        isChange ? ` Payouts to it start after ${input.coolingOffHours} hours.` : ''
      } If you did not make this change, contact us at once.`,
    });
    notifiedAt = now;
  }
  const row = await trx
    .insertInto('payment_methods')
    .values({
      id: uuidv7(),
      partner_id: input.partnerId,
      kind: input.method.kind,
      currency: input.method.currency,
      details: JSON.stringify(details),
      is_change: isChange,
      usable_from: new Date(now.getTime() + (isChange ? input.coolingOffHours * 3_600_000 : 0)),
      notified_at: notifiedAt,
      created_by: actor.id,
      created_at: now,
      superseded_at: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await appendAudit(
    trx,
    actor,
    {
      action: isChange ? 'payment_method.changed' : 'payment_method.set',
      entityType: 'partner',
      entityId: input.partnerId,
      detail: {
        methodId: row.id,
        kind: row.kind,
        currency: row.currency,
        usableFrom: row.usable_from.toISOString(),
        notified: notifiedAt !== null,
      },
    },
    now,
  );
  return row;
}

export function methodView(m: {
  id: string;
  kind: string;
  currency: string;
  details: unknown;
  is_change: boolean;
  usable_from: Date;
  notified_at: Date | null;
  created_at: Date;
}) {
  const d = (typeof m.details === 'string' ? JSON.parse(m.details) : m.details) as Record<string, string>;
  const masked = { ...d };
  if (masked.iban) masked.iban = `${masked.iban.slice(0, 4)}…${masked.iban.slice(-4)}`;
  if (masked.address) masked.address = `${masked.address.slice(0, 6)}…${masked.address.slice(-4)}`;
  return {
    id: m.id,
    kind: m.kind,
    currency: m.currency,
    details: masked,
    isChange: m.is_change,
    usableFrom: m.usable_from.toISOString(),
    notifiedAt: m.notified_at?.toISOString() ?? null,
    createdAt: m.created_at.toISOString(),
  };
}

async function nextInvoiceNumber(trx: Trx, brandId: string): Promise<number> {
  const r = await sql<{
    n: string;
  }>`insert into invoice_sequences (brand_id, last_number) values (${brandId}, 1)
    on conflict (brand_id) do update set last_number = invoice_sequences.last_number + 1
    returning last_number::text as n`.execute(trx);
  return Number(r.rows[0]!.n);
}

export interface BatchOutcome {
  batchId: string;
  lines: { partnerId: string; currency: string; amount: string; payCurrency: string; payAmount: string }[];
  /** Partners left out, with the reason (`written_off`: a negative balance written off per the deal). */
  skipped: {
    partnerId: string;
    currency: string;
    amount: string;
    reason: string;
    detail: string;
    writeOffLineId?: string;
  }[];
}

/**
 * Creates a payout batch of a brand for a pay date: every partner's payable lines that the schedule
 * allows by then (monthly: the booking period has ended; NET-N: N days after), netted per currency, go in
 * unless a rule holds them (threshold, tax form, cooling-off, suspension, negative balance: reasons kept on
 * the batch). Their money moves from payable to in-payout. A negative balance carries, or, when the deal in
 * force on the pay date says `negativeBalance: reset`, is written off (writeOffNegativeBalance).
 */
export async function createPayoutBatch(
  trx: Trx,
  actor: Actor,
  input: { brandId: string; payDate: string },
  now: Date,
): Promise<BatchOutcome> {
  const settings = await loadLedgerSettings(trx, input.brandId);
  const netDays = settings.schedule === 'net' ? settings.netDays : 0;
  const lines = await trx
    .selectFrom('commission_lines as l')
    .innerJoin('ledger_periods as p', 'p.id', 'l.period_id')
    .select(['l.id', 'l.partner_id', 'l.currency', 'l.amount', 'l.segment', 'p.period'])
    .where('l.brand_id', '=', input.brandId)
    .where('l.state', '=', 'payable')
    .where('l.payout_line_id', 'is', null)
    .where(sql<boolean>`p.ends_on + ${netDays}::int <= ${input.payDate}::date`)
    .orderBy('l.partner_id')
    .orderBy('l.id')
    .forUpdate('l')
    .execute();
  const groups = new Map<
    string,
    { partnerId: string; currency: string; amount: bigint; ids: string[]; rows: typeof lines }
  >();
  for (const l of lines) {
    const k = `${l.partner_id}|${l.currency}`;
    const g = groups.get(k) ?? {
      partnerId: l.partner_id,
      currency: l.currency,
      amount: 0n,
      ids: [],
      rows: [],
    };
    g.amount += BigInt(l.amount);
    g.ids.push(l.id);
    g.rows.push(l);
    groups.set(k, g);
  }
  const partnerIds = [...new Set([...groups.values()].map((g) => g.partnerId))];
  const partners = partnerIds.length
    ? await trx
        .selectFrom('partners')
        .select(['id', 'display_name', 'legal_name', 'payouts_blocked', 'tax_form_status'])
        .where('id', 'in', partnerIds)
        .execute()
    : [];
  const methods = partnerIds.length
    ? await trx
        .selectFrom('payment_methods')
        .selectAll()
        .where('partner_id', 'in', partnerIds)
        .where('superseded_at', 'is', null)
        .execute()
    : [];
  const negativeIds = [...new Set([...groups.values()].filter((g) => g.amount < 0n).map((g) => g.partnerId))];
  const dealsInForce = await loadDealsInForceOn(trx, input.brandId, negativeIds, input.payDate);
  const brand = negativeIds.length
    ? ((await trx
        .selectFrom('brands')
        .select(['id', 'code', 'vertical', 'currency', 'timezone', 'jurisdictions'])
        .where('id', '=', input.brandId)
        .executeTakeFirstOrThrow()) as BrandRow)
    : null;
  const batchId = uuidv7();
  await trx
    .insertInto('payout_batches')
    .values({
      id: batchId,
      brand_id: input.brandId,
      pay_date: input.payDate,
      status: 'approving',
      approval_steps: settings.approvalSteps,
      skipped: '[]',
      created_by: actor.id,
      created_at: now,
      exported_at: null,
      export_format: null,
    })
    .execute();
  const out: BatchOutcome = { batchId, lines: [], skipped: [] };
  const entries: EntryRow[] = [];
  for (const g of groups.values()) {
    const p = partners.find((x) => x.id === g.partnerId)!;
    const m = methods.find((x) => x.partner_id === g.partnerId) ?? null;
    const rule = g.amount < 0n ? decideNegativeBalanceRule(dealsInForce.get(g.partnerId) ?? []) : null;
    const cand: PayoutCandidate = {
      partnerId: g.partnerId,
      negativeBalance: rule?.policy ?? 'carry',
      currency: g.currency,
      amount: g.amount,
      payoutsBlocked: p.payouts_blocked,
      taxFormStatus: p.tax_form_status,
      method: m
        ? { kind: m.kind, isChange: m.is_change, usableFrom: m.usable_from, notifiedAt: m.notified_at }
        : null,
    };
    const d = decidePayout(cand, settings, now);
    const skip = (reason: string, detail: string) =>
      out.skipped.push({
        partnerId: g.partnerId,
        currency: g.currency,
        amount: g.amount.toString(),
        reason,
        detail,
      });
    if (d.kind === 'skip') {
      skip(d.reason, rule ? `${d.detail}; ${rule.detail}` : d.detail);
      continue;
    }
    if (d.kind === 'write_off') {
      const w = await writeOffNegativeBalance(
        trx,
        actor,
        {
          brand: brand!,
          partnerId: g.partnerId,
          currency: g.currency,
          lines: g.rows.map((r) => ({
            id: r.id,
            amount: BigInt(r.amount),
            period: r.period,
            segment: r.segment,
          })),
          amount: d.amount,
          deal: rule!.deal!,
          batchId,
          payDate: input.payDate,
        },
        now,
      );
      out.skipped.push({
        partnerId: g.partnerId,
        currency: g.currency,
        amount: g.amount.toString(),
        reason: 'written_off',
        detail: `${rule!.detail} (write-off line ${w.lineId}, booked in ${w.bookedIn})`,
        writeOffLineId: w.lineId,
      });
      continue;
    }
    let payAmount = g.amount;
    let fxRate: string | null = null;
    if (m!.currency !== g.currency) {
      const r = await findFxRate(trx, g.currency, m!.currency, input.payDate, settings.fxMaxAgeDays);
      if (r.kind !== 'rate') {
        skip('fx_rate', describeRateProblem(r));
        continue;
      }
      fxRate = r.rate;
      payAmount = convertMoney(
        { amount: g.amount, currency: g.currency },
        parseDecimalOrThrow(r.rate),
        m!.currency,
        'half_up',
      ).amount;
    }
    const id = uuidv7();
    const invoice = settings.selfBilling
      ? `${settings.invoicePrefix}${String(await nextInvoiceNumber(trx, input.brandId)).padStart(6, '0')}`
      : null;
    await trx
      .insertInto('payout_lines')
      .values({
        id,
        batch_id: batchId,
        partner_id: g.partnerId,
        currency: g.currency,
        amount: g.amount.toString(),
        pay_currency: m!.currency,
        pay_amount: payAmount.toString(),
        fx_rate: fxRate,
        method_id: m!.id,
        end_to_end_id: `CP${id.replace(/-/g, '').slice(0, 30)}`,
        invoice_number: invoice,
        status: 'pending',
        reference: null,
        failure_reason: null,
        settled_at: null,
      })
      .execute();
    for (let i = 0; i < g.ids.length; i += 5000)
      await trx
        .updateTable('commission_lines')
        .set({ payout_line_id: id })
        .where('id', 'in', g.ids.slice(i, i + 5000))
        .execute();
    entries.push(
      ...entryRows(calculateTransfer('partner_payable', 'partner_in_payout', g.amount), {
        key: `payout:${id}`,
        brandId: input.brandId,
        partnerId: g.partnerId,
        currency: g.currency,
        payoutLineId: id,
        cause: 'payout',
        bookedOn: input.payDate,
        now,
      }),
    );
    out.lines.push({
      partnerId: g.partnerId,
      currency: g.currency,
      amount: g.amount.toString(),
      payCurrency: m!.currency,
      payAmount: payAmount.toString(),
    });
  }
  await insertEntries(trx, entries);
  await trx
    .updateTable('payout_batches')
    .set({ skipped: JSON.stringify(out.skipped) })
    .where('id', '=', batchId)
    .execute();
  await appendAudit(
    trx,
    actor,
    {
      action: 'payout_batch.created',
      entityType: 'payout_batch',
      entityId: batchId,
      detail: { payDate: input.payDate, lines: out.lines, skipped: out.skipped },
    },
    now,
  );
  return out;
}

async function loadBatchForUpdate(trx: Trx, batchId: string) {
  const b = await trx
    .selectFrom('payout_batches')
    .selectAll()
    .where('id', '=', batchId)
    .forUpdate()
    .executeTakeFirst();
  if (!b) throw notFound('Payout batch');
  return b;
}

/** One approval step: the next step's role must be the user's role, and each step needs a different user. */
export async function approvePayoutBatch(
  trx: Trx,
  actor: Actor,
  input: { batchId: string; userId: string; role: string },
  now: Date,
) {
  const b = await loadBatchForUpdate(trx, input.batchId);
  if (b.status !== 'approving')
    throw new AppError('INVALID_TRANSITION', `batch is ${b.status}: nothing to approve`);
  const done = await trx
    .selectFrom('payout_approvals')
    .select(['step', 'user_id'])
    .where('batch_id', '=', b.id)
    .execute();
  const step = done.length;
  const role = b.approval_steps[step]!;
  if (role !== input.role)
    throw new AppError('FORBIDDEN', `step ${step + 1} of ${b.approval_steps.length} is for role ${role}`);
  if (done.some((d) => d.user_id === input.userId))
    throw new AppError('CONFLICT', 'each approval step must be taken by a different user');
  await trx
    .insertInto('payout_approvals')
    .values({ batch_id: b.id, step, role, user_id: input.userId, approved_at: now })
    .execute();
  const complete = step + 1 === b.approval_steps.length;
  if (complete)
    await trx.updateTable('payout_batches').set({ status: 'approved' }).where('id', '=', b.id).execute();
  await appendAudit(
    trx,
    actor,
    {
      action: 'payout_batch.approved_step',
      entityType: 'payout_batch',
      entityId: b.id,
      detail: { step: step + 1, of: b.approval_steps.length, role },
    },
    now,
  );
  return {
    step: step + 1,
    of: b.approval_steps.length,
    status: complete ? ('approved' as const) : ('approving' as const),
  };
}

async function batchLinesWithMethods(db: Db, batchId: string) {
  return db
    .selectFrom('payout_lines as pl')
    .innerJoin('payment_methods as m', 'm.id', 'pl.method_id')
    .innerJoin('partners as p', 'p.id', 'pl.partner_id')
    .select([
      'pl.id',
      'pl.partner_id',
      'pl.currency',
      'pl.amount',
      'pl.pay_currency',
      'pl.pay_amount',
      'pl.fx_rate',
      'pl.end_to_end_id',
      'pl.invoice_number',
      'pl.status',
      'pl.reference',
      'pl.failure_reason',
      'm.kind',
      'm.details',
      'p.display_name',
      'p.legal_name',
      'p.vat_number',
    ])
    .where('pl.batch_id', '=', batchId)
    .orderBy('pl.end_to_end_id')
    .execute();
}

/**
 * Exports an approved batch: CSV (every line) or SEPA pain.001.001.03 (the EUR bank lines). Marks the
 * batch exported; exporting again gives the same file content.
 */
export async function exportPayoutBatch(
  trx: Trx,
  actor: Actor,
  input: { batchId: string; format: 'csv' | 'pain001' },
  now: Date,
): Promise<{ content: string; contentType: string; filename: string; count: number }> {
  const b = await loadBatchForUpdate(trx, input.batchId);
  if (b.status === 'approving' || b.status === 'cancelled')
    throw new AppError(
      'INVALID_TRANSITION',
      `batch is ${b.status}: it can be exported once every approval step is taken`,
    );
  const settings = await loadLedgerSettings(trx, b.brand_id);
  const lines = await batchLinesWithMethods(trx, b.id);
  let content: string;
  let count: number;
  if (input.format === 'csv') {
    const rows = lines.map((l) => {
      const d = (typeof l.details === 'string' ? JSON.parse(l.details) : l.details) as Record<string, string>;
      return [
        l.end_to_end_id,
        l.partner_id,
        l.legal_name ?? l.display_name,
        l.kind,
        d.iban ?? d.address ?? d.account ?? '',
        d.bic ?? d.network ?? d.provider ?? '',
        formatScaled(BigInt(l.pay_amount), minorDigits(l.pay_currency)),
        l.pay_currency,
        formatScaled(BigInt(l.amount), minorDigits(l.currency)),
        l.currency,
        l.fx_rate ?? '',
        l.invoice_number ?? '',
        settings.selfBilling ? (l.vat_number ?? '') : '',
        settings.selfBilling ? (settings.vatTreatment ?? '') : '',
        l.status,
      ];
    });
    content = stringify(rows, {
      header: true,
      columns: [
        'end_to_end_id',
        'partner_id',
        'payee',
        'method',
        'account',
        'bank_or_network',
        'pay_amount',
        'pay_currency',
        'ledger_amount',
        'ledger_currency',
        'fx_rate',
        'invoice_number',
        'vat_number',
        'vat_treatment',
        'status',
      ],
    });
    count = rows.length;
  } else {
    if (!settings.debtor.iban || !settings.debtor.name)
      throw new AppError(
        'CONFLICT',
        'set the brand debtor name and IBAN (ledger settings) before a pain.001 export',
      );
    const sepa = lines.filter((l) => l.kind === 'bank' && l.pay_currency === 'EUR' && l.status !== 'failed');
    content = calculatePain001({
      messageId: `CONSORT-${b.id.replace(/-/g, '').slice(0, 24)}`,
      createdAt: now,
      executionDate: b.pay_date,
      initiatorName: settings.debtor.name,
      debtorName: settings.debtor.name,
      debtorIban: settings.debtor.iban,
      debtorBic: settings.debtor.bic,
      payments: sepa.map((l) => {
        const d = (typeof l.details === 'string' ? JSON.parse(l.details) : l.details) as Record<
          string,
          string
        >;
        return {
          endToEndId: l.end_to_end_id,
          amount: BigInt(l.pay_amount),
          creditorName: d.holder ?? l.legal_name ?? l.display_name,
          creditorIban: d.iban!,
          creditorBic: d.bic ?? null,
          remittance: `Commission ${b.pay_date}${l.invoice_number ? ` invoice ${l.invoice_number}` : ''}`,
        };
      }),
    });
    count = sepa.length;
  }
  if (b.status === 'approved')
    await trx
      .updateTable('payout_batches')
      .set({ status: 'exported', exported_at: now, export_format: input.format })
      .where('id', '=', b.id)
      .execute();
  await appendAudit(
    trx,
    actor,
    {
      action: 'payout_batch.exported',
      entityType: 'payout_batch',
      entityId: b.id,
      detail: { format: input.format, count },
    },
    now,
  );
  return {
    content,
    count,
    contentType: input.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/xml',
    filename: `payout-${b.id}.${input.format === 'csv' ? 'csv' : 'xml'}`,
  };
}

/**
 * Settles one payout line: `paid` with the bank or wallet reference (lines paid, money leaves to cash), or
 * `failed` with the reason (the money returns to the partner's payable balance and the lines to the next batch).
 */
export async function settlePayoutLine(
  trx: Trx,
  actor: Actor,
  input: { payoutLineId: string; outcome: 'paid' | 'failed'; reference?: string; reason?: string },
  now: Date,
) {
  const pl = await trx
    .selectFrom('payout_lines as pl')
    .innerJoin('payout_batches as b', 'b.id', 'pl.batch_id')
    .select([
      'pl.id',
      'pl.batch_id',
      'pl.partner_id',
      'pl.currency',
      'pl.amount',
      'pl.status',
      'b.status as batch_status',
      'b.brand_id',
    ])
    .where('pl.id', '=', input.payoutLineId)
    .forUpdate('pl')
    .executeTakeFirst();
  if (!pl) throw notFound('Payout line');
  if (pl.batch_status !== 'exported' && pl.batch_status !== 'done')
    throw new AppError(
      'INVALID_TRANSITION',
      `batch is ${pl.batch_status}: export it before marking payments`,
    );
  if (pl.status !== 'pending')
    throw new AppError('INVALID_TRANSITION', `payout line is already ${pl.status}`);
  const amount = BigInt(pl.amount);
  const today = now.toISOString().slice(0, 10);
  if (input.outcome === 'paid') {
    if (!input.reference?.trim())
      throw new AppError('VALIDATION_FAILED', 'a payment reference is required', {
        fields: [{ path: '/reference', message: 'is required' }],
      });
    await trx
      .updateTable('payout_lines')
      .set({ status: 'paid', reference: input.reference.trim(), settled_at: now })
      .where('id', '=', pl.id)
      .execute();
    await trx
      .updateTable('commission_lines')
      .set({
        state: 'paid',
        state_reason: `paid: ${input.reference.trim()}`,
        state_changed_at: now,
        state_changed_by: actor.id,
      })
      .where('payout_line_id', '=', pl.id)
      .execute();
    await insertEntries(
      trx,
      entryRows(calculateTransfer('partner_in_payout', 'cash', amount), {
        key: `paid:${pl.id}`,
        brandId: pl.brand_id,
        partnerId: pl.partner_id,
        currency: pl.currency,
        payoutLineId: pl.id,
        cause: 'paid',
        bookedOn: today,
        now,
      }),
    );
    await notify(
      trx,
      {
        event: 'payout_sent',
        partnerId: pl.partner_id,
        data: {
          amount: `${formatScaled(amount, minorDigits(pl.currency))} ${pl.currency}`,
          reference: input.reference.trim(),
        },
        link: '/portal/earnings',
      },
      now,
    );
  } else {
    if (!input.reason?.trim())
      throw new AppError('VALIDATION_FAILED', 'a failure reason is required', {
        fields: [{ path: '/reason', message: 'is required' }],
      });
    await trx
      .updateTable('payout_lines')
      .set({ status: 'failed', failure_reason: input.reason.trim(), settled_at: now })
      .where('id', '=', pl.id)
      .execute();
    await trx
      .updateTable('commission_lines')
      .set({ payout_line_id: null })
      .where('payout_line_id', '=', pl.id)
      .execute();
    await insertEntries(
      trx,
      entryRows(calculateTransfer('partner_in_payout', 'partner_payable', amount), {
        key: `payout_failed:${pl.id}`,
        brandId: pl.brand_id,
        partnerId: pl.partner_id,
        currency: pl.currency,
        payoutLineId: pl.id,
        cause: 'payout_failed',
        bookedOn: today,
        now,
      }),
    );
  }
  const open = await trx
    .selectFrom('payout_lines')
    .select('id')
    .where('batch_id', '=', pl.batch_id)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  if (!open)
    await trx.updateTable('payout_batches').set({ status: 'done' }).where('id', '=', pl.batch_id).execute();
  await appendAudit(
    trx,
    actor,
    {
      action: input.outcome === 'paid' ? 'payout_line.paid' : 'payout_line.failed',
      entityType: 'payout_line',
      entityId: pl.id,
      detail: {
        amount: pl.amount,
        currency: pl.currency,
        reference: input.reference ?? null,
        reason: input.reason ?? null,
      },
    },
    now,
  );
  return { id: pl.id, status: input.outcome };
}

export async function loadBatchView(db: Db, batchId: string) {
  const b = await db.selectFrom('payout_batches').selectAll().where('id', '=', batchId).executeTakeFirst();
  if (!b) throw notFound('Payout batch');
  const lines = await batchLinesWithMethods(db, b.id);
  const partnerIds = [...new Set(lines.map((l) => l.partner_id))];
  const names = new Map(
    partnerIds.length === 0
      ? []
      : (
          await db
            .selectFrom('partners')
            .select(['id', 'display_name'])
            .where('id', 'in', partnerIds)
            .execute()
        ).map((p) => [p.id, p.display_name] as const),
  );
  const approvals = await db
    .selectFrom('payout_approvals')
    .selectAll()
    .where('batch_id', '=', b.id)
    .orderBy('step')
    .execute();
  return {
    id: b.id,
    brandId: b.brand_id,
    payDate: b.pay_date,
    status: b.status,
    approvalSteps: b.approval_steps,
    approvals: approvals.map((a) => ({
      step: a.step + 1,
      role: a.role,
      userId: a.user_id,
      at: a.approved_at.toISOString(),
    })),
    skipped: (typeof b.skipped === 'string' ? JSON.parse(b.skipped) : b.skipped) as BatchOutcome['skipped'],
    lines: lines.map((l) => ({
      id: l.id,
      partnerId: l.partner_id,
      partnerName: names.get(l.partner_id) ?? '',
      currency: l.currency,
      amount: formatScaled(BigInt(l.amount), minorDigits(l.currency)),
      payCurrency: l.pay_currency,
      payAmount: formatScaled(BigInt(l.pay_amount), minorDigits(l.pay_currency)),
      fxRate: l.fx_rate,
      method: l.kind,
      endToEndId: l.end_to_end_id,
      invoiceNumber: l.invoice_number,
      status: l.status,
      reference: l.reference,
      failureReason: l.failure_reason,
    })),
  };
}

/** Ids of the partners a partner manager manages (the portfolio). */
export async function portfolioPartnerIds(db: Db, managerUserId: string): Promise<Set<string>> {
  const rows = await db
    .selectFrom('partners')
    .select('id')
    .where('manager_user_id', '=', managerUserId)
    .execute();
  return new Set(rows.map((r) => r.id));
}

/**
 * A batch view cut to a portfolio: its lines and left-out partners of the portfolio only; 404 (as for an unknown
 * batch) when the batch has nothing of the portfolio.
 */
export function restrictBatchView(
  view: Awaited<ReturnType<typeof loadBatchView>>,
  partnerIds: ReadonlySet<string>,
) {
  const lines = view.lines.filter((l) => partnerIds.has(l.partnerId));
  const skipped = (view.skipped ?? []).filter(
    (x) => x.partnerId !== undefined && partnerIds.has(x.partnerId),
  );
  if (lines.length === 0 && skipped.length === 0) throw notFound('Payout batch');
  return { ...view, lines, skipped };
}

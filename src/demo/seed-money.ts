import type { Transaction } from 'kysely';
import type { Actor } from '../audit/audit-store.js';
import { verifyAndRecord } from '../audit/verify-audit-chain.js';
import { writeAudited } from '../audit/write-audited.js';
import type { FxRow } from '../fx/calculate-fx-rows.js';
import { saveFxRates } from '../fx/fx-store.js';
import { closePeriod } from '../ledger/close-period.js';
import { transitionLines } from '../ledger/ledger-store.js';
import { loadLedgerSettings } from '../ledger/settings-store.js';
import { answerNpsSurvey, openNpsSurvey } from '../partners/nps-store.js';
import {
  approvePayoutBatch,
  createPayoutBatch,
  exportPayoutBatch,
  type MethodInput,
  setPaymentMethod,
  settlePayoutLine,
} from '../payouts/payout-store.js';
import type { Database } from '../platform/db/schema.js';
import type { Mailer } from '../platform/mail.js';
import type { Services } from '../platform/services.js';
import { refreshCohortsAudited } from '../reporting/jobs.js';
import { issueStatement } from '../statements/statement-store.js';
import { DEMO_HISTORY_DAYS } from './seed-partners.js';
import { prng } from './seed-activity.js'; // its own seed: the rates do not shift the activity

const DAY = 86_400_000;
const HOUR = 3_600_000;

/**
 * The `source` of the demo's exchange rates. The demo runs at today's date, past the end of the ECB file in
 * ../shared/data/ecb, so its rates are made up, and say so wherever a rate is shown or recorded.
 */
export const DEMO_FX_SOURCE = 'demo (synthetic rates, not ECB)';

/** EUR-based demo rates: [quote, start rate, largest daily move], in ten-thousandths. */
const FX_PAIRS: Array<[string, number, number]> = [
  ['USD', 10850, 35],
  ['GBP', 8450, 20],
];

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const month = (ms: number) => new Date(ms).toISOString().slice(0, 7);

/** Demo rates for every weekday of the demo's history up to today (deterministic random walk, 4 decimals). */
export function demoFxRows(todayMs: number): FxRow[] {
  const rnd = prng(20261126);
  const rows: FxRow[] = [];
  const level = FX_PAIRS.map(([, start]) => start);
  for (let t = todayMs - DEMO_HISTORY_DAYS * DAY; t <= todayMs; t += DAY) {
    const wd = new Date(t).getUTCDay();
    if (wd === 0 || wd === 6) continue;
    FX_PAIRS.forEach(([quote, start, step], i) => {
      // a bounded walk around the start rate (±3 %)
      const next = level[i]! + Math.round((rnd() * 2 - 1) * step);
      level[i] = Math.min(Math.round(start * 1.03), Math.max(Math.round(start * 0.97), next));
      rows.push({
        date: day(t),
        base: 'EUR',
        quote,
        rate: (level[i]! / 10000).toFixed(4),
        source: DEMO_FX_SOURCE,
      });
    });
  }
  return rows;
}

/** Payment methods are set by the seed; nobody is e-mailed about a demo partner's bank details. */
const quietMailer: Mailer = { send: async () => {}, close: () => {} };

const METHODS: Record<string, MethodInput> = {
  'Maya Creator': {
    kind: 'bank',
    currency: 'EUR',
    details: { holder: 'Maya Creator', iban: 'GB82WEST12345698765432', bic: 'WESTGB2L' },
  },
  'Northwind Media Ltd': {
    kind: 'bank',
    currency: 'EUR',
    details: { holder: 'Northwind Media Ltd', iban: 'MT84MALT011000012345MTLCAST001S' },
  },
  'Kestrel Capital IB': {
    kind: 'bank',
    currency: 'USD',
    details: { holder: 'Kestrel Capital IB Ltd', iban: 'CY17002001280000001200527600' },
  },
};

const NPS_SCORES = [9, 10, 8, 10, 6, 9, 7, 10, 4, 9, 8, 10, 9, 3, 10, 9, 8, 10];

/**
 * The money side of the demo, through the product's own services (every step audited): demo exchange rates,
 * then the operator's last two months replayed at the time they would have happened — the month before last
 * closed on the 2nd, approved by finance, paid on the 15th (batch approved, exported and settled) and its
 * statements sealed; last month closed on the 2nd, partly approved, its statements sealed and a payout batch
 * waiting for finance's approval. Then an NPS survey the partners answered over the last weeks (Maya has not:
 * her portal asks her), the customer-cohort aggregate behind LTV, and a verification of the audit chain.
 */
export async function seedDemoMoney(s: Services): Promise<void> {
  const actor: Actor = { type: 'system', id: 'seed-demo' };
  const now = s.clock();
  const today = Math.floor(now.getTime() / DAY) * DAY;
  /** The services as they were at `ms` (never later than now): the history is replayed at its own time. */
  const at = (ms: number): Services => {
    const t = new Date(Math.min(ms, now.getTime()));
    return { ...s, clock: () => t };
  };
  const writeAt = <T>(ms: number, fn: (trx: Transaction<Database>, now: Date) => Promise<T>) =>
    writeAudited(at(ms), fn);

  await writeAt(today - DEMO_HISTORY_DAYS * DAY + 8 * HOUR, (trx, t) =>
    saveFxRates(trx, actor, demoFxRows(today), t),
  );

  const brands = await s.db.selectFrom('brands').select(['id', 'code']).orderBy('code').execute();
  const finance = await s.db
    .selectFrom('users')
    .select('id')
    .where('role', '=', 'finance')
    .orderBy('email')
    .executeTakeFirst();
  const partners = await s.db
    .selectFrom('partners')
    .select(['id', 'display_name', 'status', 'created_at', 'email'])
    .orderBy('created_at')
    .orderBy('display_name')
    .execute();
  if (brands.length === 0 || !finance) return;

  // payment methods, from the start of the history: the three traffic partners' banks, and an e-wallet for
  // every other generated active partner (the rest are left out of payout batches with the reason shown)
  await writeAt(today - DEMO_HISTORY_DAYS * DAY + 11 * HOUR, async (trx, t) => {
    let i = 0;
    for (const p of partners) {
      const m =
        METHODS[p.display_name] ??
        (p.status === 'active' && p.email && i++ % 2 === 0
          ? { kind: 'ewallet' as const, currency: 'EUR', details: { provider: 'Skrill', account: p.email } }
          : undefined);
      if (m)
        await setPaymentMethod(
          trx,
          quietMailer,
          actor,
          { partnerId: p.id, method: m, coolingOffHours: 0 },
          t,
        );
    }
  });

  const thisMonth = Date.parse(`${month(today)}-01T00:00:00Z`);
  const lastMonth = Date.parse(`${month(thisMonth - DAY)}-01T00:00:00Z`);
  const monthBefore = Date.parse(`${month(lastMonth - DAY)}-01T00:00:00Z`);
  const activityStart = today - 90 * DAY;
  const periods = [
    ...(activityStart <= monthBefore ? [{ start: monthBefore, next: lastMonth, paid: true }] : []),
    { start: lastMonth, next: thisMonth, paid: false },
  ];

  for (const p of periods) {
    const period = month(p.start);
    for (const b of brands) await closePeriod(at(p.next + DAY + 9 * HOUR), { brand: b.code, period, actor });
    // finance approves: everything of a month that is paid; of the last month, all but the forex brand's
    // lines (left pending on Commission lines)
    await writeAt(p.next + 3 * DAY + 10 * HOUR, async (trx, t) => {
      for (const b of brands) {
        if (!p.paid && b.code === 'apex-fx') continue;
        const ids = (
          await trx
            .selectFrom('commission_lines as l')
            .innerJoin('ledger_periods as lp', 'lp.id', 'l.period_id')
            .select('l.id')
            .where('l.brand_id', '=', b.id)
            .where('lp.period', '=', period)
            .where('l.state', '=', 'pending')
            .orderBy('l.id')
            .execute()
        ).map((r) => r.id);
        await transitionLines(
          trx,
          actor,
          { ids, action: 'approve', reason: `demo: ${period} checked by finance`, today: day(t.getTime()) },
          t,
        );
      }
    });
    if (p.paid) {
      // pay day, the 15th: one batch per brand, approved by finance, exported and settled
      const payDay = p.next + 14 * DAY;
      for (const b of brands) {
        await writeAt(payDay + 10 * HOUR, async (trx, t) => {
          const batch = await createPayoutBatch(trx, actor, { brandId: b.id, payDate: day(payDay) }, t);
          if (batch.lines.length === 0) return;
          const steps = (await loadLedgerSettings(trx, b.id)).approvalSteps;
          if (steps.length !== 1 || steps[0] !== 'finance') return;
          await approvePayoutBatch(
            trx,
            actor,
            { batchId: batch.batchId, userId: finance.id, role: 'finance' },
            t,
          );
          await exportPayoutBatch(trx, actor, { batchId: batch.batchId, format: 'csv' }, t);
          const lines = await trx
            .selectFrom('payout_lines')
            .select(['id', 'end_to_end_id'])
            .where('batch_id', '=', batch.batchId)
            .orderBy('end_to_end_id')
            .execute();
          for (const l of lines)
            await settlePayoutLine(
              trx,
              actor,
              { payoutLineId: l.id, outcome: 'paid', reference: `DEMO-${l.end_to_end_id.slice(2, 14)}` },
              t,
            );
        });
      }
    } else {
      // this month's batch of the casino brand waits for finance's approval (Payouts, and the task queue)
      const b = brands.find((x) => x.code === 'lucky-spins');
      if (b)
        await writeAt(today + 8 * HOUR, (trx, t) =>
          createPayoutBatch(trx, actor, { brandId: b.id, payDate: day(today) }, t),
        );
    }
    // sealed statements of the period for every partner with lines in it
    await writeAt((p.paid ? p.next + 15 * DAY : p.next + 4 * DAY) + 10 * HOUR, async (trx, t) => {
      const rows = await trx
        .selectFrom('commission_lines as l')
        .innerJoin('ledger_periods as lp', 'lp.id', 'l.period_id')
        .select(['l.brand_id', 'l.partner_id'])
        .distinct()
        .where('lp.period', '=', period)
        .where('l.partner_id', 'is not', null)
        .orderBy('l.brand_id')
        .orderBy('l.partner_id')
        .execute();
      for (const r of rows)
        await issueStatement(trx, actor, { brandId: r.brand_id, partnerId: r.partner_id!, period }, t);
    });
  }

  // NPS: a survey opened six weeks ago, answered by the partners over the following weeks (not Maya)
  const surveyAt = today - 42 * DAY + 9 * HOUR;
  const surveyId = await writeAt(surveyAt, (trx, t) =>
    openNpsSurvey(
      trx,
      actor,
      { question: 'How likely are you to recommend our partner program to a colleague?' },
      t,
    ),
  );
  const logins = new Map(
    (
      await s.db
        .selectFrom('users')
        .select(['id', 'partner_id'])
        .where('role', '=', 'partner')
        .where('partner_id', 'is not', null)
        .execute()
    ).map((u) => [u.partner_id!, u.id]),
  );
  const answering = (
    await s.db
      .selectFrom('partners')
      .selectAll()
      .where('status', 'in', ['active', 'contracted', 'suspended'])
      .where('display_name', '<>', 'Maya Creator')
      .orderBy('created_at')
      .orderBy('display_name')
      .execute()
  ).slice(0, NPS_SCORES.length);
  for (const [k, partner] of answering.entries())
    await writeAt(surveyAt + (1 + ((k * 7) % 40)) * DAY + ((k * 5) % 9) * HOUR, (trx, t) =>
      answerNpsSurvey(
        trx,
        actor,
        { partner, surveyId, score: NPS_SCORES[k]!, userId: logins.get(partner.id) ?? null },
        t,
      ),
    );

  await refreshCohortsAudited(s, actor, 'demo seed');
  await verifyAndRecord(s.db, actor, 'demo seed', s.clock());
  s.auditChainer.kick();
}

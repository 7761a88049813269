import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closePeriod } from '../../src/ledger/close-period.js';
import { ledgerBalanced } from '../../src/ledger/ledger-store.js';
import { createTestContext, type Session, type TestContext } from '../helpers/test-app.js';
import {
  addCustomer,
  addIgDay,
  addProgram,
  addPurchase,
  addRate,
  addRefund,
  addTrade,
  balancesMatchLines,
} from './support.js';

const XSD = path.resolve(import.meta.dirname, '../../../shared/data/iso20022/pain.001.001.03.xsd');
const ACTOR = { type: 'system' as const, id: 'test' };
/** 15% of each purchase, recurring; a refund within 14 days voids the commission, later ones claw it back. */
const PROP_PURCHASE_15 = {
  id: 'ch',
  kind: 'prop_purchase',
  rate: '15',
  purchases: 'recurring',
  base: 'amount_paid',
  refundWindowDays: 14,
  onRefund: 'clawback',
};

let ctx: TestContext;
let now = new Date('2025-02-03T10:00:00Z');
let finance: Session;
let compliance: Session;

beforeAll(async () => {
  ctx = await createTestContext({}, { clock: () => now });
  finance = await ctx.loginAs('finance');
  compliance = await ctx.loginAs('compliance');
}, 60_000);
/** Moves the test clock and signs in again (sessions expire by the same clock). */
async function setNow(iso: string) {
  now = new Date(iso);
  finance = await ctx.loginAs('finance');
  compliance = await ctx.loginAs('compliance');
}

afterAll(async () => {
  await ctx?.close();
});

async function expectInvariant(partnerId: string) {
  const b = await balancesMatchLines(ctx.services, partnerId);
  expect(b.fromEntries).toEqual(b.fromLines);
  expect(await ledgerBalanced(ctx.services.db)).toBe(true);
}

async function lines(partnerId: string) {
  const r = await finance.request('GET', `/api/v1/commission-lines?partnerId=${partnerId}`);
  expect(r.statusCode).toBe(200);
  return r.json().items as {
    id: string;
    kind: string;
    amountMinor: string;
    currency: string;
    state: string;
    explanation: { formula: string };
    holdUntil: string | null;
    correctsLineId: string | null;
    sourcePeriod: string;
    customerId: string | null;
  }[];
}

async function setMethod(partnerId: string, currency = 'EUR') {
  const r = await finance.request('PUT', `/api/v1/partners/${partnerId}/payment-method`, {
    kind: 'bank',
    currency,
    details: { holder: 'Erika Mustermann', iban: 'DE89 3704 0044 0532 0130 00', bic: 'COBADEFFXXX' },
  });
  expect(r.statusCode, r.body).toBe(200);
}

/** Exports an approved one-line batch as CSV, marks its line paid with a reference; invariant at each step. */
async function exportAndPay(batchId: string, partnerId: string, reference: string) {
  const csv = await finance.request('POST', `/api/v1/payout-batches/${batchId}/export`, { format: 'csv' });
  expect(csv.statusCode, csv.body).toBe(200);
  const view = (await finance.request('GET', `/api/v1/payout-batches/${batchId}`)).json() as {
    status: string;
    lines: { id: string; partnerId: string; endToEndId: string; status: string; reference: string | null }[];
  };
  expect(view.lines).toHaveLength(1);
  const pl = view.lines[0]!;
  expect(pl.partnerId).toBe(partnerId);
  expect(csv.body).toContain(pl.endToEndId);
  await expectInvariant(partnerId);
  const paid = await finance.request('POST', `/api/v1/payout-lines/${pl.id}/settle`, {
    outcome: 'paid',
    reference,
  });
  expect(paid.statusCode, paid.body).toBe(200);
  const after = (await finance.request('GET', `/api/v1/payout-batches/${batchId}`)).json();
  expect(after.lines[0]).toMatchObject({ status: 'paid', reference });
  const ls = await lines(partnerId);
  expect(ls.filter((l) => l.state !== 'paid' && l.state !== 'rejected' && l.state !== 'reversed')).toEqual(
    [],
  );
  await expectInvariant(partnerId);
  const bal = await finance.request('GET', `/api/v1/partners/${partnerId}/balance`);
  expect(bal.json().balances.filter((x: { amountMinor: string }) => x.amountMinor !== '0')).toEqual([]);
}

async function payBatch(brandId: string, payDate: string, steps: Session[]) {
  const b = await finance.request('POST', '/api/v1/payout-batches', { brandId, payDate });
  expect(b.statusCode, b.body).toBe(201);
  const batch = b.json() as {
    batchId: string;
    lines: unknown[];
    skipped: { reason: string; partnerId: string }[];
  };
  for (const u of steps) {
    const a = await u.request('POST', `/api/v1/payout-batches/${batch.batchId}/approve`);
    expect(a.statusCode, a.body).toBe(200);
  }
  return batch;
}

describe('iGaming: activity → close → approval → hold release → batch → export → paid', () => {
  let brandId: string;
  let partnerId: string;
  it('closes the month into lines with explanations and balanced accruals; re-running changes nothing', async () => {
    const program = await addProgram(ctx.services, {
      brand: 'ledger-ig',
      vertical: 'igaming',
      currency: 'EUR',
      segment: 'affiliate',
      components: [
        {
          id: 'rev',
          kind: 'igaming_revshare',
          ngr: { deductions: [{ kind: 'bonuses', method: 'reported' }] },
          rate: '30',
          carryover: { enabled: true, scope: 'per_brand' },
        },
        { id: 'cpa', kind: 'igaming_cpa', amount: { default: '100' }, qualification: {}, holdDays: 30 },
      ],
      customers: ['p1', 'p2'],
    });
    ({ brandId, partnerId } = program);
    const [c1, c2] = program.customers;
    await ctx.services.db
      .updateTable('customers')
      .set({
        first_deposit_at: new Date('2025-01-05T00:00:00Z'),
        first_deposit_amount: '5000',
        first_deposit_currency: 'EUR',
      })
      .where('id', '=', c1)
      .execute();
    await addIgDay(ctx.services, brandId, c1, '2025-01-05', 1_000_000, 400_000, 100_000);
    await addIgDay(ctx.services, brandId, c2, '2025-01-06', 200_000, 100_000);
    await addIgDay(ctx.services, brandId, c2, '2025-02-01', 999_999, 0); // next month: not in January

    const r = await finance.request('POST', '/api/v1/ledger/close', {
      brand: 'ledger-ig',
      period: '2025-01',
    });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({ kind: 'closed', rows: 2 });
    const ls = await lines(partnerId);
    const rev = ls.filter((l) => l.kind === 'revshare');
    // NGR (10000 − 4000 − 1000) + (2000 − 1000) = 6000.00 × 30% = 1800.00
    expect(rev.reduce((a, l) => a + BigInt(l.amountMinor), 0n)).toBe(180_000n);
    expect(rev[0]!.explanation.formula).toMatch(/30/);
    const cpa = ls.find((l) => l.kind === 'cpa')!;
    expect(cpa.amountMinor).toBe('10000');
    expect(cpa.holdUntil).not.toBeNull();
    expect(ls.every((l) => l.state === 'pending')).toBe(true);
    await expectInvariant(partnerId);

    const count = async () =>
      Promise.all(
        (['commission_lines', 'ledger_entries', 'close_runs', 'carried_states'] as const).map(async (t) =>
          Number(
            (
              await ctx.services.db
                .selectFrom(t)
                .select((eb) => eb.fn.countAll<string>().as('n'))
                .executeTakeFirstOrThrow()
            ).n,
          ),
        ),
      );
    const before = await count();
    const again = await closePeriod(ctx.services, { brand: 'ledger-ig', period: '2025-01', actor: ACTOR });
    expect(again.kind).toBe('unchanged');
    expect(await count()).toEqual(before);
  });

  it('finance approves in bulk; held lines wait for the hold release; then a batch pays them', async () => {
    const partnerLogin = await ctx.loginAs('partner', { partnerId });
    // read from the table: the test clock moves past the partner's session
    const notices = async () =>
      (
        await ctx.services.db
          .selectFrom('notifications')
          .select('title')
          .where('user_id', '=', partnerLogin.userId)
          .orderBy('id')
          .execute()
      ).map((n) => n.title);
    const ls = await lines(partnerId);
    const rejectNoReason = await finance.request('POST', '/api/v1/commission-lines/reject', {
      ids: [ls[0]!.id],
    });
    expect(rejectNoReason.statusCode).toBe(400);
    const denied = await compliance.request('POST', '/api/v1/commission-lines/approve', {
      ids: ls.map((l) => l.id),
    });
    expect(denied.statusCode).toBe(403);
    const ap = await finance.request('POST', '/api/v1/commission-lines/approve', {
      ids: ls.map((l) => l.id),
    });
    expect(ap.statusCode, ap.body).toBe(200);
    let after = await lines(partnerId);
    expect(after.find((l) => l.kind === 'cpa')!.state).toBe('approved'); // in hold
    expect(after.filter((l) => l.kind === 'revshare').every((l) => l.state === 'payable')).toBe(true);
    await expectInvariant(partnerId);
    // the partner hears of the held line only (the others were payable at once)
    const cpaMinor = BigInt(after.find((l) => l.kind === 'cpa')!.amountMinor);
    const cpaText = `${cpaMinor / 100n}.${(cpaMinor % 100n).toString().padStart(2, '0')} EUR`;
    expect(await notices()).toEqual([`Commission held: ${cpaText}`]);

    await setNow('2025-03-15T10:00:00Z'); // CPA hold over
    const rel = await finance.request('POST', '/api/v1/ledger/hold-release');
    expect(rel.statusCode).toBe(200);
    after = await lines(partnerId);
    expect(after.every((l) => l.state === 'payable')).toBe(true);
    await expectInvariant(partnerId);
    expect(await notices()).toEqual([`Commission held: ${cpaText}`, `Commission released: ${cpaText}`]);

    await setMethod(partnerId);
    const settings = await finance.request('PUT', `/api/v1/brands/${brandId}/ledger-settings`, {
      approvalSteps: ['compliance', 'finance'],
      debtorName: 'Consort Operator Ltd',
      debtorIban: 'MT84MALT011000012345MTLCAST001S',
      debtorBic: 'MALTMTMTXXX',
      selfBilling: true,
      vatTreatment: 'reverse charge',
    });
    expect(settings.statusCode, settings.body).toBe(200);
    const b = await finance.request('POST', '/api/v1/payout-batches', { brandId, payDate: '2025-03-15' });
    expect(b.statusCode, b.body).toBe(201);
    const batch = b.json() as { batchId: string; lines: { amount: string }[] };
    expect(batch.lines).toEqual([expect.objectContaining({ amount: '190000', payCurrency: 'EUR' })]);
    await expectInvariant(partnerId);

    const early = await finance.request('POST', `/api/v1/payout-batches/${batch.batchId}/export`, {
      format: 'csv',
    });
    expect(early.statusCode).toBe(409);
    const wrongRole = await finance.request('POST', `/api/v1/payout-batches/${batch.batchId}/approve`);
    expect(wrongRole.statusCode).toBe(403); // step 1 is compliance
    expect(
      (await compliance.request('POST', `/api/v1/payout-batches/${batch.batchId}/approve`)).statusCode,
    ).toBe(200);
    expect(
      (await finance.request('POST', `/api/v1/payout-batches/${batch.batchId}/approve`)).statusCode,
    ).toBe(200);

    const csv = await finance.request('POST', `/api/v1/payout-batches/${batch.batchId}/export`, {
      format: 'csv',
    });
    expect(csv.statusCode).toBe(200);
    expect(csv.body).toContain('1900.00,EUR');
    expect(csv.body).toMatch(/SB-000001/);
    const xml = await finance.request('POST', `/api/v1/payout-batches/${batch.batchId}/export`, {
      format: 'pain001',
    });
    expect(xml.statusCode).toBe(200);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'pain')), 'p.xml');
    fs.writeFileSync(file, xml.body);
    const out = execFileSync('xmllint', ['--noout', '--schema', XSD, file], {
      encoding: 'utf8',
      stdio: 'pipe',
    });
    expect(out).toBe('');
    expect(xml.body).toContain('<InstdAmt Ccy="EUR">1900.00</InstdAmt>');

    const view = await finance.request('GET', `/api/v1/payout-batches/${batch.batchId}`);
    const pl = view.json().lines[0] as { id: string };
    const noRef = await finance.request('POST', `/api/v1/payout-lines/${pl.id}/settle`, { outcome: 'paid' });
    expect(noRef.statusCode).toBe(400);
    const paid = await finance.request('POST', `/api/v1/payout-lines/${pl.id}/settle`, {
      outcome: 'paid',
      reference: 'BANK-REF-1',
    });
    expect(paid.statusCode, paid.body).toBe(200);
    expect((await lines(partnerId)).every((l) => l.state === 'paid')).toBe(true);
    expect((await notices())[2]).toBe('Payout sent: 1900.00 EUR');
    await expectInvariant(partnerId);
    const bal = await finance.request('GET', `/api/v1/partners/${partnerId}/balance`);
    expect(bal.json().balances.filter((x: { amountMinor: string }) => x.amountMinor !== '0')).toEqual([]);

    // a partner manager reads the batch (read only) for the portfolio only: 404 when none of it is in the batch
    const pm = await ctx.loginAs('partner_manager');
    const outside = await pm.request('GET', `/api/v1/payout-batches/${batch.batchId}`);
    expect(outside.statusCode).toBe(404);
    await ctx.services.db
      .updateTable('partners')
      .set({ manager_user_id: pm.userId })
      .where('id', '=', partnerId)
      .execute();
    const inside = await pm.request('GET', `/api/v1/payout-batches/${batch.batchId}`);
    expect(inside.statusCode).toBe(200);
    expect(inside.json().lines).toEqual([expect.objectContaining({ partnerId, status: 'paid' })]);
    expect(
      (await pm.request('POST', `/api/v1/payout-batches/${batch.batchId}/export`, { format: 'csv' }))
        .statusCode,
    ).toBe(403);
    expect(
      (await pm.request('POST', `/api/v1/payout-lines/${pl.id}/settle`, { outcome: 'paid', reference: 'x' }))
        .statusCode,
    ).toBe(403);
    await ctx.services.db
      .updateTable('partners')
      .set({ manager_user_id: null })
      .where('id', '=', partnerId)
      .execute();
  });

  it('a sealed statement verifies, and names a line altered in the database', async () => {
    const st = await finance.request('POST', '/api/v1/statements', { brandId, partnerId, period: '2025-01' });
    expect(st.statusCode, st.body).toBe(201);
    const { id, sha256 } = st.json() as { id: string; sha256: string };
    const html = await finance.request('GET', `/api/v1/statements/${id}?format=html`);
    expect(html.body).toContain(sha256);
    expect(html.body).toContain('bonuses');
    const csv = await finance.request('GET', `/api/v1/statements/${id}?format=csv`);
    expect(csv.body).toContain('#seal');
    const partner = await ctx.loginAs('partner', { partnerId });
    const ok = await partner.request('GET', `/api/v1/statements/${id}/verify`);
    expect(ok.json()).toMatchObject({ ok: true, sha256 });
    const other = await ctx.loginAs('partner');
    expect((await other.request('GET', `/api/v1/statements/${id}`)).statusCode).toBe(404);
    expect((await other.request('GET', `/api/v1/partners/${partnerId}/balance`)).statusCode).toBe(404);
    expect((await partner.request('GET', '/api/v1/commission-lines')).json().items.length).toBeGreaterThan(0);

    const victim = (await lines(partnerId)).find((l) => l.kind === 'cpa')!;
    // only someone bypassing the trigger (a superuser) can do this: that is what the seal catches
    const { sql } = await import('kysely');
    await sql`alter table commission_lines disable trigger commission_lines_facts_fixed`.execute(
      ctx.services.db,
    );
    await sql`update commission_lines set amount = amount + 1 where id = ${victim.id}`.execute(
      ctx.services.db,
    );
    await sql`alter table commission_lines enable trigger commission_lines_facts_fixed`.execute(
      ctx.services.db,
    );
    const bad = await partner.request('GET', `/api/v1/statements/${id}/verify`);
    expect(bad.json()).toMatchObject({ ok: false, changed: [victim.id] });
    expect(bad.json().message).toContain(victim.id);
    await sql`alter table commission_lines disable trigger commission_lines_facts_fixed`.execute(
      ctx.services.db,
    );
    await sql`update commission_lines set amount = amount - 1 where id = ${victim.id}`.execute(
      ctx.services.db,
    );
    await sql`alter table commission_lines enable trigger commission_lines_facts_fixed`.execute(
      ctx.services.db,
    );
  });

  it('reconciliation: a difference above tolerance blocks final until explained', async () => {
    const imp = await finance.request('POST', '/api/v1/reconciliation/totals', {
      csv: 'brand,period,metric,currency,reported\nledger-ig,2025-01,ngr,EUR,5900.00\nledger-ig,2025-01,revenue,EUR,7000.00\n',
    });
    expect(imp.statusCode, imp.body).toBe(200);
    const rep = await finance.request('GET', '/api/v1/reconciliation?brand=ledger-ig&period=2025-01');
    const ngr = rep.json().differences.find((d: { metric: string }) => d.metric === 'ngr');
    expect(ngr).toMatchObject({
      computed: '6000',
      reported: '5900',
      difference: '100',
      withinTolerance: false,
    });
    const blocked = await finance.request('POST', '/api/v1/ledger/periods/final', {
      brand: 'ledger-ig',
      period: '2025-01',
    });
    expect(blocked.statusCode).toBe(409);
    expect(blocked.json().error.message).toContain('ngr EUR');
    await finance.request('POST', '/api/v1/reconciliation/notes', {
      brand: 'ledger-ig',
      period: '2025-01',
      metric: 'ngr',
      currency: 'EUR',
      explanation: 'operator report excludes a test account',
    });
    const fin = await finance.request('POST', '/api/v1/ledger/periods/final', {
      brand: 'ledger-ig',
      period: '2025-01',
    });
    expect(fin.json()).toMatchObject({ state: 'final' });
  });
});

describe('Forex: FX at the event date, failed payment back to balance', () => {
  it('converts each trade at its own date, pays after a failure', async () => {
    await setNow('2025-02-03T10:00:00Z');
    const {
      brandId,
      partnerId: ib,
      customers: [c],
    } = await addProgram(ctx.services, {
      brand: 'ledger-fx',
      vertical: 'forex',
      currency: 'USD',
      segment: 'ib',
      components: [
        {
          id: 'rebate',
          kind: 'forex_rebate',
          method: { kind: 'per_lot', rates: [{ instrumentClass: 'fx', perLot: '10' }] },
        },
      ],
      customers: ['t1'],
    });
    // a EUR-denominated account: rebates convert EUR→USD at each trade's date
    await addRate(ctx.services, '2025-01-10', 'EUR', 'USD', '1.1');
    await addRate(ctx.services, '2025-01-20', 'EUR', 'USD', '1.2');
    await addRate(ctx.services, '2025-01-31', 'EUR', 'USD', '1.2');
    await addTrade(ctx.services, brandId, c, 'T1', '2025-01-10T12:00:00Z', '1.0000', 'EUR');
    await addTrade(ctx.services, brandId, c, 'T2', '2025-01-20T12:00:00Z', '1.0000', 'EUR');
    // stale: a trade on 2025-01-05 has no rate on or before it
    await addTrade(ctx.services, brandId, c, 'T0', '2025-01-05T12:00:00Z', '1.0000', 'EUR');
    const stale = await closePeriod(ctx.services, {
      brand: 'ledger-fx',
      period: '2025-01',
      actor: ACTOR,
    }).catch((e: Error) => e);
    expect(String(stale)).toMatch(/EUR→USD exchange rate/);
    await addRate(ctx.services, '2025-01-03', 'EUR', 'USD', '1.0');
    const r = await closePeriod(ctx.services, { brand: 'ledger-fx', period: '2025-01', actor: ACTOR });
    expect(r.kind).toBe('closed');
    const ls = await lines(ib);
    const total = ls.reduce((a, l) => a + BigInt(l.amountMinor), 0n);
    // 10/lot in USD; per-lot rate is in the deal currency, so conversion applies to money of the row only —
    // the amount is 3 lots × 10 = 30.00 USD
    expect(total).toBe(3000n);
    await expectInvariant(ib);

    await finance.request('POST', '/api/v1/commission-lines/approve', { ids: ls.map((l) => l.id) });
    await setMethod(ib, 'EUR'); // paid in EUR: converted at the pay date's rate
    const batch = await payBatch(brandId, '2025-02-03', [finance]);
    expect(batch.lines).toEqual([
      expect.objectContaining({ amount: '3000', payCurrency: 'EUR', payAmount: '2500' }),
    ]);
    await finance.request('POST', `/api/v1/payout-batches/${batch.batchId}/export`, { format: 'csv' });
    const pl = (await finance.request('GET', `/api/v1/payout-batches/${batch.batchId}`)).json().lines[0];
    const failed = await finance.request('POST', `/api/v1/payout-lines/${pl.id}/settle`, {
      outcome: 'failed',
      reason: 'account closed',
    });
    expect(failed.statusCode).toBe(200);
    await expectInvariant(ib);
    const bal = (await finance.request('GET', `/api/v1/partners/${ib}/balance`)).json().balances;
    expect(bal).toContainEqual(
      expect.objectContaining({ account: 'partner_payable', currency: 'USD', amountMinor: '3000' }),
    );
    const again = await payBatch(brandId, '2025-02-04', [finance]);
    expect(again.lines).toHaveLength(1);
    await expectInvariant(ib);
    // the re-batched line goes on to paid: export, then settle with the bank's reference
    await exportAndPay(again.batchId, ib, 'FX-REF-2');
  });
});

describe('FX at the event date: amount-based commission in another currency than the deal', () => {
  it('converts each USD purchase under a EUR deal at the rate of its own day', async () => {
    await setNow('2025-04-02T10:00:00Z');
    const {
      brandId,
      partnerId: inf,
      customers: [c1, c2],
    } = await addProgram(ctx.services, {
      brand: 'ledger-fxprop',
      vertical: 'prop',
      currency: 'EUR',
      segment: 'influencer',
      components: [PROP_PURCHASE_15],
      customers: ['fx1', 'fx2'],
    });
    // (March: the Forex case above holds January's EUR/USD rates)
    // ECB layout: 1 EUR = x USD; USD→EUR is derived as 1/x
    await addRate(ctx.services, '2025-03-10', 'EUR', 'USD', '1.25');
    await addRate(ctx.services, '2025-03-20', 'EUR', 'USD', '1.0');
    await addPurchase(ctx.services, brandId, c1, 'FXP1', '2025-03-10', 100_000); // 1000.00 USD
    await addPurchase(ctx.services, brandId, c2, 'FXP2', '2025-03-20', 100_000); // 1000.00 USD
    const r = await closePeriod(ctx.services, { brand: 'ledger-fxprop', period: '2025-03', actor: ACTOR });
    expect(r.kind).toBe('closed');
    const ls = await lines(inf);
    const by = (purchaseId: string) => {
      const l = ls.find((x) => JSON.stringify(x.explanation).includes(purchaseId))!;
      return { amount: l.amountMinor, detail: (l.explanation as unknown as { detail: unknown[] }).detail };
    };
    // by hand: 03-10: 1000 USD / 1.25 = 800.00 EUR × 15% = 120.00 EUR
    expect(by('FXP1')).toEqual({
      amount: '12000',
      detail: [expect.objectContaining({ date: '2025-03-10', base: '800', commission: '120' })],
    });
    //          03-20: 1000 USD / 1.00 = 1000.00 EUR × 15% = 150.00 EUR (one rate for both would give 240 or 300)
    expect(by('FXP2')).toEqual({
      amount: '15000',
      detail: [expect.objectContaining({ date: '2025-03-20', base: '1000', commission: '150' })],
    });
    expect(r.totals).toEqual([{ currency: 'EUR', amount: '27000' }]);
    expect(ls.map((l) => l.currency)).toEqual(['EUR', 'EUR']);
    const run = await ctx.services.db
      .selectFrom('close_runs')
      .select('fx_used')
      .where('brand_id', '=', brandId)
      .executeTakeFirstOrThrow();
    const used = JSON.stringify(run.fx_used);
    expect(used).toContain('2025-03-10');
    expect(used).toContain('2025-03-20');
    await expectInvariant(inf);
  });
});

describe('Prop: refunds after close become linked clawbacks in the next period', () => {
  it('books late refunds as linked negative lines; threshold, tax form and cooling-off gate payouts', async () => {
    await setNow('2025-02-02T10:00:00Z');
    const {
      brandId,
      partnerId: inf,
      customers: [c1, c2],
    } = await addProgram(ctx.services, {
      brand: 'ledger-prop',
      vertical: 'prop',
      currency: 'USD',
      segment: 'influencer',
      components: [PROP_PURCHASE_15],
      customers: ['b1', 'b2'],
    });
    await addPurchase(ctx.services, brandId, c1, 'P1', '2025-01-10', 50_000);
    await addPurchase(ctx.services, brandId, c2, 'P2', '2025-01-12', 50_000);
    const jan = await closePeriod(ctx.services, { brand: 'ledger-prop', period: '2025-01', actor: ACTOR });
    expect(jan.totals).toEqual([{ currency: 'USD', amount: '15000' }]);
    const janLines = await lines(inf);
    expect(janLines).toHaveLength(2);

    // late data: a refund dated in January arrives after January closed
    await addRefund(ctx.services, brandId, c1, 'P1', '2025-01-20', 50_000);
    const adj = await closePeriod(ctx.services, { brand: 'ledger-prop', period: '2025-01', actor: ACTOR });
    expect(adj).toMatchObject({ kind: 'adjusted', bookedPeriod: '2025-02' });
    const adjLines = (await lines(inf)).filter((l) => l.correctsLineId !== null);
    expect(adjLines.length).toBeGreaterThan(0);
    expect(adjLines.every((l) => l.sourcePeriod === '2025-01')).toBe(true);
    expect(adjLines.reduce((a, l) => a + BigInt(l.amountMinor), 0n)).toBe(-7500n);
    const original = janLines.find((l) => l.customerId === adjLines[0]!.customerId)!;
    expect(original.kind).toBe('prop_commission');
    expect(adjLines.map((l) => l.correctsLineId)).toEqual([original.id]);
    expect(
      (await closePeriod(ctx.services, { brand: 'ledger-prop', period: '2025-01', actor: ACTOR })).kind,
    ).toBe('unchanged');

    // a refund in February (after the window) is the engine's own clawback, linked to the purchase commission
    await addRefund(ctx.services, brandId, c2, 'P2', '2025-02-05', 50_000);
    const feb = await closePeriod(ctx.services, { brand: 'ledger-prop', period: '2025-02', actor: ACTOR });
    expect(feb.kind).toBe('closed');
    const claw = (await lines(inf)).find((l) => l.kind === 'prop_clawback' || l.kind === 'prop_void');
    expect(claw?.correctsLineId).toBeTruthy();
    await expectInvariant(inf);

    // new commission in March to pay out
    const c3 = await addCustomer(ctx.services, brandId, inf, 'influencer', 'b3');
    await addPurchase(ctx.services, brandId, c3, 'P3', '2025-03-01', 100_000);
    await closePeriod(ctx.services, { brand: 'ledger-prop', period: '2025-03', actor: ACTOR });
    await setNow('2025-04-20T10:00:00Z');
    const all = await lines(inf);
    await finance.request('POST', '/api/v1/commission-lines/approve', { ids: all.map((l) => l.id) });
    await expectInvariant(inf);
    const bal = (await finance.request('GET', `/api/v1/partners/${inf}/balance`)).json().balances;
    const payable = bal.find((x: { account: string }) => x.account === 'partner_payable');
    expect(payable.amountMinor).toBe('15000'); // 7500 + 7500 − 7500 − 7500 + 15000

    await finance.request('PUT', `/api/v1/brands/${brandId}/ledger-settings`, {
      minPayoutMinor: '20000',
      taxFormRequired: true,
    });
    await setMethod(inf, 'USD');
    let b = await payBatch(brandId, '2025-04-20', []);
    expect(b.skipped).toEqual([expect.objectContaining({ partnerId: inf, reason: 'below_threshold' })]);
    await finance.request('PUT', `/api/v1/brands/${brandId}/ledger-settings`, { minPayoutMinor: '10000' });
    b = await payBatch(brandId, '2025-04-20', []);
    expect(b.skipped).toEqual([expect.objectContaining({ reason: 'tax_form_missing' })]);
    await ctx.services.db
      .updateTable('partners')
      .set({ tax_form_status: 'w8ben' })
      .where('id', '=', inf)
      .execute();
    // a changed payment method waits 72 hours
    const change = await finance.request('PUT', `/api/v1/partners/${inf}/payment-method`, {
      kind: 'ewallet',
      currency: 'USD',
      details: { provider: 'Skrill', account: 'inf@example.test' },
    });
    expect(change.json()).toMatchObject({ isChange: true });
    b = await payBatch(brandId, '2025-04-20', []);
    expect(b.skipped).toEqual([expect.objectContaining({ reason: 'cooling_off' })]);
    await setNow('2025-04-23T11:00:00Z');
    b = await payBatch(brandId, '2025-04-23', [finance]);
    expect(b.lines).toEqual([expect.objectContaining({ amount: '15000' })]);
    await expectInvariant(inf);
    // to paid: the clawbacks netted inside the paid batch, nothing left on any account
    await exportAndPay(b.batchId, inf, 'PROP-REF-1');
    expect((await lines(inf)).map((l) => l.state)).toEqual(all.map(() => 'paid'));
  });
});

describe('crash safety', () => {
  it('an error injected mid-close rolls everything back', async () => {
    const {
      brandId,
      partnerId: p,
      customers,
    } = await addProgram(ctx.services, {
      brand: 'ledger-crash',
      vertical: 'igaming',
      currency: 'EUR',
      segment: 'affiliate',
      components: [
        {
          id: 'rev',
          kind: 'igaming_revshare',
          ngr: { deductions: [] },
          rate: '25',
          carryover: { enabled: false },
        },
      ],
      customers: ['x0', 'x1', 'x2', 'x3', 'x4'],
    });
    for (const [i, c] of customers.entries())
      await addIgDay(ctx.services, brandId, c, '2025-01-03', 10_000 * (i + 1), 1000);
    const err = await closePeriod(ctx.services, {
      brand: 'ledger-crash',
      period: '2025-01',
      actor: ACTOR,
      writeBatch: 2,
      fault: { afterBatches: 1, mode: 'throw' },
    }).catch((e: Error) => e);
    expect(String(err)).toMatch(/fault injected/);
    const n = async (t: 'commission_lines' | 'close_runs' | 'carried_states') =>
      (await ctx.services.db.selectFrom(t).select('brand_id').where('brand_id', '=', brandId).execute())
        .length;
    expect([await n('commission_lines'), await n('close_runs'), await n('carried_states')]).toEqual([
      0, 0, 0,
    ]);
    const per = await ctx.services.db
      .selectFrom('ledger_periods')
      .select('state')
      .where('brand_id', '=', brandId)
      .execute();
    expect(per.every((x) => x.state === 'open')).toBe(true);
    const ok = await closePeriod(ctx.services, {
      brand: 'ledger-crash',
      period: '2025-01',
      actor: ACTOR,
      writeBatch: 2,
    });
    expect(ok).toMatchObject({ kind: 'closed', lines: 1 });
    await expectInvariant(p);
  });
});

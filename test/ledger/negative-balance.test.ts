import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateDealTerms } from '../../src/deals/index.js';
import { closePeriod } from '../../src/ledger/close-period.js';
import { ledgerBalanced } from '../../src/ledger/ledger-store.js';
import { createTestContext, type Session, type TestContext } from '../helpers/test-app.js';
import {
  addBrand,
  addContract,
  addCustomer,
  addPartner,
  addPurchase,
  balancesMatchLines,
} from './support.js';

/**
 * Negative balances per the deal: a clawback that leaves a partner negative carries under a `carry` deal
 * (later earnings net against it) and is written off exactly once under a `reset` deal.
 */
const ACTOR = { type: 'system' as const, id: 'test' };
let ctx: TestContext;
let now = new Date('2025-02-03T10:00:00Z');
let finance: Session;

beforeAll(async () => {
  ctx = await createTestContext({}, { clock: () => now });
  finance = await ctx.loginAs('finance');
}, 60_000);
afterAll(async () => {
  await ctx?.close();
});
async function setNow(iso: string) {
  now = new Date(iso);
  finance = await ctx.loginAs('finance');
}

const terms = (negativeBalance?: 'carry' | 'reset') => ({
  schemaVersion: 1,
  name: `prop ${negativeBalance ?? 'default'}`,
  currency: 'USD',
  segments: ['influencer'],
  ...(negativeBalance ? { negativeBalance } : {}),
  components: [
    {
      id: 'ch',
      kind: 'prop_purchase',
      rate: '15',
      purchases: 'recurring',
      base: 'amount_paid',
      refundWindowDays: 0,
      onRefund: 'clawback',
    },
  ],
});

interface LineJson {
  id: string;
  kind: string;
  amountMinor: string;
  state: string;
  correctsLineId: string | null;
  explanation: { formula: string; inputs: { lines?: { id: string }[] } };
}
async function lines(partnerId: string): Promise<LineJson[]> {
  const r = await finance.request('GET', `/api/v1/commission-lines?partnerId=${partnerId}`);
  expect(r.statusCode, r.body).toBe(200);
  return r.json().items;
}
/** Balances summed from entries = lines by state; every posting and currency sums to zero. */
async function expectInvariant(...partnerIds: string[]) {
  for (const p of partnerIds) {
    const b = await balancesMatchLines(ctx.services, p);
    expect(b.fromEntries).toEqual(b.fromLines);
  }
  expect(await ledgerBalanced(ctx.services.db)).toBe(true);
}
async function payable(partnerId: string): Promise<bigint> {
  const r = await finance.request('GET', `/api/v1/partners/${partnerId}/balance`);
  expect(r.statusCode, r.body).toBe(200);
  const b = (r.json().balances as { account: string; currency: string; amountMinor: string }[]).find(
    (x) => x.account === 'partner_payable' && x.currency === 'USD',
  );
  return BigInt(b?.amountMinor ?? '0');
}
async function approveAll(...partnerIds: string[]) {
  const ids = (await Promise.all(partnerIds.map(lines)))
    .flat()
    .filter((l) => l.state === 'pending')
    .map((l) => l.id);
  const r = await finance.request('POST', '/api/v1/commission-lines/approve', { ids });
  expect(r.statusCode, r.body).toBe(200);
  expect(r.json().refused).toEqual([]);
}
interface BatchJson {
  batchId: string;
  lines: { partnerId: string; amount: string }[];
  skipped: { partnerId: string; reason: string; amount: string; detail: string; writeOffLineId?: string }[];
}
async function batch(brandId: string, payDate: string): Promise<BatchJson> {
  const r = await finance.request('POST', '/api/v1/payout-batches', { brandId, payDate });
  expect(r.statusCode, r.body).toBe(201);
  return r.json();
}
async function payAll(b: BatchJson) {
  expect((await finance.request('POST', `/api/v1/payout-batches/${b.batchId}/approve`)).statusCode).toBe(200);
  const ex = await finance.request('POST', `/api/v1/payout-batches/${b.batchId}/export`, { format: 'csv' });
  expect(ex.statusCode, ex.body).toBe(200);
  const view = (await finance.request('GET', `/api/v1/payout-batches/${b.batchId}`)).json();
  for (const pl of view.lines as { id: string }[]) {
    const s = await finance.request('POST', `/api/v1/payout-lines/${pl.id}/settle`, {
      outcome: 'paid',
      reference: `REF-${pl.id.slice(-6)}`,
    });
    expect(s.statusCode, s.body).toBe(200);
  }
}
async function writeOffCount(partnerId: string) {
  return (await lines(partnerId)).filter((l) => l.kind === 'write_off').length;
}

describe('deal terms: negativeBalance', () => {
  it('accepts carry and reset, and names the field when invalid', () => {
    expect(validateDealTerms(terms('carry')).ok).toBe(true);
    expect(validateDealTerms(terms('reset')).ok).toBe(true);
    expect(validateDealTerms(terms()).ok).toBe(true);
    const bad = validateDealTerms({ ...terms(), negativeBalance: 'forgive' });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.errors.map((e) => e.path)).toContain('/negativeBalance');
  });
});

describe('a clawback that leaves a partner negative', () => {
  let brandId: string;
  let carry: string;
  let reset: string;
  const purchase = async (partnerId: string, ext: string, day: string, amount: number) => {
    const c = await addCustomer(ctx.services, brandId, partnerId, 'influencer', ext);
    await addPurchase(ctx.services, brandId, c, `P-${ext}`, day, amount);
  };
  const close = async (period: string) =>
    closePeriod(ctx.services, { brand: 'nb-prop', period, actor: ACTOR });

  it('January: both partners earn 150.00 and are paid', async () => {
    brandId = await addBrand(ctx.services, 'nb-prop', 'prop', 'USD');
    carry = await addPartner(ctx.services);
    reset = await addPartner(ctx.services);
    await addContract(ctx.services, carry, brandId, terms()); // default: carry
    await addContract(ctx.services, reset, brandId, terms('reset'));
    await purchase(carry, 'c1', '2025-01-10', 100_000);
    await purchase(reset, 'r1', '2025-01-10', 100_000);
    expect((await close('2025-01')).totals).toEqual([{ currency: 'USD', amount: '30000' }]);
    await approveAll(carry, reset);
    for (const p of [carry, reset]) {
      const m = await finance.request('PUT', `/api/v1/partners/${p}/payment-method`, {
        kind: 'ewallet',
        currency: 'USD',
        details: { provider: 'Skrill', account: `${p.slice(-6)}@example.test` },
      });
      expect(m.statusCode, m.body).toBe(200);
    }
    const b = await batch(brandId, '2025-02-03');
    expect(b.lines.map((l) => l.amount).sort()).toEqual(['15000', '15000']);
    await payAll(b);
    await expectInvariant(carry, reset);
    expect(await payable(carry)).toBe(0n);
  });

  it('February: the January commission is clawed back, 30.00 earned: both at −120.00', async () => {
    await setNow('2025-02-10T10:00:00Z');
    for (const p of [carry, reset]) {
      const orig = (await lines(p)).find((l) => l.kind === 'prop_commission')!;
      const cb = await finance.request('POST', `/api/v1/commission-lines/${orig.id}/clawback`, {
        reason: 'chargeback',
      });
      expect(cb.statusCode, cb.body).toBe(200);
      expect(cb.json()).toMatchObject({ amount: '-15000', correctsLineId: orig.id, bookedIn: '2025-02' });
    }
    await purchase(carry, 'c2', '2025-02-10', 20_000);
    await purchase(reset, 'r2', '2025-02-10', 20_000);
    await setNow('2025-03-05T10:00:00Z');
    expect((await close('2025-02')).kind).toBe('closed');
    await approveAll(carry, reset);
    await expectInvariant(carry, reset);
    expect(await payable(carry)).toBe(-12_000n);
    expect(await payable(reset)).toBe(-12_000n);
  });

  it('the batch: the carry deal keeps −120.00; the reset deal writes it off to zero with one linked posting', async () => {
    const b = await batch(brandId, '2025-03-05');
    expect(b.lines).toEqual([]);
    const sk = (p: string) => b.skipped.filter((x) => x.partnerId === p);
    expect(sk(carry)).toEqual([expect.objectContaining({ reason: 'negative_balance', amount: '-12000' })]);
    expect(sk(carry)[0]!.detail).toContain('carry');
    expect(sk(reset)).toEqual([expect.objectContaining({ reason: 'written_off', amount: '-12000' })]);
    await expectInvariant(carry, reset);
    expect(await payable(carry)).toBe(-12_000n);
    expect(await payable(reset)).toBe(0n);

    const ls = await lines(reset);
    const wo = ls.find((l) => l.kind === 'write_off')!;
    expect(wo).toMatchObject({ amountMinor: '12000', state: 'written_off' });
    expect(wo.id).toBe(sk(reset)[0]!.writeOffLineId);
    // linked to what it writes off: the clawback, and every netted line lists it
    const netted = ls.filter((l) => l.state === 'written_off' && l.kind !== 'write_off');
    expect(netted.map((l) => l.kind).sort()).toEqual(['clawback', 'prop_commission']);
    expect(wo.correctsLineId).toBe(netted.find((l) => BigInt(l.amountMinor) < 0n)!.id);
    expect(wo.explanation.inputs.lines!.map((l) => l.id).sort()).toEqual(netted.map((l) => l.id).sort());
    expect(wo.explanation.formula).toContain('negativeBalance reset');
    const linked = await ctx.services.db
      .selectFrom('commission_lines')
      .select('id')
      .where('written_off_by', '=', wo.id)
      .execute();
    expect(linked.map((r) => r.id).sort()).toEqual(netted.map((l) => l.id).sort());
    const entries = await ctx.services.db
      .selectFrom('ledger_entries')
      .select(['account', 'amount', 'txn_id'])
      .where('line_id', '=', wo.id)
      .orderBy('account')
      .execute();
    expect(entries.map((e) => [e.account, e.amount])).toEqual([
      ['commission_expense', '12000'],
      ['partner_payable', '-12000'],
    ]);
    expect(new Set(entries.map((e) => e.txn_id)).size).toBe(1);
    const audit = await ctx.services.db
      .selectFrom('audit_log')
      .select('action')
      .where('action', '=', 'commission_lines.written_off')
      .where('entity_id', '=', wo.id)
      .execute();
    expect(audit).toHaveLength(1);
  });

  it('exactly once: another batch and re-running the closes write nothing off again', async () => {
    const again = await batch(brandId, '2025-03-05');
    expect(again.skipped.filter((x) => x.partnerId === reset)).toEqual([]);
    expect(again.skipped.filter((x) => x.partnerId === carry)).toEqual([
      expect.objectContaining({ reason: 'negative_balance' }),
    ]);
    expect((await close('2025-02')).kind).toBe('unchanged');
    expect((await close('2025-03')).kind).toBe('closed'); // the write-off is booked in March
    expect((await close('2025-03')).kind).toBe('unchanged');
    expect(await writeOffCount(reset)).toBe(1);
    expect(await writeOffCount(carry)).toBe(0);
    await expectInvariant(carry, reset);
    expect(await payable(reset)).toBe(0n);
  });

  it("April: the next period's earnings net against the carried balance; the reset partner starts at zero", async () => {
    await setNow('2025-04-10T10:00:00Z');
    await purchase(carry, 'c3', '2025-04-02', 100_000);
    await purchase(reset, 'r3', '2025-04-02', 100_000);
    await setNow('2025-05-03T10:00:00Z');
    expect((await close('2025-04')).kind).toBe('closed');
    await approveAll(carry, reset);
    await expectInvariant(carry, reset);
    const b = await batch(brandId, '2025-05-03');
    const amount = (p: string) => b.lines.find((l) => l.partnerId === p)?.amount;
    expect(amount(carry)).toBe('3000'); // −120.00 + 150.00
    expect(amount(reset)).toBe('15000'); // 0 + 150.00
    await expectInvariant(carry, reset);
    await payAll(b);
    await expectInvariant(carry, reset);
    expect(await payable(carry)).toBe(0n);
    expect(await payable(reset)).toBe(0n);
    expect(await writeOffCount(reset)).toBe(1);
    // the carry partner's clawback was paid off by netting: every line of it is paid
    expect(new Set((await lines(carry)).map((l) => l.state))).toEqual(new Set(['paid']));
  });

  it("the reset partner's statement shows the write-off with its explanation, sealed", async () => {
    const st = await finance.request('POST', '/api/v1/statements', {
      brandId,
      partnerId: reset,
      period: '2025-03',
    });
    expect(st.statusCode, st.body).toBe(201);
    const json = await finance.request('GET', `/api/v1/statements/${st.json().id}?format=json`);
    const content = json.json();
    const body = JSON.stringify(content);
    expect(body).toContain('write_off');
    expect(body).toContain('negativeBalance reset');
    const v = await finance.request('GET', `/api/v1/statements/${st.json().id}/verify`);
    expect(v.json()).toMatchObject({ ok: true });
  });

  it('the statement as PDF carries the same seal and totals', async () => {
    const st = await finance.request('POST', '/api/v1/statements', {
      brandId,
      partnerId: reset,
      period: '2025-03',
    });
    const { id, sha256 } = st.json() as { id: string; sha256: string };
    const content = (await finance.request('GET', `/api/v1/statements/${id}?format=json`)).json().content as {
      totals: { currency: string; commission: string; adjustments: string; lines: number }[];
    };
    const pdf = await finance.request('GET', `/api/v1/statements/${id}?format=pdf`);
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    const raw = pdf.rawPayload.toString('latin1');
    expect(raw.startsWith('%PDF-')).toBe(true);
    // the text shown: every TJ array's hex strings, decoded (standard fonts, uncompressed content streams)
    const shown = [...raw.matchAll(/\[([^\]]*)\]\s*TJ/g)]
      .map((m) =>
        [...m[1]!.matchAll(/<([0-9a-fA-F]*)>/g)]
          .map((h) => Buffer.from(h[1]!, 'hex').toString('latin1'))
          .join(''),
      )
      .join('\n');
    expect(shown).toContain(sha256);
    const t = content.totals[0]!;
    expect(t.commission).toBe('120.00'); // the write-off booked in March
    expect(shown).toContain(
      `${t.currency}: commission ${t.commission}, of which adjustments ${t.adjustments}`,
    );
    expect(shown).toContain('write_off');
    expect(raw).toContain(`sha256 ${sha256}`); // the document's Subject
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closePeriod } from '../../src/ledger/close-period.js';
import { ledgerBalanced } from '../../src/ledger/ledger-store.js';
import { createTestContext, type Session, type TestContext } from '../helpers/test-app.js';
import { addProgram, addPurchase, addRefund, balancesMatchLines } from './support.js';

/**
 * Finance claws a line back by hand first; later the operator's feed delivers the refund or chargeback of the
 * same purchase and a close (or a close re-run) books its reversal in full, as the engine computes it. The
 * feed's reversal and the manual clawback must never together take back more than the line was worth: the
 * close books a `clawback_release` line, linked to the line, giving back the part of the clawback the
 * reversal made redundant — once, whatever is re-run.
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

interface LineJson {
  id: string;
  kind: string;
  amountMinor: string;
  state: string;
  sourcePeriod: string;
  correctsLineId: string | null;
  customerId: string | null;
  explanation: { formula: string; inputs: Record<string, string>; notes?: string[] };
}
async function lines(partnerId: string): Promise<LineJson[]> {
  const r = await finance.request('GET', `/api/v1/commission-lines?partnerId=${partnerId}`);
  expect(r.statusCode, r.body).toBe(200);
  return r.json().items;
}
const live = (ls: LineJson[]) => ls.filter((l) => l.state !== 'rejected' && l.state !== 'reversed');
const sum = (ls: LineJson[]) => live(ls).reduce((a, l) => a + BigInt(l.amountMinor), 0n);
/** The line and every line correcting it (two levels), as [kind, amount] in booking order. */
function family(ls: LineJson[], id: string): LineJson[] {
  const kids = ls.filter((l) => l.correctsLineId === id);
  const grand = ls.filter((l) => kids.some((k) => k.id === l.correctsLineId));
  return [ls.find((l) => l.id === id)!, ...kids, ...grand];
}
const shape = (ls: LineJson[]) => ls.map((l) => [l.kind, l.amountMinor]);

async function expectInvariant(partnerId: string) {
  const b = await balancesMatchLines(ctx.services, partnerId);
  expect(b.fromEntries).toEqual(b.fromLines);
  expect(await ledgerBalanced(ctx.services.db)).toBe(true);
}

async function publicIdOf(customerId: string): Promise<string> {
  const r = await ctx.services.db
    .selectFrom('customers')
    .select('public_id')
    .where('id', '=', customerId)
    .executeTakeFirstOrThrow();
  return r.public_id;
}

/** Lines, entries and close runs of a brand: what a re-run could add. */
async function counts(brandId: string) {
  const db = ctx.services.db;
  const n = async (t: 'commission_lines' | 'close_runs' | 'ledger_entries') =>
    (await db.selectFrom(t).select('brand_id').where('brand_id', '=', brandId).execute()).length;
  return {
    lines: await n('commission_lines'),
    entries: await n('ledger_entries'),
    runs: await n('close_runs'),
  };
}

async function clawback(lineId: string, amountMinor?: string) {
  return finance.request('POST', `/api/v1/commission-lines/${lineId}/clawback`, {
    reason: 'chargeback notice from the PSP',
    ...(amountMinor ? { amountMinor } : {}),
  });
}

/** A prop program (15% of the amount paid, refund window 14 days) with one purchase of 1,000.00 per customer. */
async function program(
  brand: string,
  onRefund: 'void' | 'clawback',
  customers: readonly string[],
  day: string,
) {
  await setNow('2025-02-03T10:00:00Z');
  const p = await addProgram(ctx.services, {
    brand,
    vertical: 'prop',
    currency: 'USD',
    segment: 'influencer',
    components: [
      {
        id: 'ch',
        kind: 'prop_purchase',
        rate: '15',
        purchases: 'recurring',
        base: 'amount_paid',
        refundWindowDays: 14,
        onRefund,
      },
    ],
    customers,
  });
  for (const [i, c] of p.customers.entries())
    await addPurchase(ctx.services, p.brandId, c, `${brand}-${i}`, day, 100_000);
  const close = (period: string) => closePeriod(ctx.services, { brand, period, actor: ACTOR });
  expect(await close('2025-01')).toMatchObject({ kind: 'closed', lines: p.customers.length });
  const ls = await lines(p.partnerId);
  const commissionOf = async (c: string) => {
    const pub = await publicIdOf(c);
    return ls.find((l) => l.kind === 'prop_commission' && l.customerId === pub)!;
  };
  const commissions = [];
  for (const c of p.customers) commissions.push(await commissionOf(c));
  for (const c of commissions) expect(c.amountMinor).toBe('15000');
  return { ...p, close, commissions };
}

describe('finance claws back first, the refund reaches the close later', () => {
  it('clawback deal: a chargeback after the window, booked by the next close in full, releases the clawback; re-runs book nothing', async () => {
    const { brandId, partnerId, customers, close, commissions } = await program(
      'cbr-full',
      'clawback',
      ['f1'],
      '2025-01-10',
    );
    const [c1] = customers;
    const [line] = commissions;
    await setNow('2025-02-04T10:00:00Z');
    const cb = await clawback(line!.id);
    expect(cb.statusCode, cb.body).toBe(200);
    expect(cb.json()).toMatchObject({ amount: '-15000', bookedIn: '2025-02' });

    // the feed delivers the chargeback (after the 14-day window: the deal's clawback policy reverses it)
    await addRefund(ctx.services, brandId, c1!, 'cbr-full-0', '2025-02-10', 100_000);
    await setNow('2025-03-02T10:00:00Z');
    expect(await close('2025-02')).toMatchObject({
      kind: 'closed',
      lines: 1,
      totals: [{ amount: '-15000' }],
    });

    const ls = await lines(partnerId);
    const fam = family(ls, line!.id);
    expect(shape(fam)).toEqual([
      ['prop_commission', '15000'],
      ['clawback', '-15000'],
      ['prop_clawback', '-15000'],
      ['clawback_release', '15000'],
    ]);
    const release = fam.find((l) => l.kind === 'clawback_release')!;
    expect(release).toMatchObject({ sourcePeriod: '2025-01', state: 'pending', correctsLineId: line!.id });
    expect(release.explanation.inputs).toEqual({
      original: '15000',
      closeCorrections: '-15000',
      clawedBack: '-15000',
      releasedBefore: '0',
      released: '15000',
    });
    // the explanation names the manual clawback and the feed's reversal
    expect(release.explanation.notes?.join('\n')).toContain(cb.json().id);
    expect(release.explanation.notes?.join('\n')).toContain(fam[2]!.id);
    expect(sum(fam)).toBe(0n); // taken back once
    const audit = await ctx.services.db
      .selectFrom('audit_log')
      .select(['action', 'diff'])
      .where('action', '=', 'commission_line.clawback_released')
      .where('entity_id', '=', line!.id)
      .execute();
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit[0]!.diff)).toContain(cb.json().id);

    // nothing left: another clawback is refused; re-running any period books nothing
    const again = await clawback(line!.id);
    expect(again.statusCode, again.body).toBe(409);
    const before = await counts(brandId);
    for (const period of ['2025-02', '2025-01', '2025-02'])
      expect((await close(period)).kind, period).toBe('unchanged');
    expect(await counts(brandId)).toEqual(before);
    await expectInvariant(partnerId);
  });

  it('partial clawbacks: 50.00 then the full refund releases 50.00; 100.00 then half refunded releases 25.00; 50.00 then half refunded releases nothing', async () => {
    const { brandId, partnerId, customers, close, commissions } = await program(
      'cbr-part',
      'clawback',
      ['p1', 'p2', 'p3'],
      '2025-01-10',
    );
    await setNow('2025-02-04T10:00:00Z');
    for (const [i, amount] of ['5000', '10000', '5000'].entries()) {
      const r = await clawback(commissions[i]!.id, amount);
      expect(r.statusCode, r.body).toBe(200);
    }
    await addRefund(ctx.services, brandId, customers[0]!, 'cbr-part-0', '2025-02-10', 100_000);
    await addRefund(ctx.services, brandId, customers[1]!, 'cbr-part-1', '2025-02-10', 50_000);
    await addRefund(ctx.services, brandId, customers[2]!, 'cbr-part-2', '2025-02-10', 50_000);
    await setNow('2025-03-02T10:00:00Z');
    expect(await close('2025-02')).toMatchObject({ kind: 'closed', lines: 3 });

    const ls = await lines(partnerId);
    const [a, b, c] = commissions.map((x) => family(ls, x.id));
    expect(shape(a!)).toEqual([
      ['prop_commission', '15000'],
      ['clawback', '-5000'],
      ['prop_clawback', '-15000'],
      ['clawback_release', '5000'],
    ]);
    expect(shape(b!)).toEqual([
      ['prop_commission', '15000'],
      ['clawback', '-10000'],
      ['prop_clawback', '-7500'],
      ['clawback_release', '2500'],
    ]);
    expect(shape(c!)).toEqual([
      ['prop_commission', '15000'],
      ['clawback', '-5000'],
      ['prop_clawback', '-7500'],
    ]);
    expect([sum(a!), sum(b!), sum(c!)]).toEqual([0n, 0n, 2500n]);
    // the third still has 25.00 to take back, and no more
    const over = await clawback(commissions[2]!.id, '2501');
    expect(over.statusCode, over.body).toBe(400);
    expect(over.json().error.details.fields).toEqual([
      expect.objectContaining({ path: '/amountMinor', message: 'at most 2500' }),
    ]);
    expect((await clawback(commissions[2]!.id)).json()).toMatchObject({ amount: '-2500' });
    for (const x of commissions) expect((await clawback(x.id)).statusCode).toBe(409);

    const before = await counts(brandId);
    for (const period of ['2025-01', '2025-02', '2025-01', '2025-02'])
      expect((await close(period)).kind, period).toBe('unchanged');
    expect(await counts(brandId)).toEqual(before);
    expect(sum(await lines(partnerId))).toBe(0n);
    await expectInvariant(partnerId);
  });

  it('void deal: a refund inside the window that arrives after the close is booked by the re-run, which releases the clawback once', async () => {
    const { brandId, partnerId, customers, close, commissions } = await program(
      'cbr-void',
      'void',
      ['v1', 'v2'],
      '2025-01-10',
    );
    await setNow('2025-02-04T10:00:00Z');
    expect((await clawback(commissions[0]!.id)).statusCode).toBe(200);
    expect((await clawback(commissions[1]!.id, '5000')).statusCode).toBe(200);
    // late data for January: both purchases refunded inside their window
    await addRefund(ctx.services, brandId, customers[0]!, 'cbr-void-0', '2025-01-20', 100_000);
    await addRefund(ctx.services, brandId, customers[1]!, 'cbr-void-1', '2025-01-20', 100_000);
    const rerun = await close('2025-01');
    expect(rerun).toMatchObject({
      kind: 'adjusted',
      bookedPeriod: '2025-02',
      totals: [{ amount: '-30000' }],
    });

    const ls = await lines(partnerId);
    const [a, b] = commissions.map((x) => family(ls, x.id));
    expect(shape(a!)).toEqual([
      ['prop_commission', '15000'],
      ['clawback', '-15000'],
      ['prop_void', '-15000'],
      ['clawback_release', '15000'],
    ]);
    expect(shape(b!)).toEqual([
      ['prop_commission', '15000'],
      ['clawback', '-5000'],
      ['prop_void', '-15000'],
      ['clawback_release', '5000'],
    ]);
    expect([sum(a!), sum(b!)]).toEqual([0n, 0n]);

    // re-running January again, closing February and re-running both books nothing more
    const before = await counts(brandId);
    expect((await close('2025-01')).kind).toBe('unchanged');
    expect(await counts(brandId)).toEqual(before);
    await setNow('2025-03-02T10:00:00Z');
    expect(await close('2025-02')).toMatchObject({ kind: 'closed', lines: 0 });
    const closed = await counts(brandId);
    for (const period of ['2025-01', '2025-02']) expect((await close(period)).kind, period).toBe('unchanged');
    expect(await counts(brandId)).toEqual(closed);
    expect(sum(await lines(partnerId))).toBe(0n);
    await expectInvariant(partnerId);
  });

  it('void deal: a refund inside the window in the next period is booked by that close and releases the clawback', async () => {
    const { brandId, partnerId, customers, close, commissions } = await program(
      'cbr-void2',
      'void',
      ['w1'],
      '2025-01-25',
    );
    await setNow('2025-02-04T10:00:00Z');
    expect((await clawback(commissions[0]!.id)).statusCode).toBe(200);
    await addRefund(ctx.services, brandId, customers[0]!, 'cbr-void2-0', '2025-02-05', 100_000);
    await setNow('2025-03-02T10:00:00Z');
    expect(await close('2025-02')).toMatchObject({ kind: 'closed', lines: 1 });
    const fam = family(await lines(partnerId), commissions[0]!.id);
    expect(shape(fam)).toEqual([
      ['prop_commission', '15000'],
      ['clawback', '-15000'],
      ['prop_void', '-15000'],
      ['clawback_release', '15000'],
    ]);
    expect((await close('2025-02')).kind).toBe('unchanged');
    expect(sum(await lines(partnerId))).toBe(0n);
    await expectInvariant(partnerId);
  });

  it('a clawback rejected after its release withdraws the release: still taken back exactly once', async () => {
    const { brandId, partnerId, customers, close, commissions } = await program(
      'cbr-rej',
      'clawback',
      ['j1'],
      '2025-01-10',
    );
    await setNow('2025-02-04T10:00:00Z');
    const cb = await clawback(commissions[0]!.id);
    await addRefund(ctx.services, brandId, customers[0]!, 'cbr-rej-0', '2025-02-10', 100_000);
    await setNow('2025-03-02T10:00:00Z');
    await close('2025-02');
    const rej = await finance.request('POST', '/api/v1/commission-lines/reject', {
      ids: [cb.json().id],
      reason: 'the feed booked the chargeback',
    });
    expect(rej.statusCode, rej.body).toBe(200);
    const fam = family(await lines(partnerId), commissions[0]!.id);
    expect(fam.map((l) => [l.kind, l.amountMinor, l.state])).toEqual([
      ['prop_commission', '15000', 'pending'],
      ['clawback', '-15000', 'rejected'],
      ['prop_clawback', '-15000', 'pending'],
      ['clawback_release', '15000', 'pending'],
      ['clawback_release', '-15000', 'pending'],
    ]);
    expect(sum(fam)).toBe(0n);
    expect((await close('2025-02')).kind).toBe('unchanged');
    await expectInvariant(partnerId);
  });
});

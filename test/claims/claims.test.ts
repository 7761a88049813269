import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type Session, type TestContext } from '../helpers/test-app.js';

let ctx: TestContext;
let t = new Date('2026-11-10T10:00:00Z');
let admin: Session;
let finance: Session;
let analyst: Session;
let manager: Session;
let otherManager: Session;
let partner: Session;
let otherPartner: Session;
let brand: string;
let brand2: string;

async function join(partnerId: string, brandId: string) {
  await ctx.services.db
    .insertInto('partner_brands')
    .values({ partner_id: partnerId, brand_id: brandId, parent_partner_id: null, joined_at: new Date() })
    .execute();
}

async function file(s: Session, body: Record<string, unknown>) {
  return s.request('POST', '/api/v1/portal/claims', {
    customerRef: 'cu_abcdefgh12345678',
    expectedAmount: '25.50',
    currency: 'EUR',
    reason: 'FTD on 3 Nov not credited',
    ...body,
  });
}

async function audits(entityId: string) {
  return ctx.services.db
    .selectFrom('audit_log')
    .select(['action', 'actor_id'])
    .where('entity_id', '=', entityId)
    .orderBy('id')
    .execute();
}

beforeAll(async () => {
  ctx = await createTestContext({ sessionTtlMinutes: 60 * 24 * 60 }, { clock: () => t });
  admin = await ctx.loginAs('admin');
  finance = await ctx.loginAs('finance');
  analyst = await ctx.loginAs('analyst');
  manager = await ctx.loginAs('partner_manager');
  otherManager = await ctx.loginAs('partner_manager');
  brand = await ctx.createBrand('clm');
  brand2 = await ctx.createBrand('clm2');
  const p1 = await ctx.createPartner({ name: 'Claimer', managerUserId: manager.userId });
  const p2 = await ctx.createPartner({ name: 'Other', managerUserId: otherManager.userId });
  await join(p1, brand);
  await join(p2, brand);
  partner = await ctx.loginAs('partner', { partnerId: p1 });
  otherPartner = await ctx.loginAs('partner', { partnerId: p2 });
});
afterAll(async () => ctx?.close());

describe('missing-commission claims', () => {
  it('validates the amount against the currency, the brand and the period, writing nothing on error', async () => {
    const before = await ctx.services.db.selectFrom('commission_claims').select('id').execute();
    const cases: [Record<string, unknown>, string][] = [
      [{ expectedAmount: '12.345' }, '/expectedAmount'],
      [{ expectedAmount: '10.5', currency: 'JPY' }, '/expectedAmount'],
      [{ expectedAmount: '0.00' }, '/expectedAmount'],
      [{ expectedAmount: '12,50' }, '/expectedAmount'],
      [{ currency: 'XYZ' }, '/currency'],
      [{ brandId: brand2 }, '/brandId'],
      [{ period: '2099-01' }, '/period'],
      [{ reason: '' }, '/reason'],
    ];
    for (const [body, path] of cases) {
      const r = await file(partner, body);
      expect(r.statusCode, JSON.stringify(body)).toBe(400);
      const fields = r.json().error.details.fields as { path: string }[];
      expect(fields.map((f) => f.path)).toContain(path);
    }
    const after = await ctx.services.db.selectFrom('commission_claims').select('id').execute();
    expect(after.length).toBe(before.length);
    const jpy = await file(partner, { expectedAmount: '1500', currency: 'jpy' });
    expect(jpy.statusCode).toBe(201);
    expect(jpy.json()).toMatchObject({ expectedAmount: '1500', currency: 'JPY', state: 'open' });
  });

  it('a partner files and sees only its own claims; another partner gets 404', async () => {
    const r = await file(partner, { period: '2026-10' });
    expect(r.statusCode).toBe(201);
    const c = r.json();
    expect(c).toMatchObject({ state: 'open', expectedAmount: '25.50', brandId: brand, overdue: false });
    expect(Date.parse(c.dueAt) - t.getTime()).toBe(14 * 86_400_000);
    expect((await otherPartner.request('GET', `/api/v1/portal/claims/${c.id}`)).statusCode).toBe(404);
    const others = await otherPartner.request('GET', '/api/v1/portal/claims');
    expect(others.json().items.map((x: { id: string }) => x.id)).not.toContain(c.id);
    const own = await partner.request('GET', `/api/v1/portal/claims/${c.id}`);
    expect(own.statusCode).toBe(200);
    expect(own.json().id).toBe(c.id);
    expect((await audits(c.id)).map((a) => a.action)).toEqual(['claim.filed']);
  });

  it('refuses triage to a partner, an analyst and a manager outside the portfolio', async () => {
    const c = (await file(partner, {})).json();
    const accept = (s: Session) => s.request('POST', `/api/v1/claims/${c.id}/accept`, { amount: '1.00' });
    expect((await accept(partner)).statusCode).toBe(403);
    expect((await accept(analyst)).statusCode).toBe(403);
    expect((await accept(otherManager)).statusCode).toBe(404);
    expect((await otherManager.request('GET', `/api/v1/claims/${c.id}`)).statusCode).toBe(404);
    expect((await analyst.request('GET', `/api/v1/claims/${c.id}`)).statusCode).toBe(200);
    const mine = await otherManager.request('GET', '/api/v1/claims');
    expect(mine.json().items.map((x: { id: string }) => x.id)).not.toContain(c.id);
    const row = await ctx.services.db
      .selectFrom('commission_claims')
      .select('state')
      .where('id', '=', c.id)
      .executeTakeFirstOrThrow();
    expect(row.state).toBe('open');
  });

  it('review then accept books a pending manual adjustment; the partner sees it and the balance moves', async () => {
    const c = (await file(partner, {})).json();
    const review = await manager.request('POST', `/api/v1/claims/${c.id}/review`, {});
    expect(review.statusCode).toBe(200);
    expect(review.json().state).toBe('in_review');
    expect((await manager.request('POST', `/api/v1/claims/${c.id}/review`, {})).statusCode).toBe(409);
    const noAmount = await finance.request('POST', `/api/v1/claims/${c.id}/accept`, {});
    expect(noAmount.statusCode).toBe(400);
    const precise = await finance.request('POST', `/api/v1/claims/${c.id}/accept`, { amount: '20.001' });
    expect(precise.statusCode).toBe(400);
    expect(precise.json().error.details.fields[0].path).toBe('/amount');

    const balBefore = await partner.request('GET', `/api/v1/partners/${partner.partnerId}/balance`);
    const pendingBefore = BigInt(
      balBefore
        .json()
        .balances.find(
          (b: { account: string; currency: string }) =>
            b.account === 'partner_pending' && b.currency === 'EUR',
        )?.amountMinor ?? '0',
    );
    const ok = await finance.request('POST', `/api/v1/claims/${c.id}/accept`, {
      amount: '20.00',
      response: 'Found the FTD; credited 20.00.',
    });
    expect(ok.statusCode).toBe(200);
    const accepted = ok.json();
    expect(accepted).toMatchObject({ state: 'accepted', acceptedAmount: '20.00', decidedBy: finance.userId });
    const line = await ctx.services.db
      .selectFrom('commission_lines')
      .selectAll()
      .where('id', '=', accepted.adjustmentLineId)
      .executeTakeFirstOrThrow();
    expect(line).toMatchObject({
      kind: 'manual_adjustment',
      amount: '2000',
      currency: 'EUR',
      state: 'pending',
      partner_id: partner.partnerId,
      brand_id: brand,
      customer_id: 'cu_abcdefgh12345678',
      line_key: `manual:claim:${c.id}`,
      source_period: '2026-11',
    });
    const bal = await partner.request('GET', `/api/v1/partners/${partner.partnerId}/balance`);
    const pending = BigInt(
      bal
        .json()
        .balances.find(
          (b: { account: string; currency: string }) =>
            b.account === 'partner_pending' && b.currency === 'EUR',
        ).amountMinor,
    );
    expect(pending - pendingBefore).toBe(2000n);
    const entries = await ctx.services.db
      .selectFrom('ledger_entries')
      .select(['account', 'amount'])
      .where('line_id', '=', line.id)
      .orderBy('account')
      .execute();
    expect(entries).toEqual([
      { account: 'commission_expense', amount: '2000' },
      { account: 'partner_pending', amount: '-2000' },
    ]);
    expect((await finance.request('GET', '/api/v1/ledger/check')).json()).toEqual({ balanced: true });

    const seen = await partner.request('GET', `/api/v1/portal/claims/${c.id}`);
    expect(seen.json()).toMatchObject({
      state: 'accepted',
      acceptedAmount: '20.00',
      response: 'Found the FTD; credited 20.00.',
      adjustmentLineId: line.id,
    });
    const lines = await partner.request('GET', '/api/v1/commission-lines');
    expect(lines.json().items.map((l: { id: string }) => l.id)).toContain(line.id);

    expect(
      (await admin.request('POST', `/api/v1/claims/${c.id}/reject`, { response: 'no' + 'pe' })).statusCode,
    ).toBe(409);
    expect(
      (await finance.request('POST', `/api/v1/claims/${c.id}/accept`, { amount: '20.00' })).statusCode,
    ).toBe(409);
    const trail = await audits(c.id);
    expect(trail.map((a) => a.action)).toEqual(['claim.filed', 'claim.in_review', 'claim.accepted']);
    expect(trail[1]!.actor_id).toBe(manager.userId);
    expect(trail[2]!.actor_id).toBe(finance.userId);
    expect((await audits(line.id)).map((a) => a.action)).toEqual(['commission_line.manual_adjustment']);
    const notes = await ctx.services.db
      .selectFrom('notifications' as never)
      .selectAll()
      .where('user_id' as never, '=', partner.userId as never)
      .execute();
    expect(notes.length).toBeGreaterThan(0);
  });

  it('rejecting needs a response, which the partner then sees', async () => {
    const c = (await file(partner, {})).json();
    const empty = await admin.request('POST', `/api/v1/claims/${c.id}/reject`, { response: '  ' });
    expect(empty.statusCode).toBe(400);
    const r = await admin.request('POST', `/api/v1/claims/${c.id}/reject`, {
      response: 'The customer registered through another partner.',
    });
    expect(r.statusCode).toBe(200);
    const seen = (await partner.request('GET', `/api/v1/portal/claims/${c.id}`)).json();
    expect(seen).toMatchObject({
      state: 'rejected',
      response: 'The customer registered through another partner.',
      acceptedAmount: null,
      adjustmentLineId: null,
    });
    expect((await audits(c.id)).map((a) => a.action)).toEqual(['claim.filed', 'claim.rejected']);
  });

  it('open claims appear in the task queue by deadline, overdue after 14 days', async () => {
    const c = (await file(otherPartner, { customerRef: 'order 77' })).json();
    const q1 = await otherManager.request('GET', '/api/v1/reports/tasks');
    const g1 = q1.json().groups.find((g: { kind: string }) => g.kind === 'claims');
    expect(g1.items.map((i: { id: string }) => i.id)).toEqual([c.id]);
    expect(g1.items[0].overdue).toBe(false);
    expect(g1.note).toBeUndefined();
    const mgr = (await manager.request('GET', '/api/v1/reports/tasks')).json();
    const g2 = mgr.groups.find((g: { kind: string }) => g.kind === 'claims');
    expect(g2.items.map((i: { id: string }) => i.id)).not.toContain(c.id);
    const saved = t;
    t = new Date(t.getTime() + 15 * 86_400_000);
    try {
      const g3 = (await otherManager.request('GET', '/api/v1/reports/tasks'))
        .json()
        .groups.find((g: { kind: string }) => g.kind === 'claims');
      expect(g3.items[0]).toMatchObject({ id: c.id, overdue: true });
      expect(g3.items[0].label).toContain('overdue');
      const open = await otherManager.request('GET', '/api/v1/claims?open=true');
      expect(open.json().items).toMatchObject([{ id: c.id, overdue: true, partnerName: 'Other' }]);
    } finally {
      t = saved;
    }
  });

  it('finance books a manual adjustment directly; other roles are refused', async () => {
    const body = { brandId: brand, amount: '-5.00', currency: 'EUR', reason: 'duplicate bonus' };
    expect(
      (await analyst.request('POST', `/api/v1/partners/${partner.partnerId}/adjustments`, body)).statusCode,
    ).toBe(403);
    expect(
      (await manager.request('POST', `/api/v1/partners/${partner.partnerId}/adjustments`, body)).statusCode,
    ).toBe(403);
    const bad = await finance.request('POST', `/api/v1/partners/${partner.partnerId}/adjustments`, {
      ...body,
      brandId: brand2,
    });
    expect(bad.statusCode).toBe(400);
    const r = await finance.request('POST', `/api/v1/partners/${partner.partnerId}/adjustments`, body);
    expect(r.statusCode).toBe(201);
    expect(r.json()).toMatchObject({ amount: '-5.00', currency: 'EUR', bookedIn: '2026-11' });
    const line = await ctx.services.db
      .selectFrom('commission_lines')
      .select(['amount', 'kind', 'state_reason'])
      .where('id', '=', r.json().id)
      .executeTakeFirstOrThrow();
    expect(line).toEqual({ amount: '-500', kind: 'manual_adjustment', state_reason: 'duplicate bonus' });
  });
});

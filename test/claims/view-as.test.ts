import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type Session, type TestContext } from '../helpers/test-app.js';

let ctx: TestContext;
let t = new Date('2026-11-10T10:00:00Z');
let admin: Session;
let finance: Session;
let manager: Session;
let otherManager: Session;
let partner: Session;
let partnerId: string;
let claimId: string;

const H = 'x-consort-view-as';

async function start(s: Session, id = partnerId) {
  return s.request('POST', `/api/v1/partners/${id}/view-as`, {});
}

beforeAll(async () => {
  ctx = await createTestContext({}, { clock: () => t });
  admin = await ctx.loginAs('admin');
  finance = await ctx.loginAs('finance');
  manager = await ctx.loginAs('partner_manager');
  otherManager = await ctx.loginAs('partner_manager');
  const brand = await ctx.createBrand('vas');
  partnerId = await ctx.createPartner({ name: 'Viewed Partner', managerUserId: manager.userId });
  await ctx.services.db
    .insertInto('partner_brands')
    .values({ partner_id: partnerId, brand_id: brand, parent_partner_id: null, joined_at: t })
    .execute();
  partner = await ctx.loginAs('partner', { partnerId });
  const c = await partner.request('POST', '/api/v1/portal/claims', {
    customerRef: 'cu_view00000000000a',
    expectedAmount: '10.00',
    currency: 'EUR',
    reason: 'missing CPA',
  });
  claimId = c.json().id;
});
afterAll(async () => ctx?.close());

describe('view as partner', () => {
  it('answers portal reads as the partner, refuses writes, and audits the start with the staff user', async () => {
    const r = await start(admin);
    expect(r.statusCode).toBe(201);
    const g = r.json();
    expect(g).toMatchObject({ partnerId, partnerName: 'Viewed Partner', header: 'X-Consort-View-As' });
    expect(Date.parse(g.expiresAt) - t.getTime()).toBe(30 * 60_000);

    const profile = await admin.request('GET', '/api/v1/portal/profile', undefined, { [H]: g.grantId });
    expect(profile.statusCode).toBe(200);
    expect(profile.json().id).toBe(partnerId);
    const claims = await admin.request('GET', '/api/v1/portal/claims', undefined, { [H]: g.grantId });
    expect(claims.json().items.map((c: { id: string }) => c.id)).toEqual([claimId]);
    const lines = await admin.request('GET', '/api/v1/commission-lines', undefined, { [H]: g.grantId });
    expect(lines.statusCode).toBe(200);

    const before = await ctx.services.db.selectFrom('commission_claims').select('id').execute();
    const write = await admin.request(
      'POST',
      '/api/v1/portal/claims',
      { customerRef: 'x', expectedAmount: '1.00', currency: 'EUR', reason: 'should not be filed' },
      { [H]: g.grantId },
    );
    expect(write.statusCode).toBe(403);
    expect(write.json().error.code).toBe('VIEW_AS_READ_ONLY');
    const patch = await admin.request(
      'PATCH',
      '/api/v1/portal/profile',
      { phone: '+44 1' },
      { [H]: g.grantId },
    );
    expect(patch.json().error.code).toBe('VIEW_AS_READ_ONLY');
    expect((await ctx.services.db.selectFrom('commission_claims').select('id').execute()).length).toBe(
      before.length,
    );

    // while viewing, the request is the partner's: staff routes are refused
    const staff = await admin.request('GET', '/api/v1/partners', undefined, { [H]: g.grantId });
    expect(staff.statusCode).toBe(403);

    const audit = await ctx.services.db
      .selectFrom('audit_log')
      .select(['action', 'actor_type', 'actor_id', 'entity_id', 'diff'])
      .where('action', '=', 'partner.view_as_started')
      .where('entity_id', '=', partnerId)
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor_type: 'user', actor_id: admin.userId, entity_id: partnerId });
    const diff = typeof audit[0]!.diff === 'string' ? JSON.parse(audit[0]!.diff) : audit[0]!.diff;
    expect(diff).toMatchObject({ grantId: g.grantId, staffRole: 'admin' });
  });

  it('is refused to roles without the right and to a manager outside the portfolio', async () => {
    expect((await start(finance)).statusCode).toBe(403);
    expect((await start(partner)).statusCode).toBe(403);
    expect((await start(otherManager)).statusCode).toBe(404);
    const mine = await start(manager);
    expect(mine.statusCode).toBe(201);
    const seen = await manager.request('GET', '/api/v1/portal/claims', undefined, {
      [H]: mine.json().grantId,
    });
    expect(seen.json().items).toHaveLength(1);
  });

  it('binds the marker to its session: another session, an ended or an expired marker is refused', async () => {
    const g = (await start(admin)).json();
    const admin2 = await ctx.loginAs('admin');
    const other = await admin2.request('GET', '/api/v1/portal/profile', undefined, { [H]: g.grantId });
    expect(other.statusCode).toBe(403);
    expect(other.json().error.code).toBe('VIEW_AS_INVALID');
    const fromPartner = await partner.request('GET', '/api/v1/portal/profile', undefined, { [H]: g.grantId });
    expect(fromPartner.json().error.code).toBe('VIEW_AS_INVALID');
    const garbage = await admin.request('GET', '/api/v1/portal/profile', undefined, { [H]: 'nope' });
    expect(garbage.json().error.code).toBe('VIEW_AS_INVALID');

    const saved = t;
    t = new Date(t.getTime() + 31 * 60_000);
    try {
      const late = await admin.request('GET', '/api/v1/portal/profile', undefined, { [H]: g.grantId });
      expect(late.json().error.code).toBe('VIEW_AS_INVALID');
    } finally {
      t = saved;
    }
    const g2 = (await start(admin)).json();
    expect((await admin.request('DELETE', `/api/v1/view-as/${g2.grantId}`)).statusCode).toBe(204);
    const ended = await admin.request('GET', '/api/v1/portal/profile', undefined, { [H]: g2.grantId });
    expect(ended.json().error.code).toBe('VIEW_AS_INVALID');
    expect((await admin2.request('DELETE', `/api/v1/view-as/${g.grantId}`)).statusCode).toBe(404);
    const endAudit = await ctx.services.db
      .selectFrom('audit_log')
      .select('actor_id')
      .where('action', '=', 'partner.view_as_ended')
      .execute();
    expect(endAudit.map((a) => a.actor_id)).toEqual([admin.userId]);
  });

  it('stops when the partner leaves the manager’s portfolio', async () => {
    const g = (await start(manager)).json();
    await ctx.services.db
      .updateTable('partners')
      .set({ manager_user_id: otherManager.userId })
      .where('id', '=', partnerId)
      .execute();
    try {
      const r = await manager.request('GET', '/api/v1/portal/profile', undefined, { [H]: g.grantId });
      expect(r.json().error.code).toBe('VIEW_AS_INVALID');
    } finally {
      await ctx.services.db
        .updateTable('partners')
        .set({ manager_user_id: manager.userId })
        .where('id', '=', partnerId)
        .execute();
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeAudited } from '../../src/audit/write-audited.js';
import { createPromoCode, createTrackingLink } from '../../src/tracking/tracking-asset-store.js';
import { createTestContext, type Session, type TestContext } from '../helpers/test-app.js';

let t: TestContext;
let admin: Session;
let partnerId: string;
let otherId: string;
const ids: Record<string, string> = {};
const sys = { type: 'system' as const, id: 'test' };

beforeAll(async () => {
  t = await createTestContext();
  admin = await t.loginAs('admin');
  const brandId = await t.createBrand('pausebrand', 'igaming');
  partnerId = await t.createPartner({ segments: ['affiliate', 'influencer'] });
  otherId = await t.createPartner({ segments: ['affiliate'] });
  await writeAudited(t.services, async (trx, now) => {
    ids.link = (
      await createTrackingLink(trx, sys, { partnerId, segment: 'affiliate', brandId, code: 'pauseme' }, now)
    ).id;
    ids.other = (
      await createTrackingLink(
        trx,
        sys,
        { partnerId: otherId, segment: 'affiliate', brandId, code: 'notmine' },
        now,
      )
    ).id;
    ids.promo = (
      await createPromoCode(trx, sys, { partnerId, segment: 'influencer', brandId, code: 'PAUSE10' }, now)
    ).id;
  });
});

afterAll(async () => {
  await t?.close();
});

async function redirect(code: string) {
  const r = await t.app.inject({
    method: 'GET',
    url: `/r/${code}`,
    headers: { 'user-agent': 'Mozilla/5.0 Firefox/120.0' },
  });
  return String(r.headers.location);
}

async function auditOf(entityId: string) {
  return t.services.db
    .selectFrom('audit_log')
    .select(['action', 'diff', 'actor_id'])
    .where('entity_id', '=', entityId)
    .orderBy('id')
    .execute();
}

describe('pausing and resuming links and promo codes', () => {
  it('staff pause a link with a reason: clicks go to the fallback at once, audited; resume restores it', async () => {
    expect(await redirect('pauseme')).toContain('?c=');
    const noReason = await admin.request('PATCH', `/api/v1/links/${ids.link}`, { status: 'paused' });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json().error.details.fields[0].path).toBe('/reason');
    expect(
      (
        await t.services.db
          .selectFrom('tracking_links')
          .select('status')
          .where('id', '=', ids.link!)
          .executeTakeFirstOrThrow()
      ).status,
    ).toBe('active');

    const paused = await admin.request('PATCH', `/api/v1/links/${ids.link}`, {
      status: 'paused',
      reason: 'incentivised traffic under review',
    });
    expect(paused.statusCode, paused.body).toBe(200);
    expect(paused.json()).toMatchObject({ id: ids.link, code: 'pauseme', status: 'paused' });
    expect(await redirect('pauseme')).toBe('https://pausebrand.example/');

    const resumed = await admin.request('PATCH', `/api/v1/links/${ids.link}`, { status: 'active' });
    expect(resumed.statusCode).toBe(200);
    expect(await redirect('pauseme')).toContain('?c=');

    const audit = await auditOf(ids.link!);
    const actions = audit.map((a) => a.action);
    expect(actions).toContain('tracking_link.paused');
    expect(actions).toContain('tracking_link.resumed');
    const pausedRecord = audit.find((a) => a.action === 'tracking_link.paused')!;
    const diff = typeof pausedRecord.diff === 'string' ? JSON.parse(pausedRecord.diff) : pausedRecord.diff;
    expect(diff).toMatchObject({
      before: 'active',
      after: 'paused',
      reason: 'incentivised traffic under review',
    });
    expect(pausedRecord.actor_id).toBe(admin.userId);
  });

  it('pauses a promo code; an unchanged status writes nothing', async () => {
    const r = await admin.request('PATCH', `/api/v1/promo-codes/${ids.promo}`, {
      status: 'paused',
      reason: 'expired campaign',
    });
    expect(r.statusCode).toBe(200);
    expect(r.json().status).toBe('paused');
    const before = (await auditOf(ids.promo!)).length;
    const again = await admin.request('PATCH', `/api/v1/promo-codes/${ids.promo}`, {
      status: 'paused',
      reason: 'again',
    });
    expect(again.statusCode).toBe(200);
    expect((await auditOf(ids.promo!)).length).toBe(before);
  });

  it('a partner pauses only its own links; other roles and other portfolios are refused', async () => {
    const partner = await t.loginAs('partner', { partnerId });
    const own = await partner.request('PATCH', `/api/v1/portal/links/${ids.link}`, { status: 'paused' });
    expect(own.statusCode).toBe(200);
    expect(own.json().status).toBe('paused');
    const foreign = await partner.request('PATCH', `/api/v1/portal/links/${ids.other}`, { status: 'paused' });
    expect(foreign.statusCode).toBe(404);
    const staffRoute = await partner.request('PATCH', `/api/v1/links/${ids.other}`, {
      status: 'paused',
      reason: 'x',
    });
    expect(staffRoute.statusCode).toBe(403);

    const finance = await t.loginAs('finance');
    expect(
      (await finance.request('PATCH', `/api/v1/links/${ids.other}`, { status: 'paused', reason: 'x' }))
        .statusCode,
    ).toBe(403);
    const manager = await t.loginAs('partner_manager');
    expect(
      (await manager.request('PATCH', `/api/v1/links/${ids.other}`, { status: 'paused', reason: 'x' }))
        .statusCode,
    ).toBe(404);
    const bad = await admin.request('PATCH', `/api/v1/links/${ids.other}`, { status: 'frozen', reason: 'x' });
    expect(bad.statusCode).toBe(400);
    const otherStatus = await t.services.db
      .selectFrom('tracking_links')
      .select('status')
      .where('id', '=', ids.other!)
      .executeTakeFirstOrThrow();
    expect(otherStatus.status).toBe('active');
  });
});

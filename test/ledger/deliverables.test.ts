import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closePeriod } from '../../src/ledger/close-period.js';
import { ledgerBalanced } from '../../src/ledger/ledger-store.js';
import { createTestContext, type Session, type TestContext } from '../helpers/test-app.js';
import { ENGINE } from '../helpers/test-db.js';
import { addBrand, addContract, addPartner, balancesMatchLines } from './support.js';

const ACTOR = { type: 'system' as const, id: 'test' };
let ctx: TestContext;
let brandId: string;
let inf: string;
let other: string;
let partner: Session;
let finance: Session;

beforeAll(async () => {
  ctx = await createTestContext({}, { clock: () => new Date('2025-02-03T10:00:00Z') });
  finance = await ctx.loginAs('finance');
  brandId = await addBrand(ctx.services, 'deliv', 'prop', 'EUR');
  inf = await addPartner(ctx.services);
  other = await addPartner(ctx.services);
  await addContract(ctx.services, inf, brandId, {
    schemaVersion: 1,
    name: 'influencer videos',
    currency: 'EUR',
    segments: ['influencer'],
    brands: [brandId],
    components: [
      { id: 'videos', kind: 'deliverable_fee', amount: '400', deliverableTypes: ['youtube_video'] },
    ],
  });
  partner = await ctx.loginAs('partner', { partnerId: inf });
}, 60_000);

afterAll(async () => {
  await ctx?.close();
});

const video = (ref: string, deliveredOn: string, extra: Record<string, unknown> = {}) => ({
  brand: 'deliv',
  segment: 'influencer',
  type: 'youtube_video',
  externalRef: ref,
  title: `Review ${ref}`,
  url: `https://video.example/${ref}`,
  deliveredOn,
  ...extra,
});

async function lines(partnerId: string) {
  const r = await finance.request('GET', `/api/v1/commission-lines?partnerId=${partnerId}`);
  expect(r.statusCode).toBe(200);
  return r.json().items as {
    id: string;
    kind: string;
    amountMinor: string;
    correctsLineId: string | null;
    explanation: { detail?: { deliverableId: string }[] };
  }[];
}

describe(`deliverables paid by deliverable fees [${ENGINE}]`, () => {
  const ids: Record<string, string> = {};

  it('a partner submits deliverables: idempotent on its reference, bad input named, nothing written', async () => {
    const first = await partner.request('POST', '/api/v1/portal/deliverables', video('yt-1', '2025-01-20'));
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json()).toMatchObject({ status: 'submitted', duplicate: false, brand: 'deliv' });
    ids.yt1 = first.json().id;
    const again = await partner.request('POST', '/api/v1/portal/deliverables', video('yt-1', '2025-01-20'));
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ id: ids.yt1, duplicate: true });
    const changed = await partner.request(
      'POST',
      '/api/v1/portal/deliverables',
      video('yt-1', '2025-01-20', { title: 'Another video' }),
    );
    expect(changed.statusCode).toBe(409);
    expect(changed.json().error.details.fields[0].path).toBe('/externalRef');
    ids.yt2 = (
      await partner.request('POST', '/api/v1/portal/deliverables', video('yt-2', '2025-01-25'))
    ).json().id;
    ids.tt1 = (
      await partner.request(
        'POST',
        '/api/v1/portal/deliverables',
        video('tt-1', '2025-01-26', { type: 'tiktok_post' }),
      )
    ).json().id;

    const count = async () =>
      Number(
        (
          await ctx.services.db
            .selectFrom('deliverables')
            .select((eb) => eb.fn.countAll<string>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = await count();
    const wrongSegment = await partner.request(
      'POST',
      '/api/v1/portal/deliverables',
      video('yt-9', '2025-01-20', { segment: 'reseller' }),
    );
    expect(wrongSegment.statusCode).toBe(400);
    expect(wrongSegment.json().error.details.fields[0].path).toBe('/segment');
    const future = await partner.request('POST', '/api/v1/portal/deliverables', video('yt-9', '2025-03-01'));
    expect(future.statusCode).toBe(400);
    expect(future.json().error.details.fields[0].path).toBe('/deliveredOn');
    const badDate = await partner.request('POST', '/api/v1/portal/deliverables', video('yt-9', '2025-02-30'));
    expect(badDate.statusCode).toBe(400);
    const badType = await partner.request(
      'POST',
      '/api/v1/portal/deliverables',
      video('yt-9', '2025-01-20', { type: 'YouTube Video!' }),
    );
    expect(badType.statusCode).toBe(400);
    expect(JSON.stringify(badType.json().error.details)).toContain('/type');
    const badBrand = await partner.request(
      'POST',
      '/api/v1/portal/deliverables',
      video('yt-9', '2025-01-20', { brand: 'nope' }),
    );
    expect(badBrand.statusCode).toBe(400);
    expect(await count()).toBe(before);
  });

  it('staff decide within their reach; a rejection needs a reason; a decision is final', async () => {
    const manager = await ctx.loginAs('partner_manager');
    const outside = await manager.request('POST', `/api/v1/deliverables/${ids.yt1}/decision`, {
      decision: 'approve',
    });
    expect(outside.statusCode).toBe(404);
    const analyst = await ctx.loginAs('analyst');
    expect(
      (await analyst.request('POST', `/api/v1/deliverables/${ids.yt1}/decision`, { decision: 'approve' }))
        .statusCode,
    ).toBe(403);
    expect(
      (await partner.request('POST', `/api/v1/deliverables/${ids.yt1}/decision`, { decision: 'approve' }))
        .statusCode,
    ).toBe(403);
    await ctx.services.db
      .updateTable('partners')
      .set({ manager_user_id: manager.userId })
      .where('id', '=', inf)
      .execute();
    const queue = await manager.request('GET', '/api/v1/deliverables?status=submitted');
    expect(
      queue
        .json()
        .items.map((d: { id: string }) => d.id)
        .sort(),
    ).toEqual([ids.yt1, ids.yt2, ids.tt1].sort());

    const ok = await manager.request('POST', `/api/v1/deliverables/${ids.yt1}/decision`, {
      decision: 'approve',
    });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ status: 'approved', decidedBy: manager.userId });
    const noReason = await manager.request('POST', `/api/v1/deliverables/${ids.yt2}/decision`, {
      decision: 'reject',
    });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json().error.details.fields[0].path).toBe('/reason');
    const rejected = await manager.request('POST', `/api/v1/deliverables/${ids.yt2}/decision`, {
      decision: 'reject',
      reason: 'brand not mentioned',
    });
    expect(rejected.json()).toMatchObject({ status: 'rejected', decisionReason: 'brand not mentioned' });
    const again = await manager.request('POST', `/api/v1/deliverables/${ids.yt1}/decision`, {
      decision: 'reject',
      reason: 'x',
    });
    expect(again.statusCode).toBe(409);
    await manager.request('POST', `/api/v1/deliverables/${ids.tt1}/decision`, { decision: 'approve' });

    const audit = await ctx.services.db
      .selectFrom('audit_log')
      .select('action')
      .where('entity_id', 'in', [ids.yt1!, ids.yt2!])
      .execute();
    expect(audit.map((a) => a.action).sort()).toEqual([
      'deliverable.approved',
      'deliverable.rejected',
      'deliverable.submitted',
      'deliverable.submitted',
    ]);

    // the partner sees its own deliverables and their review; another partner none of them
    const mine = await partner.request('GET', '/api/v1/portal/deliverables');
    expect(mine.json().total).toBe(3);
    const stranger = await ctx.loginAs('partner', { partnerId: other });
    expect((await stranger.request('GET', '/api/v1/portal/deliverables')).json().total).toBe(0);
  });

  it('the close pays each approved deliverable of the period once; a late one becomes a linked adjustment', async () => {
    const jan = await closePeriod(ctx.services, { brand: 'deliv', period: '2025-01', actor: ACTOR });
    expect(jan.kind).toBe('closed');
    const paid = (await lines(inf)).filter((l) => l.kind === 'deliverable_fee');
    // approved: yt-1 (a youtube_video: 400.00); rejected yt-2 and the tiktok post (no component) are not paid
    expect(paid).toHaveLength(1);
    expect(paid[0]!.amountMinor).toBe('40000');
    expect(paid[0]!.explanation.detail?.map((d) => d.deliverableId)).toEqual([ids.yt1]);

    // staff record a January video after January closed: approved at once, booked as an adjustment
    const manager = await ctx.loginAs('partner_manager');
    await ctx.services.db
      .updateTable('partners')
      .set({ manager_user_id: manager.userId })
      .where('id', '=', inf)
      .execute();
    const late = await manager.request(
      'POST',
      `/api/v1/partners/${inf}/deliverables`,
      video('yt-3', '2025-01-30'),
    );
    expect(late.statusCode, late.body).toBe(201);
    expect(late.json().status).toBe('approved');
    const adj = await closePeriod(ctx.services, { brand: 'deliv', period: '2025-01', actor: ACTOR });
    expect(adj).toMatchObject({ kind: 'adjusted', bookedPeriod: '2025-02' });
    const all = await lines(inf);
    const total = all
      .filter((l) => l.kind === 'deliverable_fee')
      .reduce((a, l) => a + BigInt(l.amountMinor), 0n);
    expect(total).toBe(80_000n);
    expect(all.some((l) => l.correctsLineId === paid[0]!.id)).toBe(true);
    expect((await closePeriod(ctx.services, { brand: 'deliv', period: '2025-01', actor: ACTOR })).kind).toBe(
      'unchanged',
    );
    const b = await balancesMatchLines(ctx.services, inf);
    expect(b.fromEntries).toEqual(b.fromLines);
    expect(await ledgerBalanced(ctx.services.db)).toBe(true);
  });
});

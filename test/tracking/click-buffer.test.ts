import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeAudited } from '../../src/audit/write-audited.js';
import { loadConfig } from '../../src/platform/config.js';
import { createTrackingLink } from '../../src/tracking/tracking-asset-store.js';
import { buildApp } from '../../src/app.js';
import { createTestContext, type TestContext } from '../helpers/test-app.js';
import { ENGINE } from '../helpers/test-db.js';

let t: TestContext;
const UA = { 'user-agent': 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/120.0' };
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(async () => {
  await t?.close();
});

async function countClicks(): Promise<number> {
  const r = await sql<{ n: string }>`select count(*) as n from clicks`.execute(t.services.db);
  return Number(r.rows[0]!.n);
}

describe(`click buffer [${ENGINE}]`, () => {
  it('graceful shutdown writes every click still in the buffer; back-pressure instead of dropping', async () => {
    const brandId = await t.createBrand('shop');
    const partnerId = await t.createPartner();
    const link = await writeAudited(t.services, (trx, now) =>
      createTrackingLink(
        trx,
        { type: 'system', id: 'test' },
        { partnerId, segment: 'affiliate', brandId, code: 'shutdown' },
        now,
      ),
    );
    // a second app on the same services whose buffer never flushes by timer and holds at most 20 clicks
    const base = loadConfig({ logLevel: 'silent' }, {});
    const config = { ...base, tracking: { ...base.tracking, clickFlushMs: 3_600_000, clickBufferMax: 20 } };
    const app = await buildApp(config, { services: t.services });
    await app.ready();
    const answers = await Promise.all(
      Array.from({ length: 15 }, (_v, i) =>
        app.inject({ method: 'GET', url: `/r/${link.code}?sub1=n${i}`, headers: UA }),
      ),
    );
    expect(answers.every((a) => a.statusCode === 302)).toBe(true);
    expect(app.tracking.buffer.size).toBe(15);
    expect(await countClicks()).toBe(0);
    // 30 more: the buffer is full at 20, so requests wait for the writer instead of dropping clicks
    const more = await Promise.all(
      Array.from({ length: 30 }, () => app.inject({ method: 'GET', url: `/r/${link.code}`, headers: UA })),
    );
    expect(more.every((a) => a.statusCode === 302)).toBe(true);
    expect(app.tracking.buffer.stats.waits).toBeGreaterThan(0);
    await app.close();
    expect(await countClicks()).toBe(45);
    const r = await sql<{
      n: string;
    }>`select sum(clicks) as n from rollups_daily where partner_id = ${partnerId}`.execute(t.services.db);
    expect(r.rows[0]!.n).toBe('45');
  });

  it('stores sub-ids and agents with tabs, newlines, backslashes, quotes and NUL characters (NUL dropped)', async () => {
    const brandId = await t.createBrand('escapes');
    const partnerId = await t.createPartner();
    const link = await writeAudited(t.services, (trx, now) =>
      createTrackingLink(
        trx,
        { type: 'system', id: 'test' },
        { partnerId, segment: 'affiliate', brandId, code: 'escapes' },
        now,
      ),
    );
    const sub1 = 'a\tb\nc\\d"e\u0000f';
    const answer = await t.app.inject({
      method: 'GET',
      url: `/r/${link.code}?sub1=${encodeURIComponent(sub1)}&sub2=${encodeURIComponent('\\N')}`,
      headers: { 'user-agent': `${UA['user-agent']} \\x "quoted"` },
    });
    expect(answer.statusCode).toBe(302);
    await t.app.tracking.buffer.flush();
    const r = await sql<{ sub1: string; sub2: string; user_agent: string }>`
      select sub1, sub2, user_agent from clicks where link_id = ${link.id}`.execute(t.services.db);
    expect(r.rows).toEqual([
      { sub1: 'a\tb\nc\\d"ef', sub2: '\\N', user_agent: `${UA['user-agent']} \\x "quoted"` },
    ]);
    const roll = await sql<{ clicks: string; sub_id: string }>`
      select clicks, sub_id from rollups_daily where link_id = ${link.id}`.execute(t.services.db);
    expect(roll.rows).toEqual([{ clicks: '1', sub_id: 'a\tb\nc\\d"ef' }]);
  });
});

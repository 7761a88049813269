import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type Session, type TestContext } from '../helpers/test-app.js';

let ctx: TestContext;
let analyst: Session;
let manager: Session;
let partner: Session;

const definition = {
  groupBy: 'partner',
  columns: ['clicks', 'revenue', 'epc'],
  filters: {
    preset: 'custom',
    from: '2026-04-01',
    to: '2026-05-01',
    brandId: null,
    segment: 'ib',
    managerId: null,
    currency: 'EUR',
  },
  compare: true,
  compareFrom: '2026-03-01',
};

beforeAll(async () => {
  ctx = await createTestContext();
  analyst = await ctx.loginAs('analyst');
  manager = await ctx.loginAs('partner_manager');
  partner = await ctx.loginAs('partner');
});

afterAll(async () => {
  await ctx?.close();
});

async function auditActions(entityId: string) {
  const r = await sql<{ action: string; actor_id: string }>`
    select action, actor_id from audit_log where entity_type = 'saved_report' and entity_id = ${entityId}
    order by id`.execute(ctx.services.db);
  return r.rows;
}

describe('saved reports API', () => {
  it('saves, lists, replaces by name and deletes the caller’s own reports, audited', async () => {
    const c = await analyst.request('POST', '/api/v1/saved-reports', { name: ' IB by partner ', definition });
    expect(c.statusCode).toBe(201);
    const created = c.json();
    expect(created).toMatchObject({ name: 'IB by partner', definition });

    const changed = { ...definition, columns: ['ftds'], compare: false, compareFrom: null };
    const r = await analyst.request('POST', '/api/v1/saved-reports', {
      name: 'IB by partner',
      definition: changed,
    });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ id: created.id, definition: changed });
    expect(Date.parse(r.json().updatedAt)).toBeGreaterThanOrEqual(Date.parse(created.createdAt));

    await analyst.request('POST', '/api/v1/saved-reports', { name: 'A first', definition });
    const list = await analyst.request('GET', '/api/v1/saved-reports');
    expect(list.statusCode).toBe(200);
    expect(list.json().items.map((x: { name: string }) => x.name)).toEqual(['A first', 'IB by partner']);

    expect((await analyst.request('DELETE', `/api/v1/saved-reports/${created.id}`)).statusCode).toBe(204);
    expect((await analyst.request('DELETE', `/api/v1/saved-reports/${created.id}`)).statusCode).toBe(404);
    expect((await analyst.request('GET', '/api/v1/saved-reports')).json().items).toHaveLength(1);
    expect(await auditActions(created.id)).toEqual([
      { action: 'saved_report.created', actor_id: analyst.userId },
      { action: 'saved_report.replaced', actor_id: analyst.userId },
      { action: 'saved_report.deleted', actor_id: analyst.userId },
    ]);
  });

  it('another user neither sees nor deletes them; a partner is refused', async () => {
    const c = await analyst.request('POST', '/api/v1/saved-reports', { name: 'Mine only', definition });
    expect(c.statusCode).toBe(201);
    const id = c.json().id;
    const theirs = await manager.request('GET', '/api/v1/saved-reports');
    expect(theirs.statusCode).toBe(200);
    expect(theirs.json().items).toEqual([]);
    expect((await manager.request('DELETE', `/api/v1/saved-reports/${id}`)).statusCode).toBe(404);
    // the same name is free for another user
    expect(
      (await manager.request('POST', '/api/v1/saved-reports', { name: 'Mine only', definition })).statusCode,
    ).toBe(201);
    expect((await partner.request('GET', '/api/v1/saved-reports')).statusCode).toBe(403);
    expect(
      (await partner.request('POST', '/api/v1/saved-reports', { name: 'x', definition })).statusCode,
    ).toBe(403);
    const names = (await analyst.request('GET', '/api/v1/saved-reports'))
      .json()
      .items.map((x: { name: string }) => x.name);
    expect(names).toContain('Mine only');
  });

  it('rejects bad definitions naming the field, writing nothing', async () => {
    const before = (await analyst.request('GET', '/api/v1/saved-reports')).json().items.length;
    const cases: Array<[unknown, string]> = [
      [{ name: '', definition }, '/name'],
      [{ name: '   ', definition }, '/name'],
      [{ name: 'x', definition: { ...definition, groupBy: 'planet' } }, '/definition/groupBy'],
      [{ name: 'x', definition: { ...definition, columns: [] } }, '/definition/columns'],
      [{ name: 'x', definition: { ...definition, columns: ['clicks', 'nope'] } }, '/definition/columns/1'],
      [
        { name: 'x', definition: { ...definition, filters: { ...definition.filters, to: '2026-04-01' } } },
        '/definition/filters/to',
      ],
      [
        { name: 'x', definition: { ...definition, filters: { ...definition.filters, from: '2025-01-01' } } },
        '/definition/filters/to',
      ],
      [{ name: 'x', definition: { ...definition, extra: 1 } }, '/definition'],
    ];
    for (const [body, path] of cases) {
      const r = await analyst.request('POST', '/api/v1/saved-reports', body);
      expect(r.statusCode, JSON.stringify(body)).toBe(400);
      expect(JSON.stringify(r.json().error.details), JSON.stringify(body)).toContain(path);
    }
    expect((await analyst.request('GET', '/api/v1/saved-reports')).json().items).toHaveLength(before);
    expect((await analyst.request('DELETE', '/api/v1/saved-reports/not-a-uuid')).statusCode).toBe(400);
  });
});

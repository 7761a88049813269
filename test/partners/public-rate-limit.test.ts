import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../helpers/test-app.js';
import { ENGINE } from '../helpers/test-db.js';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
  await t.createBrand('rl-brand');
});
afterAll(() => t.close());

describe(`public application endpoint is rate-limited [${ENGINE}]`, () => {
  it('answers 429 with the error envelope after 10 submissions a minute from one address, and stores nothing', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 12; i++) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/public/brands/rl-brand/applications',
        payload: { spam: true },
        remoteAddress: '203.0.113.7',
      });
      codes.push(res.statusCode);
      if (res.statusCode === 429) expect(res.json().error.code).toBe('RATE_LIMITED');
    }
    expect(codes.slice(0, 10).every((c) => c === 400)).toBe(true);
    expect(codes.slice(10)).toEqual([429, 429]);
    // another address is not affected
    const other = await t.app.inject({
      method: 'POST',
      url: '/api/v1/public/brands/rl-brand/applications',
      payload: { spam: true },
      remoteAddress: '203.0.113.8',
    });
    expect(other.statusCode).toBe(400);
    const apps = await t.services.db.selectFrom('applications').select('id').execute();
    expect(apps).toEqual([]);
  });
});

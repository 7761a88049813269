import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countAudit } from '../../src/audit/audit-store.js';
import { writeAudited } from '../../src/audit/write-audited.js';
import { createUser } from '../../src/auth/user-store.js';
import { createTestContext, PASSWORD, sessionCookie, type TestContext } from '../helpers/test-app.js';
import { ENGINE } from '../helpers/test-db.js';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext({ login: { maxFailedAttempts: 3, lockoutMinutes: 15, ratePerMinute: 10_000 } });
});
afterAll(() => t.close());

async function makeUser(email: string) {
  return writeAudited(t.services, (trx, now) =>
    createUser(trx, { type: 'system', id: 'test' }, { email, password: PASSWORD, role: 'analyst' }, now),
  );
}

const login = (email: string, password: string) =>
  t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password } });

describe(`sign-in [${ENGINE}]`, () => {
  it('signs in with the right password and sets a hardened session cookie', async () => {
    await makeUser('ok@test.local');
    const res = await login('OK@test.local', PASSWORD);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.user).toMatchObject({ email: 'ok@test.local', role: 'analyst', totpEnabled: false });
    expect(body.user).not.toHaveProperty('passwordHash');
    expect(body.csrfToken).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    const cookie = res.cookies.find((c) => c.name === 'consort_session')!;
    expect(cookie.httpOnly).toBe(true);
    expect(cookie.sameSite).toBe('Strict');
    expect(cookie.path).toBe('/');
    expect(cookie.secure).toBeFalsy(); // plain http in tests; https requests get Secure (next test)
    const me = await t.app.inject({ url: '/api/v1/auth/session', headers: { cookie: sessionCookie(res) } });
    expect(me.statusCode).toBe(200);
    expect(me.json().user.email).toBe('ok@test.local');
  });

  it('marks the cookie Secure when the request came over https', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'ok@test.local', password: PASSWORD },
      headers: { 'x-forwarded-proto': 'https' },
    });
    // trustProxy is off by default: a forged header does not make the connection https
    expect(res.cookies.find((c) => c.name === 'consort_session')!.secure).toBeFalsy();
    const t2 = await createTestContext({ trustProxy: true });
    try {
      await writeAudited(t2.services, (trx, now) =>
        createUser(
          trx,
          { type: 'system', id: 'test' },
          { email: 's@test.local', password: PASSWORD, role: 'analyst' },
          now,
        ),
      );
      const r2 = await t2.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: 's@test.local', password: PASSWORD },
        headers: { 'x-forwarded-proto': 'https' },
      });
      expect(r2.statusCode).toBe(200);
      expect(r2.cookies.find((c) => c.name === 'consort_session')!.secure).toBe(true);
    } finally {
      await t2.close();
    }
  });

  it('refuses a wrong password or unknown e-mail with the same 401', async () => {
    await makeUser('wrong@test.local');
    const a = await login('wrong@test.local', 'not-the-password');
    const b = await login('nobody@test.local', 'not-the-password');
    for (const r of [a, b]) {
      expect(r.statusCode).toBe(401);
      expect(r.json().error.code).toBe('INVALID_CREDENTIALS');
      expect(r.cookies).toHaveLength(0);
    }
  });

  it('locks the account after too many failures, even for the right password, and audits it', async () => {
    const u = await makeUser('lock@test.local');
    for (let i = 0; i < 3; i++)
      expect((await login('lock@test.local', 'bad-password-x')).statusCode).toBe(401);
    const locked = await login('lock@test.local', PASSWORD);
    expect(locked.statusCode).toBe(423);
    expect(locked.json().error.code).toBe('ACCOUNT_LOCKED');
    expect(locked.json().error.details.lockedUntil).toBeTruthy();
    const trail = await t.services.db
      .selectFrom('audit_log')
      .select('action')
      .where('entity_id', '=', u.id)
      .execute();
    expect(trail.map((r) => r.action)).toEqual([
      'user.created',
      'auth.login_failed',
      'auth.login_failed',
      'auth.locked',
    ]);
  });

  it('logs out: the cookie stops working and is cleared', async () => {
    await makeUser('out@test.local');
    const res = await login('out@test.local', PASSWORD);
    const cookie = sessionCookie(res);
    const csrf = res.json().csrfToken;
    const out = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/logout',
      headers: { cookie, 'x-csrf-token': csrf },
    });
    expect(out.statusCode).toBe(204);
    expect(out.cookies.find((c) => c.name === 'consort_session')?.value).toBe('');
    const after = await t.app.inject({ url: '/api/v1/auth/session', headers: { cookie } });
    expect(after.statusCode).toBe(401);
  });

  it('rejects a cookie-authenticated write without the CSRF token, and changes nothing', async () => {
    const admin = await t.loginAs('admin');
    const before = await countAudit(t.services.db);
    const noToken = await t.app.inject({
      method: 'POST',
      url: '/api/v1/brands',
      headers: { cookie: admin.cookie },
      payload: {
        code: 'csrf-test',
        name: 'X',
        vertical: 'igaming',
        currency: 'EUR',
        landingUrlTemplate: 'https://x.example/',
        fallbackUrl: 'https://x.example/',
      },
    });
    expect(noToken.statusCode).toBe(403);
    expect(noToken.json().error.code).toBe('CSRF_FAILED');
    const wrong = await t.app.inject({
      method: 'POST',
      url: '/api/v1/brands',
      headers: { cookie: admin.cookie, 'x-csrf-token': 'forged-token-value-000000' },
      payload: {
        code: 'csrf-test',
        name: 'X',
        vertical: 'igaming',
        currency: 'EUR',
        landingUrlTemplate: 'https://x.example/',
        fallbackUrl: 'https://x.example/',
      },
    });
    expect(wrong.statusCode).toBe(403);
    const brands = await t.services.db
      .selectFrom('brands')
      .select('id')
      .where('code', '=', 'csrf-test')
      .execute();
    expect(brands).toEqual([]);
    expect(await countAudit(t.services.db)).toBe(before);
    const ok = await admin.request('POST', '/api/v1/brands', {
      code: 'csrf-test',
      name: 'X',
      vertical: 'igaming',
      currency: 'EUR',
      landingUrlTemplate: 'https://x.example/',
      fallbackUrl: 'https://x.example/',
    });
    expect(ok.statusCode).toBe(201);
  });
});

describe(`sign-in rate limit [${ENGINE}]`, () => {
  it('answers 429 once an address exceeds the per-minute sign-in budget', async () => {
    const t3 = await createTestContext({
      login: { maxFailedAttempts: 100, lockoutMinutes: 15, ratePerMinute: 4 },
    });
    try {
      const codes: number[] = [];
      for (let i = 0; i < 6; i++) {
        const r = await t3.app.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          payload: { email: 'x@test.local', password: 'whatever-pass' },
        });
        codes.push(r.statusCode);
        if (r.statusCode === 429) expect(r.json().error.code).toBe('RATE_LIMITED');
      }
      expect(codes).toEqual([401, 401, 401, 401, 429, 429]);
    } finally {
      await t3.close();
    }
  });
});

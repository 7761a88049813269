import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpCode } from '../../src/auth/totp.js';
import { createLogger } from '../../src/platform/logging.js';
import { createMailer } from '../../src/platform/mail.js';
import { createTestContext, PASSWORD, sessionCookie, type TestContext } from '../helpers/test-app.js';
import { ENGINE } from '../helpers/test-db.js';
import { startSmtpReceiver } from '../helpers/smtp-receiver.js';

let smtp: Awaited<ReturnType<typeof startSmtpReceiver>>;
let t: TestContext;
let now = new Date('2026-11-25T12:00:00Z');
const clock = () => now;
const advance = (seconds: number) => {
  now = new Date(now.getTime() + seconds * 1000);
};

beforeAll(async () => {
  smtp = await startSmtpReceiver();
  const mailer = createMailer(
    { url: smtp.url, from: 'Consort <no-reply@test.local>' },
    createLogger('silent'),
  );
  t = await createTestContext(
    { requireTotpForRoles: ['admin', 'finance'], publicUrl: 'http://consort.test' },
    { mailer, clock },
  );
});
afterAll(async () => {
  await t.close();
  await smtp.close();
});

const login = (email: string, password: string, totp?: string) =>
  t.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { email, password, ...(totp ? { totpCode: totp } : {}) },
  });

describe(`password reset by e-mail [${ENGINE}]`, () => {
  it('mails a one-time link; the token sets a new password once and ends old sessions', async () => {
    const user = await t.loginAs('analyst');
    const unknown = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/password-reset',
      payload: { email: 'nobody@test.local' },
    });
    expect(unknown.statusCode).toBe(202);
    expect(smtp.inbox).toHaveLength(0);

    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/password-reset',
      payload: { email: user.email },
    });
    expect(res.statusCode).toBe(202);
    expect(smtp.inbox).toHaveLength(1);
    const mail = smtp.inbox[0]!;
    expect(mail.to).toEqual([user.email]);
    expect(mail.raw).toContain('Subject: Reset your Consort password');
    expect(mail.raw).toContain('http://consort.test/reset-password?token=');
    const token = /Reset token: ([A-Za-z0-9_-]+)/.exec(mail.raw)?.[1];
    expect(token).toBeTruthy();

    const weak = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/password-reset/confirm',
      payload: { token, password: 'short' },
    });
    expect(weak.statusCode).toBe(400);
    expect(weak.json().error.details.fields[0].path).toBe('/password');

    const ok = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/password-reset/confirm',
      payload: { token, password: 'a-brand-new-password' },
    });
    expect(ok.statusCode).toBe(204);
    expect(
      (await t.app.inject({ url: '/api/v1/auth/session', headers: { cookie: user.cookie } })).statusCode,
    ).toBe(401);
    expect((await login(user.email, PASSWORD)).statusCode).toBe(401);
    expect((await login(user.email, 'a-brand-new-password')).statusCode).toBe(200);

    const reuse = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/password-reset/confirm',
      payload: { token, password: 'another-new-password' },
    });
    expect(reuse.statusCode).toBe(400);
    expect(reuse.json().error.details.fields[0].path).toBe('/token');
  });

  it('refuses an expired token', async () => {
    const user = await t.loginAs('analyst');
    smtp.inbox.length = 0;
    await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/password-reset',
      payload: { email: user.email },
    });
    const token = /Reset token: ([A-Za-z0-9_-]+)/.exec(smtp.inbox[0]!.raw)![1];
    advance(61 * 60);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/password-reset/confirm',
      payload: { token, password: 'a-brand-new-password' },
    });
    expect(res.statusCode).toBe(400);
  });
});

describe(`TOTP two-factor sign-in [${ENGINE}]`, () => {
  it('enrols any user, then requires a fresh code at sign-in and refuses a replayed one', async () => {
    const user = await t.loginAs('analyst');
    const setup = await user.request('POST', '/api/v1/auth/totp/setup');
    expect(setup.statusCode).toBe(200);
    const { secret, otpauthUri } = setup.json();
    expect(otpauthUri).toMatch(/^otpauth:\/\/totp\/Consort:/);

    const bad = await user.request('POST', '/api/v1/auth/totp/enable', {
      code: '000000' === (await totpCode(secret, now)) ? '111111' : '000000',
    });
    expect(bad.statusCode).toBe(400);
    const enable = await user.request('POST', '/api/v1/auth/totp/enable', {
      code: await totpCode(secret, now),
    });
    expect(enable.statusCode).toBe(204);

    const noCode = await login(user.email, PASSWORD);
    expect(noCode.statusCode).toBe(401);
    expect(noCode.json().error.code).toBe('TOTP_REQUIRED');

    advance(30);
    const code = await totpCode(secret, now);
    const ok = await login(user.email, PASSWORD, code);
    expect(ok.statusCode).toBe(200);
    expect(ok.json().user.totpEnabled).toBe(true);

    const replay = await login(user.email, PASSWORD, code);
    expect(replay.statusCode).toBe(401);
    expect(replay.json().error.code).toBe('INVALID_TOTP');
  });

  it('holds a role that requires two-factor to enrolment until it is set up', async () => {
    const admin = await t.loginAs('admin');
    const session = await t.app.inject({ url: '/api/v1/auth/session', headers: { cookie: admin.cookie } });
    expect(session.json().totpEnrolmentRequired).toBe(true);
    const blocked = await admin.request('GET', '/api/v1/audit');
    expect(blocked.statusCode).toBe(403);
    expect(blocked.json().error.code).toBe('TOTP_ENROLMENT_REQUIRED');

    const { secret } = (await admin.request('POST', '/api/v1/auth/totp/setup')).json();
    expect(
      (await admin.request('POST', '/api/v1/auth/totp/enable', { code: await totpCode(secret, now) }))
        .statusCode,
    ).toBe(204);
    expect((await admin.request('GET', '/api/v1/audit')).statusCode).toBe(200);

    const off = await admin.request('POST', '/api/v1/auth/totp/disable', { password: PASSWORD });
    expect(off.statusCode).toBe(403);

    advance(30);
    const again = await login(admin.email, PASSWORD, await totpCode(secret, now));
    expect(again.statusCode).toBe(200);
    expect(again.json().totpEnrolmentRequired).toBe(false);
    const trail = await admin.request('GET', `/api/v1/audit?entityId=${admin.userId}`, undefined, {
      cookie: sessionCookie(again),
    });
    expect(trail.json().items.map((r: { action: string }) => r.action)).toEqual(
      expect.arrayContaining(['auth.totp_setup_started', 'auth.totp_enabled', 'auth.login']),
    );
  });
});

import type { LightMyRequestResponse } from 'fastify';
import { type App, buildApp } from '../../src/app.js';
import { writeAudited } from '../../src/audit/write-audited.js';
import { createUser } from '../../src/auth/user-store.js';
import { type Config, type LoginRole, loadConfig } from '../../src/platform/config.js';
import { closeServices, createServices } from '../../src/platform/create-services.js';
import { createLogger } from '../../src/platform/logging.js';
import type { Mailer } from '../../src/platform/mail.js';
import type { Services } from '../../src/platform/services.js';
import { createTestDatabase } from './test-db.js';

export const PASSWORD = 'correct-horse-battery';

export interface TestContext {
  app: App;
  services: Services;
  config: Config;
  url?: string | undefined;
  close(): Promise<void>;
  /** Creates a login of `role` (and its partner for role partner) and signs in: cookie + CSRF token. */
  loginAs(role: LoginRole, opts?: { partnerId?: string; email?: string }): Promise<Session>;
  /** Creates a partner record directly (setup, not under test). */
  createPartner(opts?: {
    name?: string;
    managerUserId?: string | null;
    segments?: string[];
  }): Promise<string>;
  createBrand(code: string, vertical?: 'igaming' | 'forex' | 'prop'): Promise<string>;
}

export interface Session {
  userId: string;
  email: string;
  cookie: string;
  csrf: string;
  partnerId: string | null;
  /** Injects a request with this session's cookie (and CSRF header on writes). */
  request(
    method: string,
    url: string,
    payload?: unknown,
    headers?: Record<string, string>,
  ): Promise<LightMyRequestResponse>;
}

let counter = 0;

export function sessionCookie(res: LightMyRequestResponse): string {
  const c = res.cookies.find((x) => x.name === 'consort_session');
  if (!c) throw new Error(`no session cookie in response ${res.statusCode} ${res.body}`);
  return `consort_session=${c.value}`;
}

/** A test app on a fresh database of the run's engine, with helpers to sign in as any role. */
export async function createTestContext(
  overrides: Partial<Config> = {},
  extra: { mailer?: Mailer; clock?: () => Date } = {},
): Promise<TestContext> {
  const { database, url, drop } = await createTestDatabase();
  const config = loadConfig(
    {
      logLevel: 'silent',
      ...overrides,
      login: { maxFailedAttempts: 5, lockoutMinutes: 15, ratePerMinute: 10_000, ...overrides.login },
    },
    {},
  );
  const services = await createServices(config, {
    database,
    logger: createLogger('silent'),
    ...(extra.mailer ? { mailer: extra.mailer } : {}),
    ...(extra.clock ? { clock: extra.clock } : {}),
  });
  const app = await buildApp(config, { services });
  await app.ready();

  const ctx: TestContext = {
    app,
    services,
    config,
    url,
    async close() {
      await app.close();
      await closeServices(services);
      await drop();
    },
    async createPartner(opts = {}) {
      const { v7 } = await import('uuid');
      const id = v7();
      const now = new Date();
      await services.db
        .insertInto('partners')
        .values({
          id,
          display_name: opts.name ?? `Partner ${++counter}`,
          email: null,
          country: 'GB',
          status: 'active',
          segments: opts.segments ?? ['affiliate'],
          manager_user_id: opts.managerUserId ?? null,
          created_at: now,
          updated_at: now,
        })
        .execute();
      return id;
    },
    async createBrand(code, vertical = 'igaming') {
      const { v7 } = await import('uuid');
      const id = v7();
      const now = new Date();
      await services.db
        .insertInto('brands')
        .values({
          id,
          code,
          name: code,
          vertical,
          currency: 'EUR',
          timezone: 'UTC',
          jurisdictions: [],
          landing_url_template: `https://${code}.example/?c={click_id}`,
          fallback_url: `https://${code}.example/`,
          created_at: now,
          updated_at: now,
        })
        .execute();
      return id;
    },
    async loginAs(role, opts = {}) {
      let partnerId = opts.partnerId ?? null;
      if (role === 'partner' && !partnerId) partnerId = await ctx.createPartner();
      const email = opts.email ?? `${role}.${++counter}.${Date.now()}@test.consort.local`;
      const user = await writeAudited(services, (trx, now) =>
        createUser(trx, { type: 'system', id: 'test' }, { email, password: PASSWORD, role, partnerId }, now),
      );
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email, password: PASSWORD },
      });
      if (res.statusCode !== 200) throw new Error(`login failed: ${res.statusCode} ${res.body}`);
      const cookie = sessionCookie(res);
      const csrf = (res.json() as { csrfToken: string }).csrfToken;
      return {
        userId: user.id,
        email,
        cookie,
        csrf,
        partnerId,
        request(method, url, payload, headers = {}) {
          return app.inject({
            method: method as 'GET',
            url,
            ...(payload !== undefined ? { payload: payload as object } : {}),
            headers: { cookie, ...(method === 'GET' ? {} : { 'x-csrf-token': csrf }), ...headers },
          });
        },
      };
    },
  };
  return ctx;
}

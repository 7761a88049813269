import fs from 'node:fs';
import path from 'node:path';
import axe from 'axe-core';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { type App, buildApp } from '../../src/app.js';
import { writeAudited } from '../../src/audit/write-audited.js';
import { createUser } from '../../src/auth/user-store.js';
import { type Config, type LoginRole, loadConfig } from '../../src/platform/config.js';
import { closeServices, createServices } from '../../src/platform/create-services.js';
import { createLogger } from '../../src/platform/logging.js';
import type { Mailer, OutgoingMail } from '../../src/platform/mail.js';
import type { Services } from '../../src/platform/services.js';
import { createTestDatabase } from '../helpers/test-db.js';

export const PASSWORD = 'browser-test-pass-1';
export const SHOTS = path.resolve('test-results/screenshots');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface Server {
  app: App;
  services: Services;
  base: string;
  mails: OutgoingMail[];
  browser: Browser;
  /** Logins by role, created at start (the partner login belongs to the partner "Maya Creator"). */
  emails: Record<LoginRole, string>;
  partnerId: string;
  createLogin(role: LoginRole, email: string, partnerId?: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * The real app on a fresh database of the run's engine (PostgreSQL in CI), listening on a free port of
 * 127.0.0.1, with a small data set and one login per role; plus a headless Debian chromium. `options.clock`
 * replaces the server's clock (a test moves business time forward, e.g. past a month end or a hold).
 */
export async function startServer(
  overrides: Partial<Config> = {},
  options: { clock?: () => Date } = {},
): Promise<Server> {
  if (!fs.existsSync(path.resolve('web/dist/index.html'))) {
    throw new Error('web/dist is missing: run `npm run build:web` (npm run test:browser does).');
  }
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
  fs.mkdirSync(SHOTS, { recursive: true });

  const { database, drop } = await createTestDatabase();
  const mails: OutgoingMail[] = [];
  const mailer: Mailer = {
    async send(m) {
      mails.push(m);
    },
    close() {},
  };
  const config = loadConfig(
    {
      logLevel: 'silent',
      ...overrides,
      login: { maxFailedAttempts: 50, lockoutMinutes: 15, ratePerMinute: 10_000 },
    },
    {},
  );
  const services = await createServices(config, {
    database,
    logger: createLogger('silent'),
    mailer,
    ...(options.clock ? { clock: options.clock } : {}),
  });
  const app = await buildApp(config, { services });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  const base = `http://127.0.0.1:${address.port}`;

  const createLogin = async (role: LoginRole, email: string, partnerId?: string) => {
    const user = await writeAudited(services, (trx, now) =>
      createUser(
        trx,
        { type: 'system', id: 'browser-test' },
        { email, password: PASSWORD, role, partnerId: partnerId ?? null, displayName: email.split('@')[0] },
        now,
      ),
    );
    return user.id;
  };

  const emails = {} as Record<LoginRole, string>;
  for (const role of ['admin', 'partner_manager', 'finance', 'compliance', 'analyst'] as const) {
    emails[role] = `${role.replace('_', '-')}@browser.test`;
  }
  const userIds: Record<string, string> = {};
  for (const role of ['admin', 'partner_manager', 'finance', 'compliance', 'analyst'] as const) {
    userIds[role] = await createLogin(role, emails[role]);
  }
  const { v7 } = await import('uuid');
  const now = new Date();
  const partnerId = v7();
  const partners = [
    {
      id: partnerId,
      name: 'Maya Creator',
      segments: ['affiliate', 'ib', 'ambassador'],
      status: 'active',
      pm: true,
    },
    { id: v7(), name: 'Northwind Media Ltd', segments: ['affiliate'], status: 'active', pm: true },
    { id: v7(), name: 'Kestrel Capital IB', segments: ['ib'], status: 'applied', pm: false },
    { id: v7(), name: 'Summit Reviews', segments: ['influencer'], status: 'in_review', pm: false },
  ];
  for (const p of partners) {
    await services.db
      .insertInto('partners')
      .values({
        id: p.id,
        display_name: p.name,
        email: `${p.name.split(' ')[0]!.toLowerCase()}@partners.test`,
        country: 'GB',
        status: p.status,
        segments: p.segments,
        manager_user_id: p.pm ? userIds.partner_manager! : null,
        created_at: now,
        updated_at: now,
      } as never)
      .execute();
  }
  await services.db
    .insertInto('brands')
    .values({
      id: v7(),
      code: 'lucky-spins',
      name: 'Lucky Spins Casino',
      vertical: 'igaming',
      currency: 'EUR',
      timezone: 'Europe/Malta',
      jurisdictions: ['MGA', 'UKGC'],
      landing_url_template: 'https://lucky.example/?c={click_id}',
      fallback_url: 'https://lucky.example/',
      created_at: now,
      updated_at: now,
    })
    .execute();
  emails.partner = 'maya@browser.test';
  await createLogin('partner', emails.partner, partnerId);

  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });

  return {
    app,
    services,
    base,
    mails,
    browser,
    emails,
    partnerId,
    createLogin,
    async close() {
      await browser.close();
      await app.close();
      await closeServices(services);
      await drop();
    },
  };
}

export interface Tab {
  page: Page;
  context: BrowserContext;
  /** Console errors and uncaught exceptions seen so far (API error responses the UI handles are not counted). */
  errors: string[];
}

export async function openTab(server: Server, viewport = { width: 1280, height: 860 }): Promise<Tab> {
  const context = await server.browser.newContext({ viewport, baseURL: server.base });
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    // The browser logs every 4xx of fetch() as "Failed to load resource"; the API's refusals (401 on the
    // signed-out session check, 403/404 probes) are expected and shown by the UI. Anything else counts.
    if (msg.text().startsWith('Failed to load resource') && msg.location().url.includes('/api/v1/')) return;
    errors.push(`${msg.text()} @ ${msg.location().url}`);
  });
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  return { page, context, errors };
}

export async function signIn(tab: Tab, email: string, password = PASSWORD): Promise<void> {
  const { page } = tab;
  await page.goto('/login');
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel(/^Password/).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: /Account menu/ }).waitFor();
}

export async function signOut(tab: Tab): Promise<void> {
  await tab.page.getByRole('button', { name: /Account menu/ }).click();
  await tab.page.getByRole('menuitem', { name: 'Sign out' }).click();
  await tab.page.getByRole('heading', { name: 'Sign in' }).waitFor();
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

/**
 * Runs axe-core in the page (evaluated through the DevTools protocol, so the page's CSP stays as served) and
 * returns the serious and critical violations.
 */
export async function axeCheck(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(axe.source);
  // Strings, not functions: this file compiles without the DOM library.
  const result = (await page.evaluate("axe.run(document, { resultTypes: ['violations'] })")) as {
    violations: Array<{ id: string; impact: string | null; help: string; nodes: Array<{ target: unknown }> }>;
  };
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 3).map((n) => JSON.stringify(n.target)),
    }));
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

/** Waits until no loader or skeleton is visible, so screenshots and axe see the settled page. */
export async function settled(page: Page): Promise<void> {
  await page.waitForLoadState('networkidle');
  // A function, not a string (the page's CSP forbids eval); `globalThis` keeps this file free of DOM types.
  await page.waitForFunction(
    () =>
      !(globalThis as unknown as { document: { querySelector(s: string): unknown } }).document.querySelector(
        '[role="status"] .mantine-Loader-root, .mantine-Skeleton-root',
      ),
    null,
    { timeout: 15_000 },
  );
  // and no finite CSS transition or animation running (a drawer fading in would fail axe's contrast check
  // half-way through; endless ones such as spinners are not waited for)
  await page.waitForFunction(
    () =>
      (
        globalThis as unknown as {
          document: {
            getAnimations(): { playState: string; effect: { getTiming(): { iterations?: number } } | null }[];
          };
        }
      ).document
        .getAnimations()
        .every(
          (a) => a.playState !== 'running' || a.effect?.getTiming().iterations === Number.POSITIVE_INFINITY,
        ),
    null,
    { timeout: 15_000 },
  );
}

/** settled, then no serious/critical axe violation, then a screenshot named `name`. */
export async function checkPage(t: Tab, name: string): Promise<void> {
  await settled(t.page);
  expect(await axeCheck(t.page)).toEqual([]);
  await screenshot(t.page, name);
}

/**
 * One signed-in tab at a time: `as(email)` closes the previous tab (asserting it logged no console error) and
 * signs the next user in.
 */
export class Browsing {
  tab: Tab | undefined;
  constructor(private readonly server: () => Server) {}

  as = async (email: string, viewport?: { width: number; height: number }): Promise<Tab> => {
    if (this.tab) {
      expect(this.tab.errors).toEqual([]);
      await this.tab.context.close();
    }
    this.tab = await openTab(this.server(), viewport);
    await signIn(this.tab, email);
    return this.tab;
  };

  async close(): Promise<void> {
    if (this.tab) await this.tab.context.close();
  }
}

/** Makes the partner a member of a brand's program (fixture setup). */
export async function joinBrand(
  server: Server,
  partnerId: string,
  brandCode = 'lucky-spins',
): Promise<string> {
  const brand = await server.services.db
    .selectFrom('brands')
    .select('id')
    .where('code', '=', brandCode)
    .executeTakeFirstOrThrow();
  await server.services.db
    .insertInto('partner_brands')
    .values({ partner_id: partnerId, brand_id: brand.id, parent_partner_id: null, joined_at: new Date() })
    .execute();
  return brand.id;
}

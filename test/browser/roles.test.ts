import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoginRole } from '../../src/platform/config.js';
import {
  axeCheck,
  openTab,
  type Server,
  screenshot,
  settled,
  signIn,
  signOut,
  startServer,
} from './harness.js';

/** What each login role sees in the navigation, and the pages behind it (docs/roles.md; web/src/access.ts). */
const NAV: Record<LoginRole, Array<[string, string]>> = {
  admin: [
    ['Overview', '/'],
    ['Reports', '/reports'],
    ['Partners', '/partners'],
    ['Tracking', '/tracking'],
    ['Onboarding', '/onboarding'],
    ['Deliverables', '/deliverables'],
    ['Deals', '/deals'],
    ['Audit', '/audit'],
    ['Commission lines', '/money/commissions'],
    ['Payouts and statements', '/money/payouts'],
    ['Claims', '/money/claims'],
    ['Reconciliation', '/money/reconciliation'],
    ['FX rates', '/money/fx'],
    ['Brands', '/settings/brands'],
    ['Users and roles', '/settings/users'],
    ['API keys', '/settings/api-keys'],
    ['Notification templates', '/settings/notification-templates'],
  ],
  partner_manager: [
    ['Overview', '/'],
    ['Reports', '/reports'],
    ['Partners', '/partners'],
    ['Tracking', '/tracking'],
    ['Onboarding', '/onboarding'],
    ['Deliverables', '/deliverables'],
    ['Deals', '/deals'],
    ['Commission lines', '/money/commissions'],
    ['Payouts and statements', '/money/payouts'],
    ['Claims', '/money/claims'],
    ['FX rates', '/money/fx'],
    ['Brands', '/settings/brands'],
  ],
  finance: [
    ['Overview', '/'],
    ['Reports', '/reports'],
    ['Partners', '/partners'],
    ['Tracking', '/tracking'],
    ['Deliverables', '/deliverables'],
    ['Deals', '/deals'],
    ['Commission lines', '/money/commissions'],
    ['Payouts and statements', '/money/payouts'],
    ['Claims', '/money/claims'],
    ['Reconciliation', '/money/reconciliation'],
    ['FX rates', '/money/fx'],
    ['Brands', '/settings/brands'],
  ],
  compliance: [
    ['Overview', '/'],
    ['Reports', '/reports'],
    ['Partners', '/partners'],
    ['Tracking', '/tracking'],
    ['Onboarding', '/onboarding'],
    ['Deliverables', '/deliverables'],
    ['Deals', '/deals'],
    ['Audit', '/audit'],
    ['Commission lines', '/money/commissions'],
    ['Payouts and statements', '/money/payouts'],
    ['Claims', '/money/claims'],
    ['Reconciliation', '/money/reconciliation'],
    ['FX rates', '/money/fx'],
    ['Brands', '/settings/brands'],
  ],
  analyst: [
    ['Overview', '/'],
    ['Reports', '/reports'],
    ['Partners', '/partners'],
    ['Tracking', '/tracking'],
    ['Deliverables', '/deliverables'],
    ['Deals', '/deals'],
    ['Commission lines', '/money/commissions'],
    ['Claims', '/money/claims'],
    ['Reconciliation', '/money/reconciliation'],
    ['FX rates', '/money/fx'],
    ['Brands', '/settings/brands'],
  ],
  partner: [
    ['Home', '/portal'],
    ['Onboarding', '/portal/onboarding'],
    ['Links and codes', '/portal/links'],
    ['Deliverables', '/portal/deliverables'],
    ['Reports', '/portal/reports'],
    ['Customers', '/portal/customers'],
    ['Sub-partners', '/portal/sub-partners'],
    ['Postbacks', '/portal/postbacks'],
    ['Earnings', '/portal/earnings'],
    ['Payouts and statements', '/portal/payouts'],
    ['Profile', '/portal/profile'],
    ['API keys', '/portal/api-keys'],
    ['Messages', '/portal/messages'],
    ['Settings', '/portal/settings'],
  ],
};

/** Pages a role must not reach, with an API route that refuses it too (the UI adds no back doors). */
const DENIED: Record<LoginRole, Array<{ page: string; api: string; status: number }>> = {
  admin: [{ page: '/portal', api: '/api/v1/portal/profile', status: 403 }],
  partner_manager: [
    { page: '/audit', api: '/api/v1/audit', status: 403 },
    { page: '/settings/users', api: '/api/v1/users', status: 403 },
    {
      page: '/settings/notification-templates',
      api: '/api/v1/notification-templates',
      status: 403,
    },
  ],
  finance: [
    { page: '/audit', api: '/api/v1/audit', status: 403 },
    { page: '/onboarding', api: '/api/v1/documents/attention', status: 403 },
    { page: '/settings/api-keys', api: '/api/v1/api-keys', status: 403 },
  ],
  compliance: [{ page: '/settings/users', api: '/api/v1/users', status: 403 }],
  analyst: [
    { page: '/audit', api: '/api/v1/audit', status: 403 },
    { page: '/onboarding', api: '/api/v1/documents/attention', status: 403 },
    { page: '/settings/users', api: '/api/v1/users', status: 403 },
  ],
  partner: [
    { page: '/partners', api: '/api/v1/partners', status: 403 },
    { page: '/audit', api: '/api/v1/audit', status: 403 },
    { page: '/settings/brands', api: '/api/v1/brands', status: 403 },
  ],
};

let server: Server;

beforeAll(async () => {
  server = await startServer();
});

afterAll(async () => {
  await server?.close();
});

describe.each(Object.keys(NAV) as LoginRole[])('signed in as %s', (role) => {
  it('sees exactly its navigation, every page passes axe, and denied pages stay closed', async () => {
    const tab = await openTab(server);
    const { page } = tab;
    await signIn(tab, server.emails[role]);
    await expect.poll(() => new URL(page.url()).pathname).toBe(role === 'partner' ? '/portal' : '/');

    const nav = page.getByRole('navigation', { name: 'Main navigation' });
    const links = await nav.getByRole('link').allInnerTexts();
    expect(links.map((l) => l.trim())).toEqual(NAV[role].map(([label]) => label));

    for (const [label, path] of NAV[role]) {
      await nav.getByRole('link', { name: label, exact: true }).click();
      await expect.poll(() => new URL(page.url()).pathname).toBe(path);
      await page.getByRole('heading', { level: 1 }).waitFor();
      await settled(page);
      expect(await axeCheck(page), `${role} ${path}`).toEqual([]);
      await screenshot(page, `${role}-${path === '/' ? 'overview' : path.slice(1).replace(/\//g, '-')}`);
    }

    for (const denied of DENIED[role]) {
      await page.goto(denied.page);
      await page.getByRole('heading', { name: 'Not available to your role' }).waitFor();
      const status = await page.evaluate(async (url) => (await fetch(url)).status, denied.api);
      expect(status, `${role} GET ${denied.api}`).toBe(denied.status);
    }

    await signOut(tab);
    expect(tab.errors).toEqual([]);
    await tab.context.close();
  });
});

describe('partner manager', () => {
  it('sees only the partners of its portfolio', async () => {
    const tab = await openTab(server);
    await signIn(tab, server.emails.partner_manager);
    await tab.page.goto('/partners');
    const table = tab.page.getByRole('table', { name: 'Partners' });
    await table.waitFor();
    const names = await table.locator('tbody tr td:nth-child(2)').allInnerTexts();
    expect(names.sort()).toEqual(['Maya Creator', 'Northwind Media Ltd']);
    expect(tab.errors).toEqual([]);
    await tab.context.close();
  });
});

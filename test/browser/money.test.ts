import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  axeCheck,
  openTab,
  type Server,
  screenshot,
  settled,
  signIn,
  startServer,
  type Tab,
} from './harness.js';

/** Money, deals and the partner's earnings: each page's main action through the UI, axe and a screenshot. */
let server: Server;
let tab: Tab;

beforeAll(async () => {
  server = await startServer();
});

afterAll(async () => {
  if (tab) await tab.context.close();
  await server?.close();
});

async function as(email: string, viewport?: { width: number; height: number }) {
  if (tab) {
    expect(tab.errors).toEqual([]);
    await tab.context.close();
  }
  tab = await openTab(server, viewport);
  await signIn(tab, email);
  return tab;
}

async function checkPage(t: Tab, name: string) {
  await settled(t.page);
  expect(await axeCheck(t.page)).toEqual([]);
  await screenshot(t.page, name);
}

describe('money (finance)', () => {
  it('imports FX rates from CSV and looks one up', async () => {
    const { page } = await as(server.emails.finance);
    await page.goto('/money/fx');
    await page.getByText('No rates').waitFor();
    await page
      .getByLabel('CSV', { exact: true })
      .fill('date,from,to,rate,source\n2026-01-05,EUR,USD,1.0850,test\n');
    await page.getByRole('button', { name: 'Import' }).click();
    await page.getByText(/1 rows .*1 added/).waitFor();
    await page
      .getByRole('cell', { name: /^1\.085/ })
      .first()
      .waitFor();
    await page.getByLabel('From').fill('EUR');
    await page.getByLabel('To', { exact: true }).fill('USD');
    await page.getByLabel('On date').fill('2026-01-06');
    await page.getByRole('button', { name: 'Look up' }).click();
    await page.getByText(/^1 EUR = 1\.085\d* USD$/).waitFor();
    await checkPage(tab, 'money-fx');
  });

  it('lists commission lines with filters and an empty state', async () => {
    const { page } = await as(server.emails.finance);
    await page.goto('/money/commissions');
    await page.getByText('No commission lines').waitFor();
    await checkPage(tab, 'money-commissions');
  });

  it('creates a payout batch and shows its approval steps', async () => {
    const { page } = await as(server.emails.finance);
    await page.goto('/money/payouts');
    await page.getByLabel('Brand').first().click();
    await page.getByRole('option', { name: 'Lucky Spins Casino' }).click();
    await page.getByRole('button', { name: 'Create batch' }).click();
    await page.waitForURL(/\/money\/payouts\/[0-9a-f-]{36}$/);
    await page
      .getByText(/Step 1: /)
      .first()
      .waitFor();
    await page.getByText('Nothing to pay in this batch').waitFor();
    await checkPage(tab, 'money-payout-batch');
  });

  it('shows reconciliation for a brand period', async () => {
    const { page } = await as(server.emails.finance);
    await page.goto('/money/reconciliation');
    await page.getByLabel('Brand').first().click();
    await page.getByRole('option', { name: 'Lucky Spins Casino' }).click();
    await page.getByLabel('Period').fill('2026-01');
    await page.getByText('Period state:').waitFor();
    await checkPage(tab, 'money-reconciliation');
  });
});

describe('deals', () => {
  it('shows the engine validation errors by field path and simulates a draft deal', async () => {
    const { page } = await as(server.emails.admin);
    await page.goto('/deals');
    await page.getByLabel('Brand').first().click();
    await page.getByRole('option', { name: 'Lucky Spins Casino' }).click();
    await page.getByLabel('Name').fill('Broken deal');
    await page
      .getByLabel('Deal terms (JSON)')
      .fill(
        '{"schemaVersion":1,"name":"x","currency":"EUR","segments":["affiliate"],"components":[{"id":"rs","kind":"igaming_revshare","rate":"abc"}]}',
      );
    await page.getByRole('button', { name: 'Save new version' }).click();
    await expect.poll(() => page.getByText(/\/components\/0/).count()).toBeGreaterThan(0);
    await checkPage(tab, 'deals-templates-error');
    await page.getByRole('tab', { name: 'Simulator' }).click();
    await page.getByRole('button', { name: 'Run simulation' }).click();
    await page.getByText('Draft deal', { exact: true }).waitFor();
    await expect.poll(() => page.getByRole('row').count()).toBeGreaterThan(1);
    await checkPage(tab, 'deals-simulator');
  });

  it("back-tests a draft deal on a partner's past activity beside the current deal", async () => {
    const { page } = await as(server.emails.partner_manager);
    await page.goto('/deals');
    await page.getByRole('tab', { name: 'Back-test on a partner' }).click();
    const panel = page.getByRole('tabpanel', { name: 'Back-test on a partner' });
    await panel.getByRole('combobox', { name: 'Partner', exact: true }).fill('Maya');
    await page.getByRole('option', { name: 'Maya Creator' }).click();
    await panel.getByRole('combobox', { name: 'Brand', exact: true }).click();
    await page.getByRole('option', { name: 'Lucky Spins Casino' }).click();
    await page.getByLabel('From month').fill('2026-13');
    expect(await page.getByRole('button', { name: 'Run back-test' }).isDisabled()).toBe(true);
    await page.getByLabel('From month').fill('2026-01');
    await page.getByLabel('To month').fill('2026-02');
    await page.getByRole('button', { name: 'Run back-test' }).click();
    const table = page.getByRole('table', { name: 'Back-test comparison' });
    await table.waitFor();
    await expect.poll(() => table.getByRole('row').count()).toBe(3); // header + two months
    await page.getByRole('cell', { name: '2026-02' }).waitFor();
    await checkPage(tab, 'deals-backtest');
  });
});

describe('partner earnings', () => {
  it('shows the balance card, lines and statements at phone width', async () => {
    const { page } = await as(server.emails.partner, { width: 390, height: 844 });
    await page.goto('/portal/earnings');
    await page.getByRole('heading', { name: 'Balance' }).waitFor();
    await page.getByText('No earnings yet').waitFor();
    await page.getByText('No statements yet').waitFor();
    await checkPage(tab, 'portal-earnings-phone');
  });
});

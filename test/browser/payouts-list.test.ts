import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeCheck, Browsing, screenshot, type Server, settled, startServer } from './harness.js';

/** The payout batch list (Money → Payouts) and the partner's Payouts and statements page. */
let server: Server;
const browsing = new Browsing(() => server);
const as = browsing.as;

beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await browsing.close();
  await server?.close();
});

describe('payout batches list', () => {
  it('starts empty, lists a new batch with its status and opens it; filters by status', async () => {
    const { page } = await as(server.emails.finance);
    await page.goto('/money/payouts');
    await page.getByText('No payout batches').waitFor();
    await page.getByLabel('Brand').first().click();
    await page.getByRole('option', { name: 'Lucky Spins Casino' }).click();
    await page.getByLabel(/^Pay date\s*\*?$/).fill('2026-02-03');
    await page.getByRole('button', { name: 'Create batch' }).click();
    await page.waitForURL(/\/money\/payouts\/[0-9a-f-]{36}$/);
    const id = page.url().split('/').at(-1)!;
    await page.goto('/money/payouts');
    const row = page.getByRole('row', { name: /2026-02-03/ });
    await row.getByText('In approval').waitFor();
    await row.getByText('0 of 1').waitFor();
    await settled(page);
    expect(await axeCheck(page)).toEqual([]);
    await screenshot(page, 'money-payout-batches');
    await page.getByLabel('Status').first().click();
    await page.getByRole('option', { name: 'Done' }).click();
    await page.getByText('No batch matches these filters.').waitFor();
    await page.getByLabel('Status').first().click();
    await page.getByRole('option', { name: 'In approval' }).click();
    await page.getByRole('button', { name: 'Open the batch of 2026-02-03' }).click();
    await page.waitForURL(new RegExp(`/money/payouts/${id}$`));
    await page
      .getByText(/Step 1: /)
      .first()
      .waitFor();
  });

  it('shows a backwards date range as an error next to the field', async () => {
    const { page } = await as(server.emails.finance);
    await page.goto('/money/payouts');
    await page.getByLabel('Pay date from').fill('2026-03-01');
    await page.getByLabel('Pay date to').fill('2026-02-01');
    await page.getByText('must not be before from').waitFor();
  });
});

describe('partner payouts and statements', () => {
  it('is in the portal navigation and shows its empty states at phone width', async () => {
    const { page } = await as(server.emails.partner, { width: 390, height: 844 });
    await page.goto('/portal');
    await page
      .getByRole('button', { name: /navigation/i })
      .click()
      .catch(() => undefined);
    await page.getByRole('link', { name: 'Payouts and statements' }).click();
    await page.waitForURL(/\/portal\/payouts$/);
    await page.getByRole('heading', { name: 'Payouts and statements' }).waitFor();
    await page.getByText('No payouts yet').waitFor();
    await page.getByText('No statements yet').waitFor();
    await settled(page);
    expect(await axeCheck(page)).toEqual([]);
    await screenshot(page, 'portal-payouts-phone');
  });
});

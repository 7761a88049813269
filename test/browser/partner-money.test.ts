import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browsing, checkPage, joinBrand, type Server, startServer } from './harness.js';

/** The partner page's money tab: balance from the ledger, lines with explanations, finance's manual adjustment. */
let server: Server;
const browsing = new Browsing(() => server);

beforeAll(async () => {
  server = await startServer();
  await joinBrand(server, server.partnerId);
});

afterAll(async () => {
  await browsing.close();
  await server?.close();
});

describe("a partner's commissions and balance", () => {
  it('finance books a manual adjustment with a reason; it shows as a pending line and in the balance', async () => {
    const tab = await browsing.as(server.emails.finance);
    const { page } = tab;
    await page.goto(`/partners/${server.partnerId}`);
    await page.getByRole('tab', { name: 'Commissions and balance' }).click();
    await page.getByText('No commission lines yet').waitFor();
    await page.getByText('No payouts yet').waitFor();
    await page.getByRole('button', { name: 'Manual adjustment' }).click();
    const dialog = page.getByRole('dialog', { name: 'Manual adjustment' });
    await dialog.getByRole('combobox', { name: 'Brand' }).click();
    await page.getByRole('option', { name: 'Lucky Spins Casino' }).click();
    await dialog.getByLabel('Amount').fill('25.005');
    await dialog.getByLabel('Reason').fill('Goodwill for a tracking outage');
    await dialog.getByRole('button', { name: 'Book adjustment' }).click();
    await dialog.getByText(/more decimals than EUR allows/).waitFor();
    await dialog.getByLabel('Amount').fill('25.00');
    await dialog.getByRole('button', { name: 'Book adjustment' }).click();
    const table = page.getByRole('table', { name: 'Commission lines of this partner' });
    await table.getByRole('row', { name: /manual_adjustment/ }).waitFor();
    await page.getByText('Pending (in hold or awaiting approval)').waitFor();
    await page.getByText('€25.00').first().waitFor();
    const lines = await server.services.db
      .selectFrom('commission_lines')
      .select(['kind', 'amount', 'state'])
      .where('partner_id', '=', server.partnerId)
      .execute();
    expect(lines).toEqual([{ kind: 'manual_adjustment', amount: '2500', state: 'pending' }]);
    await checkPage(tab, 'staff-partner-money');
    expect(tab.errors).toEqual([]);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeCheck, Browsing, checkPage, joinBrand, type Server, startServer } from './harness.js';

/**
 * Missing-commission claims through the UI (partner files, staff accepts with an amount, the partner sees the
 * adjustment on Earnings) and "view as partner" (banner, read-only, exit), with axe on each new page.
 */
let server: Server;
const browsing = new Browsing(() => server);
const as = browsing.as;

beforeAll(async () => {
  server = await startServer();
  await joinBrand(server, server.partnerId);
});

afterAll(async () => {
  await browsing.close();
  await server?.close();
});

describe('missing-commission claims and view as partner', () => {
  it('a partner files a claim; field errors show next to the field', async () => {
    const t = await as(server.emails.partner);
    const { page } = t;
    await page.goto('/portal/earnings');
    await page.getByText('No claims').waitFor();
    await page.getByLabel('Customer reference').fill('cu_browser0000000001');
    await page.getByLabel('Expected amount').fill('25.005');
    await page.getByLabel('Reason').fill('FTD on 3 November is not in my earnings');
    await page.getByRole('button', { name: 'File claim' }).click();
    await page.getByText(/more decimals than EUR allows/).waitFor();
    await page.getByLabel('Expected amount').fill('25.00');
    await page.getByRole('button', { name: 'File claim' }).click();
    const table = page.getByRole('table', { name: 'Your claims' });
    await table.getByRole('cell', { name: 'cu_browser0000000001' }).waitFor();
    await table.getByText('Open', { exact: true }).waitFor();
    await checkPage(t, 'portal-claims');
  });

  it('the partner manager accepts it with an amount from Money → Claims', async () => {
    const t = await as(server.emails.partner_manager);
    const { page } = t;
    await page.goto('/money/claims');
    const row = page.getByRole('row', { name: /cu_browser0000000001/ });
    await row.waitFor();
    await checkPage(t, 'money-claims');
    await row.getByRole('button', { name: /Accept the claim/ }).click();
    const dialog = page.getByRole('dialog', { name: 'Accept claim' });
    await dialog.getByRole('button', { name: 'Accept and book adjustment' }).click();
    await dialog.getByLabel(/Amount to credit/).fill('20.00');
    await dialog.getByLabel(/Answer to the partner/).fill('Found the deposit; credited 20.00.');
    expect(await axeCheck(page)).toEqual([]);
    await dialog.getByRole('button', { name: 'Accept and book adjustment' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByText('No open claims').waitFor();
    const claim = await server.services.db
      .selectFrom('commission_claims')
      .select(['state', 'accepted_amount', 'adjustment_line_id'])
      .executeTakeFirstOrThrow();
    expect(claim.state).toBe('accepted');
    expect(claim.accepted_amount).toBe('2000');
    expect(claim.adjustment_line_id).not.toBeNull();
  });

  it('the partner sees the answer and the adjustment on Earnings', async () => {
    const t = await as(server.emails.partner);
    const { page } = t;
    await page.goto('/portal/earnings');
    const claims = page.getByRole('table', { name: 'Your claims' });
    await claims.getByText('Accepted', { exact: true }).waitFor();
    await claims.getByText(/Found the deposit; credited 20\.00\./).waitFor();
    const line = page.getByRole('row', { name: /Manual adjustment/ });
    await line.waitFor();
    expect(await line.textContent()).toMatch(/20\.00/);
    await checkPage(t, 'portal-earnings-claim-accepted');
  });

  it('an admin views the partner portal read-only under a banner, and exits', async () => {
    const t = await as(server.emails.admin);
    const { page } = t;
    await page.goto(`/partners/${server.partnerId}`);
    await page.getByRole('button', { name: 'View as partner' }).click();
    const banner = page.getByTestId('view-as-banner');
    await banner.getByText('Viewing as Maya Creator — read-only').waitFor();
    await page.waitForURL(/\/portal$/);
    await checkPage(t, 'view-as-portal-home');
    await page.getByRole('link', { name: 'Earnings' }).click();
    await page.getByRole('table', { name: 'Your claims' }).getByText('Accepted', { exact: true }).waitFor();
    expect(await page.getByRole('button', { name: 'File claim' }).isDisabled()).toBe(true);
    await checkPage(t, 'view-as-portal-earnings');
    const audit = await server.services.db
      .selectFrom('audit_log')
      .select(['entity_id'])
      .where('action', '=', 'partner.view_as_started')
      .execute();
    expect(audit.map((a) => a.entity_id)).toEqual([server.partnerId]);
    await banner.getByRole('button', { name: 'Exit view' }).click();
    await page.waitForURL(new RegExp(`/partners/${server.partnerId}$`));
    await page.getByRole('button', { name: 'View as partner' }).waitFor();
    expect(await page.getByTestId('view-as-banner').count()).toBe(0);
  });
});

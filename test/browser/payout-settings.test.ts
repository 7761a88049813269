import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browsing, checkPage, type Server, settled, startServer } from './harness.js';

/** A brand's payout settings on the Brands page: finance and admins set them; other roles never see them. */
let server: Server;
let brandId: string;
const browsing = new Browsing(() => server);

beforeAll(async () => {
  server = await startServer();
  brandId = (
    await server.services.db
      .selectFrom('brands')
      .select('id')
      .where('code', '=', 'lucky-spins')
      .executeTakeFirstOrThrow()
  ).id;
});

afterAll(async () => {
  await browsing.close();
  await server?.close();
});

const stored = () =>
  server.services.db
    .selectFrom('ledger_settings')
    .select(['approval_steps', 'min_payout', 'cooling_off_hours'])
    .where('brand_id', '=', brandId)
    .executeTakeFirst();

describe("a brand's payout settings", () => {
  it('finance sees the defaults, gets a bad value named on its field, saves, and reads the saved values after a reload', async () => {
    const tab = await browsing.as(server.emails.finance);
    const { page } = tab;
    await page.goto('/settings/brands');
    const open = async () => {
      await page.getByRole('button', { name: 'Payout settings of Lucky Spins Casino' }).click();
      const dialog = page.getByRole('dialog', { name: 'Payout settings of Lucky Spins Casino' });
      await dialog.getByRole('button', { name: 'Save payout settings' }).waitFor();
      return dialog;
    };
    let dialog = await open();
    expect(await dialog.getByRole('combobox', { name: 'Step 1' }).inputValue()).toBe('Finance');
    expect(await dialog.getByRole('combobox', { name: 'Step 2' }).count()).toBe(0);
    expect(await dialog.getByLabel('Minimum payout (EUR)').inputValue()).toBe('0.00');
    expect(await dialog.getByLabel('Cooling-off period (hours)').inputValue()).toBe('72');
    await checkPage(tab, 'staff-brand-payout-settings');

    // the API refuses more than a year of cooling-off; its message shows on that field and nothing is stored
    const cooling = dialog.getByLabel('Cooling-off period (hours)');
    await cooling.fill('9000');
    await dialog.getByRole('button', { name: 'Save payout settings' }).click();
    await dialog.getByText('Must be <= 8760').waitFor();
    expect(await cooling.getAttribute('aria-invalid')).toBe('true');
    const describedBy = (await cooling.getAttribute('aria-describedby')) ?? '';
    const errorId = await dialog.getByText('Must be <= 8760').getAttribute('id');
    expect(describedBy.split(' ')).toContain(errorId);
    expect(await stored()).toBeUndefined();
    await checkPage(tab, 'staff-brand-payout-settings-error');

    // a minimum payout with more decimals than the currency has is named on its field before anything is sent
    await dialog.getByLabel('Minimum payout (EUR)').fill('50.005');
    await cooling.fill('48');
    await dialog.getByRole('button', { name: 'Save payout settings' }).click();
    await dialog.getByText('Has more decimals than EUR allows').waitFor();
    expect(await dialog.getByLabel('Minimum payout (EUR)').getAttribute('aria-invalid')).toBe('true');

    await dialog.getByLabel('Minimum payout (EUR)').fill('50.00');
    await dialog.getByRole('button', { name: 'Add step' }).click();
    await dialog.getByRole('combobox', { name: 'Step 2' }).click();
    await page.getByRole('option', { name: 'Compliance' }).click();
    await dialog.getByRole('button', { name: 'Save payout settings' }).click();
    await page.getByText('Payout settings of Lucky Spins Casino saved.').waitFor();
    await dialog.waitFor({ state: 'hidden' });
    expect(await stored()).toEqual({
      approval_steps: ['finance', 'compliance'],
      min_payout: '5000',
      cooling_off_hours: 48,
    });

    await page.reload();
    dialog = await open();
    expect(await dialog.getByRole('combobox', { name: 'Step 1' }).inputValue()).toBe('Finance');
    expect(await dialog.getByRole('combobox', { name: 'Step 2' }).inputValue()).toBe('Compliance');
    expect(await dialog.getByLabel('Minimum payout (EUR)').inputValue()).toBe('50.00');
    expect(await dialog.getByLabel('Cooling-off period (hours)').inputValue()).toBe('48');
    // one step fewer is saved as well
    await dialog.getByRole('button', { name: 'Remove step 1' }).click();
    expect(await dialog.getByRole('combobox', { name: 'Step 1' }).inputValue()).toBe('Compliance');
    await dialog.getByRole('button', { name: 'Save payout settings' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect((await stored())?.approval_steps).toEqual(['compliance']);
    const audit = await server.services.db
      .selectFrom('audit_log')
      .select('action')
      .where('action', '=', 'ledger_settings.updated')
      .where('entity_id', '=', brandId)
      .execute();
    expect(audit).toHaveLength(2);
    expect(tab.errors).toEqual([]);
  });

  it('an admin can open them too', async () => {
    const tab = await browsing.as(server.emails.admin);
    await tab.page.goto('/settings/brands');
    await tab.page.getByRole('button', { name: 'Payout settings of Lucky Spins Casino' }).click();
    const dialog = tab.page.getByRole('dialog', { name: 'Payout settings of Lucky Spins Casino' });
    await dialog.getByLabel('Cooling-off period (hours)').waitFor();
    expect(await dialog.getByRole('combobox', { name: 'Step 1' }).inputValue()).toBe('Compliance');
  });

  it('compliance, analysts and partner managers see the brands but not the payout settings, and the API refuses them', async () => {
    for (const role of ['compliance', 'analyst', 'partner_manager'] as const) {
      const tab = await browsing.as(server.emails[role]);
      await tab.page.goto('/settings/brands');
      await tab.page.getByRole('table', { name: 'Brands' }).getByText('Lucky Spins Casino').waitFor();
      await settled(tab.page);
      expect(await tab.page.getByRole('button', { name: /Payout settings/ }).count(), role).toBe(0);
      const r = await tab.page.request.get(`/api/v1/brands/${brandId}/ledger-settings`);
      expect(r.status(), role).toBe(403);
    }
    expect((await stored())?.approval_steps).toEqual(['compliance']);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpCode } from '../../src/auth/totp.js';
import {
  axeCheck,
  openTab,
  PASSWORD,
  type Server,
  screenshot,
  settled,
  signIn,
  signOut,
  startServer,
  type Tab,
} from './harness.js';

/** A 1×1 PNG: the smallest document the upload checks accept by content. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

let server: Server;
let tab: Tab;

beforeAll(async () => {
  server = await startServer();
});

afterAll(async () => {
  await server?.close();
});

async function fresh(viewport?: { width: number; height: number }) {
  if (tab) {
    expect(tab.errors).toEqual([]);
    await tab.context.close();
  }
  tab = await openTab(server, viewport);
  return tab;
}

async function pick(t: Tab, labelText: string | RegExp, option: string | RegExp) {
  await t.page.getByLabel(labelText).first().click();
  await t.page.getByRole('option', { name: option }).click();
}

describe('signing in', () => {
  it('shows a wrong password next to the form and keeps the e-mail', async () => {
    const { page } = await fresh();
    await page.goto('/login');
    await page.getByLabel('E-mail').fill(server.emails.analyst);
    await page.getByLabel(/^Password/).fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('Wrong e-mail or password.');
    expect(await page.getByLabel('E-mail').inputValue()).toBe(server.emails.analyst);
    expect(await axeCheck(page)).toEqual([]);
    await screenshot(page, 'login-error');
  });

  it('returns to the page asked for after sign-in', async () => {
    const { page } = await fresh();
    await page.goto('/settings/brands');
    await page.waitForURL(/\/login\?next=/);
    await page.getByLabel('E-mail').fill(server.emails.finance);
    await page.getByLabel(/^Password/).fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Brands' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/settings/brands');
  });

  it('resets a forgotten password through the e-mailed link', async () => {
    const email = 'forgetful@browser.test';
    await server.createLogin('analyst', email);
    const { page } = await fresh();
    await page.goto('/login');
    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    await page.getByLabel('E-mail').fill(email);
    await page.getByRole('button', { name: 'Send reset link' }).click();
    await page.getByText('Check your e-mail').waitFor();
    const mail = server.mails.find((m) => m.to === email);
    const token = /token=([^\s&]+)/.exec(mail?.text ?? '')?.[1];
    expect(token).toBeTruthy();
    await page.goto(`/reset-password?token=${token}`);
    expect(await axeCheck(page)).toEqual([]);
    await screenshot(page, 'reset-password');
    await page.getByLabel(/^New password/).fill('short');
    await page.getByLabel(/^Repeat the new password/).fill('short');
    await page.getByRole('button', { name: 'Set new password' }).click();
    await page.getByText('Must be at least 10 characters').waitFor();
    await page.getByLabel(/^New password/).fill('a-brand-new-passphrase');
    await page.getByLabel(/^Repeat the new password/).fill('a-brand-new-passphrase');
    await page.getByRole('button', { name: 'Set new password' }).click();
    await page.getByRole('heading', { name: 'Password changed' }).waitFor();
    await signIn(tab, email, 'a-brand-new-passphrase');
  });

  it('turns on two-factor on the account page, then asks for the code at sign-in', async () => {
    const email = 'careful@browser.test';
    await server.createLogin('compliance', email);
    const { page } = await fresh();
    await signIn(tab, email);
    await page.goto('/account');
    await page.getByRole('button', { name: 'Set up two-factor authentication' }).click();
    const secret = ((await page.getByTestId('totp-secret').textContent()) ?? '').trim();
    await settled(page);
    expect(await axeCheck(page)).toEqual([]);
    await screenshot(page, 'account-totp-setup');
    await page.locator('input[inputmode="numeric"]').first().click();
    await page.keyboard.type(await totpCode(secret, new Date()));
    await page.getByRole('button', { name: 'Turn on two-factor' }).click();
    await page.getByText('Every sign-in asks for a code').waitFor();
    await signOut(tab);

    await page.getByLabel('E-mail').fill(email);
    await page.getByLabel(/^Password/).fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Two-factor code' }).waitFor();
    expect(await axeCheck(page)).toEqual([]);
    await page.locator('input[inputmode="numeric"]').first().click();
    // The code of the next 30-second step: the one used to enable may not be used twice.
    await page.keyboard.type(await totpCode(secret, new Date(Date.now() + 30_000)));
    await page.getByRole('button', { name: 'Verify and sign in' }).click();
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
  });
});

describe('staff work', () => {
  it('an admin creates a partner, moves it into review with confirmation, and finds it in the audit history', async () => {
    const { page } = await fresh();
    await signIn(tab, server.emails.admin);
    await page.goto('/partners');
    await page.getByRole('button', { name: 'New partner' }).click();
    const dialog = page.getByRole('dialog', { name: 'New partner' });
    await dialog.getByRole('button', { name: 'Create partner' }).click();
    // The API's validation errors appear next to the fields they name.
    await dialog
      .getByText(/must NOT have fewer than 1 characters|Must NOT have fewer than 1 characters|required/i)
      .first()
      .waitFor();
    await dialog.getByLabel(/^Name/).fill('Orbit Streams');
    await dialog.getByLabel(/^Country/).fill('de');
    await dialog.locator('.mantine-MultiSelect-input').click();
    await page.getByRole('option', { name: 'Influencer' }).click();
    await page.keyboard.press('Escape');
    await dialog.getByRole('button', { name: 'Create partner' }).click();
    await page.getByRole('heading', { name: 'Orbit Streams' }).waitFor();

    await page.getByRole('button', { name: 'Start review' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Start review' }).click();
    await page.getByText('In review', { exact: true }).first().waitFor();

    await page.getByRole('tab', { name: 'Timeline' }).click();
    await page.getByLabel('Add a note').fill('Called them: strong German audience.');
    await page.getByRole('button', { name: 'Add note' }).click();
    await page.getByText('Called them: strong German audience.').waitFor();

    await page.getByRole('tab', { name: 'Audit history' }).click();
    await page.getByText('partner.created').waitFor();
    await settled(page);
    expect(await axeCheck(page)).toEqual([]);
    await screenshot(page, 'admin-partner-detail-history');
  });

  it('a brand with a bad code shows the field error next to the input', async () => {
    const { page } = await fresh();
    await signIn(tab, server.emails.admin);
    await page.goto('/settings/brands');
    await page.getByRole('button', { name: 'New brand' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel(/^Code/).fill('Bad Code!');
    await dialog.getByLabel(/^Name/).fill('Bad brand');
    await dialog.getByLabel(/^Landing URL template/).fill('https://bad.example/?c={click_id}');
    await dialog.getByLabel(/^Fallback URL/).fill('https://bad.example/');
    await dialog.getByRole('button', { name: 'Create brand' }).click();
    const code = dialog.getByLabel(/^Code/);
    await expect.poll(() => code.getAttribute('aria-invalid')).toBe('true');
    await code.fill('orbit-casino');
    await dialog.getByRole('button', { name: 'Create brand' }).click();
    await page.getByRole('cell', { name: /orbit-casino/ }).waitFor();
  });

  it('an admin creates an API key, sees it once, and revokes it after confirming', async () => {
    const { page } = await fresh();
    await signIn(tab, server.emails.admin);
    await page.goto('/settings/api-keys');
    await page.getByRole('button', { name: 'New API key' }).click();
    await page.getByLabel(/^Name/).fill('CRM integration');
    await page.getByLabel(/^events:write/).check();
    await page.getByRole('button', { name: 'Create key' }).click();
    const key = ((await page.getByTestId('new-api-key').textContent()) ?? '').trim();
    expect(key).toMatch(/^ck_[0-9a-f]{12}_/);
    expect(await axeCheck(page)).toEqual([]);
    await screenshot(page, 'admin-api-key-show-once');
    await page.getByRole('button', { name: 'I have stored it' }).click();
    await page.getByRole('button', { name: 'Revoke CRM integration' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Revoke key' }).click();
    await page.getByRole('table', { name: 'API keys' }).getByText('revoked').waitFor();
    const status = await page.evaluate(
      async (k) => (await fetch('/api/v1/brands', { headers: { authorization: `Bearer ${k}` } })).status,
      key,
    );
    expect(status).toBe(401);
  });

  it('compliance verifies the audit chain', async () => {
    const { page } = await fresh();
    await signIn(tab, server.emails.compliance);
    await page.goto('/audit');
    await page.getByRole('button', { name: 'Verify chain now' }).click();
    await page.getByText('Chain intact').first().waitFor();
    await page.getByLabel('Action').fill('partner.created');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('table', { name: 'Audit records' }).waitFor();
    await page
      .getByRole('button', { name: /^Details of partner.created/ })
      .first()
      .click();
    await page.getByRole('dialog', { name: 'Audit record' }).getByText('Orbit Streams').first().waitFor();
  });
});

describe('partner portal and document review', () => {
  it('a partner uploads a document, compliance approves it, the partner sees it approved', async () => {
    const { page } = await fresh();
    await signIn(tab, server.emails.partner);
    await page.getByRole('link', { name: 'Onboarding' }).click();
    await page.getByRole('heading', { name: 'Onboarding' }).waitFor();
    await pick(tab, /^Document type/, 'Identity document');
    await page
      .locator('input[type="file"]')
      .setInputFiles({ name: 'passport.png', mimeType: 'image/png', buffer: PNG });
    await page.getByRole('button', { name: 'Upload' }).click();
    await page.getByRole('table', { name: 'Your documents' }).getByText('in review').waitFor();
    await settled(page);
    expect(await axeCheck(page)).toEqual([]);
    await screenshot(page, 'partner-portal-onboarding');
    await signOut(tab);

    await signIn(tab, server.emails.compliance);
    await page.goto(`/partners/${server.partnerId}`);
    await page.getByRole('tab', { name: 'Documents' }).click();
    await page.getByRole('button', { name: 'Review passport.png' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Approve document' }).click();
    await page.getByRole('table', { name: 'Documents' }).getByText('approved').waitFor();
    await screenshot(page, 'compliance-partner-documents');
    await signOut(tab);

    await signIn(tab, server.emails.partner);
    await page.goto('/portal/onboarding');
    await page.getByRole('table', { name: 'Your documents' }).getByText('approved').waitFor();
  });

  it('the portal is usable at phone width', async () => {
    const { page } = await fresh({ width: 390, height: 844 });
    await signIn(tab, server.emails.partner);
    await page.getByRole('button', { name: 'Open navigation' }).click();
    await page.getByRole('link', { name: 'Links and codes' }).click();
    await page.getByRole('heading', { name: 'Links and codes' }).waitFor();
    await settled(page);
    expect(await axeCheck(page)).toEqual([]);
    await screenshot(page, 'phone-partner-links');
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
    expect(overflow).toBeLessThanOrEqual(0);
  });

  it('the staff overview is usable at phone width', async () => {
    const { page } = await fresh({ width: 390, height: 844 });
    await signIn(tab, server.emails.partner_manager);
    await settled(page);
    expect(await axeCheck(page)).toEqual([]);
    await screenshot(page, 'phone-staff-overview');
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    expect(tab.errors).toEqual([]);
  });
});

describe('when the operator requires two-factor for a role', () => {
  it('a finance login must enrol before reaching anything', async () => {
    const strict = await startServer({ requireTotpForRoles: ['finance'] });
    try {
      const t = await openTab(strict);
      const { page } = t;
      await page.goto('/login');
      await page.getByLabel('E-mail').fill(strict.emails.finance);
      await page.getByLabel(/^Password/).fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: 'Set up two-factor authentication' }).waitFor();
      await page.goto('/partners');
      await page.getByRole('heading', { name: 'Set up two-factor authentication' }).waitFor();
      await page.getByRole('button', { name: 'Set up two-factor authentication' }).click();
      const secret = ((await page.getByTestId('totp-secret').textContent()) ?? '').trim();
      expect(await axeCheck(page)).toEqual([]);
      await screenshot(page, 'totp-enrolment-required');
      await page.locator('input[inputmode="numeric"]').first().click();
      await page.keyboard.type(await totpCode(secret, new Date()));
      await page.getByRole('button', { name: 'Turn on two-factor' }).click();
      await page.getByRole('heading', { name: 'Overview' }).waitFor();
      expect(t.errors).toEqual([]);
      await t.context.close();
    } finally {
      await strict.close();
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browsing, checkPage, type Server, startServer } from './harness.js';

/** Notifications, messages and templates through the UI: the bell, both sides of a thread, the template editor. */
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

describe('messages and the notification bell', () => {
  it('the partner writes to the manager, who sees the notification and replies', async () => {
    const partner = await as(server.emails.partner);
    await partner.page.goto('/portal/messages');
    await partner.page.getByText('No messages yet').waitFor();
    await checkPage(partner, 'portal-messages-empty');
    await partner.page
      .getByLabel('Message to your partner manager')
      .fill('Could I get a landing page for Spain?');
    await partner.page.getByRole('button', { name: 'Send' }).click();
    await partner.page.getByText('Could I get a landing page for Spain?').waitFor();
    await partner.page.getByText(/not read yet/).waitFor();

    const pm = await as(server.emails.partner_manager);
    const bell = pm.page.getByRole('button', { name: 'Notifications: 1 unread' });
    await bell.waitFor();
    await bell.click();
    await pm.page.getByText('New message from maya').click();
    await pm.page.waitForURL(new RegExp(`/partners/${server.partnerId}\\?tab=messages$`));
    await pm.page.getByText('Could I get a landing page for Spain?').waitFor();
    await pm.page.getByRole('button', { name: 'Notifications', exact: true }).waitFor();
    await pm.page.getByLabel('Message to the partner').fill('Yes, it will be live tomorrow.');
    await pm.page.getByRole('button', { name: 'Send' }).click();
    await pm.page.getByText('Yes, it will be live tomorrow.').waitFor();
    await checkPage(pm, 'partner-messages-tab');

    const back = await as(server.emails.partner);
    await back.page.getByRole('button', { name: 'Notifications: 1 unread' }).click();
    await back.page.getByRole('button', { name: /^Mark read: New message from/ }).click();
    await back.page.getByRole('button', { name: 'Notifications', exact: true }).waitFor();
    await back.page.keyboard.press('Escape');
    await back.page.goto('/portal/messages');
    await back.page.getByText('Yes, it will be live tomorrow.').waitFor();
    await back.page.getByText(/· read$/).waitFor();
  });

  it('the portal settings page saves notification preferences', async () => {
    const partner = await as(server.emails.partner);
    await partner.page.goto('/portal/settings');
    await partner.page.getByLabel('Payout sent: e-mail').waitFor();
    await checkPage(partner, 'portal-settings');
    await partner.page.getByLabel('Payout sent: e-mail').uncheck();
    await partner.page.getByRole('button', { name: 'Save preferences' }).click();
    await partner.page.getByText('Notification preferences saved.').waitFor();
    await partner.page.reload();
    await partner.page.getByLabel('Payout sent: e-mail').waitFor();
    expect(await partner.page.getByLabel('Payout sent: e-mail').isChecked()).toBe(false);
    expect(await partner.page.getByLabel('Payout sent: in the app').isChecked()).toBe(true);
    await partner.page.getByRole('button', { name: 'Change password' }).waitFor();
  });
});

describe('notification templates (admin)', () => {
  it('shows an unknown placeholder next to the field, then saves a valid template and previews it', async () => {
    const admin = await as(server.emails.admin);
    await admin.page.goto('/settings/notification-templates');
    const body = admin.page.getByLabel('Body');
    await body.waitFor();
    await checkPage(admin, 'notification-templates');
    await body.fill('Dear {partnerName}, your application was {verdict}.');
    await admin.page.getByRole('button', { name: 'Save template' }).click();
    await admin.page.getByText(/Uses unknown placeholder \{verdict\}/).waitFor();
    // the error is the Body field's own (aria-describedby), not a banner
    const describedBy = await body.getAttribute('aria-describedby');
    expect(describedBy).toBeTruthy();
    const errorText = await admin.page
      .locator(`[id="${describedBy!.split(' ').find((id) => id.includes('error'))}"]`)
      .textContent();
    expect(errorText).toContain('{verdict}');

    await body.fill('Dear {partnerName}, your application was {decision}. {reason}');
    await admin.page.getByRole('button', { name: 'Preview' }).click();
    await admin.page.getByText('Dear Maya Creator, your application was approved.').waitFor();
    await admin.page.getByRole('button', { name: 'Save template' }).click();
    await admin.page.getByText('Template “Application decision” saved.').waitFor();
    await admin.page.getByText(/^customised /).waitFor();
    expect(await admin.page.getByText(/Uses unknown placeholder/).count()).toBe(0);

    const saved = await server.services.db
      .selectFrom('notification_templates')
      .select(['event', 'body'])
      .execute();
    expect(saved).toEqual([
      {
        event: 'application_decision',
        body: 'Dear {partnerName}, your application was {decision}. {reason}',
      },
    ]);
    await checkPage(admin, 'notification-templates-saved');
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browsing, checkPage, joinBrand, type Server, startServer } from './harness.js';

/** Deliverables: the partner submits one in the portal, the partner manager approves it in the console. */
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

describe('deliverables', () => {
  it('a partner submits a video; a bad date is named next to its field', async () => {
    const t = await as(server.emails.partner);
    const { page } = t;
    await page.goto('/portal/deliverables');
    await page.getByText('No deliverables yet').waitFor();
    await page.getByRole('combobox', { name: 'Brand' }).click();
    await page.getByRole('option').first().click();
    await page.getByRole('combobox', { name: 'Segment' }).click();
    await page.getByRole('option', { name: 'Ambassador' }).click();
    await page.getByLabel('Type').fill('youtube_video');
    await page.getByLabel('Your reference').fill('yt-launch');
    await page.getByLabel('Title').fill('Launch review');
    await page.getByLabel('Link (optional)').fill('https://video.example/launch');
    await page.getByLabel('Delivered on').fill('2099-01-01');
    await page.getByRole('button', { name: 'Submit for review' }).click();
    await page.getByText('Must not be in the future').waitFor();
    await page.getByLabel('Delivered on').fill(new Date().toISOString().slice(0, 10));
    await page.getByRole('button', { name: 'Submit for review' }).click();
    const row = page
      .getByRole('table', { name: 'Your deliverables' })
      .getByRole('row', { name: /Launch review/ });
    await row.waitFor();
    await row.getByText('Waiting for review').waitFor();
    await checkPage(t, 'portal-deliverables');
  });

  it('the partner manager approves it from the review queue', async () => {
    const t = await as(server.emails.partner_manager);
    const { page } = t;
    await page.goto('/deliverables');
    await page.getByRole('row', { name: /Launch review/ }).waitFor();
    await checkPage(t, 'staff-deliverables');
    await page.getByRole('button', { name: 'Approve Launch review' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Approve' }).click();
    await page.getByText('No deliverables here').waitFor();
    await page.getByText('Approved', { exact: true }).click();
    await page
      .getByRole('row', { name: /Launch review/ })
      .getByText('approved')
      .waitFor();
    const stored = await server.services.db
      .selectFrom('deliverables')
      .select(['status', 'decided_by'])
      .where('external_ref', '=', 'yt-launch')
      .executeTakeFirstOrThrow();
    expect(stored.status).toBe('approved');
    expect(stored.decided_by).not.toBeNull();
  });

  it('an analyst reads the queue but has no decision buttons', async () => {
    const { page } = await as(server.emails.analyst);
    await page.goto('/deliverables');
    await page.getByText('All', { exact: true }).click();
    await page.getByRole('row', { name: /Launch review/ }).waitFor();
    expect(await page.getByRole('button', { name: /^Approve/ }).count()).toBe(0);
  });
});

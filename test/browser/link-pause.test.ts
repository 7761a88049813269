import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeAudited } from '../../src/audit/write-audited.js';
import { createTrackingLink } from '../../src/tracking/tracking-asset-store.js';
import { axeCheck, Browsing, joinBrand, screenshot, type Server, settled, startServer } from './harness.js';

/** Pausing a link: staff with a reason on the Tracking page, the partner resuming it on Links and codes. */
let server: Server;
const browsing = new Browsing(() => server);
const as = browsing.as;

beforeAll(async () => {
  server = await startServer();
  const brandId = await joinBrand(server, server.partnerId);
  await writeAudited(server.services, (trx, now) =>
    createTrackingLink(
      trx,
      { type: 'system', id: 'browser-test' },
      {
        partnerId: server.partnerId,
        segment: 'affiliate',
        brandId,
        code: 'maya-spring',
        name: 'Spring',
      },
      now,
    ),
  );
});

afterAll(async () => {
  await browsing.close();
  await server?.close();
});

const statusOf = async () =>
  (
    await server.services.db
      .selectFrom('tracking_links')
      .select('status')
      .where('code', '=', 'maya-spring')
      .executeTakeFirstOrThrow()
  ).status;

describe('pausing a tracking link', () => {
  it('compliance pauses it with a reason on the Tracking page', async () => {
    const t = await as(server.emails.compliance);
    const { page } = t;
    await page.goto('/tracking');
    const row = page.getByRole('row', { name: /maya-spring/ });
    await row.waitFor();
    await row.getByRole('button', { name: 'Pause maya-spring' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Pause' }).click();
    await dialog.getByText('Required when pausing').waitFor();
    expect(await statusOf()).toBe('active');
    await settled(page);
    expect(await axeCheck(page)).toEqual([]);
    await dialog.getByLabel('Reason').fill('Traffic quality review');
    await dialog.getByRole('button', { name: 'Pause' }).click();
    await row.getByText('paused').waitFor();
    expect(await statusOf()).toBe('paused');
    await screenshot(page, 'staff-tracking-paused');
  });

  it('the partner resumes its own link on Links and codes', async () => {
    const t = await as(server.emails.partner);
    const { page } = t;
    await page.goto('/portal/links');
    const row = page.getByRole('row', { name: /maya-spring/ });
    await row.getByText('paused').waitFor();
    await row.getByRole('button', { name: 'Resume maya-spring' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Resume' }).click();
    await row.getByText('active').waitFor();
    expect(await statusOf()).toBe('active');
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeAudited } from '../../src/audit/write-audited.js';
import { createTrackingLink } from '../../src/tracking/tracking-asset-store.js';
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

/** Pausing a link: staff with a reason on the Tracking page, the partner resuming it on Links and codes. */
let server: Server;
let tab: Tab | undefined;

beforeAll(async () => {
  server = await startServer();
  const brand = await server.services.db
    .selectFrom('brands')
    .select('id')
    .where('code', '=', 'lucky-spins')
    .executeTakeFirstOrThrow();
  await server.services.db
    .insertInto('partner_brands')
    .values({
      partner_id: server.partnerId,
      brand_id: brand.id,
      parent_partner_id: null,
      joined_at: new Date(),
    })
    .execute();
  await writeAudited(server.services, (trx, now) =>
    createTrackingLink(
      trx,
      { type: 'system', id: 'browser-test' },
      {
        partnerId: server.partnerId,
        segment: 'affiliate',
        brandId: brand.id,
        code: 'maya-spring',
        name: 'Spring',
      },
      now,
    ),
  );
});

afterAll(async () => {
  if (tab) await tab.context.close();
  await server?.close();
});

async function as(email: string) {
  if (tab) {
    expect(tab.errors).toEqual([]);
    await tab.context.close();
  }
  tab = await openTab(server);
  await signIn(tab, email);
  return tab;
}

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

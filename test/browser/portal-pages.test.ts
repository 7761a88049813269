import fs from 'node:fs';
import { sql } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  axeCheck,
  openTab,
  type Server,
  screenshot,
  settled,
  signIn,
  signOut,
  startServer,
  type Tab,
} from './harness.js';

/**
 * The portal pages (links with stats, reports, customers, sub-partners, postbacks, home balance) and the staff
 * Tracking page, partners bulk actions and partner tabs, each visited as the role that uses it, its main action
 * done through the UI, with axe checks and a screenshot.
 */
let server: Server;
let tab: Tab;
let brandId: string;
let publicId: string;

const day = (offset: number) => {
  const d = new Date();
  d.setUTCDate(d.getUTCDate() + offset);
  return d.toISOString().slice(0, 10);
};

beforeAll(async () => {
  server = await startServer();
  const db = server.services.db;
  const brand = await db
    .selectFrom('brands')
    .select('id')
    .where('code', '=', 'lucky-spins')
    .executeTakeFirstOrThrow();
  brandId = brand.id;
  await db
    .insertInto('partner_brands')
    .values({
      partner_id: server.partnerId,
      brand_id: brandId,
      parent_partner_id: null,
      joined_at: new Date(),
    })
    .execute();
  const id = uuidv7();
  publicId = `c_${id.replace(/-/g, '').slice(-12)}`;
  await db
    .insertInto('customers')
    .values({
      id,
      brand_id: brandId,
      external_id: 'OPERATOR-SECRET-77',
      public_id: publicId,
      owner_partner_id: server.partnerId,
      owner_segment: 'affiliate',
      attribution_source: 'click',
      attributed_at: new Date(),
      registered_at: new Date(),
      first_deposit_at: new Date(),
      first_deposit_amount: '2500',
      first_deposit_currency: 'EUR',
      country: 'DE',
    } as never)
    .execute();
  tab = await openTab(server);
  // a shared, busy machine: the first load of the bundle can take longer than the default 10 s
  tab.context.setDefaultTimeout(30_000);
  await tab.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.base });
}, 120_000);

afterAll(async () => {
  await server?.close();
});

async function check(name: string) {
  await settled(tab.page);
  expect(await axeCheck(tab.page)).toEqual([]);
  await screenshot(tab.page, name);
  expect(tab.errors.join('\n')).toBe('');
}

async function nav(name: string) {
  await tab.page
    .getByRole('navigation', { name: 'Main navigation' })
    .getByRole('link', { name, exact: true })
    .click();
}

describe('partner portal pages', () => {
  it('Links: builds a link with sub-ids, copies it, shows its QR code and its stats', async () => {
    const { page } = tab;
    await signIn(tab, server.emails.partner);
    await nav('Links and codes');
    await page.getByRole('heading', { level: 1, name: 'Links and codes' }).waitFor();
    await page.getByLabel('Name').fill('Spring video');
    await page.getByRole('combobox', { name: 'Segment' }).click();
    await page.getByRole('option', { name: 'Affiliate' }).click();
    await page.getByRole('combobox', { name: 'Brand' }).click();
    await page.getByRole('option', { name: 'Lucky Spins Casino' }).click();
    await page.getByLabel('sub1').fill('youtube');
    await page.getByLabel('sub2').fill('spring');
    await page.getByRole('button', { name: 'Create link' }).click();
    await page.getByRole('heading', { name: 'QR code for “Spring video”' }).waitFor();
    const link = await server.services.db
      .selectFrom('tracking_links')
      .select(['id', 'code', 'sub_ids'])
      .where('partner_id', '=', server.partnerId)
      .where('name', '=', 'Spring video')
      .executeTakeFirstOrThrow();
    expect(link.sub_ids).toEqual({ sub1: 'youtube', sub2: 'spring' });
    const url = `${server.base}/r/${link.code}?sub1=youtube&sub2=spring`;
    await expect.poll(() => page.locator('svg title').allTextContents()).toContain(`QR code of ${url}`);
    await page.getByRole('button', { name: 'Copy link', exact: true }).click();
    await expect.poll(() => page.evaluate('navigator.clipboard.readText()')).toBe(url);
    // Traffic on the link (the rollups the redirect and intake write): its row in "Stats per link".
    await sql`insert into rollups_daily (day, brand_id, partner_id, segment, link_id, sub_id, currency, clicks, unique_clicks, registrations, ftds, revenue)
      values (${day(-1)}::date, ${brandId}::uuid, ${server.partnerId}::uuid, 'affiliate', ${link.id}::uuid, 'youtube', 'EUR', 120, 90, 12, 3, 45678)`.execute(
      server.services.db,
    );
    await page.reload();
    const row = page
      .getByRole('table', { name: 'Stats per link' })
      .getByRole('row')
      .filter({ hasText: 'Spring video' });
    await expect.poll(() => row.textContent()).toContain('€456.78');
    expect(await row.textContent()).toMatch(/120\s*90\s*12\s*3/);
    await check('portal-links');
  });

  it('Reports: groups by sub-id and exports the CSV', async () => {
    const { page } = tab;
    await nav('Reports');
    await page.getByRole('heading', { level: 1, name: 'Reports' }).waitFor();
    await page.getByRole('combobox', { name: 'Group by' }).click();
    await page.getByRole('option', { name: 'Sub-id (sub1)' }).click();
    const table = page.getByRole('table', { name: 'Traffic report' });
    await table.getByRole('row').filter({ hasText: 'youtube' }).waitFor();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^report-sub_id-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = fs.readFileSync(await download.path(), 'utf8');
    const youtube = csv.split('\r\n').find((l) => l.startsWith('youtube'));
    expect(youtube?.split(',').slice(-6)).toEqual(['120', '90', '12', '3', '0', '45678'].slice(-6));
    await page.getByRole('tab', { name: 'By country' }).click();
    await page
      .getByRole('table', { name: 'Report by country' })
      .getByRole('cell', { name: 'DE', exact: true })
      .waitFor();
    await page.getByRole('tab', { name: 'IB volume' }).click();
    await page.getByText('No trades closed in this period').waitFor();
    await check('portal-reports');
  });

  it('Customers: the pseudonymous list and a customer’s events, no PII', async () => {
    const { page } = tab;
    await nav('Customers');
    await page.getByRole('heading', { level: 1, name: 'Customers' }).waitFor();
    const row = page.getByRole('table', { name: 'Customers' }).getByRole('row').filter({ hasText: publicId });
    await expect.poll(() => row.textContent()).toContain('FTD');
    expect(await page.content()).not.toContain('OPERATOR-SECRET-77');
    await row.getByRole('button', { name: `Events of ${publicId}` }).click();
    await page
      .getByRole('dialog', { name: `Events of ${publicId}` })
      .getByText('No events yet')
      .waitFor();
    await check('portal-customers');
    await page.keyboard.press('Escape');
  });

  it('Sub-partners and Home: tree and balance card', async () => {
    const { page } = tab;
    await nav('Sub-partners');
    await page.getByRole('heading', { level: 1, name: 'Sub-partners' }).waitFor();
    await page.getByText('No sub-partners yet').waitFor();
    await check('portal-sub-partners');
    // An NPS survey opened by staff: the partner answers it once on Home.
    await sql`insert into nps_surveys (id, question, segment, opened_by, opened_at, closes_at)
      values (${uuidv7()}::uuid, 'How likely are you to recommend our program?', null, 'browser-test', now(), null)`.execute(
      server.services.db,
    );
    await nav('Home');
    await page.getByText('No commission yet: it appears after the first period closes.').waitFor();
    await page.getByText(/Lucky Spins Casino: next payout from/).waitFor();
    await page.getByRole('radio', { name: 'Score 9' }).click();
    await check('portal-home');
    await page.getByRole('button', { name: 'Send answer' }).click();
    await page.getByText('you answered', { exact: false }).waitFor();
    const answers = await server.services.db
      .selectFrom('nps_answers')
      .select(['partner_id', 'score'])
      .execute();
    expect(answers).toEqual([{ partner_id: server.partnerId, score: 9 }]);
  });

  it('Postbacks: saves a postback configuration, pauses and re-enables it', async () => {
    const { page } = tab;
    await nav('Postbacks');
    await page.getByRole('heading', { level: 1, name: 'Postbacks' }).waitFor();
    await page.getByLabel('URL').fill('not a url');
    await page.getByRole('button', { name: 'Save postback' }).click();
    await expect.poll(() => page.getByLabel('URL').getAttribute('aria-invalid')).toBe('true');
    await page.getByLabel('URL').fill('https://tracker.example/pb?cid={click_id}&s1={sub1}');
    await page.getByRole('button', { name: 'Save postback' }).click();
    const row = page
      .getByRole('table', { name: 'Postbacks' })
      .getByRole('row')
      .filter({ hasText: 'tracker.example' });
    await row.getByText('enabled').waitFor();
    const saved = await server.services.db
      .selectFrom('partner_postbacks')
      .select(['event_type', 'url', 'enabled'])
      .where('partner_id', '=', server.partnerId)
      .execute();
    expect(saved).toEqual([
      { event_type: 'ftd', url: 'https://tracker.example/pb?cid={click_id}&s1={sub1}', enabled: true },
    ]);
    await row.getByRole('button', { name: 'Pause' }).click();
    await row.getByRole('button', { name: 'Re-enable' }).waitFor();
    await check('portal-postbacks');
    await row.getByRole('button', { name: 'Re-enable' }).click();
    await row.getByRole('button', { name: 'Pause' }).waitFor();
    await signOut(tab);
  });
});

describe('staff pages', () => {
  it('Tracking: links across partners, postbacks, deliveries and overlaps', async () => {
    const { page } = tab;
    await signIn(tab, server.emails.partner_manager);
    await nav('Tracking');
    await page.getByRole('heading', { level: 1, name: 'Tracking' }).waitFor();
    const assets = page.getByRole('table', { name: 'Links and codes' });
    await assets.getByRole('row').filter({ hasText: 'Spring video' }).getByText('Maya Creator').waitFor();
    await page.getByRole('tab', { name: 'Postbacks' }).click();
    await page
      .getByRole('table', { name: 'Postback configurations' })
      .getByText('tracker.example', { exact: false })
      .waitFor();
    await page.getByRole('tab', { name: 'Delivery log' }).click();
    await page.getByText('No deliveries').waitFor();
    await page.getByRole('tab', { name: 'Overlaps' }).click();
    await page.getByText('No overlaps in this period').waitFor();
    await check('staff-tracking');
    await signOut(tab);
  });

  it('Partners: selects rows and bulk-assigns a manager after confirmation', async () => {
    const { page } = tab;
    await signIn(tab, server.emails.admin);
    await nav('Partners');
    await page.getByRole('heading', { level: 1, name: 'Partners' }).waitFor();
    await page.getByRole('checkbox', { name: 'Select Kestrel Capital IB' }).check();
    await page.getByRole('checkbox', { name: 'Select Summit Reviews' }).check();
    const bar = page.getByRole('region', { name: 'Bulk actions' });
    await bar.getByText('2 selected').waitFor();
    await bar.getByRole('combobox', { name: 'Manager' }).click();
    await page.getByRole('option', { name: 'partner-manager' }).click();
    await bar.getByRole('button', { name: 'Assign manager' }).click();
    const dialog = page.getByRole('dialog', { name: 'Assign manager' });
    await dialog.getByText('Assign partner-manager to 2 partners?').waitFor();
    await check('staff-partners-bulk');
    await dialog.getByRole('button', { name: 'Assign' }).click();
    await page.getByText('Manager assigned to 2 partners.').waitFor();
    const pm = await server.services.db
      .selectFrom('users')
      .select('id')
      .where('email', '=', server.emails.partner_manager)
      .executeTakeFirstOrThrow();
    const rows = await server.services.db
      .selectFrom('partners')
      .select(['display_name', 'manager_user_id'])
      .where('display_name', 'in', ['Kestrel Capital IB', 'Summit Reviews'])
      .execute();
    expect(rows.map((r) => r.manager_user_id)).toEqual([pm.id, pm.id]);
    const audits = await server.services.db
      .selectFrom('audit_log')
      .select('entity_id')
      .where('action', '=', 'partner.manager_assigned')
      .execute();
    expect(audits).toHaveLength(2);
  });

  it('Partner detail: customers tab (pseudonymous), sub-partner totals and reminders', async () => {
    const { page } = tab;
    await page.getByRole('link', { name: 'Maya Creator' }).click();
    await page.getByRole('heading', { level: 1, name: 'Maya Creator' }).waitFor();
    await page.getByRole('tab', { name: 'Customers' }).click();
    await page.getByRole('table', { name: 'Customers' }).getByText(publicId).waitFor();
    expect(await page.content()).not.toContain('OPERATOR-SECRET-77');
    await check('staff-partner-customers');
    await page.getByRole('tab', { name: 'Sub-partners' }).click();
    await page.getByText('No sub-partners yet').waitFor();
    await page.getByRole('tab', { name: 'Timeline' }).click();
    await page.getByLabel('Add a note').fill('Call about the spring campaign');
    await page.getByLabel('Remind me on').fill(day(7));
    await page.getByRole('button', { name: 'Add note' }).click();
    const reminders = page.getByRole('list', { name: 'Open reminders' });
    await reminders.getByText('Call about the spring campaign').waitFor();
    await reminders.getByRole('button', { name: 'Done' }).click();
    await page.getByText('No open reminders.', { exact: false }).waitFor();
    await check('staff-partner-timeline');
  });
});

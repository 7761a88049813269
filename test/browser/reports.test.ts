import fs from 'node:fs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  axeCheck,
  openTab,
  PASSWORD,
  type Server,
  screenshot,
  settled,
  signIn,
  startServer,
  type Tab,
} from './harness.js';

/**
 * The Overview's KPIs and the Reports page on a seeded data set. Brands and partners are created through the
 * API (as the admin); the activity is written as daily rollups, the table the tracking and intake pipelines
 * fill and the reporting API reads (as the reporting API tests do).
 */
let server: Server;
let tab: Tab;

const day = (offset: number) => {
  const d = new Date();
  d.setUTCDate(d.getUTCDate() + offset);
  return d.toISOString().slice(0, 10);
};

async function api(cookie: string, csrf: string, method: string, url: string, body: unknown) {
  const res = await server.app.inject({
    method: method as 'POST',
    url: `/api/v1${url}`,
    headers: { cookie, 'x-csrf-token': csrf, 'content-type': 'application/json' },
    payload: JSON.stringify(body),
  });
  if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
  return res.json() as { id: string };
}

beforeAll(async () => {
  server = await startServer();
  const login = await server.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { email: server.emails.admin, password: PASSWORD },
  });
  const cookie = [login.headers['set-cookie']]
    .flat()
    .map((c) => String(c).split(';')[0])
    .join('; ');
  const csrf = (login.json() as { csrfToken: string }).csrfToken;
  const brand = await api(cookie, csrf, 'POST', '/brands', {
    code: 'report-spins',
    name: 'Report Spins',
    vertical: 'igaming',
    currency: 'EUR',
    landingUrlTemplate: 'https://report.example/?c={click_id}',
    fallbackUrl: 'https://report.example/',
  });
  const orion = await api(cookie, csrf, 'POST', '/partners', {
    displayName: 'Orion Affiliates',
    segments: ['affiliate'],
    country: 'DE',
  });
  const vega = await api(cookie, csrf, 'POST', '/partners', {
    displayName: 'Vega IB',
    segments: ['ib'],
    country: 'CY',
  });
  const rollup = async (d: string, partnerId: string, segment: string, v: Record<string, number>) => {
    const cols = Object.keys(v);
    await sql`insert into rollups_daily (day, brand_id, partner_id, segment, link_id, sub_id, currency, ${sql.join(cols.map((c) => sql.ref(c)))})
      values (${d}::date, ${brand.id}::uuid, ${partnerId}::uuid, ${segment}, null, '', 'EUR', ${sql.join(cols.map((c) => sql`${v[c]}`))})`.execute(
      server.services.db,
    );
  };
  // This period (the last 30 days): revenue 1,234.56 + 500.00 EUR; the previous period: 1,000.00 EUR.
  await rollup(day(-3), orion.id, 'affiliate', {
    clicks: 400,
    unique_clicks: 300,
    registrations: 40,
    ftds: 8,
    revenue: 123456,
  });
  await rollup(day(-5), vega.id, 'ib', {
    clicks: 100,
    unique_clicks: 100,
    registrations: 10,
    ftds: 2,
    revenue: 50000,
  });
  await rollup(day(-40), orion.id, 'affiliate', { clicks: 50, unique_clicks: 50, ftds: 1, revenue: 100000 });
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
  tab = await openTab(server, { width: 1440, height: 900 });
  await signIn(tab, email);
  return tab;
}

const kpi = (key: string) => tab.page.locator(`[data-kpi="${key}"]`);

describe('overview KPIs', () => {
  it('shows the ten KPIs with values, trends and definitions for the seeded activity', async () => {
    const { page } = await as(server.emails.admin);
    await kpi('attributedRevenue').getByTestId('kpi-value').filter({ hasText: '€1,734.56' }).waitFor();
    expect(await page.locator('[data-kpi]').count()).toBe(10);
    await expect
      .poll(() => kpi('attributedRevenue').getByTestId('kpi-change').textContent())
      .toBe('+€734.56');
    await expect.poll(() => kpi('attributedRevenue').textContent()).toContain('€1,000.00');
    await expect.poll(() => kpi('activePartners').getByTestId('kpi-value').textContent()).toBe('2');
    await expect.poll(() => kpi('partnerMixBreadth').getByTestId('kpi-value').textContent()).toBe('28.8 %');
    // The definition is the API's, on hover and focus.
    await kpi('attributedRevenue')
      .getByRole('img', { name: /^Definition: / })
      .hover();
    await page.getByRole('tooltip').filter({ hasText: 'Revenue (NGR' }).waitFor();
    // The funnel and the time series.
    await expect.poll(() => page.getByTestId('funnel-clicks').textContent()).toContain('500');
    await expect.poll(() => page.getByTestId('funnel-registrations').textContent()).toContain('50');
    await expect.poll(() => page.getByTestId('funnel-ftds').textContent()).toContain('10');
    await expect.poll(() => page.getByTestId('timeseries-total').textContent()).toMatch(/^500 clicks/);
    await page.locator('label', { hasText: /^Revenue$/ }).click();
    await expect
      .poll(() => page.getByTestId('timeseries-total').textContent())
      .toMatch(/^€1,734\.56 revenue in EUR/);
    await settled(page);
    expect(await axeCheck(page)).toEqual([]);
    await screenshot(page, 'overview-kpis');

    // Filter by segment: IB only.
    await page.getByRole('combobox', { name: 'Segment' }).click();
    await page.getByRole('option', { name: 'IB' }).click();
    await kpi('attributedRevenue').getByTestId('kpi-value').filter({ hasText: '€500.00' }).waitFor();
    await expect.poll(() => kpi('activePartners').getByTestId('kpi-value').textContent()).toBe('1');
  });
});

describe('reports page', () => {
  it('groups by partner, exports the CSV with the same columns and saves, opens and deletes the report in the account', async () => {
    const { page } = await as(server.emails.analyst);
    await page
      .getByRole('navigation', { name: 'Main navigation' })
      .getByRole('link', { name: 'Reports' })
      .click();
    await page.getByRole('heading', { level: 1, name: 'Reports' }).waitFor();
    await page.getByRole('combobox', { name: 'Group by' }).click();
    await page.getByRole('option', { name: 'Partner', exact: true }).click();
    const table = page.getByRole('table', { name: 'Report' });
    await table.getByRole('rowheader', { name: 'Orion Affiliates' }).waitFor();
    const orion = table.getByRole('row').filter({ hasText: 'Orion Affiliates' });
    await expect.poll(() => orion.textContent()).toContain('€1,234.56');
    await expect
      .poll(() => table.getByRole('row').filter({ hasText: 'Vega IB' }).textContent())
      .toContain('€500.00');

    // Fewer columns: only clicks and revenue.
    await page.getByRole('button', { name: /^Columns/ }).click();
    for (const c of ['Registrations', 'FTDs', 'Click → registration'])
      await page.getByRole('checkbox', { name: c, exact: true }).uncheck();
    await page.keyboard.press('Escape');
    await expect
      .poll(() => table.locator('thead th').allInnerTexts())
      .toEqual(['Partner', 'Clicks', 'Revenue']);

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^report-partner-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = fs
      .readFileSync(await download.path(), 'utf8')
      .trim()
      .split(/\r?\n/);
    expect(csv[0]).toBe('partner,label,clicks,revenue');
    expect(csv.slice(1).some((l) => l.endsWith(',Orion Affiliates,400,123456'))).toBe(true);
    expect(csv.slice(1).some((l) => l.endsWith(',Vega IB,100,50000'))).toBe(true);

    // Compare with the previous 30 days: two calls side by side with the difference.
    await page.getByRole('switch', { name: 'Compare with another period' }).check({ force: true });
    await expect
      .poll(() => table.locator('thead th').allInnerTexts())
      .toEqual(['Partner', 'Clicks', 'Clicks (B)', 'Δ Clicks', 'Revenue', 'Revenue (B)', 'Δ Revenue']);
    await expect.poll(() => orion.textContent()).toContain('+€234.56');

    await settled(page);
    expect(await axeCheck(page)).toEqual([]);
    await screenshot(page, 'reports-by-partner');

    // Saved to the account (POST /saved-reports): it survives a reload and is the analyst's own.
    await page.getByLabel('Save as', { exact: true }).fill('Partners, clicks and revenue');
    await page.getByRole('button', { name: 'Save report' }).click();
    await page.getByText('Saved "Partners, clicks and revenue".').waitFor();
    const stored = await sql<{
      email: string;
      definition: { groupBy: string; columns: string[]; compare: boolean };
    }>`
      select u.email, s.definition from saved_reports s join users u on u.id = s.user_id`.execute(
      server.services.db,
    );
    expect(stored.rows).toEqual([
      {
        email: server.emails.analyst,
        definition: expect.objectContaining({
          groupBy: 'partner',
          columns: ['clicks', 'revenue'],
          compare: true,
        }),
      },
    ]);
    await page.reload();
    await page.getByRole('button', { name: 'Saved reports (1)' }).click();
    await page.getByRole('menuitem', { name: 'Partners, clicks and revenue', exact: true }).click();
    await table.getByRole('rowheader', { name: 'Orion Affiliates' }).waitFor();
    await expect
      .poll(() => table.locator('thead th').allInnerTexts())
      .toEqual(['Partner', 'Clicks', 'Clicks (B)', 'Δ Clicks', 'Revenue', 'Revenue (B)', 'Δ Revenue']);

    // Deleting asks first; then it is gone from the account.
    await page.getByRole('button', { name: 'Saved reports (1)' }).click();
    await page.getByRole('menuitem', { name: 'Delete saved report Partners, clicks and revenue' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete saved report' });
    await dialog.waitFor();
    // the menu's dropdown leaves the page after its closing transition; axe checks the dialog, not that moment
    await page.getByRole('menu').waitFor({ state: 'detached' });
    expect(await axeCheck(page)).toEqual([]);
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('button', { name: 'Saved reports (0)' }).waitFor();
    expect((await sql`select 1 from saved_reports`.execute(server.services.db)).rows).toEqual([]);

    // Reports saved in the browser before: moved to the account on request.
    // (the callbacks run in the page, which has localStorage; the test's Node types do not)
    await page.evaluate(() =>
      (
        globalThis as unknown as {
          localStorage: { setItem(k: string, v: string): void; getItem(k: string): string | null };
        }
      ).localStorage.setItem(
        'consort.savedReports.v1',
        JSON.stringify([
          {
            name: 'Old browser report',
            groupBy: 'segment',
            columns: ['clicks'],
            compare: false,
            filters: {
              preset: '30',
              from: '2026-01-01',
              to: '2026-01-31',
              brandId: null,
              segment: null,
              managerId: null,
              currency: 'EUR',
            },
          },
        ]),
      ),
    );
    await page.reload();
    await page.getByRole('button', { name: 'Move to my account' }).click();
    await page.getByRole('button', { name: 'Saved reports (1)' }).waitFor();
    expect(
      await page.evaluate(() =>
        (
          globalThis as unknown as {
            localStorage: { setItem(k: string, v: string): void; getItem(k: string): string | null };
          }
        ).localStorage.getItem('consort.savedReports.v1'),
      ),
    ).toBeNull();
  });
});

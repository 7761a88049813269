import { sql } from 'kysely';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Locator, Page } from 'playwright-core';
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
 * Issue 7's full journey through the UI, in one test on one database: a public application → document
 * review against the vetting checklist → contract acceptance → a tracking link → a real click on it → the
 * operator's postbacks → period close → line approval and hold release → payout batch through two approval
 * steps by two users → export and settlement → the partner verifies the sealed statement. The operator's
 * platform is the only party that does not use the UI (server-to-server postbacks with an API key).
 *
 * Business time: the server's clock starts on the 10th of next month (always after the real date, so
 * session cookies stay valid) and is moved forward past the month end (to close it) and past the hold.
 */

/** A 1×1 PNG: the smallest document the upload checks accept by content. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

const BRAND = { code: 'aurora-casino', name: 'Aurora Casino' };
const APPLICANT = { name: 'Nova Streams', email: 'nova@streams.test', password: 'nova-streams-pass-1' };
const CUSTOMER = 'aurora-cust-1001';

/** The deal the brand's affiliate template carries: a CPA held 3 days after the month, and 30% revenue share. */
const TERMS = {
  schemaVersion: 1,
  name: 'Aurora affiliate: CPA 100 + revenue share 30%',
  currency: 'EUR',
  segments: ['affiliate'],
  components: [
    {
      id: 'rs',
      kind: 'igaming_revshare',
      ngr: { deductions: [{ kind: 'bonuses', method: 'reported' }] },
      rate: '30',
      carryover: { enabled: true, scope: 'per_brand' },
    },
    {
      id: 'cpa',
      kind: 'igaming_cpa',
      amount: { default: '100' },
      qualification: { minFirstDeposit: '20' },
      holdDays: 3,
    },
  ],
} as const;

/** The operator's activity for the customer in the month (major units, as the API takes them). */
const FTD = '50.00';
const DAY = { stakes: '400.00', wins: '250.00', bonuses: '30.00', deposits: '50.00', bets: 12 };

/** Decimal major units → minor units (2 digits, EUR). */
const minor = (s: string): bigint => {
  const [i, f = ''] = s.split('.');
  return BigInt(i!) * 100n + BigInt((f + '00').slice(0, 2));
};
const major = (m: bigint): string => `${m / 100n}.${String(m % 100n).padStart(2, '0')}`;

// Expected commission, computed from the terms above (not typed in): CPA once the first deposit qualifies;
// revenue share = rate × NGR, NGR = stakes − wins − bonuses (the only deduction, as reported).
const cpa = TERMS.components[1];
const rs = TERMS.components[0];
const EXPECTED_CPA = minFirstDepositMet() ? minor(cpa.amount.default) : 0n;
const NGR = minor(DAY.stakes) - minor(DAY.wins) - minor(DAY.bonuses);
const EXPECTED_RS = (NGR * BigInt(rs.rate)) / 100n;
const EXPECTED_TOTAL = EXPECTED_CPA + EXPECTED_RS;
function minFirstDepositMet() {
  return minor(FTD) >= minor(TERMS.components[1].qualification.minFirstDeposit);
}

// ---- business time ----
const pad = (n: number) => String(n).padStart(2, '0');
const real = new Date();
/** The month the activity happens in: the month after the real one. */
const P_YEAR = real.getUTCMonth() === 11 ? real.getUTCFullYear() + 1 : real.getUTCFullYear();
const P_MONTH = (real.getUTCMonth() + 1) % 12; // 0-based
const PERIOD = `${P_YEAR}-${pad(P_MONTH + 1)}`;
const NEXT_YEAR = P_MONTH === 11 ? P_YEAR + 1 : P_YEAR;
const NEXT_MONTH = (P_MONTH + 1) % 12;
const at = (y: number, m0: number, d: number) => Date.UTC(y, m0, d, 10, 0, 0);
const ACTIVITY_DAY = `${PERIOD}-10`;
/** The CPA's hold ends on the first day after the period plus holdDays (docs/deals.md). */
const HOLD_UNTIL = new Date(at(NEXT_YEAR, NEXT_MONTH, 1 + cpa.holdDays)).toISOString().slice(0, 10);

let offset = at(P_YEAR, P_MONTH, 10) - Date.now();
const clock = () => new Date(Date.now() + offset);
/** Moves the server's business time to 10:00 UTC of a day. */
function setBusinessDay(y: number, m0: number, d: number) {
  offset = at(y, m0, d) - Date.now();
}
const businessDate = () => clock().toISOString().slice(0, 10);

let server: Server;
const tabs: Tab[] = [];
const visited: string[] = [];
/** The brand's landing page: a tiny local site, so the click lands somewhere real without the internet. */
let landing: http.Server;
let landingOrigin = '';

beforeAll(async () => {
  server = await startServer({}, { clock });
  landing = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(
      '<!doctype html><html lang="en"><head><title>Aurora Casino</title><link rel="icon" href="data:,"></head>' +
        '<body><main><h1>Welcome to Aurora Casino</h1></main></body></html>',
    );
  });
  await new Promise<void>((resolve) => landing.listen(0, '127.0.0.1', resolve));
  landingOrigin = `http://127.0.0.1:${(landing.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const t of tabs) await t.context.close().catch(() => undefined);
  await server?.close();
  await new Promise((resolve) => landing?.close(resolve));
});

async function person(email?: string): Promise<Tab> {
  const t = await openTab(server);
  tabs.push(t);
  if (email) await signIn(t, email);
  return t;
}

/** Every main page: settled, axe clean (serious/critical), a screenshot, no console errors so far. */
async function checkPage(t: Tab, name: string) {
  await settled(t.page);
  // an open modal or drawer must have finished its opening transition (axe measures colours as rendered)
  await t.page.waitForFunction(() => {
    const g = globalThis as unknown as {
      document: { querySelectorAll(s: string): ArrayLike<unknown> };
      getComputedStyle(e: unknown): { opacity: string; transform: string };
    };
    return Array.from(g.document.querySelectorAll('.mantine-Modal-content, .mantine-Drawer-content')).every(
      (e) =>
        g.getComputedStyle(e).opacity === '1' &&
        ['none', 'matrix(1, 0, 0, 1, 0, 0)'].includes(g.getComputedStyle(e).transform),
    );
  });
  expect(await axeCheck(t.page), name).toEqual([]);
  await screenshot(t.page, `journey-${name}`);
  expect(t.errors, name).toEqual([]);
  visited.push(name);
}

async function pick(
  page: Page,
  label: string | RegExp,
  option: string | RegExp,
  scope: Page | Locator = page,
) {
  await scope.getByLabel(label).first().click();
  await page.getByRole('option', { name: option }).click();
}

/** How the page itself formats an amount (money() in web/src/components/money.tsx). */
function shown(page: Page, m: bigint, currency = 'EUR'): Promise<string> {
  return page.evaluate(
    ({ n, c }) => new Intl.NumberFormat(undefined, { style: 'currency', currency: c }).format(n),
    { n: Number(major(m)), c: currency },
  );
}

/** The partner's balance per account as the ledger entries sum it (credit-negative, so negated). */
async function ledgerSum(partnerId: string): Promise<Record<string, bigint>> {
  const r = await sql<{ account: string; sum: string }>`select account, sum(amount)::text as sum
    from ledger_entries where partner_id = ${partnerId} group by account`.execute(server.services.db);
  return Object.fromEntries(r.rows.map((x) => [x.account, -BigInt(x.sum)]));
}

/** A staff API session for the one setup step without a page (the brand's ledger settings). */
async function apiAs(email: string) {
  const res = await fetch(`${server.base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: PASSWORD }),
  });
  expect(res.status).toBe(200);
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  return (method: string, path: string, body?: unknown) =>
    fetch(`${server.base}/api/v1${path}`, {
      method,
      headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrfToken },
      body: body === undefined ? null : JSON.stringify(body),
    });
}

describe('the full journey through the UI', () => {
  it('application → review → contract → link → click → postbacks → close → approvals → payout → verified statement', async () => {
    // ---------- setup by the operator's admin, in the console ----------
    const admin = await person(server.emails.admin);
    let page = admin.page;
    await page.goto('/settings/brands');
    await page.getByRole('button', { name: 'New brand' }).click();
    let dialog = page.getByRole('dialog');
    await dialog.getByLabel(/^Code/).fill(BRAND.code);
    await dialog.getByLabel(/^Name/).fill(BRAND.name);
    await dialog
      .getByLabel(/^Landing URL template/)
      .fill(`${landingOrigin}/welcome?cid={click_id}&s1={sub1}`);
    await dialog.getByLabel(/^Fallback URL/).fill(`${landingOrigin}/`);
    await dialog.getByRole('button', { name: 'Create brand' }).click();
    await page.getByRole('cell', { name: new RegExp(BRAND.code) }).waitFor();

    await page.goto('/deals');
    await pick(page, 'Brand', BRAND.name);
    await page.getByLabel(/^Name/).fill(TERMS.name);
    await page.getByLabel('Deal terms (JSON)').fill(JSON.stringify(TERMS, null, 2));
    await page.getByRole('button', { name: 'Save new version' }).click();
    await page.getByRole('cell', { name: TERMS.name }).waitFor();

    // the operator platform's integration key (events and activity), shown once
    await page.goto('/settings/api-keys');
    await page.getByRole('button', { name: 'New API key' }).click();
    await page.getByLabel(/^Name/).fill('Aurora platform');
    await page.getByLabel(/^events:write/).check();
    await page.getByLabel(/^activity:write/).check();
    await page.getByRole('button', { name: 'Create key' }).click();
    const apiKey = ((await page.getByTestId('new-api-key').textContent()) ?? '').trim();
    expect(apiKey).toMatch(/^ck_/);
    await page.getByRole('button', { name: 'I have stored it' }).click();

    // payouts of this brand need two approval steps, finance then compliance (no page edits these settings)
    const brand = await server.services.db
      .selectFrom('brands')
      .select(['id'])
      .where('code', '=', BRAND.code)
      .executeTakeFirstOrThrow();
    const adminApi = await apiAs(server.emails.admin);
    const settings = await adminApi('PUT', `/brands/${brand.id}/ledger-settings`, {
      approvalSteps: ['finance', 'compliance'],
      minPayoutMinor: '0',
    });
    expect(settings.status, await settings.clone().text()).toBe(200);

    // ---------- 1. a person applies through the public form (no login) ----------
    const applicant = await person();
    page = applicant.page;
    await page.goto(`/apply/${BRAND.code}`);
    await page.getByRole('heading', { name: `Apply to the ${BRAND.name} partner program` }).waitFor();
    await page.getByLabel(/^Name/).fill(APPLICANT.name);
    await page.getByLabel(/^E-mail/).fill(APPLICANT.email);
    await page.getByLabel(/^Password/).fill(APPLICANT.password);
    await page.getByRole('checkbox', { name: 'Affiliate' }).check();
    await page.getByLabel(/^Country/).fill('MT');
    await checkPage(applicant, 'apply');
    await page.getByRole('button', { name: 'Submit application' }).click();
    await page.getByRole('heading', { name: 'Application received' }).waitFor();
    await checkPage(applicant, 'apply-received');
    const partner = await server.services.db
      .selectFrom('partners')
      .select(['id', 'status', 'display_name'])
      .where('email', '=', APPLICANT.email)
      .executeTakeFirstOrThrow();
    expect(partner.status).toBe('applied');

    // the applicant signs in and uploads the documents the vetting checklist asks for, and a payout method
    await page.getByRole('link', { name: 'Sign in' }).click();
    await signIn(applicant, APPLICANT.email, APPLICANT.password);
    await page.goto('/portal/onboarding');
    const checklist = page.getByRole('list', { name: 'Vetting checklist' });
    await checklist.waitFor();
    const required = ['Identity document', 'Bank account proof', 'Tax form'];
    for (const r of required) await checklist.getByText(r, { exact: true }).waitFor();
    for (const [type, file] of [
      ['Identity document', 'passport.png'],
      ['Bank account proof', 'bank-letter.png'],
      ['Tax form', 'w8ben.png'],
    ] as const) {
      await pick(page, /^Document type/, type);
      await page
        .locator('input[type="file"]')
        .setInputFiles({ name: file, mimeType: 'image/png', buffer: PNG });
      await page.getByRole('button', { name: 'Upload' }).click();
      await page.getByRole('table', { name: 'Your documents' }).getByText(file).waitFor();
    }
    const methodForm = page.getByRole('form', { name: 'Payout method' });
    await methodForm.getByLabel(/^Account holder/).fill('Nova Streams Ltd');
    await methodForm.getByLabel(/^IBAN/).fill('DE89 3704 0044 0532 0130 00');
    await methodForm.getByRole('button', { name: 'Save payout method' }).click();
    await page.getByTestId('payout-method').getByText('bank').waitFor();
    await checkPage(applicant, 'portal-onboarding-documents');

    // ---------- 2. compliance reviews the documents against the checklist and approves ----------
    const compliance = await person(server.emails.compliance);
    page = compliance.page;
    await page.goto('/onboarding');
    await page.getByRole('link', { name: APPLICANT.name }).click();
    await page.getByRole('heading', { name: APPLICANT.name }).waitFor();
    await checkPage(compliance, 'staff-application');
    await page.getByRole('button', { name: 'Start review' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Start review' }).click();
    await page.getByRole('button', { name: 'Approve', exact: true }).waitFor();
    await page.getByRole('tab', { name: 'Documents' }).click();
    const docs = page.getByRole('table', { name: 'Documents' });
    for (const file of ['passport.png', 'bank-letter.png', 'w8ben.png']) {
      await page.getByRole('button', { name: `Review ${file}` }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Approve document' }).click();
      await docs
        .getByRole('row', { name: new RegExp(file) })
        .getByText('approved')
        .waitFor();
    }
    // every checklist line is approved now
    const staffChecklist = page.getByRole('list', { name: 'Vetting checklist' });
    await expect
      .poll(() => staffChecklist.getByText('approved', { exact: true }).count())
      .toBe(required.length);
    await checkPage(compliance, 'document-review');
    await page.getByRole('button', { name: 'Approve', exact: true }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Approve', exact: true }).click();
    // approved: the workflow offers Terminate (never before approval)
    await page.getByRole('button', { name: 'Terminate' }).waitFor();

    // ---------- 3. a contract is issued (the partner has no manager yet: the admin issues it) ----------
    page = admin.page;
    await page.goto(`/partners/${partner.id}`);
    await page.getByRole('tab', { name: 'Contracts' }).click();
    await page.getByRole('button', { name: 'Issue contract' }).click();
    dialog = page.getByRole('dialog', { name: 'Issue a contract' });
    await dialog.getByRole('button', { name: 'Issue contract' }).click();
    await page.getByRole('table', { name: 'Contracts' }).getByText('issued', { exact: true }).waitFor();

    // the partner reads and accepts it in the portal
    page = applicant.page;
    await page.goto('/portal/onboarding');
    await page.getByRole('button', { name: 'Read and accept' }).first().click();
    dialog = page.getByRole('dialog');
    await expect.poll(() => dialog.getByTestId('contract-text').textContent()).toContain(BRAND.name);
    await checkPage(applicant, 'contract-accept');
    await dialog.getByLabel('I have read and accept these terms').check();
    await dialog.getByRole('button', { name: 'Accept contract' }).click();
    await page.getByText(/^accepted /).waitFor();

    // compliance activates the partner (contract accepted, documents in order)
    page = compliance.page;
    await page.reload();
    await page.getByRole('button', { name: 'Activate' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Activate' }).click();
    // active: the workflow offers Suspend (only an active partner can be suspended)
    await page.getByRole('button', { name: 'Suspend' }).waitFor();
    expect(
      (
        await server.services.db
          .selectFrom('partners')
          .select('status')
          .where('id', '=', partner.id)
          .executeTakeFirstOrThrow()
      ).status,
    ).toBe('active');

    // ---------- 4. the partner builds a tracking link and copies it ----------
    page = applicant.page;
    await applicant.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.base });
    await page.goto('/portal/links');
    await page.getByLabel(/^Name/).fill('Spring stream');
    await pick(page, /^Segment/, 'Affiliate');
    // the brand by name (or by id while the partner's programs load)
    await pick(page, /^Brand/, new RegExp(`^(${BRAND.name}|${brand.id})$`));
    await page.getByLabel('sub1', { exact: true }).fill('spring');
    await page.getByRole('button', { name: 'Create link' }).click();
    await page.getByRole('table', { name: 'Your links and codes' }).getByText('Spring stream').waitFor();
    await checkPage(applicant, 'portal-links');
    await page.getByRole('button', { name: 'Copy link', exact: true }).click();
    const copied = await page.evaluate<string>('navigator.clipboard.readText()');
    expect(copied).toMatch(new RegExp(`^${server.base}/r/[A-Za-z0-9_-]+\\?sub1=spring$`));

    // ---------- 5. a real click: a visitor opens the link and lands on the brand's landing page ----------
    // a person's browser, not a headless one (the redirect marks headless user agents as bots, which earn nothing)
    const visitorContext = await server.browser.newContext({
      userAgent:
        'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
    });
    tabs.push({ page: await visitorContext.newPage(), context: visitorContext, errors: [] });
    const visitor = tabs[tabs.length - 1]!;
    await visitor.page.goto(copied);
    await visitor.page.getByRole('heading', { name: 'Welcome to Aurora Casino' }).waitFor();
    const landed = new URL(visitor.page.url());
    expect(landed.origin + landed.pathname).toBe(`${landingOrigin}/welcome`);
    const clickId = landed.searchParams.get('cid') ?? '';
    expect(clickId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(landed.searchParams.get('s1')).toBe('spring');
    await screenshot(visitor.page, 'journey-landing');
    // the redirect records clicks write-behind: wait for this one to be stored
    await expect
      .poll(async () => {
        const c = await server.services.db
          .selectFrom('clicks')
          .select(['partner_id', 'sub1', 'is_bot'])
          .where('id', '=', clickId)
          .executeTakeFirst();
        return c ? `${c.partner_id}/${c.sub1}/bot:${c.is_bot}` : null;
      })
      .toBe(`${partner.id}/spring/bot:false`);

    // ---------- 6. the operator's platform posts registration, FTD and the day's activity ----------
    const post = async (path: string, body: unknown) => {
      const res = await fetch(`${server.base}/api/v1${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
        body: JSON.stringify(body),
      });
      const json = (await res.json()) as Record<string, unknown>;
      expect(res.status, JSON.stringify(json)).toBe(200);
      return json;
    };
    const reg = await post('/events', {
      brand: BRAND.code,
      event: 'registration',
      event_id: 'aurora-reg-1',
      customer_id: CUSTOMER,
      click_id: clickId,
    });
    expect(reg.owner).toEqual({ partnerId: partner.id, segment: 'affiliate' });
    const ftd = await post('/events', {
      brand: BRAND.code,
      event: 'ftd',
      event_id: 'aurora-ftd-1',
      customer_id: CUSTOMER,
      click_id: clickId,
      amount: FTD,
      currency: 'EUR',
    });
    expect(ftd.owner).toEqual({ partnerId: partner.id, segment: 'affiliate' });
    const activity = await post('/activity/igaming-days', {
      brand: BRAND.code,
      rows: [{ customer_id: CUSTOMER, date: ACTIVITY_DAY, currency: 'EUR', ...DAY }],
    });
    expect(activity.inserted).toBe(1);

    // ---------- 7. after the month ends, finance closes it ----------
    setBusinessDay(NEXT_YEAR, NEXT_MONTH, 2);
    const finance = await person(server.emails.finance);
    page = finance.page;
    await page.goto('/money/commissions');
    await page.getByText('No commission lines').waitFor();
    await page.getByRole('button', { name: 'Close period' }).click();
    dialog = page.getByRole('dialog', { name: 'Close a period' });
    await pick(page, 'Brand', BRAND.name, dialog);
    await dialog.getByLabel(/^Period/).fill(PERIOD);
    await checkPage(finance, 'close-period-confirm');
    await dialog.getByRole('button', { name: `Close ${PERIOD}` }).click();
    await expect
      .poll(() => page.getByTestId('close-outcome').textContent())
      .toContain(`${PERIOD} closed: 2 line(s)`);
    expect(await page.getByTestId('close-outcome').textContent()).toContain(
      await shown(page, EXPECTED_TOTAL),
    );
    const row = (kind: string) => page.getByRole('row').filter({ hasText: kind });
    await row('CPA')
      .getByText(await shown(page, EXPECTED_CPA))
      .waitFor();
    await row('Revenue share')
      .getByText(await shown(page, EXPECTED_RS))
      .waitFor();
    // the explanation drawer states how the revenue share was computed
    await row('Revenue share').getByRole('button', { name: 'Explain' }).click();
    await page.getByRole('dialog').getByText(/30/).first().waitFor();
    await checkPage(finance, 'commission-explanation');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByRole('dialog').count()).toBe(0);

    // approve both lines: the revenue share is payable at once, the CPA waits for its hold
    await page.getByRole('checkbox', { name: 'Select all lines' }).check();
    await page.getByRole('button', { name: 'Approve', exact: true }).click();
    dialog = page.getByRole('dialog', { name: 'Approve 2 line(s)' });
    await dialog.getByRole('button', { name: 'Approve', exact: true }).click();
    await row('Revenue share').getByText('Payable').waitFor();
    await row('CPA').getByText('Approved').waitFor();
    const held = await server.services.db
      .selectFrom('commission_lines')
      .select(['hold_until'])
      .where('partner_id', '=', partner.id)
      .where('kind', '=', 'cpa')
      .executeTakeFirstOrThrow();
    expect(String(held.hold_until).slice(0, 10)).toBe(HOLD_UNTIL);
    await checkPage(finance, 'commissions-approved');

    // ---------- 8. after the hold, finance releases it ----------
    setBusinessDay(NEXT_YEAR, NEXT_MONTH, 1 + cpa.holdDays + 1);
    expect(businessDate() > HOLD_UNTIL).toBe(true);
    await finance.context.close();
    const finance2 = await person(server.emails.finance);
    page = finance2.page;
    await page.goto('/money/commissions');
    await row('CPA').getByText('Approved').waitFor();
    await page.getByRole('button', { name: 'Release ended holds' }).click();
    await page.getByText('1 line(s) whose hold ended are now').waitFor();
    await row('CPA').getByText('Payable').waitFor();
    await checkPage(finance2, 'commissions-payable');

    // the partner sees the payable balance, equal to the ledger's sum
    const sums = await ledgerSum(partner.id);
    expect(sums.partner_payable).toBe(EXPECTED_TOTAL);
    expect(sums.partner_pending ?? 0n).toBe(0n);
    const partner2 = await person();
    await signIn(partner2, APPLICANT.email, APPLICANT.password);
    page = partner2.page;
    await page.goto('/portal/earnings');
    const balance = page.getByRole('heading', { name: 'Balance' }).locator('..');
    await balance.getByText(await shown(page, sums.partner_payable!)).waitFor();
    await checkPage(partner2, 'portal-earnings-payable');

    // ---------- 9. a payout batch through the brand's two approval steps ----------
    page = finance2.page;
    await page.goto('/money/payouts');
    const createForm = page
      .locator('form')
      .filter({ has: page.getByRole('button', { name: 'Create batch' }) });
    await pick(page, 'Brand', BRAND.name, createForm);
    await createForm.getByRole('textbox', { name: 'Pay date', exact: true }).fill(businessDate());
    await createForm.getByRole('button', { name: 'Create batch' }).click();
    await page.waitForURL(/\/money\/payouts\/[0-9a-f-]{36}$/);
    const batchUrl = new URL(page.url()).pathname;
    const payRow = page.getByRole('row').filter({ hasText: partner.display_name });
    await payRow
      .getByText(await shown(page, EXPECTED_TOTAL))
      .first()
      .waitFor();
    await page.getByText('Step 1: Finance').waitFor();
    await page.getByText('Step 2: Compliance').waitFor();
    await checkPage(finance2, 'payout-batch');
    await page.getByRole('button', { name: 'Approve step 1' }).click();
    await page
      .getByRole('dialog', { name: 'Approve step 1' })
      .getByRole('button', { name: 'Approve' })
      .click();
    await page.getByText('You approved an earlier step: another user takes this one.').waitFor();

    const compliance2 = await person(server.emails.compliance);
    page = compliance2.page;
    await page.goto(batchUrl);
    await page.getByRole('button', { name: 'Approve step 2' }).click();
    await page
      .getByRole('dialog', { name: 'Approve step 2' })
      .getByRole('button', { name: 'Approve' })
      .click();
    await page.getByText('approved', { exact: true }).waitFor();
    await checkPage(compliance2, 'payout-approved');

    // ---------- 10. finance exports the batch and marks the line paid with the bank's reference ----------
    page = finance2.page;
    await page.reload();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    const csv = fs.readFileSync(await download.path(), 'utf8');
    const csvLine = csv.split('\n').find((l) => l.includes(partner.id)) ?? '';
    expect(csvLine).toContain(`${major(EXPECTED_TOTAL)},EUR`);
    expect(csvLine).toContain('DE89370400440532013000');
    await payRow.getByRole('button', { name: 'Settle' }).click();
    dialog = page.getByRole('dialog', { name: 'Settle payout line' });
    await dialog.getByLabel(/^Payment reference/).fill('SEPA-AURORA-0001');
    await dialog.getByRole('button', { name: 'Mark paid' }).click();
    await payRow.getByText('SEPA-AURORA-0001').waitFor();
    await payRow.getByText('paid', { exact: true }).waitFor();
    await checkPage(finance2, 'payout-paid');

    // the statement of the month is issued and sealed
    await page.goto('/money/payouts');
    await pick(page, 'Partner', APPLICANT.name);
    const issueForm = page
      .locator('form')
      .filter({ has: page.getByRole('button', { name: 'Issue and seal statement' }) });
    await pick(page, 'Brand', BRAND.name, issueForm);
    await issueForm.getByLabel(/^Closed period/).fill(PERIOD);
    await issueForm.getByRole('button', { name: 'Issue and seal statement' }).click();
    await page.getByRole('button', { name: 'Verify seal' }).waitFor();

    // ---------- 11. the partner opens the sealed statement and verifies its seal ----------
    page = partner2.page;
    await page.goto('/portal/earnings');
    // the portal names the brand from the partner's own programs
    await page.getByRole('cell', { name: BRAND.name }).first().waitFor();
    await page.getByRole('button', { name: 'Verify seal' }).click();
    await page.getByRole('status').filter({ hasText: 'Seal verified' }).waitFor();
    // every line paid; the balance card and the ledger agree that nothing is left to pay
    const after = await ledgerSum(partner.id);
    expect(after.partner_pending ?? 0n).toBe(0n);
    expect(after.partner_payable ?? 0n).toBe(0n);
    expect(after.partner_in_payout ?? 0n).toBe(0n);
    for (const kind of ['CPA', 'Revenue share'])
      await page.getByRole('row').filter({ hasText: kind }).getByText('Paid', { exact: true }).waitFor();
    await checkPage(partner2, 'portal-statement-verified');
    // the HTML statement opens and carries the seal and the total
    const html = await page.evaluate<string>(
      `fetch(document.querySelector('a[href*="format=html"]').href).then((r) => r.text())`,
    );
    expect(html).toContain(major(EXPECTED_TOTAL));

    expect(visited.length).toBeGreaterThanOrEqual(14);
  }, 240_000);
});

describe('the pages the journey added: errors next to the fields', () => {
  it('the public form, the payout method and the close say what is wrong where it is wrong', async () => {
    const visitor = await person();
    let page = visitor.page;
    await page.goto('/apply/no-such-program');
    await page.getByRole('heading', { name: 'Program not found' }).waitFor();
    expect(await axeCheck(page)).toEqual([]);

    await page.goto('/apply/lucky-spins');
    await page.getByLabel(/^Name/).fill('Too Short');
    await page.getByLabel(/^E-mail/).fill('short@password.test');
    await page.getByLabel(/^Password/).fill('short');
    await page.getByRole('checkbox', { name: 'IB' }).check();
    await page.getByRole('button', { name: 'Submit application' }).click();
    // the API's message under the Password field (PasswordInput describes its input with it)
    await page.getByText(/fewer than 10 characters/i).waitFor();
    expect(await page.locator('input[type="password"]').getAttribute('aria-describedby')).toContain(
      (await page.getByText(/fewer than 10 characters/i).getAttribute('id')) ?? 'no-id',
    );
    await checkPage(visitor, 'apply-field-error');
    const stored = await server.services.db
      .selectFrom('partners')
      .select('id')
      .where('email', '=', 'short@password.test')
      .execute();
    expect(stored).toEqual([]);

    // an IBAN with a wrong check digit is refused next to the IBAN field
    const maya = await person(server.emails.partner);
    page = maya.page;
    await page.goto('/portal/onboarding');
    const form = page.getByRole('form', { name: 'Payout method' });
    await form.getByLabel(/^Account holder/).fill('Maya Creator');
    await form.getByLabel(/^IBAN/).fill('DE00 3704 0044 0532 0130 00');
    await form.getByRole('button', { name: 'Save payout method' }).click();
    await expect.poll(() => form.getByLabel(/^IBAN/).getAttribute('aria-invalid')).toBe('true');
    expect(
      await server.services.db
        .selectFrom('payment_methods')
        .select('id')
        .where('partner_id', '=', server.partnerId)
        .execute(),
    ).toEqual([]);
    expect(maya.errors).toEqual([]);

    // closing a month twice: the first close books it, the second changes nothing and says so
    const finance = await person(server.emails.finance);
    page = finance.page;
    await page.goto('/money/commissions');
    for (const expected of ['2026-01 closed: 0 line(s)', '2026-01 was already closed and nothing changed']) {
      await page.getByRole('button', { name: 'Close period' }).click();
      const dialog = page.getByRole('dialog', { name: 'Close a period' });
      await pick(page, 'Brand', 'Lucky Spins Casino', dialog);
      await dialog.getByLabel(/^Period/).fill('2026-13');
      await dialog.getByText('Use YYYY-MM').waitFor();
      expect(await dialog.getByRole('button', { name: /^Close / }).isDisabled()).toBe(true);
      await dialog.getByLabel(/^Period/).fill('2026-01');
      await dialog.getByRole('button', { name: 'Close 2026-01' }).click();
      await expect.poll(() => page.getByTestId('close-outcome').textContent()).toContain(expected);
    }
    expect(finance.errors).toEqual([]);
  });
});

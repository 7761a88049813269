import type { Locator } from 'playwright-core';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browsing, checkPage, joinBrand, type Server, startServer } from './harness.js';

/**
 * The shared tables with rows in them: the postback delivery log (portal Postbacks, staff Tracking) and the
 * payout lines (portal payout history, the staff partner page's payouts, a staff batch).
 */
let server: Server;
let paidBatch: string;
const browsing = new Browsing(() => server);

beforeAll(async () => {
  server = await startServer();
  const db = server.services.db;
  const brandId = await joinBrand(server, server.partnerId);
  const now = new Date();
  const postbackId = uuidv7();
  await db
    .insertInto('partner_postbacks')
    .values({
      id: postbackId,
      partner_id: server.partnerId,
      brand_id: null,
      event_type: 'ftd',
      url: 'https://tracker.example/pb?cid={click_id}',
      enabled: true,
      consecutive_failures: 0,
      disabled_at: null,
      disabled_reason: null,
      created_at: now,
      updated_at: now,
    } as never)
    .execute();
  for (const d of [
    {
      status: 'failed',
      attempts: 10,
      last_status_code: null,
      last_error: 'connect ECONNREFUSED',
      cid: 'c-failed',
    },
    { status: 'delivered', attempts: 1, last_status_code: 200, last_error: null, cid: 'c-ok' },
  ])
    await db
      .insertInto('postback_deliveries')
      .values({
        id: uuidv7(),
        postback_id: postbackId,
        partner_id: server.partnerId,
        event_id: uuidv7(),
        event_version: 1,
        url: `https://tracker.example/pb?cid=${d.cid}`,
        status: d.status,
        attempts: d.attempts,
        last_status_code: d.last_status_code,
        last_error: d.last_error,
        created_at: now,
        enqueued_at: null,
        finished_at: now,
      } as never)
      .execute();

  const methodId = uuidv7();
  await db
    .insertInto('payment_methods')
    .values({
      id: methodId,
      partner_id: server.partnerId,
      kind: 'bank',
      currency: 'EUR',
      details: JSON.stringify({ holder: 'Maya Creator', iban: 'DE89370400440532013000' }),
      is_change: false,
      usable_from: now,
      notified_at: now,
      created_by: 'browser-test',
      created_at: now,
      superseded_at: null,
    } as never)
    .execute();
  const batch = async (payDate: string, line: Record<string, unknown>) => {
    const id = uuidv7();
    await db
      .insertInto('payout_batches')
      .values({
        id,
        brand_id: brandId,
        pay_date: payDate,
        status: 'exported',
        approval_steps: ['finance'],
        skipped: '[]',
        created_by: 'browser-test',
        created_at: now,
        exported_at: now,
        export_format: 'csv',
      } as never)
      .execute();
    await db
      .insertInto('payout_lines')
      .values({
        id: uuidv7(),
        batch_id: id,
        partner_id: server.partnerId,
        currency: 'EUR',
        amount: 12345,
        pay_currency: 'EUR',
        pay_amount: 12345,
        fx_rate: null,
        method_id: methodId,
        end_to_end_id: `E2E-${id.slice(-12)}`,
        invoice_number: null,
        reference: null,
        failure_reason: null,
        settled_at: now,
        ...line,
      } as never)
      .execute();
    return id;
  };
  paidBatch = await batch('2026-02-03', { status: 'paid', reference: 'SEPA-REF-0001' });
  await batch('2026-03-03', { status: 'failed', failure_reason: 'IBAN closed' });
});

afterAll(async () => {
  await browsing.close();
  await server?.close();
});

const rowOf = (table: Locator, text: string) => table.getByRole('row').filter({ hasText: text });

describe('the postback delivery log', () => {
  it('the partner sees its deliveries with the last answer, no partner column', async () => {
    const tab = await browsing.as(server.emails.partner);
    const { page } = tab;
    await page.goto('/portal/postbacks');
    const log = page.getByRole('table', { name: 'Delivery log' });
    await rowOf(log, 'c-failed').getByText('connect ECONNREFUSED').waitFor();
    await rowOf(log, 'c-failed').getByText('failed', { exact: true }).waitFor();
    await rowOf(log, 'c-ok').getByText('HTTP 200').waitFor();
    expect(await log.getByRole('columnheader').allTextContents()).toEqual([
      'When',
      'URL called',
      'Status',
      'Attempts',
      'Last answer',
    ]);
    await checkPage(tab, 'portal-postback-deliveries');
  });

  it('staff see the failing ones across partners, with whose postback it was', async () => {
    const tab = await browsing.as(server.emails.admin);
    const { page } = tab;
    await page.goto('/tracking');
    await page.getByRole('tab', { name: 'Delivery log' }).click();
    const log = page.getByRole('table', { name: 'Delivery log' });
    await rowOf(log, 'c-failed').getByText('Maya Creator').waitFor();
    expect(await log.getByRole('columnheader').allTextContents()).toEqual([
      'When',
      'Partner',
      'URL called',
      'Status',
      'Attempts',
      'Last answer',
    ]);
    expect(await rowOf(log, 'c-ok').count()).toBe(0); // the default filter: failed
    await checkPage(tab, 'staff-postback-deliveries');
  });
});

describe('payout lines', () => {
  it("the partner's history: paid with its reference, failed with the reason, newest first", async () => {
    const tab = await browsing.as(server.emails.partner);
    const { page } = tab;
    await page.goto('/portal/payouts');
    const table = page.getByRole('table', { name: 'Payouts' });
    await rowOf(table, 'SEPA-REF-0001').getByText('Paid', { exact: true }).waitFor();
    await rowOf(table, 'IBAN closed').getByText('Failed', { exact: true }).waitFor();
    const rows = await table.getByRole('row').allTextContents();
    expect(rows).toHaveLength(3);
    expect(rows[1]).toContain('IBAN closed'); // March first
    expect(rows[2]).toContain('€123.45');
    expect(rows[2]).toContain('by bank');
    await checkPage(tab, 'portal-payouts-history');
  });

  it("finance sees the same history on the partner page and the batch's line with its stored state", async () => {
    const tab = await browsing.as(server.emails.finance);
    const { page } = tab;
    await page.goto(`/partners/${server.partnerId}`);
    await page.getByRole('tab', { name: 'Commissions and balance' }).click();
    const history = page.getByRole('table', { name: 'Payouts' });
    await rowOf(history, 'SEPA-REF-0001').getByText('Paid', { exact: true }).waitFor();
    await rowOf(history, 'IBAN closed').waitFor();

    await page.goto(`/money/payouts/${paidBatch}`);
    const lines = page.getByRole('table', { name: 'Payout lines' });
    const row = rowOf(lines, 'Maya Creator'); // the line names its partner
    await row.getByText('paid', { exact: true }).waitFor();
    await row.getByText('SEPA-REF-0001').waitFor();
    expect(await row.getByRole('button', { name: 'Settle' }).count()).toBe(0);
    expect(await lines.getByRole('columnheader').allTextContents()).toEqual([
      'Partner',
      'Method',
      'Amount',
      'Paid as',
      'Status',
      'Reference / reason',
      'Actions',
    ]);
    await checkPage(tab, 'staff-payout-batch-lines');
  });
});
